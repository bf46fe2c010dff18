import { spawnSync } from 'node:child_process';
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
