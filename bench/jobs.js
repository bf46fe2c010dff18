// Submitting a job into a running session: ours (`flink-yarn run -yid`, Flink's REST API) against
// Flink's own client (`flink run -t yarn-session`, org.apache.flink.client.cli.CliFrontend from the
// same Flink 1.20 jars, JVM start-up included), run the way bin/flink runs it, into one session on
// the minicluster, attached (until the job FINISHED) and detached (-d, until the job is submitted).
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { cleanEnv, cleanup, flinkJava, hadoopNote, writeBenchConfDir } from './deploy.js';
import { runOnce, stats } from './measure.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const JOB_ID = /Job has been submitted with JobID ([0-9a-f]{32})/;

/** What bin/flink of Flink 1.20 executes for `flink run ARGS` (config.sh's exports, CC_CLASSPATH, log settings). */
function flinkRunCommand({ root, cluster, conf, log }) {
  const { classpath, env } = flinkJava({ root, cluster, conf, log });
  const user = process.env.USER ?? userInfo().username;
  const host = process.env.HOSTNAME ?? spawnSync('hostname', { encoding: 'utf8' }).stdout.trim();
  const cli = join(conf.dir, 'log4j-cli.properties');
  // exec java $JVM_ARGS $FLINK_ENV_JAVA_OPTS "${log_setting[@]}" -classpath CC_CLASSPATH:INTERNAL_HADOOP_CLASSPATHS
  //   org.apache.flink.client.cli.CliFrontend "$@"; JVM_ARGS is empty by default, FLINK_ENV_JAVA_OPTS is
  //   -XX:+IgnoreUnrecognizedVMOptions, env.java.default-opts.all, env.java.opts.all and env.java.opts.client.
  const args = [
    '-XX:+IgnoreUnrecognizedVMOptions',
    ...conf.javaOptions.split(/\s+/).filter((s) => s !== ''),
    `-Dlog.file=${join(conf.dir, `flink-${user}-client-${host}.log`)}`,
    `-Dlog4j.configuration=file:${cli}`,
    `-Dlog4j.configurationFile=file:${cli}`,
    `-Dlogback.configurationFile=file:${join(conf.dir, 'logback.xml')}`,
    '-classpath',
    classpath,
    'org.apache.flink.client.cli.CliFrontend',
  ];
  return { command: 'java', args, env };
}

async function jobsOverview(rest) {
  const r = await fetch(`${rest}/jobs/overview`);
  if (!r.ok) throw new Error(`GET ${rest}/jobs/overview: HTTP ${r.status}`);
  return (await r.json()).jobs;
}

/** Waits (polling every 100 ms, at most `ms`) until every job of the session has ended; returns the jobs. */
async function quiet(rest, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const jobs = await jobsOverview(rest);
    if (jobs.every((j) => ['FINISHED', 'FAILED', 'CANCELED', 'SUSPENDED'].includes(j.state))) return jobs;
    if (Date.now() > deadline)
      throw new Error(`jobs still running after ${ms / 1000} s: ${jobs.map((j) => `${j.jid} ${j.state}`).join(', ')}`);
    await sleep(100);
  }
}

/**
 * One submission: spawn, exit 0, the job id from the client's output, exactly that one new job in
 * the session's /jobs/overview (FINISHED when attached); with -d, waits for the job to finish.
 */
async function submitOnce({ rest, side, detached }) {
  const before = new Set((await quiet(rest)).map((j) => j.jid));
  const { command, args, env } = side.command(detached);
  const r = await runOnce({ command, args, env });
  const output = (r.stderr + r.stdout).slice(-1500);
  if (r.code !== 0) throw new Error(`${side.label}${detached ? ' -d' : ''} exited ${r.code}: ${output}`);
  const jobId = side.jobId(r.stdout, detached);
  if (jobId === null)
    throw new Error(`${side.label}${detached ? ' -d' : ''}: no job id (or not FINISHED) in: ${output}`);
  const fresh = (await jobsOverview(rest)).filter((j) => !before.has(j.jid));
  if (fresh.length !== 1 || fresh[0].jid !== jobId) {
    throw new Error(
      `${side.label}: expected one new job ${jobId} in the session, found ${JSON.stringify(fresh.map((j) => [j.jid, j.state]))}`,
    );
  }
  if (!detached && fresh[0].state !== 'FINISHED') throw new Error(`${side.label}: job ${jobId} is ${fresh[0].state}`);
  const job = detached ? (await quiet(rest)).find((j) => j.jid === jobId) : fresh[0];
  if (job.state !== 'FINISHED') throw new Error(`${side.label} -d: job ${jobId} ended ${job.state}`);
  const exitAt = r.spawnedAt + r.wallMs;
  return {
    jobId,
    wall: r.wallMs,
    cpu: r.cpuMs,
    rssMb: r.peakRssKb / 1024,
    toSubmitted: job['start-time'] - r.spawnedAt,
    endToExit: detached ? null : exitAt - job['end-time'],
    jobMs: job.duration,
  };
}

async function deploySession({ root, cluster, conf, name, log }) {
  log(`jobs: deploying the session ${name} (yarn-session -d)`);
  const r = spawnSync(
    process.execPath,
    [
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
      '--output',
      'json',
    ],
    { encoding: 'utf8', env: cleanEnv() },
  );
  let out = null;
  try {
    out = JSON.parse(r.stdout);
  } catch {
    // no JSON: failed early
  }
  return { ok: r.status === 0 && out?.state === 'RUNNING', out, error: `${r.stderr}${r.stdout}`.slice(-1500) };
}

/** The id of the application named `name`, if the RM has one (a deploy that failed half-way). */
async function findApp(rm, user, name) {
  const apps = await fetch(`${rm}/ws/v1/cluster/apps?applicationTypes=Apache%20Flink&user.name=${user}`)
    .then((x) => x.json())
    .then((x) => x.apps?.app ?? [])
    .catch(() => []);
  return apps.find((a) => a.name === name && !['FINISHED', 'FAILED', 'KILLED'].includes(a.state))?.id ?? null;
}

/**
 * Deploys one session, then submits FlyWordCount into it with both clients, attached and with
 * -d: `runs` runs per client and variant after `warmup` runs each, alternating which client goes
 * first. Returns table rows and notes; the session is killed at the end.
 */
export async function benchJobs({ root, cluster, stateDir, runs, warmup, log }) {
  const user = process.env.HADOOP_USER_NAME ?? userInfo().username;
  const home = (
    await (await fetch(`${cluster.webhdfs}/webhdfs/v1/?op=GETHOMEDIRECTORY&user.name=${user}`)).json()
  ).Path.replace(/^hdfs:\/\/[^/]*/, '');
  const confDir = join(stateDir, 'bench-jobs-conf');
  rmSync(confDir, { recursive: true, force: true });
  // The session keeps its TaskManagers for the whole section (default: released after 30 s idle),
  // so every measured run finds the same warm slots.
  const conf = await writeBenchConfDir(root, cluster, confDir, ['resourcemanager.taskmanager-timeout: 3600000']);
  const jar = join(cluster.flinkHome, 'examples', 'streaming', 'FlyWordCount.jar');
  const name = `bench-jobs-${process.pid}`;
  const session = await deploySession({ root, cluster, conf, name, log });
  const appId = session.out?.applicationId ?? (await findApp(cluster.rm, user, name));
  try {
    if (!session.ok) throw new Error(`yarn-session -d failed: ${session.error}`);
    const rest = session.out.restAddress;
    log(`jobs: session ${appId} RUNNING, JobManager ${rest}`);
    // RUNNING in YARN comes before the JobManager's leader election: until then REST answers 503.
    const deadline = Date.now() + 120_000;
    while ((await jobsOverview(rest).catch(() => null)) === null) {
      if (Date.now() > deadline) throw new Error(`${rest}/jobs/overview does not answer`);
      await sleep(200);
    }
    return await measureJobs({ root, cluster, conf, appId, rest, jar, runs, warmup, log });
  } finally {
    if (appId !== null) {
      log(`jobs: killing the session ${appId}`);
      await cleanup({ root, cluster, conf, appId, user, home, log });
    }
    for (const f of readdirSync(conf.propertiesDir)) rmSync(join(conf.propertiesDir, f), { force: true });
  }
}

async function measureJobs({ root, cluster, conf, appId, rest, jar, runs, warmup, log }) {
  const ours = {
    key: 'ours',
    label: 'flink-yarn run -yid',
    command: (detached) => ({
      command: process.execPath,
      args: [
        join(root, 'bin', 'flink-yarn.cjs'),
        'run',
        '-yid',
        appId,
        ...(detached ? ['-d'] : []),
        '--flink-conf-dir',
        conf.dir,
        '--yarn-conf-dir',
        cluster.confDir,
        '-o',
        'json',
        jar,
      ],
      env: cleanEnv(),
    }),
    jobId: (stdout, detached) => {
      let out;
      try {
        out = JSON.parse(stdout);
      } catch {
        return null;
      }
      if (typeof out.jobId !== 'string') return null;
      return detached || out.state === 'FINISHED' ? out.jobId : null;
    },
  };
  const flink = flinkRunCommand({ root, cluster, conf, log });
  const theirs = {
    key: 'flink',
    label: 'flink run -t yarn-session',
    command: (detached) => ({
      ...flink,
      args: [
        ...flink.args,
        'run',
        '-t',
        'yarn-session',
        `-Dyarn.application.id=${appId}`,
        ...(detached ? ['-d'] : []),
        jar,
      ],
    }),
    jobId: (stdout, detached) => {
      const id = JOB_ID.exec(stdout)?.[1] ?? null;
      if (id === null || detached) return id;
      return stdout.includes(`Job with JobID ${id} has finished.`) ? id : null;
    },
  };
  const sides = [ours, theirs];
  const variants = [
    { key: 'attached', detached: false, suffix: ' (attached)' },
    { key: 'detached', detached: true, suffix: ' -d' },
  ];
  const results = {};
  for (const v of variants) for (const side of sides) results[`${v.key}.${side.key}`] = [];
  let theirsError = null;
  for (const v of variants) {
    for (let i = 0; i < warmup + runs; i++) {
      // Alternating which client goes first, so neither always runs right after the other.
      const order = i % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) {
        if (side === theirs && theirsError !== null) continue;
        const what = `${side.label}${v.suffix}`;
        try {
          const r = await submitOnce({ rest, side, detached: v.detached });
          log(
            `jobs ${i < warmup ? 'warm-up' : `run ${i - warmup + 1}/${runs}`}: ${what}: exit after ${(r.wall / 1000).toFixed(2)} s, ` +
              `job ${r.jobId} submitted after ${(r.toSubmitted / 1000).toFixed(2)} s` +
              (r.endToExit !== null ? `, FINISHED ${(r.endToExit / 1000).toFixed(2)} s before the exit` : ''),
          );
          if (i >= warmup) results[`${v.key}.${side.key}`].push(r);
        } catch (e) {
          if (side !== theirs) throw e;
          theirsError = e.message;
          log(`Flink's client failed: ${e.message}`);
        }
        // The slot of the job just ended is free again before the next submission.
        await sleep(500);
      }
    }
  }

  const rows = [];
  const haveTheirs = (v) => results[`${v.key}.flink`].length > 0;
  const s = (v, side, k) => stats(results[`${v.key}.${side.key}`].map((r) => r[k]));
  const cpuMean = (v, side) => {
    const list = results[`${v.key}.${side.key}`];
    return list.reduce((n, r) => n + r.cpu, 0) / list.length;
  };
  for (const v of variants) {
    const measured = sides.filter((side) => results[`${v.key}.${side.key}`].length > 0);
    const keys = v.detached ? ['wall', 'toSubmitted'] : ['wall', 'toSubmitted', 'endToExit'];
    for (const k of keys) {
      for (const side of measured) {
        const extra = {};
        if (side === ours && k === 'wall' && haveTheirs(v)) {
          const ratio = s(v, theirs, 'wall').median / s(v, ours, 'wall').median;
          extra.ratio = ratio;
          extra.verdict =
            ratio >= 1
              ? `${ratio.toFixed(2)}x faster than flink run${v.suffix}`
              : `${(1 / ratio).toFixed(2)}x slower than flink run${v.suffix}`;
        }
        rows.push({
          section: 'jobs',
          name: `${side.label}${v.suffix}: ${KEY_NAMES[k]}`,
          runs: results[`${v.key}.${side.key}`].length,
          ...s(v, side, k),
          cpuMean: cpuMean(v, side),
          ...extra,
        });
      }
    }
  }
  for (const [k, unit, what] of [
    ['cpu', 'ms', 'client CPU (user+sys)'],
    ['rssMb', 'MB', 'peak client RSS'],
  ]) {
    for (const v of variants) {
      for (const side of sides) {
        const list = results[`${v.key}.${side.key}`];
        if (list.length === 0) continue;
        rows.push({
          section: 'jobs',
          unit,
          name: `${side.label}${v.suffix}: ${what}`,
          runs: list.length,
          ...s(v, side, k),
        });
      }
    }
  }

  const javaVersion = spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr.split('\n')[0];
  const libDir = join(cluster.flinkHome, 'lib');
  const optsFirst = conf.javaOptions.split(/\s+/)[0];
  const optsRest = conf.javaOptions.split(/\s+/).slice(1);
  const shown = flink.args
    .filter((a) => !optsRest.includes(a))
    .map((a) => (a === optsFirst ? '<env.java.opts.all>' : a))
    .map((a, i, all) =>
      all[i - 1] === '-classpath' ? `<${libDir}/*.jar, flink-dist last>${delimiter}${cluster.confDir}` : a,
    );
  const notes = [
    `jobs: Flink's client ran as Flink 1.20's bin/flink runs it (${javaVersion}): ` +
      `FLINK_CONF_DIR=${conf.dir} FLINK_HOME=${cluster.flinkHome} FLINK_LIB_DIR=${libDir} FLINK_PLUGINS_DIR=... ` +
      `HADOOP_CONF_DIR=${cluster.confDir} java ${shown.join(' ')} run -t yarn-session -Dyarn.application.id=${appId} [-d] ${jar} ` +
      `(Hadoop ${hadoopNote(libDir)}; env.java.opts.all = the Java 17 --add-opens/--add-exports flags; ` +
      'log4j-cli.properties: an equivalent of Flink 1.20 conf/log4j-cli.properties, INFO into the log file). ' +
      "Not included: the JVMs bin/flink's config.sh starts before that one (BashJavaUtils to read the configuration, " +
      "`java -XshowSettings:properties` for the Java version), so Flink's times are a lower bound for `bin/flink run`. " +
      'The client builds the JobGraph itself (runs main() locally) and submits it with the jar through the REST API; attached, ' +
      'it polls /jobs/<id>/execution-result (backing off from 10 ms to 2 s).',
    `jobs: ours ran: node bin/flink-yarn.cjs run -yid ${appId} [-d] --flink-conf-dir ${conf.dir} --yarn-conf-dir ${cluster.confDir} ` +
      `-o json ${jar}: uploads the jar to the JobManager, runs it there (/jars/<id>/run: the JobManager runs main()), ` +
      'deletes the upload; attached, it polls the job every 500 ms until FINISHED.',
    `jobs: both into one session deployed with yarn-session -d (${appId}; resourcemanager.taskmanager-timeout 1 h, so ` +
      `its TaskManager stays for the whole section); per variant ${warmup} warm-up + ${runs} runs per client, alternating ` +
      "which goes first; the job is FlyWordCount (bounded). Every run is checked: exit 0, the job id from the client's " +
      "output (ours: its JSON, state FINISHED when attached; Flink's: 'Job has been submitted with JobID', and " +
      "'has finished' when attached), and exactly that one new job in the session's /jobs/overview, FINISHED (with -d " +
      "the bench waits for it to finish before the next run). spawn to job submitted = the JobManager's start-time " +
      "of the job minus the spawn; job FINISHED to client exit = the exit minus the job's end-time.",
  ];
  const lag = results['attached.ours'].length > 0 ? s(variants[0], ours, 'endToExit').median : 0;
  if (lag > 1000) {
    notes.push(
      `jobs: ours exits a median ${(lag / 1000).toFixed(1)} s after the job FINISHED. It polls GET /jobs/<id>, which ` +
        'Flink 1.20 answers from its ExecutionGraphCache (JobDetailsHandler; entries live web.refresh-interval, 3 s by ' +
        'default), so FINISHED shows up to 3 s late; /jobs/<id>/status (JobStatusHandler) and ' +
        "/jobs/<id>/execution-result, which Flink's client polls, are not cached.",
    );
  }
  if (theirsError !== null) {
    notes.push(
      `jobs: Flink's own client could not be run here, so there is no side-by-side comparison: ${theirsError.slice(0, 800)}`,
    );
  }
  return { rows, notes, raw: results };
}

const KEY_NAMES = {
  wall: 'spawn to exit',
  toSubmitted: 'spawn to job submitted',
  endToExit: 'job FINISHED to client exit',
};
