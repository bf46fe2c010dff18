#!/usr/bin/env node
// npm run demo: a real local YARN + HDFS + ZooKeeper, and a highly available Flink session on it,
// deployed with this tool's yarn-session.
import { execFileSync, spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { poll } from '../dist/src/async/poll.js';
import { writeSessionConfDir } from '../dist/src/operations/minicluster/index.js';

const root = join(import.meta.dirname, '..');
const bin = (name) => join(root, 'bin', `${name}.cjs`);
const run = (name, args, { json = false, quiet = false } = {}) => {
  if (!quiet) console.error(`\n$ ${name} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [bin(name), ...args], {
    stdio: ['inherit', json ? 'pipe' : 'inherit', 'inherit'],
    encoding: 'utf8',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  return json ? JSON.parse(r.stdout) : undefined;
};

const cluster = run('flink-yarn', ['minicluster', 'start', '--output', 'json'], { json: true });

// A Flink configuration for this cluster: ZooKeeper HA, recovery data on HDFS, 10 attempts
// asked for against the cluster's cap of 2 (the plan says so).
const conf = writeSessionConfDir(cluster, join(homedir(), '.flink-yarn', 'demo-conf'));

const common = ['--flink-conf-dir', conf, '--yarn-conf-dir', cluster.confDir, '--flink-home', cluster.flinkHome];
run('flink-yarn', ['validate', ...common.slice(0, 4)]);
const session = run('yarn-session', [...common, '-d', '-nm', 'flink-yarn demo', '--output', 'json'], { json: true });

console.log(`
A real YARN ResourceManager + NodeManager, HDFS and ZooKeeper run locally, and a highly
available Flink ${cluster.flinkHome.replace(/.*flink-/, '')} session runs on them, its JobManager being the YARN ApplicationMaster:

  YARN UI        ${cluster.rm}/cluster/app/${session.applicationId}
  Flink UI       ${session.restAddress}
  ZooKeeper      ${cluster.zookeeper}  path /flink/${session.clusterId}
  AM attempts    ${session.attempts.effective} (asked ${session.attempts.requested}; the cluster caps them at ${session.attempts.cap})

Try:
  export HADOOP_CONF_DIR=${cluster.confDir}
  npx flink-yarn list
  npx flink-yarn status ${session.applicationId}
  npx flink-yarn attempts ${session.applicationId}
  npx flink-yarn ha status ${session.applicationId} --flink-conf-dir ${conf}
  npx flink-yarn run --flink-conf-dir ${conf} --flink-home ${cluster.flinkHome} \\
      ${join(cluster.flinkHome, 'examples', 'streaming', 'FlyWordCount.jar')}    # one job, its own cluster
Stop the session, then the cluster:
  npx flink-yarn kill ${session.applicationId} --yes
  npx flink-yarn minicluster stop`);

if (process.argv.includes('--failover')) {
  // Opt-in: the JobManager dies, YARN restarts it as attempt 2, a new leader takes over in ZooKeeper.
  const ha = () =>
    run('flink-yarn', ['ha', 'status', session.applicationId, '--flink-conf-dir', conf, '--output', 'json'], {
      json: true,
      quiet: true,
    });
  const before = ha().leaders.find((l) => l.component === 'rest_server')?.leader;
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
      const leader = ha().leaders.find((l) => l.component === 'rest_server')?.leader;
      return leader && leader.sessionId !== before?.sessionId ? leader : undefined;
    },
    { intervalMs: 1000, timeoutMs: 120_000, onTimeout: () => new Error('no new leader within 120 s') },
  );
  console.log(
    `New leader after ${((Date.now() - started) / 1000).toFixed(1)} s: ${after.address} (session ${after.sessionId})`,
  );
  run('flink-yarn', ['attempts', session.applicationId, '--yarn-conf-dir', cluster.confDir]);
}
