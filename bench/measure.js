// Runs a command repeatedly and reports wall and CPU time. Plain JS so it runs without a build.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { clearInterval, setInterval } from 'node:timers';

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

export function formatRow(name, s, goal = '', width = 44) {
  const f = (n) => `${n.toFixed(0)} ms`.padStart(8);
  return `${name.padEnd(width)} ${f(s.median)} ${f(s.min)} ${f(s.max)} ${f(s.cpuMean)}  ${goal}`;
}

export const header = (width = 44) =>
  `${'benchmark'.padEnd(width)} ${'median'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)} ${'cpu'.padStart(8)}`;
export const HEADER = header();

// ---- Asynchronous runs with peak RSS: the bench process keeps serving HTTP and polling meanwhile.

/** GNU time, when installed, reports the child's CPU time and peak RSS exactly (from wait4). */
export const GNU_TIME = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p)) ?? null;

/** median, min and max of `values` (any unit). */
export function stats(values) {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  const median = n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  return { median, min: v[0], max: v[n - 1] };
}

/**
 * Runs `command args` once, without blocking the event loop. Resolves with the exit code, wall
 * time (ms), the child's CPU time (user + system, ms), its peak RSS (KiB) and its output.
 * `onSpawn(epochMs)` is called right after the process is spawned.
 */
export async function runOnce({ command, args, env = process.env, cwd, onSpawn }) {
  const timeFile = GNU_TIME ? join(mkdtempSync(join(tmpdir(), 'flink-yarn-bench-')), 'time') : null;
  const argv = GNU_TIME ? [GNU_TIME, ['-f', '%U %S %M', '-o', timeFile, command, ...args]] : [command, args];
  const cpuBefore = childrenCpuMs();
  const spawnedAt = Date.now();
  const start = process.hrtime.bigint();
  const child = spawn(argv[0], argv[1], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  onSpawn?.(spawnedAt);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  // Without GNU time: VmHWM from /proc while the process lives (misses at most the last tick).
  let hwm = 0;
  const poll = GNU_TIME
    ? null
    : setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) hwm = Math.max(hwm, Number(m[1]));
        } catch {
          // exited
        }
      }, 10);
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, signal) => resolve(c ?? `signal ${signal}`));
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (poll) clearInterval(poll);
  let cpuMs = childrenCpuMs() - cpuBefore;
  let peakRssKb = hwm;
  if (timeFile) {
    const line = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
    rmSync(dirname(timeFile), { recursive: true, force: true });
    const [user, sys, rss] = line.split(' ').map(Number);
    if ([user, sys, rss].every(Number.isFinite)) {
      cpuMs = (user + sys) * 1000;
      peakRssKb = rss;
    }
  }
  return { code, wallMs, cpuMs, peakRssKb, stdout, stderr, spawnedAt };
}

/**
 * Like measure(), but asynchronous and with peak RSS: `runs` runs after `warmup` runs, each of
 * which must exit with `expectCode`. Returns wall-time stats (ms), CPU stats (ms, and the mean as
 * cpuMean) and peak-RSS stats (MiB, as rss). `check(result)` sees the first run's output.
 */
export async function measureAsync({ command, args, runs = 5, warmup = 1, expectCode = 0, env, cwd, check }) {
  const results = [];
  for (let i = 0; i < warmup + runs; i++) {
    const r = await runOnce({ command, args, env, cwd });
    if (r.code !== expectCode) {
      throw new Error(
        `${command} ${args.join(' ')} exited ${r.code} (expected ${expectCode}): ${r.stderr.slice(0, 500)}`,
      );
    }
    if (i === 0) check?.(r);
    if (i >= warmup) results.push(r);
  }
  const cpu = results.map((r) => r.cpuMs);
  return {
    runs,
    ...stats(results.map((r) => r.wallMs)),
    cpuMean: cpu.reduce((a, b) => a + b, 0) / runs,
    cpu: stats(cpu),
    rss: stats(results.map((r) => r.peakRssKb / 1024)),
  };
}
