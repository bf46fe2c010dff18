import { describe, expect, it } from 'vitest';
import { HadoopConfiguration, type ExpansionContext } from '../../../src/config/hadoop/configuration.js';
import { CORE_DEFAULT, YARN_DEFAULT } from '../../../src/config/hadoop/defaults.js';
import { parseHadoopXml } from '../../../src/config/hadoop/xml.js';
import { parseHadoopInt, readYarnSite } from '../../../src/config/hadoop/yarn-site.js';
import { ParseError } from '../../../src/errors/index.js';

const ctx: ExpansionContext = { env: { HOME: '/home/alice', EMPTY: '' }, systemProperties: { 'user.name': 'alice' } };

function xml(body: string): string {
  return `<?xml version="1.0"?>\n<configuration>\n${body}\n</configuration>\n`;
}

function prop(name: string, value: string, final = false): string {
  return `  <property>\n    <name>${name}</name>\n    <value>${value}</value>${final ? '\n    <final>true</final>' : ''}\n  </property>`;
}

function layered(...sites: [string, string][]): HadoopConfiguration {
  return HadoopConfiguration.layer(
    [CORE_DEFAULT, YARN_DEFAULT, ...sites.map(([file, text]) => parseHadoopXml(text, file))],
    ctx,
  );
}

describe('parseHadoopXml', () => {
  it('keeps the line of every value', () => {
    const r = parseHadoopXml(xml(prop('a', '1') + '\n' + prop('b', '2')), 'yarn-site.xml');
    expect(r.items).toEqual([
      { kind: 'property', name: 'a', value: '1', final: false, file: 'yarn-site.xml', line: 5 },
      { kind: 'property', name: 'b', value: '2', final: false, file: 'yarn-site.xml', line: 9 },
    ]);
  });

  it('reads attribute-style properties, trims names but not values', () => {
    const r = parseHadoopXml(xml('<property name=" x " value=" v " final="true"/>'), 'f.xml');
    expect(r.items[0]).toMatchObject({ name: 'x', value: ' v ', final: true, line: 3 });
  });

  it('treats an empty <value/> as no value, and only an exact "true" as final', () => {
    const r = parseHadoopXml(
      xml(prop('a', '') + prop('b', '1').replace('</value>', '</value><final> true</final>')),
      'f.xml',
    );
    expect(r.items[0]).toMatchObject({ name: 'a', value: undefined });
    expect(r.items[1]).toMatchObject({ name: 'b', final: false });
  });

  it('records xi:include with and without fallback', () => {
    const r = parseHadoopXml(
      `<configuration xmlns:xi="http://www.w3.org/2001/XInclude">\n<xi:include href="a.xml"/>\n<xi:include href="b.xml"><xi:fallback/></xi:include>\n</configuration>`,
      'f.xml',
    );
    expect(r.items).toEqual([
      { kind: 'include', href: 'a.xml', hasFallback: false, file: 'f.xml', line: 2 },
      { kind: 'include', href: 'b.xml', hasFallback: true, file: 'f.xml', line: 3 },
    ]);
  });

  it('reports malformed XML with its line', () => {
    try {
      parseHadoopXml('<configuration>\n<property>\n<name>a</name>\n</configuration>', 'bad.xml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ParseError);
      expect((e as ParseError).line).toBe(4);
      expect((e as ParseError).message).toMatch(/^bad.xml:4: not well-formed XML/);
    }
  });

  it('rejects a root other than <configuration>', () => {
    expect(() => parseHadoopXml('<conf></conf>', 'x.xml')).toThrow(/expected <configuration>/);
  });

  it('rejects a property without a name', () => {
    expect(() => parseHadoopXml(xml('<property><value>1</value></property>'), 'x.xml')).toThrow(/without a <name>/);
  });

  it('refuses an empty file, as Hadoop does ("Unexpected EOF in prolog")', () => {
    expect(() => parseHadoopXml('   ', 'x.xml')).toThrow(
      /x\.xml:1: the file has no <configuration> element \(it is empty\)/,
    );
    expect(() => parseHadoopXml('<?xml version="1.0"?>\n', 'x.xml')).toThrow(ParseError);
    expect(parseHadoopXml('<configuration/>', 'x.xml').items).toEqual([]);
  });
});

describe('HadoopConfiguration layering', () => {
  it('lets a later file override an earlier one', () => {
    const conf = layered(['core-site.xml', xml(prop('k', 'core'))], ['yarn-site.xml', xml(prop('k', 'yarn'))]);
    expect(conf.get('k')).toMatchObject({ value: 'yarn', file: 'yarn-site.xml' });
  });

  it('honours <final>: a later override is ignored and noted', () => {
    const conf = layered(['core-site.xml', xml(prop('k', 'core', true))], ['yarn-site.xml', xml(prop('k', 'yarn'))]);
    expect(conf.get('k')?.value).toBe('core');
    expect(conf.notes).toHaveLength(1);
    expect(conf.notes[0]).toMatchObject({
      name: 'k',
      kept: { raw: 'core' },
      ignored: { value: 'yarn', file: 'yarn-site.xml' },
    });
  });

  it('lets a final value in a later file override a non-final earlier one', () => {
    const conf = layered(
      ['a.xml', xml(prop('k', '1'))],
      ['b.xml', xml(prop('k', '2', true))],
      ['c.xml', xml(prop('k', '3'))],
    );
    expect(conf.get('k')?.value).toBe('2');
  });

  it('does not note a final "override" with the same value', () => {
    const conf = layered(['a.xml', xml(prop('k', '1', true))], ['b.xml', xml(prop('k', '1'))]);
    expect(conf.notes).toEqual([]);
  });
});

describe('HadoopConfiguration expansion', () => {
  const conf = layered([
    'yarn-site.xml',
    xml(
      [
        prop('base', '/data'),
        prop('dir', '${base}/yarn'),
        prop('nested', '${dir}/logs'),
        prop('self', 'x${self}'),
        prop('home', '${env.HOME}/x'),
        prop('unsetDefault', '${env.NOPE:-fallback}'),
        prop('emptyColonDefault', '${env.EMPTY:-fallback}'),
        prop('emptyDashDefault', '${env.EMPTY-fallback}'),
        prop('unsetDash', '${env.NOPE-dash}'),
        prop('unresolved', '${nope}/${base}'),
        prop('user', '${user.name}'),
        prop('tmp', '${hadoop.tmp.dir}'),
      ].join('\n'),
    ),
  ]);

  it.each([
    ['dir', '/data/yarn'],
    ['nested', '/data/yarn/logs'],
    ['self', 'x${self}'],
    ['home', '/home/alice/x'],
    ['unsetDefault', 'fallback'],
    ['emptyColonDefault', 'fallback'],
    ['emptyDashDefault', ''],
    ['unsetDash', 'dash'],
    ['unresolved', '${nope}/${base}'],
    ['user', 'alice'],
    ['tmp', '/tmp/hadoop-alice'],
  ])('%s expands to %j', (key, value) => {
    expect(conf.get(key)?.value).toBe(value);
  });

  it('fails like Hadoop at 20 substitutions, and allows 19', () => {
    const chain = (n: number) =>
      Array.from({ length: n }, (_, i) => prop(`v${i}`, i === n - 1 ? 'end' : `\${v${i + 1}}`)).join('\n');
    const ok = layered(['y.xml', xml(chain(20))]);
    expect(ok.get('v0')).toMatchObject({ value: 'end' });
    expect(ok.get('v0')?.problem).toBeUndefined();
    const deep = layered(['y.xml', xml(chain(21))]);
    expect(deep.get('v0')?.problem).toMatch(/substitution depth too large/);
  });
});

describe('readYarnSite', () => {
  it('falls back to yarn-default', () => {
    const { site, diagnostics } = readYarnSite(layered());
    expect(diagnostics).toEqual([]);
    expect(site.amMaxAttempts).toMatchObject({ value: 2, origin: { file: 'yarn-default.xml' } });
    expect(site.webapps).toEqual([{ address: '0.0.0.0:8088', scheme: 'http' }]);
    expect(site.minimumAllocationMb.value).toBe(1024);
    expect(site.maximumAllocationMb.value).toBe(8192);
    expect(site.httpPolicy.value).toBe('HTTP_ONLY');
  });

  it('reads am.max-attempts with its origin, expanded and hex', () => {
    const { site } = readYarnSite(
      layered(['yarn-site.xml', xml(prop('cap', '4') + prop('yarn.resourcemanager.am.max-attempts', '${cap}'))]),
    );
    expect(site.amMaxAttempts).toMatchObject({ value: 4, origin: { file: 'yarn-site.xml', line: 8 } });
    expect(parseHadoopInt('0x10')).toBe(16);
    expect(parseHadoopInt(' 7 ')).toBe(7);
    expect(parseHadoopInt('7.0')).toBeUndefined();
  });

  it('reports an unparsable cap and keeps the default', () => {
    const { site, diagnostics } = readYarnSite(
      layered(['yarn-site.xml', xml(prop('yarn.resourcemanager.am.max-attempts', 'four'))]),
    );
    expect(site.amMaxAttempts.value).toBe(2);
    expect(diagnostics).toMatchObject([
      { severity: 'error', code: 'YARN_SITE_INVALID_VALUE', file: 'yarn-site.xml', line: 5 },
    ]);
  });

  it('derives the webapp address from the hostname', () => {
    const { site } = readYarnSite(layered(['yarn-site.xml', xml(prop('yarn.resourcemanager.hostname', 'rm.example'))]));
    expect(site.webapps).toEqual([{ address: 'rm.example:8088', scheme: 'http' }]);
  });

  it('uses the https address under HTTPS_ONLY', () => {
    const { site } = readYarnSite(
      layered([
        'yarn-site.xml',
        xml(prop('yarn.http.policy', 'https_only') + prop('yarn.resourcemanager.hostname', 'rm')),
      ]),
    );
    expect(site.webapps).toEqual([{ address: 'rm:8090', scheme: 'https' }]);
  });

  it('lists every rm-id under HA, with the hostname fallback', () => {
    const { site, diagnostics } = readYarnSite(
      layered([
        'yarn-site.xml',
        xml(
          [
            prop('yarn.resourcemanager.ha.enabled', 'true'),
            prop('yarn.resourcemanager.ha.rm-ids', 'rm1, rm2,rm3'),
            prop('yarn.resourcemanager.webapp.address.rm1', 'host1:18088'),
            prop('yarn.resourcemanager.hostname.rm2', 'host2'),
          ].join('\n'),
        ),
      ]),
    );
    expect(diagnostics).toEqual([]);
    expect(site.webapps).toEqual([
      { rmId: 'rm1', address: 'host1:18088', scheme: 'http' },
      { rmId: 'rm2', address: 'host2:8088', scheme: 'http' },
    ]);
  });

  it('reports HA without rm-ids', () => {
    const { diagnostics } = readYarnSite(
      layered(['yarn-site.xml', xml(prop('yarn.resourcemanager.ha.enabled', 'true'))]),
    );
    expect(diagnostics.map((d) => d.code)).toEqual(['YARN_SITE_HA_WITHOUT_RM_IDS']);
  });

  it('lets yarn-default override a yarn key set in core-site, as Hadoop does', () => {
    const conf = HadoopConfiguration.layer(
      [
        CORE_DEFAULT,
        parseHadoopXml(xml(prop('yarn.resourcemanager.am.max-attempts', '9')), 'core-site.xml'),
        YARN_DEFAULT,
      ],
      ctx,
    );
    expect(readYarnSite(conf).site.amMaxAttempts.value).toBe(2);
  });
});

describe("flink.hadoop.* and flink.yarn.*: set on the client's Hadoop configuration, as Flink's client sets them", () => {
  it('overrides the site files, <final> values too (Configuration.set), from the file and from -D', async () => {
    const { model } = await import('../validation/helpers.js');
    const config = model({
      flink: 'flink.hadoop.dfs.replication: 2\nflink.yarn.resourcemanager.am.max-attempts: 7\nflink.hadoop.: ignored',
      yarnSite: { 'yarn.resourcemanager.am.max-attempts': '4' },
      dynamic: { 'flink.hadoop.fs.defaultFS': 'hdfs://other:8020' },
    });
    expect(config.hadoop.get('dfs.replication')?.value).toBe('2');
    expect(config.hadoop.get('fs.defaultFS')?.value).toBe('hdfs://other:8020');
    expect(config.yarnSite.amMaxAttempts.value).toBe(7);
    expect(config.hadoop.get('dfs.replication')?.file).toBe('flink-conf.yaml');
    expect(config.hadoop.get('')).toBeUndefined();
  });
});

describe('HadoopConfiguration.withOverrides', () => {
  it('sets over a <final> value, as Configuration.set does', () => {
    const site = parseHadoopXml(
      '<configuration><property><name>fs.defaultFS</name><value>hdfs://site:8020</value><final>true</final></property></configuration>',
      'core-site.xml',
    );
    const conf = HadoopConfiguration.layer([CORE_DEFAULT, site], { env: {}, systemProperties: {} });
    expect(conf.get('fs.defaultFS')?.value).toBe('hdfs://site:8020');
    const over = conf.withOverrides([
      { name: 'fs.defaultFS', raw: 'hdfs://flink:8020', final: false, file: 'flink-conf.yaml', line: 3 },
    ]);
    expect(over.get('fs.defaultFS')).toMatchObject({ value: 'hdfs://flink:8020', file: 'flink-conf.yaml', line: 3 });
    expect(conf.get('fs.defaultFS')?.value).toBe('hdfs://site:8020');
  });
});
