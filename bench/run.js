#!/usr/bin/env node
// npm run bench: the product's performance goals, measured side by side. `--output json` for machines.
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatRow, HEADER, measure } from './measure.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const json = process.argv.includes('--output') && process.argv[process.argv.indexOf('--output') + 1] === 'json';
const runs = Number(process.env.BENCH_RUNS ?? 30);

const rows = [];
const bin = join(ROOT, 'bin', 'flink-yarn.cjs');

// Goal (issue 2): validate on conf/ in <= 150 ms median, cold start included.
const validate = measure({
  command: process.execPath,
  args: [
    bin,
    'validate',
    '--flink-conf-dir',
    join(ROOT, 'conf', 'yarn-session-ha'),
    '--yarn-conf-dir',
    join(ROOT, 'conf', 'hadoop'),
  ],
  runs,
});
rows.push({
  name: 'flink-yarn validate conf/yarn-session-ha',
  ...validate,
  goal: 'median <= 150 ms',
  met: validate.median <= 150,
});
const baseline = measure({ command: process.execPath, args: ['-e', '0'], runs });
rows.push({ name: 'node -e 0 (start-up floor, for reference)', ...baseline, goal: '', met: null });

const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`;
if (json) {
  process.stdout.write(`${JSON.stringify({ machine, rows }, null, 2)}\n`);
} else {
  console.log(`machine: ${machine}; ${runs} runs each after 3 warm-up runs\n`);
  console.log(HEADER);
  for (const r of rows) console.log(formatRow(r.name, r, r.goal ? `${r.goal}: ${r.met ? 'met' : 'NOT met'}` : ''));
}
