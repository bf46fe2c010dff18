import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Writable } from 'node:stream';
import zookeeper from 'node-zookeeper-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/output.js';
import { FlinkYarnError } from '../../src/errors/index.js';
import { ensureBuilt } from '../../src/operations/minicluster/build.js';
import { freePort, isAlive } from '../../src/operations/minicluster/processes.js';
import {
  locateZooKeeper,
  startZooKeeperQuorum,
  stopZooKeeperQuorum,
  zooKeeperQuorumStatus,
} from '../../src/operations/zookeeper-quorum/index.js';
import { connectZooKeeper } from '../../src/zookeeper/client.js';
import { ONE_SERVER_PER_MACHINE } from '../../src/zookeeper/quorum-plan.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ZK_MODULE = join(ROOT, 'test', 'cluster', 'zookeeper');
const work = mkdtempSync(join(tmpdir(), 'flink-yarn-zkq-'));
const home = join(work, 'zookeeper-home');
const confDir = join(work, 'conf');
const stateDir = join(work, 'state');
const dataDir = join(work, 'data');
let port = 0;
let env: NodeJS.ProcessEnv = {};

/** Processes started for this state dir that are still alive. */
function leftovers(dir: string): string {
  try {
    return execFileSync('pgrep', ['-af', `flink.yarn.zookeeper=${dir} `], { encoding: 'utf8' }).trim();
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
}

/** The CLI in-process, with its output captured. */
async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        append(chunk.toString('utf8'));
        done();
      },
    });
  const io: Io = {
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    env: { ...env, NO_COLOR: '1' },
    cwd: work,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

beforeAll(async () => {
  // ZooKeeper 3.9.5 from Maven Central, laid out like a binary release: every jar in lib/.
  await ensureBuilt([{ name: 'zookeeper', dir: ZK_MODULE, outputs: ['target/classpath.txt'] }], {
    logDir: join(work, 'build-logs'),
    env: process.env,
    onEvent: () => undefined,
  });
  mkdirSync(join(home, 'lib'), { recursive: true });
  for (const jar of readFileSync(join(ZK_MODULE, 'target', 'classpath.txt'), 'utf8')
    .trim()
    .split(':')) {
    symlinkSync(jar, join(home, 'lib', basename(jar)));
  }
  port = await freePort();
  mkdirSync(confDir, { recursive: true });
  writeFileSync(
    join(confDir, 'zoo.cfg'),
    [
      '# One ZooKeeper server on this machine, as in the reference document.',
      'tickTime=2000',
      `dataDir=${dataDir}`,
      `clientPort=${port}`,
      `server.1=localhost:${await freePort()}:${await freePort()}`,
      '',
    ].join('\n'),
  );
  env = { ...process.env, ZOOKEEPER_HOME: home };
});

afterAll(async () => {
  await stopZooKeeperQuorum({ stateDir, env });
  rmSync(work, { recursive: true, force: true });
});

describe('flink-yarn zookeeper', () => {
  const options = () => ({ flinkConfDir: confDir, stateDir, env, cwd: work });

  it('starts a real ZooKeeper from a single-server zoo.cfg, which our client then uses', async () => {
    const events: string[] = [];
    const started = await startZooKeeperQuorum({ ...options(), onEvent: (e) => events.push(e.kind) });
    expect(started.alreadyRunning).toBe(false);
    expect(started.server).toMatchObject({ id: 1, clientPort: port, serving: true, mode: 'standalone', dataDir });
    expect(isAlive(started.server.pid)).toBe(true);
    expect(events).toEqual(['default-filled', 'default-filled', 'server-starting', 'server-ready']);
    expect(started.filled.map((f) => `${f.key}=${f.value}`)).toEqual(['initLimit=10', 'syncLimit=5']);
    expect(readFileSync(join(dataDir, 'myid'), 'utf8').trim()).toBe('1');
    expect(readFileSync(started.server.config, 'utf8')).toContain('initLimit=10\nsyncLimit=5\n');

    // Our client writes and reads; a plain node-zookeeper-client reads the same node back.
    const ours = await connectZooKeeper({ connectString: `127.0.0.1:${port}`, connectionTimeoutMs: 10_000 });
    try {
      expect(await ours.ensurePath('/flink-yarn-it')).toBe(1);
      expect(await ours.create('/flink-yarn-it/quorum', { data: Buffer.from('hello quorum') })).toBe(true);
      expect(await ours.children('/flink-yarn-it')).toEqual(['quorum']);
      expect((await ours.data('/flink-yarn-it/quorum'))?.toString('utf8')).toBe('hello quorum');

      const raw = zookeeper.createClient(`127.0.0.1:${port}`, { sessionTimeout: 10_000, retries: 2 });
      await new Promise<void>((resolve) => {
        raw.once('connected', () => resolve());
        raw.connect();
      });
      const seen = await new Promise<string>((resolve, reject) =>
        raw.getData('/flink-yarn-it/quorum', (e, data) => (e ? reject(e) : resolve(data?.toString('utf8') ?? ''))),
      );
      raw.close();
      expect(seen).toBe('hello quorum');

      expect(await ours.deleteRecursive('/flink-yarn-it')).toBe(2);
      expect(await ours.exists('/flink-yarn-it')).toBe(false);
    } finally {
      ours.close();
    }
  });

  it('start is idempotent, and status reports the running server', async () => {
    const before = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as { pid: number };
    const again = await startZooKeeperQuorum(options());
    expect(again.alreadyRunning).toBe(true);
    expect(again.server.pid).toBe(before.pid);

    const status = await zooKeeperQuorumStatus(options());
    expect(status.healthy).toBe(true);
    expect(status.servers).toEqual([
      expect.objectContaining({
        id: 1,
        local: true,
        running: true,
        pid: before.pid,
        answering: true,
        serving: true,
        mode: 'standalone',
      }),
    ]);

    const json = await cli(['zookeeper', 'status', '--flink-conf-dir', confDir, '--state-dir', stateDir, '-o', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ healthy: true, servers: [{ id: 1, mode: 'standalone' }] });
  });

  it('refuses to start on a port another server already answers on', async () => {
    const other = join(work, 'state-other');
    const e = await startZooKeeperQuorum({ ...options(), stateDir: other }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FlinkYarnError);
    expect((e as FlinkYarnError).code).toBe('ZOOKEEPER_START_FAILED');
    expect((e as FlinkYarnError).message).toContain(`Port ${port} on 127.0.0.1 is already in use by ZooKeeper 3.9.5`);
    expect(leftovers(other)).toBe('');
  });

  it('stop ends exactly what start started and leaves nothing behind', async () => {
    const { pid } = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as { pid: number };
    const stop = await cli(['zookeeper', 'stop', '--state-dir', stateDir, '-o', 'json']);
    expect(stop.code).toBe(0);
    expect(JSON.parse(stop.stdout)).toEqual({ stopped: [{ id: 1, pid, forced: false }] });
    expect(isAlive(pid)).toBe(false);
    expect(leftovers(stateDir)).toBe('');
    expect(existsSync(join(stateDir, 'state.json'))).toBe(false);
    expect(existsSync(join(stateDir, 'zoo.cfg'))).toBe(false);

    const status = await cli(['zookeeper', 'status', '--flink-conf-dir', confDir, '--state-dir', stateDir]);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('NOT healthy');
    expect((await stopZooKeeperQuorum({ stateDir, env })).stopped).toEqual([]);
  });

  it('refuses a zoo.cfg with two servers on this machine, with the reason and exit code 1', async () => {
    const twoDir = join(work, 'conf-two');
    mkdirSync(twoDir, { recursive: true });
    writeFileSync(
      join(twoDir, 'zoo.cfg'),
      'clientPort=2181\nserver.1=localhost:2888:3888\nserver.2=127.0.0.1:2889:3889\n',
    );
    const twoState = join(work, 'state-two');
    const r = await cli(['zookeeper', 'start', '--flink-conf-dir', twoDir, '--state-dir', twoState]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(twoDir, 'zoo.cfg'));
    expect(r.stderr).toContain('server.1=localhost (line 2) and server.2=127.0.0.1 (line 3) are both on this machine');
    expect(r.stderr).toContain(ONE_SERVER_PER_MACHINE);
    expect(r.stderr).toContain('[ZOOKEEPER_CFG_INVALID]');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stdout).toBe('');
    expect(existsSync(twoState)).toBe(false);
    expect(leftovers(twoState)).toBe('');
  });

  it('says so, with the log, when ZooKeeper exits during start', async () => {
    const badDir = join(work, 'conf-bad');
    mkdirSync(badDir, { recursive: true });
    writeFileSync(
      join(badDir, 'zoo.cfg'),
      `tickTime=often\ndataDir=${join(work, 'data-bad')}\nclientPort=${await freePort()}\nserver.1=localhost\n`,
    );
    const badState = join(work, 'state-bad');
    const e = await startZooKeeperQuorum({ ...options(), flinkConfDir: badDir, stateDir: badState }).catch(
      (x: unknown) => x,
    );
    expect((e as FlinkYarnError).code).toBe('ZOOKEEPER_START_FAILED');
    expect((e as FlinkYarnError).message).toContain('exited during start');
    expect((e as FlinkYarnError).message).toContain(join(badState, 'logs', 'zookeeper-server.1.out'));
    expect(existsSync(join(badState, 'state.json'))).toBe(false);
    expect(leftovers(badState)).toBe('');
  });

  it('an interrupted start stops the server it launched', async () => {
    const state = join(work, 'state-interrupted');
    const e = await startZooKeeperQuorum({ ...options(), stateDir: state, signal: AbortSignal.abort() }).catch(
      (x: unknown) => x,
    );
    expect((e as FlinkYarnError).code).toBe('INTERRUPTED');
    expect((e as FlinkYarnError).message).toContain('it was stopped');
    expect(existsSync(join(state, 'state.json'))).toBe(false);
    expect(leftovers(state)).toBe('');
  });

  it('names what to install when no ZooKeeper is found', () => {
    const nowhere = join(work, 'nowhere');
    const absent = { jar: join(nowhere, 'zookeeper.jar'), home: nowhere, conf: nowhere };
    const find = (zookeeperHome?: string) => () =>
      locateZooKeeper({ zookeeperHome, env: {}, cwd: work, debian: absent });
    expect(find()).toThrow(/ZOOKEEPER_HOME is not set .*apt-get install zookeeper/);
    expect(find(work)).toThrow(`ZooKeeper home ${work} (from --zookeeper-home) has no ZooKeeper server jar`);
    expect(locateZooKeeper({ zookeeperHome: home, env: {}, cwd: work, debian: absent }).classpath).toContain(
      join(home, 'lib', 'zookeeper-3.9.5.jar'),
    );
  });
});
