import { describe, expect, it } from 'vitest';
import { RULES, validateConfig } from '../../../src/validation/index.js';
import { check, codes, HA, model } from './helpers.js';

const CAP4 = { 'yarn.resourcemanager.am.max-attempts': '4' };

describe('attempts', () => {
  it('warns when yarn.application-attempts exceeds the cap, naming the cap YARN will apply', () => {
    const r = check({ flink: `${HA}\nyarn.application-attempts: 10`, yarnSite: CAP4 });
    const d = r.diagnostics.find((x) => x.code === 'ATTEMPTS_CAPPED_BY_YARN');
    expect(d).toMatchObject({
      severity: 'warning',
      key: 'yarn.application-attempts',
      file: 'flink-conf.yaml',
      line: 4,
    });
    expect(d?.message).toContain('YARN will use 4');
    expect(d?.message).toContain('yarn-site.xml:2');
    expect(r.effective['yarn.application-attempts']).toBe(4);
    expect(r.effective['yarn.resourcemanager.am.max-attempts']).toBe(4);
  });

  it('caps against YARN default 2 when yarn-site has no value', () => {
    const r = check({ flink: `${HA}\nyarn.application-attempts: 3` });
    expect(r.diagnostics.find((d) => d.code === 'ATTEMPTS_CAPPED_BY_YARN')?.message).toContain("YARN's default");
    expect(r.effective['yarn.application-attempts']).toBe(2);
  });

  it('is quiet at or below the cap', () => {
    expect(codes({ flink: `${HA}\nyarn.application-attempts: 4`, yarnSite: CAP4 })).toEqual([]);
  });

  it.each(['0', '-1', 'ten', '2.5'])('rejects yarn.application-attempts %s', (v) => {
    expect(codes({ flink: `${HA}\nyarn.application-attempts: ${v}` })).toContain('ATTEMPTS_NOT_POSITIVE_INTEGER');
  });

  it('defaults to 2 with HA and 1 without', () => {
    expect(check({ flink: HA, yarnSite: CAP4 }).effective['yarn.application-attempts']).toBe(2);
    expect(check({ flink: '' }).effective['yarn.application-attempts']).toBe(1);
  });

  it('warns on HA with a single attempt, whether asked or capped', () => {
    expect(codes({ flink: `${HA}\nyarn.application-attempts: 1` })).toContain('HA_SINGLE_ATTEMPT');
    const capped = check({ flink: HA, yarnSite: { 'yarn.resourcemanager.am.max-attempts': '1' } });
    expect(capped.diagnostics.map((d) => d.code)).toEqual(
      expect.arrayContaining(['HA_SINGLE_ATTEMPT', 'ATTEMPTS_CAPPED_BY_YARN']),
    );
  });

  it('warns on several attempts without HA', () => {
    const r = check({ flink: 'yarn.application-attempts: 3', yarnSite: CAP4 });
    expect(r.diagnostics).toMatchObject([{ code: 'ATTEMPTS_WITHOUT_HA', severity: 'warning', line: 1 }]);
  });

  it('points at -D when the value came from the command line', () => {
    const r = check({ flink: HA, dynamic: { 'yarn.application-attempts': '9' } });
    const d = r.diagnostics.find((x) => x.code === 'ATTEMPTS_CAPPED_BY_YARN');
    expect(d?.file).toBeUndefined();
    expect(d?.key).toBe('yarn.application-attempts');
  });
});

describe('HA mode, quorum and storage', () => {
  it('accepts zookeeper, NONE, standalone and factory class names', () => {
    expect(codes({ flink: HA })).toEqual([]);
    expect(codes({ flink: 'high-availability.type: NONE' })).toEqual([]);
    expect(codes({ flink: 'high-availability.type: standalone' })).toEqual([]);
    expect(
      codes({ flink: 'high-availability.type: com.acme.MyHaFactory\nhigh-availability.storageDir: hdfs:///ha' }),
    ).toEqual([]);
  });

  it('rejects an unknown mode', () => {
    const r = check({ flink: 'high-availability.type: zookeper' });
    expect(r.diagnostics).toMatchObject([
      { code: 'HA_TYPE_UNKNOWN', severity: 'error', key: 'high-availability.type', line: 1 },
    ]);
  });

  it('warns about kubernetes HA on YARN', () => {
    expect(codes({ flink: 'high-availability.type: kubernetes\nhigh-availability.storageDir: hdfs:///ha' })).toEqual([
      'HA_KUBERNETES_ON_YARN',
    ]);
  });

  it('requires a quorum and a storage dir', () => {
    const r = check({ flink: 'high-availability.type: zookeeper' });
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['HA_QUORUM_MISSING', 'error'],
      ['HA_STORAGE_DIR_MISSING', 'error'],
    ]);
  });

  it.each(['zk1', 'zk1:2181,zk2', 'zk1:abc', 'zk1:2181;zk2:2181'])('rejects quorum %j', (q) => {
    expect(codes({ flink: `${HA}\nhigh-availability.zookeeper.quorum: ${q}` })).toEqual(['HA_QUORUM_INVALID']);
  });

  it('accepts a quorum with a chroot and blanks', () => {
    expect(codes({ flink: `${HA}\nhigh-availability.zookeeper.quorum: zk1:2181, zk2:2181/flink` })).toEqual([]);
  });

  it.each(['file:///flink/ha', '/flink/ha'])('warns that storageDir %s is local', (dir) => {
    const r = check({ flink: `${HA}\nhigh-availability.storageDir: ${dir}` });
    expect(r.diagnostics).toMatchObject([{ code: 'HA_STORAGE_DIR_LOCAL', line: 4 }]);
  });

  it('does not warn for a scheme-less dir when fs.default-scheme is HDFS', () => {
    expect(codes({ flink: `${HA}\nhigh-availability.storageDir: /ha\nfs.default-scheme: hdfs://nn:8020/` })).toEqual(
      [],
    );
  });

  it('warns that a fixed cluster-id overrides the application id, and that -z overrides it', () => {
    const r = check({ flink: `${HA}\nhigh-availability.cluster-id: /cluster_one` });
    expect(r.diagnostics).toMatchObject([{ code: 'HA_CLUSTER_ID_FIXED', line: 4 }]);
    expect(r.diagnostics[0]?.message).toMatch(/application id/);
    expect(r.diagnostics[0]?.message).toMatch(/-z/);
    expect(r.effective['high-availability.cluster-id']).toBe('/cluster_one');
  });

  it('keeps the YARN-only cluster-id finding out of a standalone configuration (two masters, no YARN)', () => {
    const flink = `${HA}\nhigh-availability.cluster-id: /cluster_one`;
    const masters = 'jm1:8081\njm2:8081\n';
    expect(codes({ flink, masters })).not.toContain('HA_CLUSTER_ID_FIXED');
    // Any sign of YARN brings it back: a yarn-site.xml, a YARN execution target, or one master only.
    expect(codes({ flink, masters, yarnSite: { 'yarn.resourcemanager.am.max-attempts': '4' } })).toContain(
      'HA_CLUSTER_ID_FIXED',
    );
    expect(codes({ flink: `${flink}\nexecution.target: yarn-session`, masters })).toContain('HA_CLUSTER_ID_FIXED');
    expect(codes({ flink, masters: 'localhost:8081\n' })).toContain('HA_CLUSTER_ID_FIXED');
    // A deploy is on YARN whatever the files look like.
    expect(validateConfig(model({ flink, masters }), RULES, { onYarn: true }).diagnostics.map((d) => d.code)).toContain(
      'HA_CLUSTER_ID_FIXED',
    );
  });

  it('counts a deprecated cluster-id key too', () => {
    expect(codes({ flink: `${HA}\nhigh-availability.zookeeper.path.namespace: /x` })).toEqual([
      'HA_CLUSTER_ID_FIXED',
      'DEPRECATED_KEY',
    ]);
  });

  it('reports the cluster-id as the application id by default', () => {
    expect(check({ flink: HA }).effective['high-availability.cluster-id']).toBeNull();
  });
});

describe('JobManager port', () => {
  it('errors on an invalid or inverted spec', () => {
    expect(check({ flink: 'high-availability.jobmanager.port: 50025-50020' }).diagnostics).toMatchObject([
      { code: 'JM_PORT_INVALID', severity: 'error', line: 1 },
    ]);
    expect(codes({ flink: 'high-availability.jobmanager.port: 70000' })).toEqual(['JM_PORT_INVALID']);
  });

  it('notes that a valid spec is not used on YARN', () => {
    expect(codes({ flink: 'high-availability.jobmanager.port: 50010,50011,50020-50025,50050-50075' })).toEqual([
      'JM_PORT_IGNORED_ON_YARN',
    ]);
  });
});

describe('masters and zoo.cfg', () => {
  it('reports malformed masters lines and several masters without HA', () => {
    const r = check({ flink: '', masters: 'localhost:8081\nlocalhost:8082\nlocal host' });
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['MASTERS_MALFORMED_LINE', 3],
      ['MASTERS_WITHOUT_HA', 2],
    ]);
  });

  it('accepts the reference standalone example', () => {
    const r = check({
      flink: `${HA}\nhigh-availability.zookeeper.path.root: /flink`,
      masters: 'localhost:8081\nlocalhost:8082\n',
      zooCfg: 'server.0=localhost:2888:3888\n',
    });
    expect(r.diagnostics).toEqual([]);
  });

  it('flags two servers on one host', () => {
    const r = check({ flink: HA, zooCfg: 'server.0=localhost:2888:3888\nserver.1=localhost:2889:3889\n' });
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([['ZOO_CFG_SERVERS_SHARE_HOST', 2]]);
    expect(r.diagnostics[0]?.message).toMatch(/one ZooKeeper server per machine/);
  });

  it('flags a quorum that disagrees with zoo.cfg servers or clientPort', () => {
    const r = check({ flink: HA, zooCfg: 'clientPort=2182\nserver.0=localhost:2888:3888\n' });
    expect(r.diagnostics).toMatchObject([{ code: 'ZOO_CFG_QUORUM_MISMATCH', file: 'zoo.cfg', line: 1 }]);
    expect(r.diagnostics[0]?.message).toContain('localhost:2182');
  });

  it('reports malformed server lines with their line', () => {
    expect(check({ flink: '', zooCfg: 'tickTime=2000\nserver.x=h:1:2' }).diagnostics).toMatchObject([
      { code: 'ZOO_CFG_MALFORMED_SERVER', line: 2, severity: 'error' },
    ]);
  });

  it('warns about multi-digit ids with Flink scripts', () => {
    expect(codes({ flink: '', zooCfg: 'server.12=zk1:2888:3888' })).toEqual(['ZOO_CFG_SERVER_ID_MULTI_DIGIT']);
  });
});

describe('ZooKeeper SASL', () => {
  const kerberos = `${HA}\nsecurity.kerberos.login.keytab: /etc/flink.keytab\nsecurity.kerberos.login.principal: flink@EXAMPLE.COM`;

  it('requires the login context to be one of the Kerberos contexts', () => {
    const r = check({ flink: `${kerberos}\nsecurity.kerberos.login.contexts: KafkaClient` });
    expect(r.diagnostics).toMatchObject([
      { code: 'ZK_SASL_CONTEXT_MISSING', severity: 'error', key: 'security.kerberos.login.contexts', line: 6 },
    ]);
    expect(codes({ flink: kerberos })).toEqual(['ZK_SASL_CONTEXT_MISSING']);
  });

  it('accepts a matching context, a custom name, or SASL disabled', () => {
    expect(codes({ flink: `${kerberos}\nsecurity.kerberos.login.contexts: Client,KafkaClient` })).toEqual([]);
    expect(
      codes({
        flink: `${kerberos}\nzookeeper.sasl.login-context-name: ZkCtx\nsecurity.kerberos.login.contexts: ZkCtx`,
      }),
    ).toEqual([]);
    expect(codes({ flink: `${kerberos}\nzookeeper.sasl.disable: true` })).toEqual([]);
  });

  it('does not apply without Kerberos', () => {
    expect(codes({ flink: HA })).toEqual([]);
  });
});

describe('keys and values', () => {
  it('maps deprecated keys and notes them', () => {
    const r = check({
      flink:
        'high-availability: zookeeper\nrecovery.zookeeper.quorum: zk:2181\nhigh-availability.storageDir: hdfs:///x\nakka.ask.timeout: 30 s',
    });
    expect(r.diagnostics.map((d) => [d.code, d.key, d.severity])).toEqual([
      ['DEPRECATED_KEY', 'high-availability.type', 'info'],
      ['DEPRECATED_KEY', 'high-availability.zookeeper.quorum', 'info'],
      ['DEPRECATED_KEY', 'pekko.ask.timeout', 'info'],
    ]);
    expect(r.effective['high-availability.type']).toBe('zookeeper');
    expect(r.effective['pekko.ask.timeout']).toBe(30_000);
  });

  it('warns when a deprecated key is shadowed by the current one', () => {
    const r = check({ flink: `${HA}\nrecovery.mode: none` });
    expect(r.diagnostics).toMatchObject([{ code: 'DEPRECATED_KEY', severity: 'warning', line: 4 }]);
    expect(r.diagnostics[0]?.message).toMatch(/ignored/);
  });

  it('reports values Flink cannot parse', () => {
    const r = check({
      flink: 'pekko.ask.timeout: 10 parsecs\njobmanager.memory.process.size: big\ntaskmanager.numberOfTaskSlots: two',
    });
    expect(r.diagnostics.map((d) => [d.code, d.key, d.line])).toEqual([
      ['INVALID_VALUE', 'pekko.ask.timeout', 1],
      ['INVALID_VALUE', 'jobmanager.memory.process.size', 2],
      ['INVALID_VALUE', 'taskmanager.numberOfTaskSlots', 3],
    ]);
  });

  it('reads config.yaml (nested) the same way', () => {
    const r = check({
      yaml: 'high-availability:\n  type: zookeeper\n  zookeeper:\n    quorum: zk1\n  storageDir: hdfs:///ha\n',
    });
    expect(r.diagnostics).toMatchObject([{ code: 'HA_QUORUM_INVALID', file: 'config.yaml', line: 4 }]);
  });

  it('turns a parse failure into one error diagnostic with file and line', () => {
    const r = check({ yaml: 'a: [\n' });
    expect(r.diagnostics).toMatchObject([{ code: 'CONFIG_PARSE_ERROR', severity: 'error', file: 'config.yaml' }]);
    expect(r.diagnostics[0]?.line).toBeGreaterThan(0);
  });
});

describe('the rule list', () => {
  it('has one named function per rule', () => {
    const names = RULES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('attemptsWithinAmMaxAttempts');
  });

  it('sorts errors first', () => {
    const r = check({ flink: 'high-availability.type: zookeeper\nyarn.application-attempts: 1' });
    expect(r.diagnostics.map((d) => d.severity)).toEqual(['error', 'error', 'warning']);
  });
});
