import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Spawns the real, built CLI (run `npm run build` first; `npm test` does). */
export function cli(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  bin = 'flink-yarn',
  timeoutMs = 20_000,
): CliResult {
  const inherited = ['FLINK_CONF_DIR', 'FLINK_HOME', 'YARN_CONF_DIR', 'HADOOP_CONF_DIR', 'HADOOP_HOME'];
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !inherited.includes(k)));
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', `${bin}.cjs`), ...args], {
    cwd: ROOT,
    env: { ...clean, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const fixture = (...parts: string[]): string => join(ROOT, 'fixtures', ...parts);

/**
 * Spawns the CLI without blocking this process, for tests that serve it from here (a fake RM).
 * `stdout: 'closed'` closes the reading end at once, as `| head -c 1` does; a number is a file
 * descriptor to write to (`/dev/full`).
 */
export function cliAsync(
  args: readonly string[],
  options: { stdout?: 'pipe' | 'closed' | number; env?: Record<string, string | undefined>; bin?: string } = {},
): Promise<CliResult> {
  const inherited = ['FLINK_CONF_DIR', 'FLINK_HOME', 'YARN_CONF_DIR', 'HADOOP_CONF_DIR', 'HADOOP_HOME'];
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !inherited.includes(k)));
  const stdout = options.stdout ?? 'pipe';
  const child = spawn(process.execPath, [join(ROOT, 'bin', `${options.bin ?? 'flink-yarn'}.cjs`), ...args], {
    cwd: ROOT,
    env: { ...clean, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', typeof stdout === 'number' ? stdout : 'pipe', 'pipe'],
  });
  if (stdout === 'closed') child.stdout!.destroy();
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: out, stderr: err });
    });
  });
}
