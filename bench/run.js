#!/usr/bin/env node
// npm run bench: the product's performance goals, measured side by side on a real local cluster.
//   node bench/run.js [--output json] [--only validate|yarn|deploy|jobs|scale]
// BENCH_RUNS sets the repetitions per row (default 20); BENCH_DEPLOY_RUNS those of the deploy rows
// (default 3, after 1 warm-up per client), BENCH_JOB_RUNS those of the jobs rows (default 5, after
// 1 warm-up per client and variant), BENCH_SCALE_RUNS those of the scale rows (default 5).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDeploy, writeBenchConfDir } from './deploy.js';
import { benchJobs } from './jobs.js';
import { formatRow, GNU_TIME, header, measure } from './measure.js';
import { benchHaScale, benchListScale } from './scale.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const json = argv.includes('--output') && argv[argv.indexOf('--output') + 1] === 'json';
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
const SECTIONS = ['validate', 'yarn', 'deploy', 'jobs', 'scale'];
if (only !== undefined && !SECTIONS.includes(only)) {
  process.stderr.write(`--only takes one of ${SECTIONS.join(', ')}\n`);
  process.exit(2);
}
const wanted = (section) => only === undefined || only === section;
const runs = Number(process.env.BENCH_RUNS ?? 20);
const deployRuns = Number(process.env.BENCH_DEPLOY_RUNS ?? 3);
const jobRuns = Number(process.env.BENCH_JOB_RUNS ?? 5);
const scaleRuns = Number(process.env.BENCH_SCALE_RUNS ?? 5);
const bin = join(ROOT, 'bin', 'flink-yarn.cjs');
const log = (s) => process.stderr.write(`[bench] ${s}\n`);
const rows = [];
const notes = [];
const loadBefore = loadavg();

function row(name, stats, extra = {}) {
  rows.push({ name, ...stats, ...extra });
}

function flinkYarn(args, options = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', ...options });
  if (r.status !== 0) throw new Error(`flink-yarn ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

if (wanted('validate')) {
  // 1. validate: <= 150 ms median, cold start included (issue 2).
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
  row('flink-yarn validate conf/yarn-session-ha', validate, { goal: 'median <= 150 ms', met: validate.median <= 150 });
  const floor = measure({ command: process.execPath, args: ['-e', '0'], runs });
  row('node -e 0 (Node start-up floor)', floor);
}

// 4a. Scale: list over a replayed large application history (no cluster needed).
if (wanted('scale')) {
  const r = await benchListScale({ root: ROOT, runs: scaleRuns, warmup: 1, counts: [1_000, 10_000, 100_000], log });
  rows.push(...r.rows);
  notes.push(...r.notes);
}

// The rest runs on the minicluster.
if (wanted('yarn') || wanted('deploy') || wanted('jobs') || wanted('scale')) {
  const stateDir = join(ROOT, '.flink-yarn', 'bench-minicluster');
  log('starting the minicluster');
  const cluster = JSON.parse(
    flinkYarn(['minicluster', 'start', '--state-dir', stateDir, '--output', 'json'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  try {
    // 2. list and status against Hadoop's own CLI (issue 4).
    if (wanted('yarn')) benchYarn(cluster);

    // 3. Deploying a session to RUNNING against Flink's own client (issue 8).
    if (wanted('deploy')) {
      const r = await benchDeploy({ root: ROOT, cluster, stateDir, runs: deployRuns, warmup: 1, log });
      rows.push(...r.rows);
      notes.push(...r.notes);
    }

    // 3b. Submitting a job into a running session against Flink's own `flink run -t yarn-session`.
    if (wanted('jobs')) {
      const r = await benchJobs({ root: ROOT, cluster, stateDir, runs: jobRuns, warmup: 1, log });
      rows.push(...r.rows);
      notes.push(...r.notes);
    }

    // 4b. Scale: ha ls over many namespaces in the real ZooKeeper.
    if (wanted('scale')) {
      const conf = await writeBenchConfDir(ROOT, cluster, join(stateDir, 'bench-scale-conf'));
      const r = await benchHaScale({
        root: ROOT,
        cluster,
        flinkConfDir: conf.dir,
        runs: Math.max(3, Math.round(scaleRuns / 2)),
        warmup: 1,
        counts: [100, 1_000],
        log,
      });
      rows.push(...r.rows);
      notes.push(...r.notes);
    }
  } finally {
    log('stopping the minicluster');
    flinkYarn(['minicluster', 'stop', '--state-dir', stateDir], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`;
const load = `load average ${loadBefore[0].toFixed(2)} before, ${loadavg()[0].toFixed(2)} after (1 min)`;
if (rows.some((r) => r.rss !== undefined || r.section === 'deploy' || r.section === 'jobs'))
  notes.push(
    `peak RSS and child CPU from ${GNU_TIME ? `${GNU_TIME} (wait4 rusage)` : '/proc/<pid>/status VmHWM polled every 10 ms and cutime/cstime'}`,
  );
if (json) {
  process.stdout.write(
    `${JSON.stringify({ machine, load, runs, deployRuns, jobRuns, scaleRuns, rows, notes }, null, 2)}\n`,
  );
} else {
  console.log(
    `machine: ${machine}; ${load}\n${runs} runs per row after warm-up (Hadoop rows: half as many; deploy rows: ${deployRuns}; jobs rows: ${jobRuns}; scale rows: ${scaleRuns}, ha ls: ${Math.max(3, Math.round(scaleRuns / 2))})\n`,
  );
  // First table: wall times (ms), with the peak RSS median where measured.
  const timeRows = rows.filter((r) => r.unit === undefined);
  const hasRss = timeRows.some((r) => r.rss !== undefined);
  const width = Math.max(44, ...timeRows.map((r) => r.name.length));
  console.log(`${header(width)}${hasRss ? 'rss'.padStart(9) : ''}`);
  for (const r of timeRows) {
    const verdict =
      r.verdict ??
      (r.goal
        ? `${r.ratio !== undefined ? `${r.ratio.toFixed(1)}x; ` : ''}${r.goal}: ${r.met ? 'met' : 'NOT met'}`
        : '');
    const rss = r.rss !== undefined ? `${r.rss.median.toFixed(0)} MB`.padStart(9) : hasRss ? ' '.repeat(9) : '';
    console.log(`${formatRow(r.name, r, '', width).trimEnd()}${rss}  ${verdict}`.trimEnd());
  }
  // Second table: every quantity that is not a wall time, median/min/max in its own unit.
  const other = [
    ...rows.filter((r) => r.unit !== undefined),
    ...rows
      .filter((r) => r.unit === undefined && r.rss !== undefined)
      .map((r) => ({ name: `${r.name}: peak RSS`, unit: 'MB', ...r.rss })),
  ];
  if (other.length > 0) {
    const f = (n, unit) => `${unit === 'MB' ? n.toFixed(1) : n.toFixed(0)} ${unit}`.padStart(10);
    const w = Math.max(44, ...other.map((r) => r.name.length));
    console.log(`\n${'resource'.padEnd(w)} ${'median'.padStart(10)} ${'min'.padStart(10)} ${'max'.padStart(10)}`);
    for (const r of other)
      console.log(`${r.name.padEnd(w)} ${f(r.median, r.unit)} ${f(r.min, r.unit)} ${f(r.max, r.unit)}`);
  }
  if (notes.length > 0) console.log(`\nnotes:\n${notes.map((n) => `- ${n}`).join('\n')}`);
}

function benchYarn(cluster) {
  const hadoopCli = join(ROOT, 'bench', 'hadoop-cli');
  if (!existsSync(join(hadoopCli, 'target', 'classpath.txt'))) {
    log("building Hadoop's CLI classpath with Maven");
    const mvn = spawnSync('mvn', ['-B', '-q', '-f', join(hadoopCli, 'pom.xml'), 'package'], { stdio: 'inherit' });
    if (mvn.status !== 0) throw new Error('mvn failed');
  }
  const classpath = `${cluster.confDir}:${readFileSync(join(hadoopCli, 'target', 'classpath.txt'), 'utf8').trim()}`;
  // As bin/yarn runs it: the subcommand name first, then its options.
  const hadoop = (...args) => ({
    command: 'java',
    args: ['-cp', classpath, 'org.apache.hadoop.yarn.client.cli.ApplicationCLI', ...args],
  });
  const ids = submitSleepers(cluster.rm, 3);
  const yarn = ['--yarn-conf-dir', cluster.confDir];

  // Ours and Hadoop's CLI on the same cluster, one after the other, and the goal on their ratio.
  const sideBySide = (name, ours, theirs, theirName) => {
    const a = measure({ command: process.execPath, args: [bin, ...ours, ...yarn], runs });
    const b = measure({ ...hadoop(...theirs), runs: Math.max(5, Math.round(runs / 2)) });
    const ratio = b.median / a.median;
    row(name, a, { goal: `>= 10x faster than ${theirName}`, ratio, met: ratio >= 10 });
    row(`${theirName} (Hadoop ApplicationCLI)`, b);
  };
  sideBySide(
    'flink-yarn list (3 Flink apps)',
    ['list'],
    ['application', '-list', '-appTypes', 'Apache Flink'],
    'yarn application -list',
  );
  sideBySide(
    'flink-yarn status APPID',
    ['status', ids[0]],
    ['application', '-status', ids[0]],
    'yarn application -status APPID',
  );
  for (const id of ids) spawnSync(process.execPath, [bin, 'kill', id, '--yes', ...yarn], { stdio: 'ignore' });
}

/** Submits `n` shell AMs typed "Apache Flink" that sleep, so list and status have something to show. */
function submitSleepers(rm, n) {
  const script = `
    const rm = ${JSON.stringify(rm)};
    const user = process.env.USER ?? 'root';
    const ids = [];
    for (let i = 0; i < ${n}; i++) {
      const app = await (await fetch(rm + '/ws/v1/cluster/apps/new-application?user.name=' + user, { method: 'POST' })).json();
      const id = app['application-id'];
      await fetch(rm + '/ws/v1/cluster/apps?user.name=' + user, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({
        'application-id': id, 'application-name': 'bench sleeper ' + i, 'application-type': 'Apache Flink', queue: 'default',
        'max-app-attempts': 1, resource: { memory: 64, vCores: 1 },
        'am-container-spec': { commands: { command: 'sleep 600' }, environment: { entry: [] }, 'local-resources': { entry: [] } } }) });
      ids.push(id);
    }
    console.log(JSON.stringify(ids));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}
