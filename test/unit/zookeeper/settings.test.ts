import fc from 'fast-check';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors/index.js';
import { DEFAULT_ZOOKEEPER_OPTIONS } from '../../../src/zookeeper/client.js';
import { FlinkMapSyntaxError, formatFlinkMap, parseFlinkMap, splitEscaped } from '../../../src/zookeeper/flink-map.js';
import { zooKeeperSettings, ZooKeeperSettingsError, type ZooKeeperSettings } from '../../../src/zookeeper/settings.js';
import { model } from '../validation/helpers.js';

const QUORUM = 'high-availability.zookeeper.quorum: zk1:2181,zk2:2181';

/** Settings from flink-conf.yaml lines (plus -D properties). */
function settings(lines: string[], dynamic: Record<string, string> = {}): ZooKeeperSettings {
  return zooKeeperSettings(model({ flink: [QUORUM, ...lines].join('\n'), dynamic }).flink);
}

function failure(run: () => unknown): ZooKeeperSettingsError {
  try {
    run();
  } catch (e) {
    if (e instanceof ZooKeeperSettingsError) return e;
    throw e;
  }
  throw new Error('expected a ZooKeeperSettingsError');
}

describe("Flink's map syntax", () => {
  it('reads quoted values holding the separators, as StructuredOptionsSplitter does', () => {
    expect(parseFlinkMap("digest:'flink:secret'")).toEqual([['digest', 'flink:secret']]);
    expect(parseFlinkMap(" digest : 'a:b' , ip:10.0.0.1 ")).toEqual([
      ['digest', 'a:b'],
      ['ip', '10.0.0.1'],
    ]);
    expect(parseFlinkMap(`digest:"it's:ok"`)).toEqual([['digest', "it's:ok"]]);
    expect(parseFlinkMap("'digest:''a,b'''")).toEqual([['digest', 'a,b']]);
    expect(splitEscaped('a,,b', ',')).toEqual(['a', '', 'b']);
    expect(splitEscaped(',a,', ',')).toEqual(['a']);
  });

  it("refuses what Flink refuses, with Flink's reasons", () => {
    expect(() => parseFlinkMap('digest:flink:secret')).toThrow(/not a key-value pair/);
    expect(() => parseFlinkMap('digest')).toThrow(/not a key-value pair/);
    expect(() => parseFlinkMap("digest:'abc")).toThrow(/Quoting was not closed/);
    expect(() => parseFlinkMap("digest:'a'b")).toThrow(/Illegal quoting at position: 9/);
    // A quoted key at the first level is followed by ':', not ','.
    expect(() => parseFlinkMap(`"digest":"a:b"`)).toThrow(/Illegal quoting at position: 7/);
    expect(() => parseFlinkMap("digest:'a:b',digest:'c:d'")).toThrow(/Duplicate key digest/);
  });

  it('round-trips any entries through formatFlinkMap', () => {
    const text = fc.string({ unit: fc.constantFrom(...'ab :,\'" \t9'.split('')), maxLength: 12 });
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(text, text), { selector: ([k]) => k, maxLength: 4 }), (entries) => {
        expect(parseFlinkMap(formatFlinkMap(entries))).toEqual(entries);
      }),
      { numRuns: 500 },
    );
  });

  it('throws only FlinkMapSyntaxError for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ab:,\'" '.split('')), maxLength: 30 }), (text) => {
        try {
          parseFlinkMap(text);
        } catch (e) {
          expect(e).toBeInstanceOf(FlinkMapSyntaxError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('ZooKeeper client settings from the Flink configuration', () => {
  it("uses Flink 1.20's defaults when nothing else is set", () => {
    const s = settings([]);
    expect(s).toMatchObject({
      connectString: 'zk1:2181,zk2:2181',
      root: '/flink',
      connectionTimeoutMs: 15_000,
      sessionTimeoutMs: 60_000,
      retryWaitMs: 5_000,
      maxRetryWaitMs: null,
      maxRetryAttempts: 3,
      acl: 'open',
      authorization: [],
      sasl: { required: false },
    });
    // The client's defaults are these same values: one source, Flink's option defaults.
    const rest = Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'connectString' && k !== 'root'));
    expect(rest).toEqual(DEFAULT_ZOOKEEPER_OPTIONS);
  });

  it('reads the client keys, deprecated names and durations with units, and pins retries at 29 like Curator', () => {
    const s = settings([
      'high-availability.zookeeper.client.connection-timeout: 2 s',
      'recovery.zookeeper.client.session-timeout: 30000',
      'high-availability.zookeeper.client.retry-wait: 250 ms',
      'high-availability.zookeeper.client.max-retry-wait: 1 min',
      'high-availability.zookeeper.client.max-retry-attempts: 40',
      'high-availability.zookeeper.path.root: flink//ha/',
      'high-availability.zookeeper.client.acl: CREATOR',
    ]);
    expect(s).toMatchObject({
      connectionTimeoutMs: 2_000,
      sessionTimeoutMs: 30_000,
      retryWaitMs: 250,
      maxRetryWaitMs: 60_000,
      maxRetryAttempts: 29,
      root: '/flink/ha',
      acl: 'creator',
    });
  });

  it('strips whitespace from the quorum as Flink does and keeps a chroot', () => {
    const s = zooKeeperSettings(model({ flink: 'high-availability.zookeeper.quorum: zk1:2181, zk2 /kafka' }).flink);
    expect(s.connectString).toBe('zk1:2181,zk2/kafka');
  });

  it('names the key, the file and the line of a bad value, and the fix', () => {
    const e = failure(() => settings(['high-availability.zookeeper.client.connection-timeout: soon']));
    expect(e.code).toBe('INVALID_VALUE');
    expect(e.key).toBe('high-availability.zookeeper.client.connection-timeout');
    expect(e.file).toBe('flink-conf.yaml');
    expect(e.line).toBe(2);
    expect(e.message).toMatch(/connection-timeout \(set in flink-conf\.yaml:2\).*Write a duration like/);

    const acl = failure(() => settings(['high-availability.zookeeper.client.acl: secure']));
    expect(acl.message).toMatch(/acl is 'secure' \(set in flink-conf\.yaml:2\)\. Flink accepts only open or creator/);

    const attempts = failure(() => settings([], { 'high-availability.zookeeper.client.max-retry-attempts': '-1' }));
    expect(attempts.file).toBeUndefined();
    expect(attempts.message).toMatch(/given with -D high-availability\.zookeeper\.client\.max-retry-attempts/);

    expect(failure(() => settings(['high-availability.zookeeper.client.session-timeout: 0'])).message).toMatch(
      /below 1 ms/,
    );
    expect(failure(() => settings(['high-availability.zookeeper.path.root: /a/../b'])).message).toMatch(
      /not a valid ZooKeeper path: it has a relative part/,
    );
    expect(failure(() => settings(['zookeeper.sasl.disable: maybe'])).key).toBe('zookeeper.sasl.disable');
  });

  it('refuses quorum members that are not host:port, and IPv6 literals this client cannot reach', () => {
    const bad = (quorum: string) =>
      failure(() => zooKeeperSettings(model({ flink: `high-availability.zookeeper.quorum: ${quorum}` }).flink));
    expect(bad('zk1:2181,zk2:port').message).toMatch(/'zk2:port' is not host:port/);
    expect(bad('[::1]:2181').message).toMatch(/IPv6 literal/);
    expect(bad('zk1:2181/a//b').message).toMatch(/chroot \/a\/\/b is not a valid ZooKeeper path/);
  });

  it('is a usage error, naming the file, when there is no quorum', () => {
    expect(() => zooKeeperSettings(model({ flink: 'a: b' }).flink, { flinkFile: '/conf/flink-conf.yaml' })).toThrow(
      new UsageError(
        'high-availability.zookeeper.quorum is not set in /conf/flink-conf.yaml. Set it to the ZooKeeper servers (host:port,host:port), or pass -D high-availability.zookeeper.quorum=host:port.',
      ),
    );
  });
});

describe('authorization (high-availability.zookeeper.client.authorization)', () => {
  it("reads Flink's map syntax and keeps the secret out of every printed form", () => {
    const s = settings(["high-availability.zookeeper.client.authorization: digest:'flink:s3cr3t', ip:'10.1.2.3'"]);
    expect(s.authorization.map((a) => [a.scheme, a.auth.reveal(), a.identity])).toEqual([
      ['digest', 'flink:s3cr3t', 'flink'],
      ['ip', '10.1.2.3', null],
    ]);
    expect(s.authorization[0]!.origin).toBe('set in flink-conf.yaml:2');
    for (const printed of [JSON.stringify(s), inspect(s, { depth: 10 }), `${s.authorization[0]!.auth}`]) {
      expect(printed).not.toContain('s3cr3t');
    }
    expect(JSON.stringify(s)).toContain('"auth":"******"');
  });

  it('takes prefix keys (config.yaml maps, -D) when the key itself is not set; the key itself wins', () => {
    const yaml = zooKeeperSettings(
      model({
        yaml: [
          'high-availability:',
          '  zookeeper:',
          '    quorum: zk1:2181',
          '    client:',
          '      authorization:',
          "        digest: 'flink:pw'",
        ].join('\n'),
      }).flink,
    );
    expect(yaml.authorization.map((a) => [a.scheme, a.auth.reveal(), a.origin])).toEqual([
      ['digest', 'flink:pw', 'set in config.yaml:6'],
    ]);
    const both = settings(["high-availability.zookeeper.client.authorization: digest:'a:b'"], {
      'high-availability.zookeeper.client.authorization.ip': '10.0.0.1',
    });
    expect(both.authorization.map((a) => a.scheme)).toEqual(['digest']);
  });

  it('refuses a map Flink cannot read, and a digest without user:password, without echoing the value', () => {
    const e = failure(() => settings(['high-availability.zookeeper.client.authorization: digest:flink:s3cr3t']));
    expect(e.message).toMatch(
      /\(set in flink-conf\.yaml:2\) is not a map Flink can read: Map item is not a key-value pair/,
    );
    expect(e.message).toMatch(/digest:'user:password'/);
    expect(e.message).not.toContain('s3cr3t');
    const digest = failure(() => settings(['high-availability.zookeeper.client.authorization: digest:s3cr3t']));
    expect(digest.message).toMatch(/digest entry must be user:password/);
    expect(digest.message).not.toContain('s3cr3t');
  });
});

describe('whether Flink would log in to ZooKeeper with SASL', () => {
  const kerberos = ['security.kerberos.login.contexts: Client,KafkaClient'];

  it('does when the ZooKeeper login context is filled from the ticket cache (the default) or a keytab', () => {
    const s = settings(kerberos);
    expect(s.sasl.required).toBe(true);
    if (!s.sasl.required) return;
    expect(s.sasl.keys).toEqual([
      'security.kerberos.login.contexts',
      'zookeeper.sasl.login-context-name',
      'security.kerberos.login.use-ticket-cache',
      'zookeeper.sasl.disable',
    ]);
    expect(s.sasl.reason).toMatch(/security\.kerberos\.login\.contexts lists 'Client' \(set in flink-conf\.yaml:2\)/);
    const keytab = settings([
      ...kerberos,
      'security.kerberos.login.keytab: /etc/flink.keytab',
      'security.kerberos.login.principal: flink@EXAMPLE.COM',
      'security.kerberos.login.use-ticket-cache: false',
    ]);
    expect(keytab.sasl.required && keytab.sasl.keys).toContain('security.kerberos.login.keytab');
  });

  it('does for a renamed login context only when that name is listed', () => {
    expect(settings(['zookeeper.sasl.login-context-name: ZkClient', ...kerberos]).sasl.required).toBe(false);
    expect(
      settings(['zookeeper.sasl.login-context-name: ZkClient', 'security.kerberos.login.contexts: ZkClient']).sasl
        .required,
    ).toBe(true);
  });

  it('does not when SASL is disabled, no context is listed, or there are no Kerberos credentials', () => {
    expect(settings([...kerberos, 'zookeeper.sasl.disable: true']).sasl.required).toBe(false);
    expect(settings([...kerberos], { 'zookeeper.sasl.disable': 'true' }).sasl.required).toBe(false);
    expect(settings(['security.kerberos.login.keytab: /etc/flink.keytab']).sasl.required).toBe(false);
    expect(settings([...kerberos, 'security.kerberos.login.use-ticket-cache: false']).sasl.required).toBe(false);
  });
});
