import { describe, expect, it } from 'vitest';
import { MASK } from '../../../src/config/secrets.js';
import { FlinkYarnError } from '../../../src/errors/index.js';
import { decodeToken } from '../../../src/hdfs/tokens.js';
import { deploySession, type SessionEvent, type SessionOptions } from '../../../src/operations/session/index.js';
import { javaHostAddress, tokenServiceName } from '../../../src/operations/session/tokens.js';
import { FakeCluster, fakeDeployOptions, fakeInstallation } from './fake-cluster.js';

const CONF = { 'jobmanager.memory.process.size': '1600m', 'taskmanager.memory.process.size': '1728m' };
const SECURE = {
  core: { 'hadoop.security.authentication': 'kerberos' },
  yarn: { 'yarn.resourcemanager.principal': 'rm/_HOST@EXAMPLE.COM', 'yarn.resourcemanager.hostname': 'rm' },
};
const DNS: Record<string, string> = { nn: '10.0.0.1' };
const resolveHost = async (host: string) => {
  const ip = DNS[host];
  if (ip === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return ip;
};

function setup(
  hadoop: Parameters<typeof fakeInstallation>[1] = SECURE,
  overrides: Partial<SessionOptions> = {},
  conf: Record<string, string> = CONF,
) {
  const cluster = new FakeCluster();
  const events: SessionEvent[] = [];
  const options: SessionOptions = {
    ...fakeDeployOptions(cluster, fakeInstallation(conf, hadoop)),
    resolveHost,
    onEvent: (e) => events.push(e),
    ...overrides,
  };
  return { cluster, events, deploy: () => deploySession(options) };
}

type Spec = { credentials?: { tokens: { entry: { key: string; value: string }[] } } };
const submittedSpec = (cluster: FakeCluster) => cluster.submitted?.['am-container-spec'] as Spec;

describe('a deploy on a Kerberos-secured cluster', () => {
  it("fetches fs.defaultFS's token once the files are staged, and submits it under its service", async () => {
    const { cluster, deploy } = setup();
    await deploy();
    expect(cluster.tokenRequests).toEqual([
      {
        op: 'GETDELEGATIONTOKEN',
        renewer: 'rm/rm@EXAMPLE.COM',
        kind: 'HDFS_DELEGATION_TOKEN',
        service: '10.0.0.1:8020',
        'user.name': 'alice',
      },
    ]);
    const trace = cluster.trace();
    expect(trace.indexOf('GETDELEGATIONTOKEN')).toBeGreaterThan(trace.lastIndexOf('datanode'));
    expect(trace.indexOf('GETDELEGATIONTOKEN')).toBeLessThan(trace.indexOf('submit'));
    const entry = submittedSpec(cluster).credentials!.tokens.entry;
    expect(entry.map((e) => e.key)).toEqual(['10.0.0.1:8020']);
    // The NameNode's own kind and service replaced, the signed parts kept.
    const token = decodeToken(entry[0]!.value);
    expect(token).toMatchObject({ kind: 'HDFS_DELEGATION_TOKEN', service: '10.0.0.1:8020' });
    expect(token.password).toEqual(decodeToken(cluster.issuedTokens[0]!).password);
  });

  it('shows neither the token in the result, nor in any event', async () => {
    const { cluster, events, deploy } = setup();
    const result = await deploy();
    expect(result.plan.submission['am-container-spec']!.credentials).toEqual({
      tokens: { entry: [{ key: '10.0.0.1:8020', value: MASK }] },
    });
    const submitted = submittedSpec(cluster).credentials!.tokens.entry[0]!.value;
    const shown = JSON.stringify({ result, events });
    // The whole token, and any 12 characters of it (the password is in its second half).
    for (const secret of [submitted, cluster.issuedTokens[0]!]) {
      expect(shown).not.toContain(secret);
      for (let i = 0; i + 12 <= secret.length; i += 6) expect(shown).not.toContain(secret.slice(i, i + 12));
    }
    expect(events).toContainEqual({
      kind: 'preflight',
      detail:
        'HDFS delegation token obtained for hdfs://nn:8020 (service 10.0.0.1:8020, renewed by the ResourceManager (rm/rm@EXAMPLE.COM, yarn.resourcemanager.principal))',
    });
  });

  it('one token for the default file system named twice, one more for another nameservice', async () => {
    const hdfs = {
      'dfs.nameservices': 'ns2',
      'dfs.ha.namenodes.ns2': 'a',
      'dfs.namenode.http-address.ns2.a': 'nn:9870',
      'dfs.client.failover.proxy.provider.ns2':
        'org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider',
    };
    const { cluster, deploy } = setup(
      { ...SECURE, hdfs },
      {},
      {
        ...CONF,
        'security.kerberos.access.hadoopFileSystems': 'hdfs://nn/a;hdfs://ns2/b',
        'yarn.staging-directory': 'hdfs://nn:8020/user/alice',
      },
    );
    await deploy();
    expect(cluster.tokenRequests.map((r) => r.service)).toEqual(['10.0.0.1:8020', 'ha-hdfs:ns2']);
    expect(submittedSpec(cluster).credentials!.tokens.entry.map((e) => e.key)).toEqual([
      '10.0.0.1:8020',
      'ha-hdfs:ns2',
    ]);
  });

  it('refuses, undoing what it staged, when the NameNode host does not resolve', async () => {
    const { cluster, events, deploy } = setup(
      { ...SECURE, core: { ...SECURE.core, 'fs.defaultFS': 'hdfs://nn:8020' } },
      {
        resolveHost: async (host) => {
          throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
        },
      },
    );
    const error = await deploy().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkYarnError);
    expect((error as FlinkYarnError).code).toBe('HDFS_UNREACHABLE');
    expect((error as Error).message).toMatch(/Cannot resolve nn.*ENOTFOUND.*use_ip/);
    expect(cluster.submitted).toBeNull();
    expect(cluster.steps).not.toContain('GETDELEGATIONTOKEN');
    expect(events.some((e) => e.kind === 'cleanup' && /removed/.test(e.detail))).toBe(true);
  });

  it('refuses when the NameNode refuses the token, submitting nothing', async () => {
    const { cluster, deploy } = setup();
    cluster.failAt('GETDELEGATIONTOKEN', () => ({
      status: 403,
      headers: {},
      body: JSON.stringify({
        RemoteException: {
          exception: 'IOException',
          javaClassName: 'java.io.IOException',
          message: 'Delegation Token can be issued only with kerberos or web authentication',
        },
      }),
    }));
    await expect(deploy()).rejects.toMatchObject({ code: 'HDFS_REMOTE' });
    expect(cluster.submitted).toBeNull();
  });

  it('asks for none with tokens switched off, and says so in the plan', async () => {
    const { cluster, deploy } = setup(SECURE, {}, { ...CONF, 'security.delegation.tokens.enabled': 'false' });
    const result = await deploy();
    expect(cluster.steps).not.toContain('GETDELEGATIONTOKEN');
    expect(submittedSpec(cluster)).not.toHaveProperty('credentials');
    expect(result.plan.diagnostics.map((d) => d.code)).toContain('DELEGATION_TOKENS_OFF');
  });
});

describe('a dry run on a Kerberos-secured cluster', () => {
  const offline = { dryRun: true, hadoopVersion: '3.4.2', applicationId: 'application_1_0001' } as const;

  it('fetches nothing and shows where each token would be filed, without a value', async () => {
    const { cluster, deploy } = setup(SECURE, offline);
    const result = await deploy();
    expect(result.state).toBe('PLANNED');
    expect(cluster.steps).not.toContain('GETDELEGATIONTOKEN');
    expect(result.plan.submission['am-container-spec']!.credentials).toEqual({
      tokens: { entry: [{ key: '10.0.0.1:8020', value: MASK }] },
    });
    expect(result.plan.diagnostics.find((d) => d.code === 'DELEGATION_TOKENS_PLANNED')?.message).toContain(
      'hdfs://nn:8020 (fs.defaultFS), renewed by the ResourceManager (rm/rm@EXAMPLE.COM',
    );
  });

  it('warns and shows host:port where the NameNode does not resolve', async () => {
    const { deploy } = setup(SECURE, {
      ...offline,
      resolveHost: async () => {
        throw Object.assign(new Error('nope'), { code: 'EAI_AGAIN' });
      },
    });
    const result = await deploy();
    expect(result.plan.submission['am-container-spec']!.credentials!.tokens.entry).toEqual([
      { key: 'nn:8020', value: MASK },
    ]);
    expect(result.plan.diagnostics).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        code: 'DELEGATION_TOKEN_SERVICE_UNRESOLVED',
        key: 'fs.defaultFS',
      }),
    );
  });

  it('an insecure cluster gets no credentials and no token diagnostics, planned or deployed', async () => {
    const planned = await setup({}, offline).deploy();
    expect(planned.plan.submission['am-container-spec']).not.toHaveProperty('credentials');
    expect(planned.plan.diagnostics.filter((d) => d.code.startsWith('DELEGATION_TOKEN'))).toEqual([]);
    const { cluster, deploy } = setup({});
    await deploy();
    expect(cluster.steps).not.toContain('GETDELEGATIONTOKEN');
    expect(submittedSpec(cluster)).not.toHaveProperty('credentials');
  });
});

describe('token services', () => {
  it('ip:port through the resolver with use_ip, lower-cased host:port without, the logical name as is', async () => {
    await expect(tokenServiceName({ kind: 'address', host: 'nn', port: 8020, useIp: true }, resolveHost)).resolves.toBe(
      '10.0.0.1:8020',
    );
    await expect(
      tokenServiceName({ kind: 'address', host: 'NN.Example.com', port: 9000, useIp: false }, resolveHost),
    ).resolves.toBe('nn.example.com:9000');
    await expect(tokenServiceName({ kind: 'logical', service: 'ha-hdfs:ns1' }, resolveHost)).resolves.toBe(
      'ha-hdfs:ns1',
    );
  });

  it('writes IPv6 addresses as Java does: eight groups, no ::', () => {
    expect(javaHostAddress('::1')).toBe('0:0:0:0:0:0:0:1');
    expect(javaHostAddress('fe80::1:abcd%eth0')).toBe('fe80:0:0:0:0:0:1:abcd%eth0');
    expect(javaHostAddress('2001:db8::ffff:10.0.0.1')).toBe('2001:db8:0:0:0:ffff:a00:1');
    expect(javaHostAddress('10.0.0.1')).toBe('10.0.0.1');
  });
});
