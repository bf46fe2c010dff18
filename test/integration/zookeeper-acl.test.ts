import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zookeeper, { type ACL, type Client } from 'node-zookeeper-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { writeSessionConfDir } from '../../src/operations/minicluster/index.js';
import { fourLetterWord, freePort, isAlive, sleep, terminate } from '../../src/operations/minicluster/processes.js';
import { connectZooKeeper, type ZooKeeperEvent } from '../../src/zookeeper/client.js';
import { ZooKeeperError } from '../../src/zookeeper/errors.js';
import { probeZooKeeperRoot } from '../../src/zookeeper/probe.js';
import { zooKeeperSettings, type ZooKeeperSettings } from '../../src/zookeeper/settings.js';
import { cli, ROOT, type CliResult } from '../cli/run.js';

const cluster = inject('minicluster');
const HA_ROOT = `/acl-it-${Date.now()}`;
const PASSWORD = 'pw-7f3c9a';
const AUTHORIZATION = `high-availability.zookeeper.client.authorization: digest:'flink:${PASSWORD}'`;
const CREATOR = ['high-availability.zookeeper.client.acl: creator', AUTHORIZATION];
// The ACL entry ZooKeeper's digest provider makes for flink:<password>: user:base64(sha1(user:password)).
const DIGEST_ID = `flink:${createHash('sha1').update(`flink:${PASSWORD}`).digest('base64')}`;
const LEADER = { address: 'http://jm-host:8081', sessionId: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0' };

/** A Flink conf dir for this cluster's ZooKeeper with the HA root of this test file. */
function confDir(...extra: string[]): string {
  return writeSessionConfDir(cluster, mkdtempSync(join(tmpdir(), 'flink-yarn-zkacl-')), [
    `high-availability.zookeeper.path.root: ${HA_ROOT}`,
    ...extra,
  ]);
}

function settingsOf(dir: string): ZooKeeperSettings {
  const config = loadConfig({
    flinkConfDir: dir,
    yarnConfDir: undefined,
    dynamicProperties: {},
    expansion: { env: {}, systemProperties: {} },
  });
  return zooKeeperSettings(config.flink);
}

/** Writes an HA namespace with Flink 1.20's own ZooKeeper client, configured by Flink from `dir`. */
function flinkWritesNamespace(dir: string, clusterId: string): void {
  execFileSync(
    'java',
    [
      '-cp',
      `${join(cluster.flinkHome, 'lib')}/*`,
      join(ROOT, 'test', 'integration', 'fixtures', 'FlinkHaTree.java'),
      dir,
      clusterId,
      LEADER.address,
      LEADER.sessionId,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 },
  );
}

/** A plain node-zookeeper-client session, with digest auth when asked: the test's own eyes on ZooKeeper. */
async function raw(withAuth: boolean): Promise<Client> {
  const zk = zookeeper.createClient(cluster.zookeeper, { sessionTimeout: 10_000 });
  if (withAuth) zk.addAuthInfo('digest', Buffer.from(`flink:${PASSWORD}`));
  await new Promise<void>((resolve) => {
    zk.once('connected', resolve);
    zk.connect();
  });
  return zk;
}

const aclOf = (zk: Client, path: string) =>
  new Promise<{ permission: number; scheme: string; id: string }[]>((resolve, reject) =>
    zk.getACL(path, (e, acls: ACL[]) =>
      e ? reject(e) : resolve(acls.map((a) => ({ permission: a.permission, scheme: a.id.scheme, id: a.id.id }))),
    ),
  );
const existsRaw = (zk: Client, path: string) =>
  new Promise<boolean>((resolve, reject) => zk.exists(path, (e, stat) => (e ? reject(e) : resolve(stat !== null))));

const ha = (dir: string, ...args: string[]) =>
  cli(['ha', ...args, '--flink-conf-dir', dir, '--yarn-conf-dir', cluster.confDir]);

/** A failure as a user sees it: exit 1, nothing on stdout, one line on stderr with the code, no stack, no secret. */
function expectCleanFailure(r: CliResult, code: string): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(`[${code}]`);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toContain(PASSWORD);
}

let flinkConf: string;

beforeAll(() => {
  flinkConf = confDir(...CREATOR);
  flinkWritesNamespace(flinkConf, 'cluster-a');
  flinkWritesNamespace(flinkConf, 'cluster-b');
}, 120_000);

afterAll(async () => {
  const session = await connectZooKeeper(settingsOf(flinkConf));
  try {
    await session.deleteRecursive(HA_ROOT);
  } finally {
    session.close();
  }
});

describe('HA data a Flink JobManager protected with acl creator and digest authorization', () => {
  it('is owned by the digest identity on every node, the root included', async () => {
    const zk = await raw(true);
    try {
      for (const path of [HA_ROOT, `${HA_ROOT}/cluster-a`, `${HA_ROOT}/cluster-a/leader/rest_server/connection_info`]) {
        expect(await aclOf(zk, path)).toEqual([{ permission: 31, scheme: 'digest', id: DIGEST_ID }]);
      }
    } finally {
      zk.close();
    }
  });

  it('cannot be read or removed without the authorization: ha status, ls and clean fail with ZK_NO_AUTH and the fix', () => {
    const anonymous = confDir();
    const status = ha(anonymous, 'status', '--cluster-id', 'cluster-a');
    expectCleanFailure(status, 'ZK_NO_AUTH');
    expect(status.stderr).toMatch(
      new RegExp(`denied reading ${HA_ROOT}/cluster-a \\(NoAuth\\)\\. This client sent no credentials`),
    );
    expect(status.stderr).toMatch(
      /Set high-availability\.zookeeper\.client\.authorization to the identity they were created with/,
    );

    const list = ha(anonymous, 'ls', '-o', 'json');
    expectCleanFailure(list, 'ZK_NO_AUTH');
    expect(list.stderr).toContain(`denied reading ${HA_ROOT} (NoAuth)`);

    const clean = ha(anonymous, 'clean', 'cluster-b');
    expectCleanFailure(clean, 'ZK_NO_AUTH');
  });

  it('says whose identity was refused when the password is wrong, without printing either password', () => {
    const wrong = confDir(`high-availability.zookeeper.client.authorization: digest:'flink:not-${PASSWORD}'`);
    const r = ha(wrong, 'status', '--cluster-id', 'cluster-a');
    expectCleanFailure(r, 'ZK_NO_AUTH');
    expect(r.stderr).toMatch(
      /This client authenticated as digest user 'flink' \(high-availability\.zookeeper\.client\.authorization, set in .*flink-conf\.yaml:\d+\)/,
    );
  });

  it('is read, listed and cleaned with the same authorization the JobManager used', async () => {
    const status = ha(flinkConf, 'status', '--cluster-id', 'cluster-a', '-o', 'json');
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      namespace: `${HA_ROOT}/cluster-a`,
      layout: '1.15+',
      leaders: [{ component: 'rest_server', leader: LEADER }],
    });

    const list = ha(flinkConf, 'ls', '-o', 'json');
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { clusterId: string }[]).map((n) => n.clusterId)).toEqual([
      'cluster-a',
      'cluster-b',
    ]);

    const clean = ha(flinkConf, 'clean', 'cluster-b', '-o', 'json');
    expect(clean.code, clean.stderr).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject([{ clusterId: 'cluster-b', zkNodes: 5 }]);
    const zk = await raw(true);
    try {
      expect(await existsRaw(zk, `${HA_ROOT}/cluster-b`)).toBe(false);
      expect(await existsRaw(zk, `${HA_ROOT}/cluster-a`)).toBe(true);
    } finally {
      zk.close();
    }
    for (const r of [status, list, clean]) expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it('fails with ZK_AUTH_FAILED when ZooKeeper has no provider for the scheme', () => {
    const r = ha(
      confDir("high-availability.zookeeper.client.authorization: nosuchscheme:'x'"),
      'status',
      '--cluster-id',
      'cluster-a',
    );
    expectCleanFailure(r, 'ZK_AUTH_FAILED');
    expect(r.stderr).toMatch(
      /\(AuthFailed\) for scheme nosuchscheme from high-availability\.zookeeper\.client\.authorization/,
    );
  });
});

describe('nodes this client creates, and the pre-flight probe of the HA root', () => {
  it('get the same creator ACL as the ones Flink made, in creator mode', async () => {
    const session = await connectZooKeeper(settingsOf(flinkConf));
    try {
      expect(await session.ensurePath(`${HA_ROOT}/ours/a`)).toBe(2);
    } finally {
      session.close();
    }
    const zk = await raw(true);
    try {
      expect(await aclOf(zk, `${HA_ROOT}/ours/a`)).toEqual([{ permission: 31, scheme: 'digest', id: DIGEST_ID }]);
    } finally {
      zk.close();
    }
  });

  it('passes with the identity that owns the root, and leaves nothing behind', async () => {
    const probe = await probeZooKeeperRoot(settingsOf(flinkConf));
    expect(probe).toEqual({
      root: HA_ROOT,
      rootExists: true,
      parent: HA_ROOT,
      acl: 'creator',
      identity: "digest user 'flink'",
    });
    const zk = await raw(true);
    try {
      const kids = await new Promise<string[]>((resolve, reject) =>
        zk.getChildren(HA_ROOT, (e, c) => (e ? reject(e) : resolve(c))),
      );
      expect(kids.sort()).toEqual(['cluster-a', 'ours']);
    } finally {
      zk.close();
    }
  });

  it('fails with ZK_NO_AUTH for another identity, and for creator ACLs without any identity', async () => {
    const other = await probeZooKeeperRoot(settingsOf(confDir())).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(ZooKeeperError);
    expect(other).toMatchObject({ code: 'ZK_NO_AUTH', zkPath: HA_ROOT });

    const fresh = {
      ...settingsOf(confDir('high-availability.zookeeper.client.acl: creator')),
      root: `${HA_ROOT}-fresh`,
    };
    const none = await probeZooKeeperRoot(fresh).catch((e: unknown) => e);
    expect(none).toMatchObject({ code: 'ZK_NO_AUTH' });
    expect((none as Error).message).toMatch(/creator-only ACLs .* no authenticated identity .* \(InvalidACL\)/);
  });
});

describe('retries and SASL', () => {
  const fast = {
    connectionTimeoutMs: 400,
    sessionTimeoutMs: 4_000,
    retryWaitMs: 100,
    maxRetryAttempts: 2,
  };

  it('gives up on a closed port after 1 + max-retry-attempts attempts, in bounded time', async () => {
    const port = await freePort();
    const events: ZooKeeperEvent[] = [];
    const started = Date.now();
    const e = await connectZooKeeper(
      { connectString: `127.0.0.1:${port}`, ...fast },
      { onEvent: (ev) => events.push(ev) },
    ).catch((x: unknown) => x);
    const elapsed = Date.now() - started;
    expect(e).toMatchObject({ code: 'ZK_UNREACHABLE', retriable: true });
    expect((e as Error).message).toMatch(/^Could not connect to ZooKeeper 127\.0\.0\.1:\d+: 3 attempts failed/);
    expect(events.map((ev) => ev.attempt)).toEqual([1, 2]);
    // 3 connection timeouts and two waits of at most 100 and 200 ms.
    expect(elapsed).toBeGreaterThanOrEqual(3 * 400);
    expect(elapsed).toBeLessThan(3 * 400 + 300 + 1_500);
  });

  it('makes exactly one connection per attempt to a server that never answers', async () => {
    let connections = 0;
    const silent: Server = createServer((socket) => {
      connections++;
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const e = await connectZooKeeper({ connectString: `127.0.0.1:${port}`, ...fast }).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'ZK_UNREACHABLE' });
      expect(connections).toBe(3);
    } finally {
      silent.close();
    }
  });

  it('does not connect at all when Flink would log in with Kerberos, and says which keys and what to do', async () => {
    let connections = 0;
    const counter: Server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => counter.listen(0, '127.0.0.1', resolve));
    const port = (counter.address() as { port: number }).port;
    try {
      const dir = confDir('security.kerberos.login.contexts: Client,KafkaClient');
      const r = ha(
        dir,
        'status',
        '--cluster-id',
        'cluster-a',
        '-D',
        `high-availability.zookeeper.quorum=127.0.0.1:${port}`,
      );
      expectCleanFailure(r, 'ZK_SASL_REQUIRED');
      expect(r.stderr).toMatch(/security\.kerberos\.login\.contexts lists 'Client' \(set in .*flink-conf\.yaml:\d+\)/);
      expect(r.stderr).toMatch(/-D zookeeper\.sasl\.disable=true/);
      expect(connections).toBe(0);
    } finally {
      counter.close();
    }
  });

  describe('against a ZooKeeper that requires SASL from every client', () => {
    let pid = 0;
    let port = 0;

    beforeAll(async () => {
      const module = join(ROOT, 'test', 'cluster', 'zookeeper');
      const dataDir = mkdtempSync(join(tmpdir(), 'flink-yarn-zk-sasl-'));
      mkdirSync(dataDir, { recursive: true });
      port = await freePort();
      const child = spawn(
        'java',
        [
          `@${join(module, 'jvm.options')}`,
          '-Dzookeeper.sessionRequireClientSASLAuth=true',
          '-Dzookeeper.authProvider.sasl=org.apache.zookeeper.server.auth.SASLAuthenticationProvider',
          '-cp',
          readFileSync(join(module, 'target', 'classpath.txt'), 'utf8').trim(),
          'org.apache.zookeeper.server.ZooKeeperServerMain',
          String(port),
          dataDir,
        ],
        { stdio: 'ignore' },
      );
      pid = child.pid!;
      for (let i = 0; (await fourLetterWord('127.0.0.1', port, 'ruok').catch(() => '')) !== 'imok'; i++) {
        if (i > 150 || !isAlive(pid)) throw new Error('the SASL-only ZooKeeper did not start');
        await sleep(200);
      }
    }, 60_000);

    afterAll(async () => {
      if (pid !== 0) await terminate(pid, 10_000);
    });

    it('reports ZK_SASL_REQUIRED instead of crashing on the code the client library does not know', () => {
      const r = ha(
        confDir(),
        'status',
        '--cluster-id',
        'x',
        '-D',
        `high-availability.zookeeper.quorum=127.0.0.1:${port}`,
      );
      expectCleanFailure(r, 'ZK_SASL_REQUIRED');
      expect(r.stderr).toMatch(/closed the session because it requires SASL \(Kerberos\) authentication/);
    });
  });
});
