// Issue 8, row 2: deploying a session to RUNNING. Ours (`yarn-session -d`) against Flink's own
// Java client (org.apache.flink.yarn.cli.FlinkYarnSessionCli from the same Flink 1.20 jars), run
// the way bin/yarn-session.sh runs it, on the same minicluster with the same configuration.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { runOnce, stats } from './measure.js';

/** Flink 1.20's conf/log4j-session.properties, the client-side log config of yarn-session.sh. */
const LOG4J_SESSION = `rootLogger.level = INFO
rootLogger.appenderRef.console.ref = ConsoleAppender
appender.console.name = ConsoleAppender
appender.console.type = CONSOLE
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline
logger.netty.level = OFF
logger.zookeeper.name = org.apache.zookeeper
logger.zookeeper.level = WARN
logger.shaded_zookeeper.name = org.apache.flink.shaded.zookeeper3
logger.shaded_zookeeper.level = WARN
logger.curator.name = org.apache.flink.shaded.org.apache.curator.framework
logger.curator.level = WARN
logger.runtimeutils.name = org.apache.flink.runtime.util.ZooKeeperUtils
logger.runtimeutils.level = WARN
logger.runtimeleader.name = org.apache.flink.runtime.leaderretrieval.ZooKeeperLeaderRetrievalDriver
logger.runtimeleader.level = WARN
`;

/**
 * The client-side log config of Flink 1.20's bin/flink (its conf/log4j-cli.properties), in our
 * words: everything at INFO into the file named by -Dlog.file (rewritten each run); the YARN
 * client classes, the Kubernetes client classes and Hadoop's warnings also on the console; Hive
 * only into the file; Hadoop's native-library warning and Netty's pipeline warnings off; the file
 * re-read every 30 s.
 */
const LOG4J_CLI = `monitorInterval = 30
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FileAppender
appender.file.name = FileAppender
appender.file.type = FILE
appender.file.append = false
appender.file.fileName = \${sys:log.file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
appender.console.name = ConsoleAppender
appender.console.type = CONSOLE
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
logger.flinkyarn.name = org.apache.flink.yarn
logger.flinkyarn.level = INFO
logger.flinkyarn.appenderRef.console.ref = ConsoleAppender
logger.flinkyarncli.name = org.apache.flink.yarn.cli.FlinkYarnSessionCli
logger.flinkyarncli.level = INFO
logger.flinkyarncli.appenderRef.console.ref = ConsoleAppender
logger.flinkk8s.name = org.apache.flink.kubernetes
logger.flinkk8s.level = INFO
logger.flinkk8s.appenderRef.console.ref = ConsoleAppender
logger.hadoop.name = org.apache.hadoop
logger.hadoop.level = WARN
logger.hadoop.appenderRef.console.ref = ConsoleAppender
logger.hive.name = org.apache.hadoop.hive
logger.hive.level = INFO
logger.hive.additivity = false
logger.hive.appenderRef.file.ref = FileAppender
logger.nativecode.name = org.apache.hadoop.util.NativeCodeLoader
logger.nativecode.level = OFF
logger.nettypipeline.name = org.jboss.netty.channel.DefaultChannelPipeline
logger.nettypipeline.level = OFF
`;

/**
 * The Flink conf dir both clients deploy with: the minicluster's HA session configuration
 * (writeSessionConfDir, as the demo and the integration tests use: it carries the Java 17 flags
 * as env.java.opts.all, as Flink's distribution does) and yarn.properties-file.location in a
 * private directory, so neither client touches
 * /tmp/.yarn-properties-<user>. `extra` lines are added to the configuration. Next to it the
 * client log configs of yarn-session.sh and bin/flink.
 */
export async function writeBenchConfDir(root, cluster, dir, extra = []) {
  const { writeSessionConfDir } = await import(join(root, 'dist', 'src', 'operations', 'minicluster', 'index.js'));
  const { JAVA_17_OPTIONS } = await import(join(root, 'dist', 'src', 'session', 'plan.js'));
  const propertiesDir = join(dir, 'yarn-properties');
  mkdirSync(propertiesDir, { recursive: true });
  // writeSessionConfDir sets env.java.opts.all to these flags, as Flink's distribution does.
  writeSessionConfDir(cluster, dir, [`yarn.properties-file.location: ${propertiesDir}`, ...extra]);
  writeFileSync(join(dir, 'log4j-session.properties'), LOG4J_SESSION);
  writeFileSync(join(dir, 'log4j-cli.properties'), LOG4J_CLI);
  return { dir, propertiesDir, javaOptions: JAVA_17_OPTIONS };
}

/** Hadoop for Flink's client: the distribution's lib/ when it holds the client jars, else bench/hadoop-cli. */
function hadoopClasspath(root, flinkLib, log) {
  if (readdirSync(flinkLib).some((f) => /^hadoop-client-api-.*\.jar$/.test(f))) return [];
  const dir = join(root, 'bench', 'hadoop-cli');
  if (!existsSync(join(dir, 'target', 'classpath.txt'))) {
    log("building Hadoop's client classpath with Maven");
    const mvn = spawnSync('mvn', ['-B', '-q', '-f', join(dir, 'pom.xml'), 'package'], { stdio: 'inherit' });
    if (mvn.status !== 0) throw new Error('mvn failed for bench/hadoop-cli');
  }
  return readFileSync(join(dir, 'target', 'classpath.txt'), 'utf8')
    .trim()
    .split(delimiter);
}

export function hadoopNote(libDir) {
  const api = readdirSync(libDir).find((f) => /^hadoop-client-api-.*\.jar$/.test(f));
  return api
    ? `client jars from the distribution's lib/: ${api} + hadoop-client-runtime`
    : 'client jars from bench/hadoop-cli';
}

/**
 * The Java process Flink 1.20's bin scripts build after config.sh: the classpath of
 * constructFlinkClassPath (every jar of lib/, flink-dist last) followed by
 * INTERNAL_HADOOP_CLASSPATHS (HADOOP_CLASSPATH, HADOOP_CONF_DIR), and the environment config.sh
 * exports.
 */
export function flinkJava({ root, cluster, conf, log }) {
  const home = cluster.flinkHome;
  const lib = join(home, 'lib');
  const jars = readdirSync(lib)
    .filter((f) => f.endsWith('.jar'))
    .sort();
  const dist = jars.find((f) => /^flink-dist.*\.jar$/.test(f));
  if (dist === undefined) throw new Error(`no flink-dist*.jar in ${lib}`);
  const classpath = [
    ...jars.filter((f) => f !== dist).map((f) => join(lib, f)),
    join(lib, dist),
    ...hadoopClasspath(root, lib, log),
    cluster.confDir,
  ].join(delimiter);
  const env = {
    ...cleanEnv(),
    FLINK_HOME: home,
    FLINK_CONF_DIR: conf.dir,
    FLINK_LIB_DIR: lib,
    FLINK_PLUGINS_DIR: join(home, 'plugins'),
    FLINK_OPT_DIR: join(home, 'opt'),
    FLINK_BIN_DIR: join(home, 'bin'),
    HADOOP_CONF_DIR: cluster.confDir,
  };
  return { classpath, env, lib, dist: join(lib, dist) };
}

/** What bin/yarn-session.sh of Flink 1.20 executes (config.sh's exports, CC_CLASSPATH, log settings). */
export function flinkClientCommand({ root, cluster, conf, log }) {
  const { classpath, env, dist } = flinkJava({ root, cluster, conf, log });
  const args = [
    '-Xmx512m',
    // FLINK_ENV_JAVA_OPTS: env.java.opts.all of the configuration.
    ...conf.javaOptions.split(/\s+/).filter((s) => s !== ''),
    '-classpath',
    classpath,
    `-Dlog.file=${join(conf.dir, 'flink-yarn-session.log')}`,
    `-Dlog4j.configuration=file:${join(conf.dir, 'log4j-session.properties')}`,
    `-Dlog4j.configurationFile=file:${join(conf.dir, 'log4j-session.properties')}`,
    `-Dlogback.configurationFile=file:${join(conf.dir, 'logback-session.xml')}`,
    'org.apache.flink.yarn.cli.FlinkYarnSessionCli',
    '-j',
    dist,
  ];
  return { command: 'java', args, env };
}

/** The environment without any FLINK_* or Hadoop conf variables of the caller. */
export function cleanEnv() {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('FLINK_') && !['HADOOP_CONF_DIR', 'YARN_CONF_DIR', 'HADOOP_CLASSPATH'].includes(k),
    ),
  );
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls the RM (every 50 ms) for the Flink application named `name` until it is RUNNING.
 * Resolves with its id, the RM's submission time and when RUNNING was first seen (epoch ms).
 */
async function watchForRunning(rm, user, name, isDone) {
  const url = `${rm}/ws/v1/cluster/apps?applicationTypes=Apache%20Flink&states=NEW,NEW_SAVING,SUBMITTED,ACCEPTED,RUNNING&user.name=${user}`;
  let doneSince = null;
  for (;;) {
    const now = Date.now();
    try {
      const apps = (await (await fetch(url)).json()).apps?.app ?? [];
      const app = apps.find((a) => a.name === name);
      if (app?.state === 'RUNNING') return { appId: app.id, submittedAt: app.startedTime, runningAt: now };
    } catch {
      // the RM is busy; try again
    }
    if (isDone()) {
      doneSince ??= now;
      if (now - doneSince > 30_000) return null;
    }
    await sleep(50);
  }
}

async function hdfsBytes(webhdfs, path, user) {
  const r = await fetch(`${webhdfs}/webhdfs/v1${path}?op=GETCONTENTSUMMARY&user.name=${user}`);
  if (!r.ok) return null;
  return (await r.json()).ContentSummary.length;
}

/** One deploy: spawn, RUNNING, exit; then the staging dir's size; then kill and clean up. */
async function deployOnce({ root, cluster, conf, side, name, user, home, log }) {
  const { command, args, env } = side.command(name);
  let done = false;
  let spawnedAt = 0;
  let watch;
  const run = runOnce({
    command,
    args,
    env,
    onSpawn: (t) => {
      spawnedAt = t;
      watch = watchForRunning(cluster.rm, user, name, () => done);
    },
  }).finally(() => (done = true));
  const result = await run;
  const seen = await watch;
  try {
    if (result.code !== 0 || seen === null) {
      throw new Error(
        `${side.label} ${result.code !== 0 ? `exited ${result.code}` : 'never reached RUNNING'}: ${(result.stderr + result.stdout).slice(-1500)}`,
      );
    }
    const exitAt = spawnedAt + result.wallMs;
    // What the client sent: ours says so in its JSON result; otherwise what its staging dir holds.
    let bytes = null;
    try {
      const out = JSON.parse(result.stdout);
      if (typeof out.bytesUploaded === 'number') bytes = out.bytesUploaded;
    } catch {
      // not JSON (Flink's client)
    }
    bytes ??= await hdfsBytes(cluster.webhdfs, `${home}/.flink/${seen.appId}`, user);
    return {
      appId: seen.appId,
      toRunning: seen.runningAt - spawnedAt,
      wall: result.wallMs,
      cpu: result.cpuMs,
      rssMb: result.peakRssKb / 1024,
      bytes,
      preSubmit: seen.submittedAt - spawnedAt,
      afterRunning: Math.max(0, exitAt - seen.runningAt),
      clusterSide: seen.runningAt - seen.submittedAt,
    };
  } finally {
    if (seen !== null) await cleanup({ root, cluster, conf, appId: seen.appId, user, home, log });
    for (const f of readdirSync(conf.propertiesDir)) rmSync(join(conf.propertiesDir, f), { force: true });
  }
}

export async function cleanup({ root, cluster, conf, appId, user, home, log }) {
  const kill = spawnSync(
    process.execPath,
    [
      join(root, 'bin', 'flink-yarn.cjs'),
      'kill',
      appId,
      '--yes',
      '--cleanup-ha',
      '--yarn-conf-dir',
      cluster.confDir,
      '--flink-conf-dir',
      conf.dir,
    ],
    { encoding: 'utf8' },
  );
  if (kill.status !== 0) log(`kill ${appId} failed: ${kill.stderr.trim()}`);
  // Neither client removes its staging dir when the application is killed.
  await fetch(`${cluster.webhdfs}/webhdfs/v1${home}/.flink/${appId}?op=DELETE&recursive=true&user.name=${user}`, {
    method: 'DELETE',
  }).catch(() => undefined);
  // The next deploy starts on a quiet cluster: no container left, and the NodeManager's clean-up
  // of the killed JobManager (its JVM, 116 MB of localized files) done.
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const m = await fetch(`${cluster.rm}/ws/v1/cluster/metrics`)
      .then((r) => r.json())
      .catch(() => null);
    if (m?.clusterMetrics?.containersAllocated === 0) break;
    await sleep(200);
  }
  await sleep(2_000);
}

/**
 * Runs both clients `runs` times (after `warmup` runs each), interleaved, alternating which goes
 * first. Returns table rows and notes.
 */
export async function benchDeploy({ root, cluster, stateDir, runs, warmup, log }) {
  const user = process.env.HADOOP_USER_NAME ?? userInfo().username;
  const home = (
    await (await fetch(`${cluster.webhdfs}/webhdfs/v1/?op=GETHOMEDIRECTORY&user.name=${user}`)).json()
  ).Path.replace(/^hdfs:\/\/[^/]*/, '');
  const confDir = join(stateDir, 'bench-deploy-conf');
  rmSync(confDir, { recursive: true, force: true });
  const conf = await writeBenchConfDir(root, cluster, confDir);
  const notes = [];

  const oursArgs = (name, extra) => [
    join(root, 'bin', 'yarn-session.cjs'),
    '--flink-conf-dir',
    conf.dir,
    '--yarn-conf-dir',
    cluster.confDir,
    '--flink-home',
    cluster.flinkHome,
    '-d',
    '-nm',
    name,
    ...extra,
    '--output',
    'json',
  ];
  const ours = {
    key: 'ours',
    label: 'yarn-session -d',
    command: (name) => ({ command: process.execPath, args: oursArgs(name, []), env: cleanEnv() }),
  };
  const sides = [ours];
  // Where the client can reuse jars already on HDFS, also measure it uploading everything (as
  // Flink's client does), so both the usual and the first deploy are on the table.
  const help = spawnSync(process.execPath, [join(root, 'bin', 'yarn-session.cjs'), '--help'], { encoding: 'utf8' });
  if (help.stdout.includes('--reuse-uploads')) {
    ours.label = 'yarn-session -d (unchanged jars reused)';
    sides.push({
      key: 'oursFull',
      label: 'yarn-session -d --no-reuse-uploads',
      command: (name) => ({ command: process.execPath, args: oursArgs(name, ['--no-reuse-uploads']), env: cleanEnv() }),
    });
  }
  const flink = flinkClientCommand({ root, cluster, conf, log });
  const theirs = {
    key: 'flink',
    label: 'FlinkYarnSessionCli -d',
    command: (name) => ({ ...flink, args: [...flink.args, '-d', '-nm', name] }),
  };
  sides.push(theirs);
  const javaVersion = spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr.split('\n')[0];
  const libDir = join(cluster.flinkHome, 'lib');
  const shown = flink.args
    .map((a) => (a === conf.javaOptions.split(/\s+/)[0] ? '<env.java.opts.all>' : a))
    .filter((a) => !conf.javaOptions.split(/\s+/).slice(1).includes(a))
    .map((a, i, all) =>
      all[i - 1] === '-classpath' ? `<${libDir}/*.jar, flink-dist last>${delimiter}${cluster.confDir}` : a,
    );
  notes.push(
    `deploy: Flink's client ran as Flink 1.20's bin/yarn-session.sh runs it (${javaVersion}): ` +
      `FLINK_CONF_DIR=${conf.dir} FLINK_HOME=${cluster.flinkHome} FLINK_LIB_DIR=${libDir} FLINK_PLUGINS_DIR=... ` +
      `HADOOP_CONF_DIR=${cluster.confDir} java ${shown.join(' ')} -d -nm NAME ` +
      `(Hadoop ${hadoopNote(libDir)}; env.java.opts.all = the Java 17 --add-opens/--add-exports flags)`,
  );

  const results = Object.fromEntries(sides.map((x) => [x.key, []]));
  let theirsError = null;
  for (let i = 0; i < warmup + runs; i++) {
    // Each round in a rotated order, so no client always runs right after the same other one.
    const order = sides.map((_, k) => sides[(i + k) % sides.length]);
    for (const side of order) {
      if (side === theirs && theirsError !== null) continue;
      const name = `bench-deploy-${side.key}-${process.pid}-${i}`;
      log(`deploy ${i < warmup ? 'warm-up' : `run ${i - warmup + 1}/${runs}`}: ${side.label}`);
      try {
        const r = await deployOnce({ root, cluster, conf, side, name, user, home, log });
        log(
          `  ${r.appId}: RUNNING after ${(r.toRunning / 1000).toFixed(1)} s, exit after ${(r.wall / 1000).toFixed(1)} s, ` +
            `${(r.bytes / 2 ** 20).toFixed(1)} MB uploaded`,
        );
        if (i >= warmup) results[side.key].push(r);
      } catch (e) {
        if (side !== theirs) throw e;
        theirsError = e.message;
        log(`Flink's client failed: ${e.message}`);
      }
    }
  }

  const measured = sides.filter((x) => results[x.key].length > 0);
  for (const x of measured) {
    for (const r of results[x.key]) {
      r.clientSide = r.preSubmit + r.afterRunning;
      r.bytesMb = r.bytes / 2 ** 20;
    }
  }
  const s = (side, k) => stats(results[side.key].map((r) => r[k]));
  const cpuMean = (side) => results[side.key].reduce((n, r) => n + r.cpu, 0) / results[side.key].length;
  const haveTheirs = results.flink.length > 0;
  const theirsRunning = haveTheirs ? s(theirs, 'toRunning').median : null;
  const goal = "client-side <= 20% of Flink's client's time to RUNNING";
  const extra = (side, k) => {
    if (side === theirs) return {};
    if (k === 'toRunning' && haveTheirs) {
      const ratio = theirsRunning / s(side, 'toRunning').median;
      return { ratio, verdict: `${ratio.toFixed(2)}x faster than Flink's client` };
    }
    if (k !== 'clientSide') return {};
    if (!haveTheirs) return { goal, verdict: `${goal}: not measured (Flink's client did not run)` };
    const mine = s(side, 'clientSide').median;
    const met = mine <= 0.2 * theirsRunning;
    return {
      goal,
      ratio: mine / theirsRunning,
      met,
      verdict: `${((100 * mine) / theirsRunning).toFixed(0)}% of ${(theirsRunning / 1000).toFixed(1)} s; ${goal}: ${met ? 'met' : 'NOT met'}`,
    };
  };
  const rows = [];
  for (const k of ['toRunning', 'wall', 'clientSide', 'clusterSide']) {
    for (const side of measured) {
      rows.push({
        section: 'deploy',
        name: `${side.label}: ${KEY_NAMES[k]}`,
        runs: results[side.key].length,
        ...s(side, k),
        cpuMean: cpuMean(side),
        ...extra(side, k),
      });
    }
  }
  for (const [k, unit, what] of [
    ['cpu', 'ms', 'client CPU (user+sys)'],
    ['rssMb', 'MB', 'peak client RSS'],
    ['bytesMb', 'MB', 'bytes uploaded'],
  ]) {
    for (const side of measured)
      rows.push({
        section: 'deploy',
        unit,
        name: `${side.label}: ${what}`,
        runs: results[side.key].length,
        ...s(side, k),
      });
  }

  notes.push(
    'deploy: spawn to RUNNING = process spawn until the RM first reports RUNNING (polled every 50 ms); ' +
      'client-side = spawn until the RM registered the submission (its startedTime) + RUNNING until the client exited; ' +
      'cluster-side = submission until RUNNING (container, JobManager start-up); bytes uploaded = ours: ' +
      "bytesUploaded of its JSON result (else the staging dir's size), Flink's client: WebHDFS GETCONTENTSUMMARY " +
      'of <home>/.flink/<appId> before the kill. The rounds rotate the order of the clients; after each deploy the ' +
      'application is killed (kill --cleanup-ha), its staging dir removed, and the next one waits for an idle NodeManager.',
  );
  if (theirsError !== null) {
    notes.push(
      `deploy: Flink's own client could not be run here, so there is no side-by-side comparison: ${theirsError.slice(0, 800)}`,
    );
  }
  return { rows, notes, raw: results };
}

const KEY_NAMES = {
  toRunning: 'spawn to RUNNING',
  wall: 'client wall (spawn to exit)',
  clientSide: 'client-side time',
  clusterSide: 'cluster-side (submit to RUNNING)',
};
