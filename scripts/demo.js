#!/usr/bin/env node
// npm run demo: a real local YARN + HDFS + ZooKeeper, and a highly available Flink session on it,
// deployed with this tool's yarn-session.
//   npm run demo                  the cluster and the session (reused when already running)
//   npm run demo -- --failover    kill the session's JobManager; YARN's attempt 2 and a new leader take over
//   npm run demo -- --stop        remove the session, its HA data and staging, and stop the cluster
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { poll } from '../dist/src/async/poll.js';
import { writeSessionConfDir } from '../dist/src/operations/minicluster/index.js';

const root = join(import.meta.dirname, '..');
const home = join(homedir(), '.flink-yarn');
const stateFile = join(home, 'demo.json');
const envFile = join(home, 'demo.env');
const NAME = 'flink-yarn demo';

/** A word as a shell reads it back: quoted when it holds anything but safe characters. */
const shellWord = (w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

const run = (name, args, { json = false, quiet = false, check = true } = {}) => {
  if (!quiet) console.error(`\n$ ${[name, ...args].map(shellWord).join(' ')}`);
  const r = spawnSync(process.execPath, [join(root, 'bin', `${name}.cjs`), ...args], {
    stdio: ['inherit', json ? 'pipe' : 'inherit', 'inherit'],
    encoding: 'utf8',
  });
  if (check && r.status !== 0) process.exit(r.status ?? 1);
  return json && r.status === 0 ? JSON.parse(r.stdout) : undefined;
};

// Java 17 and Maven build and run the local cluster: installed here where the machine allows it.
const prerequisites = spawnSync('bash', [join(root, 'scripts', 'install-prerequisites.sh')], { stdio: 'inherit' });
if (prerequisites.status !== 0) process.exit(prerequisites.status ?? 1);

if (process.argv.includes('--stop')) {
  stop();
  process.exit(0);
}

const cluster = run('flink-yarn', ['minicluster', 'start', '--output', 'json'], { json: true });
// A Flink configuration for this cluster: ZooKeeper HA, recovery data on HDFS, 10 attempts
// asked for against the cluster's cap of 2 (the plan says so).
// A killed JobManager keeps its leadership until its ZooKeeper session expires (60 s by default):
// 10 s makes the failover below take seconds, not a minute.
const conf = writeSessionConfDir(cluster, join(home, 'demo-conf'), [
  'state.savepoints.dir: hdfs:///flink/savepoints',
  'high-availability.zookeeper.client.session-timeout: 10000',
]);
const env = { HADOOP_CONF_DIR: cluster.confDir, FLINK_CONF_DIR: conf, FLINK_HOME: cluster.flinkHome };
Object.assign(process.env, env);

const session = runningSession() ?? deploy();
// DEMO_APP names the session, so the README's commands work as written after sourcing the file.
writeFileSync(
  envFile,
  Object.entries({ ...env, DEMO_APP: session.applicationId })
    .map(([k, v]) => `export ${k}=${shellWord(v)}\n`)
    .join(''),
);
const example = '$FLINK_HOME/examples/streaming/FlyWordCount.jar';

console.log(`
A real YARN ResourceManager + NodeManager, HDFS and ZooKeeper run locally, and a highly
available Flink ${cluster.flinkHome.replace(/.*flink-/, '')} session runs on them, its JobManager being the YARN ApplicationMaster:

  YARN UI        ${cluster.rm}/cluster/app/${session.applicationId}
  Flink UI       ${session.restAddress}
  ZooKeeper      ${cluster.zookeeper}  path /flink/${session.clusterId}
  AM attempts    ${session.attempts.effective} (asked ${session.attempts.requested}; the cluster caps them at ${session.attempts.cap})

Every command below finds this cluster and session through the environment (${envFile}):
  source ${shellWord(envFile)}
  npx flink-yarn list
  npx flink-yarn ha status $DEMO_APP
  npx flink-yarn run -yid $DEMO_APP ${example}    # a job into the session, followed to FINISHED
  npx flink-yarn run -yid $DEMO_APP -d ${example} --unbounded    # a streaming job, left running
  npx flink-yarn jobs $DEMO_APP
  npx flink-yarn savepoint $DEMO_APP JOBID      # JOBID from jobs; then stop, cancel, run -s (README)
  npx flink-yarn logs $DEMO_APP | tail
  npx flink-yarn run ${example}    # one job on a cluster of its own (application mode)
  npm run demo -- --failover    # kill the JobManager and watch YARN and ZooKeeper recover it
  npm run demo -- --stop        # remove the session, its HA data and staging, and stop the cluster`);

if (process.argv.includes('--failover')) await failover(session);

/** The session an earlier `npm run demo` started, when it still runs. */
function runningSession() {
  if (!existsSync(stateFile)) return undefined;
  const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
  const status = run('flink-yarn', ['status', saved.applicationId, '--output', 'json'], {
    json: true,
    quiet: true,
    check: false,
  });
  if (status?.app?.state !== 'RUNNING') return undefined;
  console.error(`\nThe demo session ${saved.applicationId} is running; using it.`);
  return { ...saved, restAddress: status.restAddress ?? saved.restAddress };
}

function deploy() {
  run('flink-yarn', ['validate']);
  const deployed = run('yarn-session', ['-d', '-nm', NAME, '--output', 'json'], { json: true });
  writeFileSync(stateFile, JSON.stringify(deployed));
  return deployed;
}

/** The JobManager dies; YARN restarts it as attempt 2 and a new leader takes over in ZooKeeper. */
async function failover(session) {
  const ha = () =>
    run('flink-yarn', ['ha', 'status', session.applicationId, '--output', 'json'], { json: true, quiet: true });
  const leader = () => ha().leaders.find((l) => l.component === 'rest_server')?.leader;
  const before = leader();
  console.log(
    `\nKilling the JobManager (the AM container's JVM); REST leader now ${before?.address} (session ${before?.sessionId})`,
  );
  const pid = execFileSync('pgrep', ['-f', `${session.applicationId}.*YarnSessionClusterEntrypoint`], {
    encoding: 'utf8',
  }).split('\n')[0];
  process.kill(Number(pid), 'SIGKILL');
  const started = Date.now();
  const after = await poll(
    async () => {
      const now = leader();
      return now && now.sessionId !== before?.sessionId ? now : undefined;
    },
    { intervalMs: 1000, timeoutMs: 120_000, onTimeout: () => new Error('no new leader within 120 s') },
  );
  console.log(
    `New leader after ${((Date.now() - started) / 1000).toFixed(1)} s, once the dead JobManager's ZooKeeper session expired (high-availability.zookeeper.client.session-timeout): ${after.address} (session ${after.sessionId})`,
  );
  // YARN reports the new attempt RUNNING once the JobManager has registered with it.
  await poll(
    async () => {
      const attempts = run('flink-yarn', ['attempts', session.applicationId, '--output', 'json'], {
        json: true,
        quiet: true,
      });
      return attempts?.attempts?.at(-1)?.appAttemptState === 'RUNNING' ? true : undefined;
    },
    { intervalMs: 1000, timeoutMs: 120_000, onTimeout: () => new Error('attempt 2 not RUNNING within 120 s') },
  );
  writeFileSync(stateFile, JSON.stringify({ ...session, restAddress: after.address }));
  console.log(`\n  Flink UI       ${after.address}  (attempt 2)`);
  run('flink-yarn', ['attempts', session.applicationId]);
}

/** The session (killed), its staging directory and HA data, then the cluster. */
function stop() {
  const status = run('flink-yarn', ['minicluster', 'status', '--output', 'json'], {
    json: true,
    quiet: true,
    check: false,
  });
  if (status?.running === true && existsSync(envFile)) {
    for (const line of readFileSync(envFile, 'utf8').split('\n')) {
      const m = /^export (\w+)=(.*)$/.exec(line);
      if (m) process.env[m[1]] = m[2].replace(/^'(.*)'$/, '$1');
    }
    if (existsSync(stateFile)) {
      const { applicationId } = JSON.parse(readFileSync(stateFile, 'utf8'));
      const propertiesFile = join(tmpdir(), `.yarn-properties-${process.env.HADOOP_USER_NAME ?? userInfo().username}`);
      run('flink-yarn', ['kill', applicationId, '--yes', '--cleanup-ha'], { check: false });
      // Flink's .yarn-properties file, when it still names the demo's session.
      if (existsSync(propertiesFile) && readFileSync(propertiesFile, 'utf8').includes(applicationId))
        rmSync(propertiesFile, { force: true });
    }
    run('flink-yarn', ['gc', '--ha', '--grace', '0']);
  }
  run('flink-yarn', ['minicluster', 'stop']);
  rmSync(stateFile, { force: true });
  rmSync(envFile, { force: true });
}
