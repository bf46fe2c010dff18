import { describe, expect, it } from 'vitest';
import { assembleConfig, type ConfigModel } from '../../../src/config/assemble.js';
import { parseHadoopXml } from '../../../src/config/hadoop/xml.js';
import { flinkList } from '../../../src/config/values/lists.js';
import {
  planDelegationTokens,
  rmHost,
  serverPrincipal,
  type DelegationTokenPlan,
  type PlannedToken,
} from '../../../src/policy/delegation-tokens.js';
import { validateConfig } from '../../../src/validation/index.js';

type Site = Record<string, string>;

const xml = (props: Site, file: string) =>
  parseHadoopXml(
    `<configuration>\n${Object.entries(props)
      .map(([k, v]) => `<property><name>${k}</name><value>${v}</value></property>`)
      .join('\n')}\n</configuration>`,
    file,
  );

const SECURE: Site = { 'fs.defaultFS': 'hdfs://nn.example.com:8020', 'hadoop.security.authentication': 'kerberos' };
const RM: Site = {
  'yarn.resourcemanager.principal': 'rm/_HOST@EXAMPLE.COM',
  'yarn.resourcemanager.hostname': 'RM1.example.com',
};
const HA_NS: Site = {
  'dfs.nameservices': 'ns1',
  'dfs.ha.namenodes.ns1': 'nn1,nn2',
  'dfs.namenode.rpc-address.ns1.nn1': 'nn1.example.com:8020',
  'dfs.namenode.rpc-address.ns1.nn2': 'nn2.example.com:8020',
  'dfs.namenode.http-address.ns1.nn1': 'nn1.example.com:9870',
  'dfs.namenode.http-address.ns1.nn2': 'nn2.example.com:9870',
  'dfs.client.failover.proxy.provider.ns1': 'org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider',
};

function model(
  t: { flink?: string; core?: Site; yarn?: Site; hdfs?: Site; dynamic?: Record<string, string> } = {},
): ConfigModel {
  return assembleConfig(
    {
      flink: { path: 'flink-conf.yaml', format: 'legacy', text: t.flink ?? '' },
      hadoop: {
        core: [xml(t.core ?? SECURE, 'core-site.xml')],
        yarn: [xml(t.yarn ?? RM, 'yarn-site.xml')],
        hdfs: [xml(t.hdfs ?? {}, 'hdfs-site.xml')],
      },
    },
    { dynamicProperties: t.dynamic ?? {}, expansion: { env: {}, systemProperties: {} } },
  );
}

const plan = (t: Parameters<typeof model>[0] = {}) => planDelegationTokens(model(t), { localHost: 'client.local' });

function fetched(p: DelegationTokenPlan): Extract<DelegationTokenPlan, { fetch: true }> {
  if (!p.fetch) throw new Error(`expected tokens, got none: ${p.reason}`);
  return p;
}
const summary = (t: PlannedToken) => ({ fs: t.filesystem, by: t.requestedBy, service: t.service, issuer: t.issuer });

describe('whether delegation tokens are fetched at all', () => {
  it('not on a cluster without Hadoop security, and says nothing', () => {
    for (const auth of [undefined, 'simple']) {
      const core: Site = {
        'fs.defaultFS': 'hdfs://nn:8020',
        ...(auth ? { 'hadoop.security.authentication': auth } : {}),
      };
      expect(plan({ core })).toEqual({ fetch: false, reason: '', diagnostics: [] });
    }
  });

  it('with hadoop.security.authentication kerberos (any case), by default', () => {
    expect(plan().fetch).toBe(true);
    expect(plan({ core: { ...SECURE, 'hadoop.security.authentication': 'KERBEROS' } }).fetch).toBe(true);
  });

  it.each([
    ['security.delegation.tokens.enabled: false', 'security.delegation.tokens.enabled'],
    ['security.kerberos.fetch.delegation-token: false', 'security.delegation.tokens.enabled'],
    [
      'security.delegation.token.provider.hadoopfs.enabled: false',
      'security.delegation.token.provider.hadoopfs.enabled',
    ],
    ['yarn.security.appmaster.delegation.token.services: hbase', 'yarn.security.appmaster.delegation.token.services'],
  ])('not with %s, and says why (info)', (flink, key) => {
    const p = plan({ flink });
    expect(p.fetch).toBe(false);
    expect(p.diagnostics).toEqual([expect.objectContaining({ severity: 'info', code: 'DELEGATION_TOKENS_OFF', key })]);
    expect(p.diagnostics[0]!.file).toBe('flink-conf.yaml');
  });

  it('with hadoopfs anywhere in the AM services list, in either list form', () => {
    expect(plan({ flink: 'yarn.security.appmaster.delegation.token.services: hbase;hadoopfs' }).fetch).toBe(true);
    expect(plan({ flink: 'yarn.security.appmaster.delegation.token.services: [hbase, hadoopfs]' }).fetch).toBe(true);
  });
});

describe('which file systems get a token', () => {
  it('fs.defaultFS, from the NameNodes the client already uses, under ip:port of its RPC address', () => {
    const p = fetched(plan());
    expect(p.tokens.map(summary)).toEqual([
      {
        fs: 'hdfs://nn.example.com:8020',
        by: ['fs.defaultFS'],
        service: { kind: 'address', host: 'nn.example.com', port: 8020, useIp: true },
        issuer: { kind: 'default' },
      },
    ]);
    expect(p.tokens[0]!.scheme).toBe('hdfs');
  });

  it('host:port (lower-cased) with hadoop.security.token.service.use_ip false; port 8020 when the URI has none', () => {
    const p = fetched(
      plan({
        core: { ...SECURE, 'fs.defaultFS': 'hdfs://NN.example.com', 'hadoop.security.token.service.use_ip': 'false' },
      }),
    );
    expect(p.tokens[0]!.service).toEqual({ kind: 'address', host: 'NN.example.com', port: 8020, useIp: false });
  });

  it('an HA nameservice with a failover proxy provider: ha-hdfs:<ns>, nothing to resolve', () => {
    const p = fetched(plan({ core: { ...SECURE, 'fs.defaultFS': 'hdfs://ns1' }, hdfs: HA_NS }));
    expect(p.tokens.map(summary)).toEqual([
      {
        fs: 'hdfs://ns1',
        by: ['fs.defaultFS'],
        service: { kind: 'logical', service: 'ha-hdfs:ns1' },
        issuer: { kind: 'default' },
      },
    ]);
  });

  it('IP failover (IPFailoverProxyProvider) is no logical URI for HDFS: the address service', () => {
    const hdfs = {
      ...HA_NS,
      'dfs.client.failover.proxy.provider.ns1': 'org.apache.hadoop.hdfs.server.namenode.ha.IPFailoverProxyProvider',
    };
    const p = fetched(plan({ core: { ...SECURE, 'fs.defaultFS': 'hdfs://ns1' }, hdfs }));
    expect(p.tokens[0]!.service).toEqual({ kind: 'address', host: 'ns1', port: 8020, useIp: true });
  });

  it('security.kerberos.access.hadoopFileSystems (or its deprecated name), one token per file system', () => {
    const hdfs = {
      'dfs.nameservices': 'ns2',
      'dfs.ha.namenodes.ns2': 'a,b',
      'dfs.namenode.http-address.ns2.a': 'a.example.com:9870',
      'dfs.namenode.http-address.ns2.b': 'b.example.com:9870',
      'dfs.client.failover.proxy.provider.ns2':
        'org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider',
    };
    for (const key of ['security.kerberos.access.hadoopFileSystems', 'yarn.security.kerberos.additionalFileSystems']) {
      const p = fetched(plan({ flink: `${key}: hdfs://ns2/data;hdfs://nn.example.com:8020/other;/relative`, hdfs }));
      expect(p.tokens.map(summary)).toEqual([
        {
          fs: 'hdfs://nn.example.com:8020',
          by: ['fs.defaultFS', 'security.kerberos.access.hadoopFileSystems'],
          service: { kind: 'address', host: 'nn.example.com', port: 8020, useIp: true },
          issuer: { kind: 'default' },
        },
        {
          fs: 'hdfs://ns2',
          by: ['security.kerberos.access.hadoopFileSystems'],
          service: { kind: 'logical', service: 'ha-hdfs:ns2' },
          issuer: { kind: 'nameservice', nameservice: 'ns2', scheme: 'http' },
        },
      ]);
    }
  });

  it('dedupes by authority, the default port counting: hdfs://nn and hdfs://nn:8020 are one', () => {
    const p = fetched(
      plan({
        flink:
          'security.kerberos.access.hadoopFileSystems: hdfs://NN.example.com/a;hdfs:///b\nyarn.staging-directory: hdfs://nn.example.com:8020/staging',
      }),
    );
    expect(p.tokens).toHaveLength(1);
    expect(p.tokens[0]!.requestedBy).toEqual([
      'fs.defaultFS',
      'security.kerberos.access.hadoopFileSystems',
      'yarn.staging-directory',
    ]);
  });

  it('yarn.staging-directory counts when set (Flink adds it for every yarn-* target)', () => {
    const p = fetched(plan({ flink: 'yarn.staging-directory: /tmp/staging' }));
    expect(p.tokens[0]!.requestedBy).toEqual(['fs.defaultFS', 'yarn.staging-directory']);
  });

  it('a NameNode named by an RPC address hdfs-site.xml lists under a nameservice: asked through that nameservice', () => {
    const hdfs = {
      'dfs.nameservices': 'ns3',
      'dfs.namenode.rpc-address.ns3': 'other.example.com:8020',
      'dfs.namenode.https-address.ns3': 'other.example.com:9871',
      'dfs.http.policy': 'HTTPS_ONLY',
    };
    const p = fetched(plan({ flink: 'security.kerberos.access.hadoopFileSystems: hdfs://other.example.com/x', hdfs }));
    expect(summary(p.tokens[1]!)).toEqual({
      fs: 'hdfs://other.example.com',
      by: ['security.kerberos.access.hadoopFileSystems'],
      service: { kind: 'address', host: 'other.example.com', port: 8020, useIp: true },
      issuer: { kind: 'nameservice', nameservice: 'ns3', scheme: 'https' },
    });
  });

  it('webhdfs:// and swebhdfs:// through the web address they name, with their own ports and services', () => {
    const p = fetched(
      plan({
        flink: 'security.kerberos.access.hadoopFileSystems: webhdfs://w.example.com/x;swebhdfs://s.example.com:1234/y',
      }),
    );
    expect(p.tokens.slice(1).map((t) => [t.scheme, t.service, t.issuer])).toEqual([
      [
        'webhdfs',
        { kind: 'address', host: 'w.example.com', port: 9870, useIp: true },
        { kind: 'address', url: 'http://w.example.com:9870' },
      ],
      [
        'swebhdfs',
        { kind: 'address', host: 's.example.com', port: 1234, useIp: true },
        { kind: 'address', url: 'https://s.example.com:1234' },
      ],
    ]);
  });

  it('webhdfs:// of an HA nameservice: ha-webhdfs:<ns>, through its NameNodes', () => {
    const p = fetched(
      plan({ flink: 'security.kerberos.access.hadoopFileSystems: webhdfs://ns1/x', core: SECURE, hdfs: HA_NS }),
    );
    expect(p.tokens[1]).toMatchObject({
      service: { kind: 'logical', service: 'ha-webhdfs:ns1' },
      issuer: { kind: 'nameservice', nameservice: 'ns1', scheme: 'http' },
    });
  });

  it('warns, with a stable code and the key, for file systems it cannot reach; the local one needs none', () => {
    const p = fetched(
      plan({
        flink: 'security.kerberos.access.hadoopFileSystems: s3a://bucket/x;hdfs://far.example.com:9000/y;file:///tmp/z',
      }),
    );
    expect(p.tokens).toHaveLength(1);
    const skipped = p.diagnostics.filter((d) => d.code === 'DELEGATION_TOKEN_FS_SKIPPED');
    expect(skipped).toHaveLength(2);
    for (const d of skipped) {
      expect(d).toMatchObject({
        severity: 'warning',
        key: 'security.kerberos.access.hadoopFileSystems',
        file: 'flink-conf.yaml',
        line: 1,
      });
    }
    expect(skipped[0]!.message).toContain('s3a://');
    expect(skipped[1]!.message).toMatch(/far\.example\.com:9000.*hdfs-site\.xml/);
  });

  it('nothing for a default file system that is not HDFS; a warning when it is another remote one', () => {
    expect(fetched(plan({ core: { 'hadoop.security.authentication': 'kerberos' } })).tokens).toEqual([]);
    const p = fetched(plan({ core: { ...SECURE, 'fs.defaultFS': 'viewfs://cluster' } }));
    expect(p.tokens).toEqual([]);
    expect(p.diagnostics.find((d) => d.code === 'DELEGATION_TOKEN_FS_SKIPPED')).toMatchObject({
      key: 'fs.defaultFS',
      file: 'core-site.xml',
    });
  });

  it('masks a secret inside a skipped path', () => {
    const p = plan({ flink: 'security.kerberos.access.hadoopFileSystems: s3a://AKIAKEY:verysecret@bucket/x' });
    const skipped = p.diagnostics.find((d) => d.code === 'DELEGATION_TOKEN_FS_SKIPPED')!;
    expect(skipped.message).not.toContain('verysecret');
    expect(skipped.message).toContain('******');
  });

  it('warns that no KMS token comes along when a key provider is configured', () => {
    const p = plan({ core: { ...SECURE, 'hadoop.security.key.provider.path': 'kms://http@kms.example.com:9600/kms' } });
    expect(p.diagnostics).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        code: 'DELEGATION_TOKEN_KMS_SKIPPED',
        key: 'hadoop.security.key.provider.path',
        file: 'core-site.xml',
      }),
    );
  });

  it('reads Flink lists as Flink does: `;` in flat keys, [a, b] from standard YAML, quotes dropped', () => {
    expect(flinkList('hdfs://a; hdfs://b ;')).toEqual(['hdfs://a', 'hdfs://b']);
    expect(flinkList("[hdfs://a, 'hdfs://b']")).toEqual(['hdfs://a', 'hdfs://b']);
  });
});

describe('the renewer', () => {
  it("is the RM's principal with _HOST replaced by the RM host, lower-cased (Master.getMasterPrincipal)", () => {
    const p = fetched(plan());
    expect(p.renewer).toEqual({ principal: 'rm/rm1.example.com@EXAMPLE.COM', source: 'rm-principal' });
    const info = p.diagnostics.find((d) => d.code === 'DELEGATION_TOKENS_PLANNED');
    expect(info).toMatchObject({ severity: 'info', key: 'yarn.resourcemanager.principal' });
    expect(info!.message).toContain('hdfs://nn.example.com:8020 (fs.defaultFS)');
    expect(info!.message).toContain('renewed by the ResourceManager (rm/rm1.example.com@EXAMPLE.COM');
  });

  it('uses yarn.resourcemanager.address, and with RM HA the address of ha.id or the first rm-id', () => {
    const conf = (yarn: Site) => model({ yarn }).hadoop;
    expect(rmHost(conf({ 'yarn.resourcemanager.address': 'rpc.example.com:8032' }), 'me')).toBe('rpc.example.com');
    expect(rmHost(conf({}), 'me')).toBe('me');
    const ha = {
      'yarn.resourcemanager.ha.enabled': 'true',
      'yarn.resourcemanager.ha.rm-ids': 'rm1,rm2',
      'yarn.resourcemanager.address.rm1': 'a.example.com:8032',
      'yarn.resourcemanager.address.rm2': 'b.example.com:8032',
    };
    expect(rmHost(conf(ha), 'me')).toBe('a.example.com');
    expect(rmHost(conf({ ...ha, 'yarn.resourcemanager.ha.id': 'rm2' }), 'me')).toBe('b.example.com');
    // Only hostname.<rm-id>: YARN's client falls back to 0.0.0.0, i.e. the local host.
    expect(rmHost(conf({ ...ha, 'yarn.resourcemanager.address.rm1': '' }), 'me')).toBe('me');
  });

  it('replaces _HOST only in a three-part principal, as SecurityUtil.getServerPrincipal', () => {
    expect(serverPrincipal('yarn/_HOST@R', 'H.Example.COM')).toBe('yarn/h.example.com@R');
    expect(serverPrincipal('yarn@R', 'h')).toBe('yarn@R');
    expect(serverPrincipal('yarn/rm.fixed@R', 'h')).toBe('yarn/rm.fixed@R');
    expect(serverPrincipal('yarn', 'h')).toBe('yarn');
  });

  it('is security.kerberos.token.provider.hadoopfs.renewer when set, and its value is never repeated', () => {
    const p = fetched(plan({ flink: 'security.kerberos.token.provider.hadoopfs.renewer: flinkrenewer' }));
    expect(p.renewer).toEqual({ principal: 'flinkrenewer', source: 'option' });
    const info = p.diagnostics.find((d) => d.code === 'DELEGATION_TOKENS_PLANNED')!;
    expect(info.key).toBe('security.kerberos.token.provider.hadoopfs.renewer');
    expect(info.message).not.toContain('flinkrenewer');
  });

  it("an empty option (-D key=) asks for no renewer, Flink's own default", () => {
    const p = fetched(plan({ dynamic: { 'security.kerberos.token.provider.hadoopfs.renewer': '' } }));
    expect(p.renewer).toEqual({ principal: '', source: 'option' });
    expect(p.diagnostics.find((d) => d.code === 'DELEGATION_TOKENS_PLANNED')!.message).toContain('renewed by nobody');
  });

  it('without either, none (as Flink), with a warning naming both keys', () => {
    const p = fetched(plan({ yarn: {} }));
    expect(p.renewer).toEqual({ principal: '', source: 'none' });
    const w = p.diagnostics.find((d) => d.code === 'DELEGATION_TOKEN_RENEWER_UNKNOWN')!;
    expect(w).toMatchObject({ severity: 'warning', key: 'yarn.resourcemanager.principal' });
    expect(w.message).toContain('security.kerberos.token.provider.hadoopfs.renewer');
  });
});

describe('the validation rules about tokens', () => {
  const check = (t: Parameters<typeof model>[0]) =>
    validateConfig(model(t), undefined, { onYarn: true }).diagnostics.map((d) => d.code);

  it("refuses listed file systems with tokens off on a secured cluster, as Flink's client does", () => {
    const flink = 'security.delegation.tokens.enabled: false\nsecurity.kerberos.access.hadoopFileSystems: hdfs://ns2/x';
    expect(check({ flink })).toContain('DELEGATION_TOKENS_OFF_WITH_FILESYSTEMS');
    expect(check({ flink, core: { 'fs.defaultFS': 'hdfs://nn:8020' } })).not.toContain(
      'DELEGATION_TOKENS_OFF_WITH_FILESYSTEMS',
    );
    expect(check({ flink: 'security.delegation.tokens.enabled: false' })).not.toContain(
      'DELEGATION_TOKENS_OFF_WITH_FILESYSTEMS',
    );
  });

  it('says, on a secured cluster without a keytab, that the tokens carry the cluster only up to their maximum lifetime', () => {
    expect(check({ flink: '' })).toContain('KERBEROS_NO_KEYTAB');
    const keytab =
      'security.kerberos.login.keytab: /k/alice.keytab\nsecurity.kerberos.login.principal: alice@EXAMPLE.COM';
    expect(check({ flink: keytab })).not.toContain('KERBEROS_NO_KEYTAB');
    expect(check({ flink: '', core: { 'fs.defaultFS': 'hdfs://nn:8020' } })).not.toContain('KERBEROS_NO_KEYTAB');
    const info = validateConfig(model({ flink: '' }), undefined, { onYarn: true }).diagnostics.find(
      (d) => d.code === 'KERBEROS_NO_KEYTAB',
    );
    expect(info).toMatchObject({ severity: 'info', key: 'security.kerberos.login.keytab' });
    expect(info!.message).toMatch(/dfs\.namenode\.delegation\.token\.max-lifetime/);
  });

  it('reports a token switch that is not a boolean', () => {
    expect(check({ flink: 'security.delegation.tokens.enabled: yes' })).toContain('INVALID_VALUE');
    expect(check({ flink: 'security.delegation.token.provider.hadoopfs.enabled: 1' })).toContain('INVALID_VALUE');
  });
});
