// Runs a command repeatedly and reports wall and CPU time. Plain JS so it runs without a build.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // Linux USER_HZ for /proc/self/stat

/** CPU time (user + system, ms) of all waited-for children of this process so far. */
function childrenCpuMs() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: field 16 (cutime) and 17 (cstime) are at index 13 and 14.
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
}

/**
 * Runs `command args` `runs` times after `warmup` runs; every run must exit with `expectCode`.
 * Returns wall-time stats (ms) and the mean CPU time per run (ms).
 */
export function measure({ command, args, runs = 20, warmup = 3, expectCode = 0, env = process.env, cwd }) {
  const once = () => {
    const start = process.hrtime.bigint();
    const r = spawnSync(command, args, { env, cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== expectCode) {
      throw new Error(
        `${command} ${args.join(' ')} exited ${r.status} (expected ${expectCode}): ${r.stderr.slice(0, 500)}`,
      );
    }
    return ms;
  };
  for (let i = 0; i < warmup; i++) once();
  const cpuBefore = childrenCpuMs();
  const walls = Array.from({ length: runs }, once).sort((a, b) => a - b);
  const cpu = (childrenCpuMs() - cpuBefore) / runs;
  const median = runs % 2 ? walls[(runs - 1) / 2] : (walls[runs / 2 - 1] + walls[runs / 2]) / 2;
  return { runs, median, min: walls[0], max: walls[walls.length - 1], cpuMean: cpu };
}

export function formatRow(name, s, goal = '') {
  const f = (n) => `${n.toFixed(0)} ms`.padStart(8);
  return `${name.padEnd(44)} ${f(s.median)} ${f(s.min)} ${f(s.max)} ${f(s.cpuMean)}  ${goal}`;
}

export const HEADER = `${'benchmark'.padEnd(44)} ${'median'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)} ${'cpu'.padStart(8)}`;
