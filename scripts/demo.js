#!/usr/bin/env node
// npm run demo: a real local YARN + HDFS + ZooKeeper, and flink-yarn pointed at it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'flink-yarn.cjs');
const run = (args, { json = false } = {}) => {
  console.error(`\n$ flink-yarn ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [bin, ...args], {
    stdio: ['inherit', json ? 'pipe' : 'inherit', 'inherit'],
    encoding: 'utf8',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  return json ? JSON.parse(r.stdout) : undefined;
};

const cluster = run(['minicluster', 'start', '--output', 'json'], { json: true });
console.log(`
A real YARN ResourceManager + NodeManager, HDFS and ZooKeeper are running locally:
  YARN UI      ${cluster.rm}/cluster
  WebHDFS      ${cluster.webhdfs}/webhdfs/v1/?op=LISTSTATUS
  ZooKeeper    ${cluster.zookeeper}
  Hadoop conf  ${cluster.confDir}
  Flink home   ${cluster.flinkHome}`);

run([
  'validate',
  '--flink-conf-dir',
  join(root, 'conf', 'yarn-session-ha'),
  '--yarn-conf-dir',
  cluster.confDir,
  '-D',
  `high-availability.zookeeper.quorum=${cluster.zookeeper}`,
]);
run(['list', '--all-types', '--yarn-conf-dir', cluster.confDir]);

console.log(`
Try it yourself:
  export HADOOP_CONF_DIR=${cluster.confDir}
  npx flink-yarn list --all-types
  npx flink-yarn validate --flink-conf-dir conf/yarn-session-ha
Stop everything with:
  npx flink-yarn minicluster stop`);
