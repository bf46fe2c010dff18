import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { poll } from '../../async/poll.js';
import { FlinkYarnError } from '../../errors/index.js';

/** Starts a long-running process detached from us, with stdout and stderr in files. */
export function spawnDetached(
  command: string,
  args: readonly string[],
  options: { cwd: string; stdoutFile: string; stderrFile: string; env: NodeJS.ProcessEnv },
): number {
  const out = openSync(options.stdoutFile, 'w');
  const err = openSync(options.stderrFile, 'w');
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', out, err],
    });
    child.unref();
    // Without a pid, spawn also emits 'error' (ENOENT, EACCES) a tick later: unheard, it would
    // crash the process instead of letting this typed error through.
    child.once('error', () => undefined);
    if (child.pid === undefined)
      throw new FlinkYarnError(
        'MINICLUSTER_FAILED',
        `${command} did not start; check that it exists and is executable.`,
      );
    return child.pid;
  } finally {
    closeSync(out);
    closeSync(err);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process's command line, to make sure a recorded pid is still ours and not reused. */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`. Resolves with whether it had to be forced. */
export async function terminate(pid: number, graceMs: number): Promise<boolean> {
  if (!isAlive(pid)) return false;
  signal(pid, 'SIGTERM');
  if (await exited(pid, { intervalMs: 100, timeoutMs: graceMs })) return false;
  signal(pid, 'SIGKILL');
  await exited(pid, { intervalMs: 50 });
  return true;
}

/** Whether `pid` is gone within `timeoutMs` (waits for ever without one). */
async function exited(pid: number, o: { intervalMs: number; timeoutMs?: number }): Promise<boolean> {
  const late = new Error('still running');
  try {
    return await poll(async () => (isAlive(pid) ? undefined : true), { ...o, onTimeout: () => late });
  } catch (e) {
    if (e === late) return false;
    throw e;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    // The services run as process-group leaders (detached), so this reaches their children too.
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

/** A port nothing listens on right now. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Sends a ZooKeeper four-letter word and returns the answer. */
export function fourLetterWord(host: string, port: number, word: string, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to '${word}' from ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(word));
    socket.on('data', (d) => (answer += d.toString('utf8')));
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
