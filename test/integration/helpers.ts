import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import zookeeper from 'node-zookeeper-client';
import { inject } from 'vitest';
import type { ResourceManagerClient } from '../../src/yarn/rm-client.js';
import { ROOT } from '../cli/run.js';

// What the integration tests share: the CLI spawned as a user runs it, and direct looks at HDFS and ZooKeeper.
const cluster = inject('minicluster');
export const user = process.env.HADOOP_USER_NAME ?? process.env.USER ?? 'root';

/** What a deploy on this cluster needs: the Flink conf, the cluster's Hadoop conf and Flink, JSON out. */
export const deployArgs = (conf: string, flinkHome: string = cluster.flinkHome): string[] => [
  '--flink-conf-dir',
  conf,
  '--yarn-conf-dir',
  cluster.confDir,
  '--flink-home',
  flinkHome,
  '-o',
  'json',
];

/**
 * Kills the JobManager of the application's current AM attempt (its container's processes, the
 * launching shell and the JVM), as a crash would. Only the current attempt's container is
 * targeted: a JVM of an earlier attempt the NodeManager is still tearing down must not be hit.
 */
export async function killCurrentJobManager(rm: ResourceManagerClient, applicationId: string): Promise<void> {
  const attempts = await rm.appAttempts(applicationId);
  const container = attempts.at(-1)?.containerId;
  if (!container) throw new Error(`${applicationId} has no AM container to kill`);
  const pids = execFileSync('pgrep', ['-f', `${container}.*ClusterEntry[Pp]oint`], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter((p) => p !== '');
  if (pids.length === 0) throw new Error(`no JobManager process for ${container}`);
  for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
}

/** The built CLI as a live process: its output so far, and a wait for a line on stderr. */
export function live(args: string[]) {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'flink-yarn.cjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exit,
    output: () => ({ stdout, stderr }),
    async waitFor(pattern: RegExp, timeoutMs = 120_000): Promise<RegExpMatchArray> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = pattern.exec(stderr);
        if (m) return m;
        if (Date.now() > deadline) throw new Error(`no ${pattern} in: ${stderr.replace(/\n/g, ' | ')}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
  };
}

export const home = async () =>
  (
    (await (await fetch(`${cluster.webhdfs}/webhdfs/v1/?op=GETHOMEDIRECTORY&user.name=${user}`)).json()) as {
      Path: string;
    }
  ).Path;

export async function hdfsExists(path: string): Promise<boolean> {
  const r = await fetch(`${cluster.webhdfs}/webhdfs/v1${path}?op=GETFILESTATUS&user.name=${user}`);
  return r.status === 200;
}

export async function zkExists(path: string): Promise<boolean> {
  const zk = zookeeper.createClient(cluster.zookeeper, { sessionTimeout: 10_000 });
  await new Promise<void>((resolve) => {
    zk.once('connected', resolve);
    zk.connect();
  });
  try {
    return await new Promise<boolean>((resolve, reject) =>
      zk.exists(path, (e, stat) => (e ? reject(e) : resolve(stat !== null))),
    );
  } finally {
    zk.close();
  }
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs = 120_000, intervalMs = 1000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return false;
}
