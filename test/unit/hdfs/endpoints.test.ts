import { describe, expect, it } from 'vitest';
import { HadoopConfiguration } from '../../../src/config/hadoop/configuration.js';
import { CORE_DEFAULT, HDFS_DEFAULT } from '../../../src/config/hadoop/defaults.js';
import { parseHadoopXml } from '../../../src/config/hadoop/xml.js';
import { defaultFsUri, hdfsEndpoints } from '../../../src/hdfs/endpoints.js';

const xml = (props: Record<string, string>) =>
  `<?xml version="1.0"?>\n<configuration>\n${Object.entries(props)
    .map(([k, v]) => `  <property><name>${k}</name><value>${v}</value></property>`)
    .join('\n')}\n</configuration>\n`;

/** core-site and hdfs-site over Hadoop's defaults, as the loader layers them. */
function conf(core: Record<string, string>, hdfs: Record<string, string> = {}): HadoopConfiguration {
  return HadoopConfiguration.layer(
    [
      CORE_DEFAULT,
      parseHadoopXml(xml(core), 'core-site.xml'),
      HDFS_DEFAULT,
      parseHadoopXml(xml(hdfs), 'hdfs-site.xml'),
    ],
    { env: {}, systemProperties: {} },
  );
}

describe('hdfsEndpoints', () => {
  it('uses dfs.namenode.http-address', () => {
    expect(hdfsEndpoints(conf({}, { 'dfs.namenode.http-address': 'nn.example.com:50070' }), 'here')).toEqual([
      'http://nn.example.com:50070',
    ]);
  });

  it("replaces the default wildcard address with fs.defaultFS's host", () => {
    expect(hdfsEndpoints(conf({ 'fs.defaultFS': 'hdfs://nn.example.com:8020' }), 'here')).toEqual([
      'http://nn.example.com:9870',
    ]);
  });

  it('replaces the wildcard with the local host when fs.defaultFS names no HDFS host', () => {
    expect(hdfsEndpoints(conf({}), 'here.local')).toEqual(['http://here.local:9870']);
    expect(hdfsEndpoints(conf({}, { 'dfs.namenode.http-address': '0.0.0.0:19870' }), 'here')).toEqual([
      'http://here:19870',
    ]);
  });

  it('works without hdfs-default in the layers', () => {
    const bare = HadoopConfiguration.layer(
      [parseHadoopXml(xml({ 'fs.defaultFS': 'hdfs://nn:8020' }), 'core-site.xml')],
      {
        env: {},
        systemProperties: {},
      },
    );
    expect(hdfsEndpoints(bare, 'here')).toEqual(['http://nn:9870']);
  });

  it('uses the https address under HTTPS_ONLY', () => {
    const c = conf(
      { 'fs.defaultFS': 'hdfs://nn:8020' },
      { 'dfs.http.policy': 'HTTPS_ONLY', 'dfs.namenode.https-address': 'nn.secure:9871' },
    );
    expect(hdfsEndpoints(c, 'here')).toEqual(['https://nn.secure:9871']);
    expect(hdfsEndpoints(conf({ 'fs.defaultFS': 'hdfs://nn:8020' }, { 'dfs.http.policy': 'HTTPS_ONLY' }), 'x')).toEqual(
      ['https://nn:9871'],
    );
  });

  it('lists every NameNode of an HA nameservice, in the configured order', () => {
    const c = conf(
      { 'fs.defaultFS': 'hdfs://mycluster' },
      {
        'dfs.nameservices': 'mycluster',
        'dfs.ha.namenodes.mycluster': 'nn1, nn2',
        'dfs.namenode.http-address.mycluster.nn1': 'master1:9870',
        'dfs.namenode.http-address.mycluster.nn2': 'master2:9870',
        'dfs.namenode.https-address.mycluster.nn1': 'master1:9871',
        'dfs.namenode.https-address.mycluster.nn2': 'master2:9871',
      },
    );
    expect(hdfsEndpoints(c, 'here')).toEqual(['http://master1:9870', 'http://master2:9870']);
  });

  it('picks the nameservice fs.defaultFS names among several', () => {
    const c = conf(
      { 'fs.defaultFS': 'hdfs://prod' },
      {
        'dfs.nameservices': 'backup,prod',
        'dfs.ha.namenodes.backup': 'a',
        'dfs.ha.namenodes.prod': 'x,y',
        'dfs.namenode.http-address.backup.a': 'b1:9870',
        'dfs.namenode.http-address.prod.x': 'p1:9870',
        // No web address for y: its RPC host on the default port.
        'dfs.namenode.rpc-address.prod.y': 'p2:8020',
      },
    );
    expect(hdfsEndpoints(c, 'here')).toEqual(['http://p1:9870', 'http://p2:9870']);
  });

  it('names the missing key when an HA NameNode has no address at all', () => {
    const c = conf({ 'fs.defaultFS': 'hdfs://ns' }, { 'dfs.nameservices': 'ns', 'dfs.ha.namenodes.ns': 'nn1' });
    expect(() => hdfsEndpoints(c, 'here')).toThrow(/dfs\.namenode\.http-address\.ns\.nn1/);
  });

  it('refuses when WebHDFS is switched off, naming the file', () => {
    const c = conf({}, { 'dfs.webhdfs.enabled': 'false' });
    expect(() => hdfsEndpoints(c, 'here')).toThrow(/dfs\.webhdfs\.enabled=false in hdfs-site\.xml:\d+/);
  });

  it('expands ${...} in addresses', () => {
    const c = conf(
      { 'fs.defaultFS': 'hdfs://nn:8020' },
      { 'nn.host': 'big-nn', 'dfs.namenode.http-address': '${nn.host}:9870' },
    );
    expect(hdfsEndpoints(c, 'here')).toEqual(['http://big-nn:9870']);
  });
});

describe('defaultFsUri', () => {
  it('keeps the authority of fs.defaultFS', () => {
    expect(defaultFsUri(conf({ 'fs.defaultFS': 'hdfs://nn.example.com:8020/' }))).toBe('hdfs://nn.example.com:8020');
    expect(defaultFsUri(conf({ 'fs.defaultFS': 'hdfs://mycluster' }))).toBe('hdfs://mycluster');
  });

  it('reads the deprecated fs.default.name when fs.defaultFS is only the built-in default', () => {
    expect(defaultFsUri(conf({ 'fs.default.name': 'hdfs://old:9000' }))).toBe('hdfs://old:9000');
    expect(defaultFsUri(conf({ 'fs.default.name': 'hdfs://old:9000', 'fs.defaultFS': 'hdfs://new:8020' }))).toBe(
      'hdfs://new:8020',
    );
  });

  it('refuses a default file system that is not HDFS, naming where it was set', () => {
    expect(() => defaultFsUri(conf({}))).toThrow(/'file:\/\/\/' \(core-default\.xml\), not an hdfs:\/\/ URI/);
    expect(() => defaultFsUri(conf({ 'fs.defaultFS': 's3a://bucket' }))).toThrow(/core-site\.xml:\d+/);
  });
});
