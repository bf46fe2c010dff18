import { describe, expect, it } from 'vitest';
import { FlinkYarnError } from '../../../src/errors/index.js';
import {
  connectZooKeeper,
  type ZooKeeperDeps,
  type ZooKeeperEvent,
  type ZooKeeperOptions,
} from '../../../src/zookeeper/client.js';
import { ZK_CODES, ZooKeeperError } from '../../../src/zookeeper/errors.js';
import { describeRootProbe, probeZooKeeperRoot } from '../../../src/zookeeper/probe.js';
import { Secret, type ZooKeeperSettings } from '../../../src/zookeeper/settings.js';
import { FakeZooKeeper, zkError } from './fake.js';

/** Fast timings, recorded waits, no real sleeping. */
function setup(zk: FakeZooKeeper, options: Partial<ZooKeeperOptions> = {}) {
  const events: ZooKeeperEvent[] = [];
  const waits: number[] = [];
  const deps: ZooKeeperDeps = {
    transport: zk.transport,
    onEvent: (e) => events.push(e),
    sleep: async (ms) => void waits.push(ms),
    random: () => 1,
  };
  const o: ZooKeeperOptions = {
    connectString: 'zk1:2181',
    connectionTimeoutMs: 30,
    sessionTimeoutMs: 300,
    retryWaitMs: 100,
    maxRetryAttempts: 2,
    ...options,
  };
  return { events, waits, deps, connect: () => connectZooKeeper(o, deps) };
}

async function rejection(p: Promise<unknown>): Promise<ZooKeeperError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ZooKeeperError);
    return e as ZooKeeperError;
  }
  throw new Error('expected a rejection');
}

const digest = {
  scheme: 'digest',
  auth: new Secret('flink:s3cr3t'),
  identity: 'flink',
  origin: 'set in flink-conf.yaml:4',
};

describe('connecting', () => {
  it('fails before making any connection when Flink would log in with SASL', async () => {
    const zk = new FakeZooKeeper();
    const { connect } = setup(zk, {
      sasl: { required: true, reason: 'security.kerberos.login.contexts lists Client', keys: [] },
    });
    const e = await rejection(connect());
    expect(e.code).toBe('ZK_SASL_REQUIRED');
    expect(e.message).toMatch(/cannot: security\.kerberos\.login\.contexts lists Client\. If the quorum also accepts/);
    expect(e.message).toMatch(/-D zookeeper\.sasl\.disable=true/);
    expect(zk.connections).toHaveLength(0);
  });

  it('gives up after 1 + max-retry-attempts connection timeouts, backing off from retry-wait, closing each try', async () => {
    const zk = new FakeZooKeeper();
    zk.onConnect = () => undefined; // never a session
    const { connect, events, waits } = setup(zk);
    const started = Date.now();
    const e = await rejection(connect());
    expect(e.code).toBe('ZK_UNREACHABLE');
    expect(e.retriable).toBe(true);
    expect(e.message).toMatch(
      /^Could not connect to ZooKeeper zk1:2181: 3 attempts failed \(high-availability\.zookeeper\.client\.max-retry-attempts: 2, .*connection-timeout: 30 ms, .*retry-wait: 100 ms\)\. Last error: ZooKeeper zk1:2181 did not give a session within 30 ms/,
    );
    expect(zk.connections).toHaveLength(3);
    expect(zk.connections.every((c) => c.closed)).toBe(true);
    expect(events.map((ev) => [ev.kind, ev.op, ev.attempt])).toEqual([
      ['retry', 'connect', 1],
      ['retry', 'connect', 2],
    ]);
    expect(waits).toEqual([100, 200]); // exponential from retry-wait (random pinned to the ceiling)
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 30 - 5);
  });

  it('caps one backoff at max-retry-wait', async () => {
    const zk = new FakeZooKeeper();
    zk.onConnect = () => undefined;
    const { connect, waits } = setup(zk, { maxRetryAttempts: 4, maxRetryWaitMs: 250 });
    await rejection(connect());
    expect(waits).toEqual([100, 200, 250, 250]);
  });

  it('adds each authorization entry before the session starts, as UTF-8', async () => {
    const zk = new FakeZooKeeper();
    const { connect } = setup(zk, {
      authorization: [digest, { ...digest, scheme: 'ip', auth: new Secret('10.0.0.1') }],
    });
    (await connect()).close();
    expect(zk.connections[0]!.auth).toEqual([
      ['digest', 'flink:s3cr3t'],
      ['ip', '10.0.0.1'],
    ]);
  });

  it('does not retry refused credentials, and names the scheme but never the secret', async () => {
    const zk = new FakeZooKeeper();
    zk.onConnect = (c) => {
      c.emit('connected');
      c.emit('auth-failed'); // ZooKeeper answers the auth packet after the session starts,
      c.emit('disconnected'); // then closes the connection
    };
    const { connect, events } = setup(zk, { authorization: [{ ...digest, scheme: 'x509' }] });
    const e = await rejection(connect());
    expect(e.code).toBe('ZK_AUTH_FAILED');
    expect(e.message).toMatch(
      /\(AuthFailed\) for scheme x509 from high-availability\.zookeeper\.client\.authorization \(set in flink-conf\.yaml:4\)/,
    );
    expect(e.message).not.toContain('s3cr3t');
    expect(events).toEqual([]);
    expect(zk.connections).toHaveLength(1);
  });

  it('reports a server that demands SASL (-124) as ZK_SASL_REQUIRED', async () => {
    const zk = new FakeZooKeeper();
    zk.fail = (_op, _path, c) => {
      c.emit('sasl-required');
      return zkError(ZK_CODES.SESSION_CLOSED_REQUIRE_SASL_AUTH);
    };
    const e = await rejection(setup(zk).connect());
    expect(e.code).toBe('ZK_SASL_REQUIRED');
    expect(e.message).toMatch(/requires SASL \(Kerberos\) authentication/);
  });

  it('accepts a session whose first read of / is refused (a locked-down root)', async () => {
    const zk = new FakeZooKeeper();
    zk.fail = (op, path) => (op === 'exists' && path === '/' ? zkError(ZK_CODES.NO_AUTH) : undefined);
    const session = await setup(zk).connect();
    session.close();
    expect(zk.connections).toHaveLength(1);
  });
});

describe('requests', () => {
  it('retries connection loss per the retry keys, then succeeds', async () => {
    const zk = new FakeZooKeeper().add('/flink', '/flink/a');
    let losses = 2;
    zk.fail = (op) => (op === 'getChildren' && losses-- > 0 ? zkError(ZK_CODES.CONNECTION_LOSS) : undefined);
    const { connect, events } = setup(zk);
    const session = await connect();
    expect(await session.children('/flink')).toEqual(['a']);
    expect(events.map((e) => [e.op, e.path, e.attempt])).toEqual([
      ['children', '/flink', 1],
      ['children', '/flink', 2],
    ]);
    expect(events[0]!.reason).toMatch(
      /Lost the connection to ZooKeeper zk1:2181 during children \/flink \(ConnectionLoss\)/,
    );
    session.close();
  });

  it('starts a new session after expiry and repeats the request there', async () => {
    const zk = new FakeZooKeeper().add('/flink');
    zk.fail = (op, _path, c) =>
      op === 'getData' && c === zk.connections[0] ? zkError(ZK_CODES.SESSION_EXPIRED) : undefined;
    const session = await setup(zk).connect();
    expect((await session.data('/flink'))?.toString()).toBe('/flink');
    expect(zk.connections).toHaveLength(2);
    expect(zk.connections[0]!.closed).toBe(true);
    session.close();
  });

  it('bounds a request the server never answers, then gives up naming the request', async () => {
    const zk = new FakeZooKeeper().add('/flink');
    zk.fail = (op) => (op === 'getChildren' ? new Promise<never>(() => undefined) : undefined);
    const session = await setup(zk, { sessionTimeoutMs: 30 }).connect();
    const e = await rejection(session.children('/flink'));
    expect(e.code).toBe('ZK_UNREACHABLE');
    expect(e.message).toMatch(
      /^Could not children \/flink on ZooKeeper zk1:2181: 3 attempts failed.*did not answer children \/flink within 20 ms/,
    );
    expect(zk.connections.length).toBe(3); // each timeout drops the connection; the next try opens a new one
    session.close();
  });

  it('does not retry NoAuth, and says whose identity was refused and what to set', async () => {
    const zk = new FakeZooKeeper().add('/flink');
    zk.fail = (op, path) => (path === '/flink' ? zkError(ZK_CODES.NO_AUTH) : undefined);
    const anonymous = await setup(zk).connect();
    const e = await rejection(anonymous.children('/flink'));
    expect(e).toMatchObject({ code: 'ZK_NO_AUTH', zkPath: '/flink', op: 'children', retriable: false });
    expect(e.message).toMatch(
      /^ZooKeeper zk1:2181 denied reading \/flink \(NoAuth\)\. This client sent no credentials and the node's ACL admits no anonymous client/,
    );
    expect(e.message).toMatch(
      /Set high-availability\.zookeeper\.client\.authorization to the identity they were created with, e\.g\. digest:'user:password'/,
    );
    anonymous.close();

    const { connect, events } = setup(zk, { authorization: [digest] });
    const flink = await connect();
    const d = await rejection(flink.deleteRecursive('/flink'));
    expect(d.message).toMatch(
      /This client authenticated as digest user 'flink' \(high-availability\.zookeeper\.client\.authorization, set in flink-conf\.yaml:4\)/,
    );
    expect(d.message).not.toContain('s3cr3t');
    expect(events).toEqual([]);
    flink.close();
  });

  it('turns other ZooKeeper codes into ZK_REMOTE naming the path', async () => {
    const zk = new FakeZooKeeper().add('/flink');
    zk.fail = () => zkError(-103);
    const session = await setup(zk, {})
      .connect()
      .catch(() => null);
    expect(session).toBeNull(); // the first round trip fails too
    zk.fail = (op) => (op === 'remove' ? zkError(-103) : undefined);
    const s2 = await setup(zk).connect();
    const e = await rejection(s2.deleteRecursive('/flink'));
    expect(e).toMatchObject({ code: 'ZK_REMOTE', zkCode: -103, zkPath: '/flink' });
    expect(e.message).toBe('ZooKeeper zk1:2181 refused delete /flink: BadVersion (-103).');
    s2.close();
  });

  it('reads a missing node as null, and an existing one as not created', async () => {
    const zk = new FakeZooKeeper().add('/flink');
    const session = await setup(zk).connect();
    expect(await session.data('/nope')).toBeNull();
    expect(await session.create('/flink')).toBe(false);
    expect(await session.exists('/nope')).toBe(false);
    session.close();
  });

  it("creates nodes and missing parents with the session's ACL mode", async () => {
    const zk = new FakeZooKeeper().add('/flink');
    const session = await setup(zk, { acl: 'creator', authorization: [digest] }).connect();
    expect(await session.ensurePath('/flink/a/b')).toBe(2);
    expect(await session.ensurePath('/flink/a/b')).toBe(0);
    expect(zk.nodes.get('/flink/a')?.acl).toBe('creator');
    expect(zk.nodes.get('/flink/a/b')?.acl).toBe('creator');
    expect(await session.create('/flink/a/b/e', { data: Buffer.from('x'), ephemeral: true })).toBe(true);
    expect(zk.nodes.get('/flink/a/b/e')).toEqual({ data: Buffer.from('x'), acl: 'creator', ephemeral: true });
    expect(await session.deleteRecursive('/flink/a')).toBe(3);
    expect(await session.deleteRecursive('/flink/a')).toBe(0);
    session.close();
  });

  it('removes a namespace a shutting-down JobManager still writes to (NotEmpty): lists again', async () => {
    const zk = new FakeZooKeeper().add('/flink', '/flink/app', '/flink/app/leader');
    let late = 2;
    // Each removal of the namespace finds a child written after the listing, twice.
    zk.fail = (op, path) => {
      if (op !== 'remove' || path !== '/flink/app' || late === 0) return undefined;
      zk.add(`/flink/app/late${late--}`);
      return zkError(ZK_CODES.NOT_EMPTY);
    };
    const session = await setup(zk).connect();
    expect(await session.deleteRecursive('/flink/app')).toBe(4);
    expect([...zk.nodes.keys()].filter((p) => p.startsWith('/flink/app'))).toEqual([]);
    session.close();
  });

  it('gives up on a namespace that never stops growing, with the NotEmpty error', async () => {
    const zk = new FakeZooKeeper().add('/flink', '/flink/app');
    let n = 0;
    zk.fail = (op, path) => {
      if (op !== 'remove' || path !== '/flink/app') return undefined;
      zk.add(`/flink/app/c${n++}`);
      return zkError(ZK_CODES.NOT_EMPTY);
    };
    const session = await setup(zk).connect();
    const e = await rejection(session.deleteRecursive('/flink/app'));
    expect(e).toMatchObject({ code: 'ZK_REMOTE', zkCode: ZK_CODES.NOT_EMPTY });
    expect(n).toBe(10);
    session.close();
  });

  it('refuses a path ZooKeeper would refuse, without sending it', async () => {
    const zk = new FakeZooKeeper();
    const session = await setup(zk).connect();
    const e = await rejection(session.exists('/flink/../x'));
    expect(e.code).toBe('INVALID_VALUE');
    expect(e.message).toMatch(/'\/flink\/\.\.\/x' is not a valid ZooKeeper path/);
    session.close();
  });

  it('fails requests on a closed session without reconnecting', async () => {
    const zk = new FakeZooKeeper();
    const session = await setup(zk).connect();
    session.close();
    const e = await rejection(session.exists('/'));
    expect(e.message).toMatch(/session is closed/);
    expect(zk.connections).toHaveLength(1);
    expect(e).toBeInstanceOf(FlinkYarnError);
  });
});

describe('probing the HA root', () => {
  const settings = (over: Partial<ZooKeeperSettings> = {}): ZooKeeperSettings => ({
    connectString: 'zk1:2181',
    root: '/flink/ha',
    connectionTimeoutMs: 30,
    sessionTimeoutMs: 300,
    retryWaitMs: 1,
    maxRetryWaitMs: null,
    maxRetryAttempts: 0,
    acl: 'open',
    authorization: [],
    sasl: { required: false },
    ...over,
  });

  it('creates and removes an ephemeral node under the nearest existing ancestor when the root is missing', async () => {
    const zk = new FakeZooKeeper().add('/flink');
    const created: string[] = [];
    zk.fail = (op, path) => {
      if (op === 'create') created.push(path);
      return undefined;
    };
    const probe = await probeZooKeeperRoot(settings({ acl: 'creator', authorization: [digest] }), {
      transport: zk.transport,
    });
    expect(probe).toEqual({
      root: '/flink/ha',
      rootExists: false,
      parent: '/flink',
      acl: 'creator',
      identity: "digest user 'flink'",
    });
    expect(created).toHaveLength(1);
    expect(created[0]).toMatch(/^\/flink\/\.flink-yarn-probe-[0-9a-f]{12}$/);
    expect([...zk.nodes.keys()]).toEqual(['/', '/flink']);
    expect(zk.connections.every((c) => c.closed)).toBe(true);
    expect(describeRootProbe(probe)).toBe(
      "ZooKeeper HA root /flink/ha is usable: created and removed a node under /flink, where Flink will create /flink/ha with creator ACLs as digest user 'flink'",
    );
  });

  it('fails with ZK_NO_AUTH when creating there is refused, and with the InvalidACL hint in creator mode without identity', async () => {
    const zk = new FakeZooKeeper().add('/flink', '/flink/ha');
    zk.fail = (op) => (op === 'create' ? zkError(ZK_CODES.NO_AUTH) : undefined);
    const e = await rejection(probeZooKeeperRoot(settings(), { transport: zk.transport }));
    expect(e.code).toBe('ZK_NO_AUTH');
    expect(e.message).toMatch(/denied creating \/flink\/ha\/\.flink-yarn-probe-/);

    zk.fail = (op) => (op === 'create' ? zkError(ZK_CODES.INVALID_ACL) : undefined);
    const acl = await rejection(probeZooKeeperRoot(settings({ acl: 'creator' }), { transport: zk.transport }));
    expect(acl.code).toBe('ZK_NO_AUTH');
    expect(acl.message).toMatch(
      /with creator-only ACLs \(high-availability\.zookeeper\.client\.acl: creator\) because this connection has no authenticated identity/,
    );
    expect(zk.connections.every((c) => c.closed)).toBe(true);
  });
});
