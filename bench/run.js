#!/usr/bin/env node
// npm run bench: the product's performance goals, measured side by side on a real local cluster.
//   node bench/run.js [--output json] [--only validate]
// BENCH_RUNS sets the repetitions per row (default 20).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatRow, HEADER, measure } from './measure.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const json = argv.includes('--output') && argv[argv.indexOf('--output') + 1] === 'json';
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
const runs = Number(process.env.BENCH_RUNS ?? 20);
const bin = join(ROOT, 'bin', 'flink-yarn.cjs');
const log = (s) => process.stderr.write(`[bench] ${s}\n`);
const rows = [];

function row(name, stats, extra = {}) {
  rows.push({ name, ...stats, ...extra });
}

function flinkYarn(args, options = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', ...options });
  if (r.status !== 0) throw new Error(`flink-yarn ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

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

// 2. list and status against Hadoop's own CLI (issue 4), on the minicluster.
if (only === undefined || only === 'yarn') {
  const stateDir = join(ROOT, '.flink-yarn', 'bench-minicluster');
  log('starting the minicluster');
  const cluster = JSON.parse(
    flinkYarn(['minicluster', 'start', '--state-dir', stateDir, '--output', 'json'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  try {
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

    const oursList = measure({ command: process.execPath, args: [bin, 'list', ...yarn], runs });
    const theirsList = measure({
      ...hadoop('application', '-list', '-appTypes', 'Apache Flink'),
      runs: Math.max(5, Math.round(runs / 2)),
    });
    row('flink-yarn list (3 Flink apps)', oursList, {
      goal: '>= 10x faster than yarn application -list',
      ratio: theirsList.median / oursList.median,
      met: theirsList.median / oursList.median >= 10,
    });
    row('yarn application -list (Hadoop ApplicationCLI)', theirsList);

    const oursStatus = measure({ command: process.execPath, args: [bin, 'status', ids[0], ...yarn], runs });
    const theirsStatus = measure({
      ...hadoop('application', '-status', ids[0]),
      runs: Math.max(5, Math.round(runs / 2)),
    });
    row('flink-yarn status APPID', oursStatus, {
      goal: '>= 10x faster than yarn application -status',
      ratio: theirsStatus.median / oursStatus.median,
      met: theirsStatus.median / oursStatus.median >= 10,
    });
    row('yarn application -status APPID (Hadoop ApplicationCLI)', theirsStatus);
    for (const id of ids) spawnSync(process.execPath, [bin, 'kill', id, '--yes', ...yarn], { stdio: 'ignore' });
  } finally {
    log('stopping the minicluster');
    flinkYarn(['minicluster', 'stop', '--state-dir', stateDir], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`;
if (json) {
  process.stdout.write(`${JSON.stringify({ machine, runs, rows }, null, 2)}\n`);
} else {
  console.log(`machine: ${machine}; ${runs} runs per row after warm-up (Hadoop rows: half as many)\n`);
  console.log(HEADER);
  for (const r of rows) {
    const verdict = r.goal
      ? `${r.ratio !== undefined ? `${r.ratio.toFixed(1)}x; ` : ''}${r.goal}: ${r.met ? 'met' : 'NOT met'}`
      : '';
    console.log(formatRow(r.name, r, verdict));
  }
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
