import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { poll } from '../../async/poll.js';
import { hadoopUser } from '../../policy/hadoop-user.js';
import { JAVA_17_OPTIONS } from '../../session/shipped-config.js';
import { FlinkYarnError } from '../../errors/index.js';
import { offersNegotiate } from '../../http/negotiate.js';
import { ResourceManagerClient } from '../../yarn/rm-client.js';
import { ensureBuilt, type MavenModule } from './build.js';
import type { MiniclusterEvent } from './events.js';
import { commandLine, fourLetterWord, freePort, isAlive, spawnDetached, terminate } from './processes.js';
import { checkToolchain } from './toolchain.js';

export type { MiniclusterEvent } from './events.js';

export interface MiniclusterOptions {
  /** Where all state lives: pids, data, logs, the client configuration. @default ~/.flink-yarn/minicluster */
  readonly stateDir?: string;
  /** yarn.resourcemanager.am.max-attempts of the cluster. @default 2 */
  readonly amMaxAttempts?: number;
  /** 1, or 2 for ResourceManager HA. @default 1 */
  readonly resourceManagers?: 1 | 2;
  /** The Hadoop version of the minicluster jars (3.3.6, 3.4.x, 3.5.0). @default the pom's (3.4.2) */
  readonly hadoopVersion?: string;
  /** The Flink version of the distribution (1.19.x, 1.20.x, 2.x). @default the pom's (1.20.1) */
  readonly flinkVersion?: string;
  /**
   * Kerberized: a KDC, SPNEGO on the web endpoints, HTTPS-only HDFS with SASL data transfer.
   * @default false
   */
  readonly secure?: boolean;
  /** How long start may take once built. @default 240000 */
  readonly startTimeoutMs?: number;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  readonly onEvent?: (event: MiniclusterEvent) => void;
}

/** The contract's `minicluster start --output json`. */
export interface MiniclusterInfo {
  readonly rm: string;
  readonly webhdfs: string;
  readonly zookeeper: string;
  readonly confDir: string;
  readonly flinkHome: string;
  /** With `secure`: the realm, the krb5.conf to use, a client principal and its keytab, the CA to trust. */
  readonly realm?: string;
  readonly krb5Conf?: string;
  readonly principal?: string;
  readonly keytab?: string;
  readonly ca?: string;
}

export interface MiniclusterStatus {
  readonly running: boolean;
  readonly stateDir: string;
  readonly info?: MiniclusterInfo;
  readonly services: readonly { readonly name: string; readonly pid: number; readonly alive: boolean }[];
  readonly problems: readonly string[];
}

/** What `start` records in `<stateDir>/state.json`. */
export interface MiniclusterState {
  readonly info: MiniclusterInfo;
  readonly rms: readonly string[];
  /** The minicluster's control endpoint (stop/restart a ResourceManager, for failover tests). */
  readonly control: string | null;
  readonly hadoopVersion: string;
  readonly services: readonly { readonly name: string; readonly pid: number }[];
  readonly startedAt: string;
}

/** Starts (or finds running) a local YARN + HDFS + ZooKeeper with a Flink distribution. Idempotent. */
export async function startMinicluster(options: MiniclusterOptions = {}): Promise<MiniclusterInfo> {
  const env = options.env ?? process.env;
  const onEvent = options.onEvent ?? (() => undefined);
  const stateDir = resolveStateDir(options.stateDir, env);
  const existing = await currentStatus(stateDir);
  if (existing.running && existing.info !== undefined) {
    if ((existing.info.realm !== undefined) !== (options.secure === true)) {
      throw new FlinkYarnError(
        'USAGE',
        `A minicluster ${existing.info.realm !== undefined ? 'with' : 'without'} --secure is already running in ${stateDir}: stop it first, or use another --state-dir.`,
      );
    }
    onEvent({ kind: 'already-running' });
    return existing.info;
  }
  if (existing.services.length > 0) {
    onEvent({ kind: 'stale-state', reason: existing.problems.join('; ') });
    await stopServices(stateDir, existing.services, onEvent);
  }

  checkToolchain(env);
  const root = packageRoot();
  const modules = clusterModules(root, options.hadoopVersion, options.flinkVersion);
  mkdirSync(join(stateDir, 'logs'), { recursive: true });
  await ensureBuilt(Object.values(modules), { logDir: join(stateDir, 'logs'), env, onEvent });

  const started: { name: string; pid: number }[] = [];
  try {
    const zkPort = await freePort();
    const zookeeper = `localhost:${zkPort}`;
    started.push(await startZooKeeper(modules.zookeeper, stateDir, zkPort, env, onEvent));

    const rmCount = options.resourceManagers ?? 1;
    const { pid, ready } = await startYarnAndHdfs(modules.minicluster, stateDir, {
      amMaxAttempts: options.amMaxAttempts ?? 2,
      rms: rmCount,
      secure: options.secure === true,
      zookeeper,
      env,
      timeoutMs: options.startTimeoutMs ?? 240_000,
      onEvent,
    });
    started.push({ name: 'minicluster', pid });

    const info: MiniclusterInfo = {
      rm: ready.rm,
      webhdfs: ready.webhdfs,
      zookeeper,
      confDir: ready.confDir,
      flinkHome: modules.flinkDist.home,
      ...(ready.realm !== undefined
        ? {
            realm: ready.realm,
            krb5Conf: ready.krb5Conf,
            principal: ready.principal,
            keytab: ready.keytab,
            ca: ready.ca,
          }
        : {}),
    };
    const rms = ready.rms?.map((r) => r.web) ?? [ready.rm];
    await probeAll(info, rms, env);
    const state: MiniclusterState = {
      info,
      rms,
      control: ready.control ?? null,
      hadoopVersion: ready.hadoopVersion,
      services: started,
      startedAt: new Date().toISOString(),
    };
    writeFileSync(stateFile(stateDir), `${JSON.stringify(state, null, 2)}\n`);
    return info;
  } catch (e) {
    await stopServices(stateDir, started, onEvent);
    throw e;
  }
}

/**
 * A Flink distribution of another version than the cluster's, built if it is not yet (as `start
 * --flink-version` builds it): for running two Flink lines against one cluster.
 */
export async function flinkDistribution(
  flinkVersion: string,
  options: Pick<MiniclusterOptions, 'env' | 'onEvent'> & { readonly logDir: string },
): Promise<string> {
  const module = clusterModules(packageRoot(), undefined, flinkVersion).flinkDist;
  await ensureBuilt([module], {
    logDir: options.logDir,
    env: options.env ?? process.env,
    onEvent: options.onEvent ?? (() => undefined),
  });
  return module.home;
}

/** Stops exactly the processes `start` recorded. Returns what was stopped. */
export async function stopMinicluster(
  options: Pick<MiniclusterOptions, 'stateDir' | 'env' | 'onEvent'> = {},
): Promise<{ stopped: readonly { name: string; pid: number }[] }> {
  const stateDir = resolveStateDir(options.stateDir, options.env ?? process.env);
  const state = readState(stateDir);
  if (state === undefined) return { stopped: [] };
  const stopped = await stopServices(stateDir, state.services, options.onEvent ?? (() => undefined));
  return { stopped };
}

export async function miniclusterStatus(
  options: Pick<MiniclusterOptions, 'stateDir' | 'env'> = {},
): Promise<MiniclusterStatus> {
  return currentStatus(resolveStateDir(options.stateDir, options.env ?? process.env));
}

async function currentStatus(stateDir: string): Promise<MiniclusterStatus> {
  const state = readState(stateDir);
  if (state === undefined) return { running: false, stateDir, services: [], problems: [] };
  const services = state.services.map((s) => ({ ...s, alive: isOurs(s.pid, stateDir) }));
  const problems = services.filter((s) => !s.alive).map((s) => `${s.name} (pid ${s.pid}) is not running`);
  if (problems.length === 0) {
    try {
      await probeAll(state.info, state.rms, process.env, 5_000);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return { running: problems.length === 0, stateDir, info: state.info, services, problems };
}

async function stopServices(
  stateDir: string,
  services: readonly { name: string; pid: number }[],
  onEvent: (e: MiniclusterEvent) => void,
): Promise<{ name: string; pid: number }[]> {
  const stopped: { name: string; pid: number }[] = [];
  // The cluster first: it may still write to ZooKeeper while shutting down.
  for (const service of [...services].reverse()) {
    if (!isOurs(service.pid, stateDir)) continue;
    onEvent({ kind: 'service-stopping', service: service.name, pid: service.pid });
    const forced = await terminate(service.pid, 60_000);
    onEvent({ kind: 'service-stopped', service: service.name, pid: service.pid, forced });
    stopped.push(service);
  }
  rmSync(stateFile(stateDir), { force: true });
  return stopped;
}

async function startZooKeeper(
  module: MavenModule,
  stateDir: string,
  port: number,
  env: NodeJS.ProcessEnv,
  onEvent: (e: MiniclusterEvent) => void,
): Promise<{ name: string; pid: number }> {
  onEvent({ kind: 'service-starting', service: 'zookeeper' });
  const began = Date.now();
  const dataDir = join(stateDir, 'zookeeper');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const classpath = readFileSync(join(module.dir, 'target', 'classpath.txt'), 'utf8').trim();
  const pid = spawnDetached(
    'java',
    [
      `@${join(module.dir, 'jvm.options')}`,
      `-Dflink.yarn.minicluster=${stateDir}`,
      '-cp',
      classpath,
      'org.apache.zookeeper.server.ZooKeeperServerMain',
      String(port),
      dataDir,
    ],
    {
      cwd: stateDir,
      stdoutFile: join(stateDir, 'logs', 'zookeeper.out'),
      stderrFile: join(stateDir, 'logs', 'zookeeper.err'),
      env,
    },
  );
  await poll(
    async () => {
      if (!isAlive(pid)) {
        throw new FlinkYarnError(
          'MINICLUSTER_FAILED',
          `ZooKeeper exited during start; see ${join(stateDir, 'logs', 'zookeeper.out')}.`,
        );
      }
      return (await fourLetterWord('127.0.0.1', port, 'ruok').catch(() => '')) === 'imok' ? true : undefined;
    },
    {
      intervalMs: 200,
      timeoutMs: 60_000,
      onTimeout: async () => {
        await terminate(pid, 5_000);
        return new FlinkYarnError('MINICLUSTER_FAILED', `ZooKeeper did not answer on port ${port} within 60 s.`);
      },
    },
  );
  onEvent({ kind: 'service-ready', service: 'zookeeper', ms: Date.now() - began, detail: `localhost:${port}` });
  return { name: 'zookeeper', pid };
}

interface ReadyLine {
  readonly rm: string;
  readonly rms?: readonly { readonly id: string | null; readonly web: string; readonly state: string }[];
  readonly webhdfs: string;
  readonly confDir: string;
  readonly hadoopVersion: string;
  readonly control?: string;
  readonly realm?: string;
  readonly krb5Conf?: string;
  readonly principal?: string;
  readonly keytab?: string;
  readonly ca?: string;
}

async function startYarnAndHdfs(
  module: MavenModule & { readonly buildDir: string },
  stateDir: string,
  o: {
    amMaxAttempts: number;
    rms: 1 | 2;
    secure: boolean;
    zookeeper: string;
    env: NodeJS.ProcessEnv;
    timeoutMs: number;
    onEvent: (e: MiniclusterEvent) => void;
  },
): Promise<{ pid: number; ready: ReadyLine }> {
  o.onEvent({ kind: 'service-starting', service: 'minicluster' });
  const began = Date.now();
  const classpath = readFileSync(join(module.buildDir, 'classpath.txt'), 'utf8').trim();
  const stdoutFile = join(stateDir, 'logs', 'minicluster.out');
  const stderrFile = join(stateDir, 'logs', 'minicluster.err');
  const pid = spawnDetached(
    'java',
    [
      `@${join(module.dir, 'jvm.options')}`,
      `-Dflink.yarn.minicluster=${stateDir}`,
      '-cp',
      `${join(module.buildDir, 'classes')}:${classpath}`,
      'flinkonyarn.testcluster.MiniClusterMain',
      '--work-dir',
      join(stateDir, 'cluster'),
      '--conf-dir',
      join(stateDir, 'conf'),
      '--log-file',
      join(stateDir, 'logs', 'minicluster.log'),
      '--am-max-attempts',
      String(o.amMaxAttempts),
      ...(o.rms === 2 ? ['--rms', '2', '--zk', o.zookeeper] : []),
      ...(o.secure ? ['--secure'] : []),
    ],
    { cwd: stateDir, stdoutFile, stderrFile, env: o.env },
  );
  const ready = await poll(
    async () => {
      const line = readFileSync(stdoutFile, 'utf8')
        .split('\n')
        .find((l) => l.startsWith('MINICLUSTER READY '));
      if (line !== undefined) return JSON.parse(line.slice('MINICLUSTER READY '.length)) as ReadyLine;
      if (isAlive(pid)) return undefined;
      const failed = readFileSync(stderrFile, 'utf8')
        .split('\n')
        .find((l) => l.startsWith('MINICLUSTER FAILED'));
      throw new FlinkYarnError(
        'MINICLUSTER_FAILED',
        `The YARN/HDFS minicluster exited during start: ${failed ?? 'no reason given'}. See ${join(stateDir, 'logs')}.`,
      );
    },
    {
      intervalMs: 250,
      timeoutMs: o.timeoutMs,
      onTimeout: async () => {
        await terminate(pid, 10_000);
        return new FlinkYarnError(
          'MINICLUSTER_FAILED',
          `The minicluster was not ready within ${o.timeoutMs / 1000} s; see ${join(stateDir, 'logs')}.`,
        );
      },
    },
  );
  o.onEvent({
    kind: 'service-ready',
    service: 'minicluster',
    ms: Date.now() - began,
    detail: `${ready.rm} (Hadoop ${ready.hadoopVersion})`,
  });
  return { pid, ready };
}

/**
 * The contract's readiness: the RM says ACTIVE, WebHDFS answers, ZooKeeper answers. A secure
 * cluster answers its web endpoints with a SPNEGO challenge, which is enough here: logging in is
 * the client's part (the Java side already waited for the RM to be active).
 */
async function probeAll(
  info: MiniclusterInfo,
  rms: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<void> {
  if (info.realm !== undefined) {
    const ca = info.ca !== undefined ? readFileSync(info.ca) : undefined;
    for (const url of [
      ...rms.map((rm) => `${rm}/ws/v1/cluster/info`),
      `${info.webhdfs}/webhdfs/v1/?op=GETFILESTATUS`,
    ]) {
      const { status, negotiate } = await challenge(url, ca, timeoutMs);
      if (status !== 200 && !(status === 401 && negotiate))
        throw new FlinkYarnError('MINICLUSTER_FAILED', `${url} answered HTTP ${status} without a Kerberos challenge`);
    }
  } else {
    const client = new ResourceManagerClient({
      endpoints: rms,
      requestTimeoutMs: timeoutMs,
      retry: { retries: 3, minDelayMs: 500, maxDelayMs: 2_000, factor: 2 },
    });
    const cluster = await client.clusterInfo();
    if (cluster.haState !== 'ACTIVE')
      throw new FlinkYarnError('MINICLUSTER_FAILED', `the ResourceManager is ${cluster.haState}, not ACTIVE`);
    const user = hadoopUser({ env, osUser: () => env.USER ?? 'root' });
    const res = await fetch(`${info.webhdfs}/webhdfs/v1/?op=GETFILESTATUS&user.name=${encodeURIComponent(user)}`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.status !== 200)
      throw new FlinkYarnError('MINICLUSTER_FAILED', `WebHDFS at ${info.webhdfs} answered HTTP ${res.status}`);
  }
  const [host = 'localhost', port = '2181'] = info.zookeeper.split(':');
  if ((await fourLetterWord(host, Number(port), 'ruok')) !== 'imok') {
    throw new FlinkYarnError('MINICLUSTER_FAILED', `ZooKeeper at ${info.zookeeper} does not answer`);
  }
}

/** One GET, trusting `ca` for https: its status and whether it asks for SPNEGO. */
function challenge(
  url: string,
  ca: Buffer | undefined,
  timeoutMs: number,
): Promise<{ status: number; negotiate: boolean }> {
  return new Promise((resolvePromise, reject) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const req = get(url, { ...(ca !== undefined ? { ca } : {}), timeout: timeoutMs }, (res) => {
      res.resume();
      const offered = String(res.headers['www-authenticate'] ?? '');
      const status = res.statusCode ?? 0;
      resolvePromise({ status, negotiate: offersNegotiate({ status, headers: { 'www-authenticate': offered } }) });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) =>
      reject(new FlinkYarnError('MINICLUSTER_FAILED', `${url.split('?')[0]} does not answer: ${e.message}`)),
    );
  });
}

interface ClusterModules {
  readonly zookeeper: MavenModule;
  /** Built per Hadoop version into target/hadoop-<version>/. */
  readonly minicluster: MavenModule & { readonly buildDir: string };
  /** Built into target/flink-<version>/, a directory laid out like Flink's binary distribution. */
  readonly flinkDist: MavenModule & { readonly home: string };
}

function clusterModules(
  root: string,
  hadoopVersion: string | undefined,
  requestedFlink: string | undefined,
): ClusterModules {
  const base = join(root, 'test', 'cluster');
  const miniclusterDir = join(base, 'minicluster');
  const version = hadoopVersion ?? pomProperty(join(miniclusterDir, 'pom.xml'), 'hadoop.version');
  const buildDir = `target/hadoop-${version}`;
  const flinkDistDir = join(base, 'flink-dist');
  const flinkVersion = requestedFlink ?? pomProperty(join(flinkDistDir, 'pom.xml'), 'flink.version');
  checkFlinkVersion(flinkVersion);
  const flink2 = flinkVersion.startsWith('2.');
  return {
    zookeeper: { name: 'zookeeper', dir: join(base, 'zookeeper'), outputs: ['target/classpath.txt'] },
    minicluster: {
      name: `minicluster-hadoop-${version}`,
      dir: miniclusterDir,
      buildDir: join(miniclusterDir, buildDir),
      outputs: [`${buildDir}/classpath.txt`, `${buildDir}/classes`],
      properties: { 'hadoop.version': version },
    },
    flinkDist: {
      name: `flink-${flinkVersion}`,
      dir: flinkDistDir,
      home: join(flinkDistDir, `target/flink-${flinkVersion}`),
      outputs: [`target/flink-${flinkVersion}/lib`],
      // The flink2 profile holds what 2.x needs besides its version (log4j, no upstream examples).
      // Its Hadoop client jars stay the pom's: Hadoop 3.x clients talk to every 3.x cluster.
      properties: { 'flink.version': flinkVersion },
      ...(flink2 ? { profiles: ['flink2'] } : {}),
    },
  };
}

/** The Flink lines the distribution assembly knows how to build. */
function checkFlinkVersion(version: string): void {
  if (!/^(1\.(19|20)|2\.\d+)\.\d+$/.test(version)) {
    throw new FlinkYarnError(
      'USAGE',
      `--flink-version ${version}: the minicluster assembles Flink 1.19.x, 1.20.x or 2.x.y from Maven Central (e.g. 1.19.1, 1.20.1, 2.2.0).`,
    );
  }
}

/** A <property> of a pom, so versions are written down in one place. */
function pomProperty(pom: string, name: string): string {
  const value = new RegExp(`<${name.replace(/\./g, '\\.')}>([^<]+)</`).exec(readFileSync(pom, 'utf8'))?.[1];
  if (value === undefined) throw new FlinkYarnError('INTERNAL', `${pom} has no <${name}>`);
  return value.trim();
}

/** Recorded pids are checked against their command line, so a reused pid is never signalled. */
function isOurs(pid: number, stateDir: string): boolean {
  return isAlive(pid) && (commandLine(pid)?.includes(`-Dflink.yarn.minicluster=${stateDir}`) ?? false);
}

export function readState(stateDir: string): MiniclusterState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(stateDir), 'utf8')) as MiniclusterState;
  } catch {
    return undefined;
  }
}

function stateFile(stateDir: string): string {
  return join(stateDir, 'state.json');
}

export function resolveStateDir(stateDir: string | undefined, env: NodeJS.ProcessEnv): string {
  const dir = resolve(stateDir ?? env.FLINK_YARN_MINICLUSTER_DIR ?? join(homedir(), '.flink-yarn', 'minicluster'));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The installed package's root: the nearest directory up from here with our package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'flink-on-yarn'
    ) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new FlinkYarnError('INTERNAL', 'cannot find the flink-on-yarn package root');
    dir = parent;
  }
}

/**
 * Writes a Flink conf dir for a highly available session on this minicluster: ZooKeeper HA on
 * its quorum, recovery data on its HDFS, 10 attempts asked for (the cluster caps them at 2), and
 * the distribution's log4j.properties. `extra` lines are appended (later keys win).
 */
export function writeSessionConfDir(info: MiniclusterInfo, dir: string, extra: readonly string[] = []): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'flink-conf.yaml'),
    [
      'high-availability.type: zookeeper',
      `high-availability.zookeeper.quorum: ${info.zookeeper}`,
      'high-availability.storageDir: hdfs:///flink/recovery',
      'yarn.application-attempts: 10',
      'yarn.application-attempt-failures-validity-interval: 300000',
      'jobmanager.memory.process.size: 1024m',
      'taskmanager.memory.process.size: 1024m',
      'taskmanager.numberOfTaskSlots: 2',
      // As Flink's distribution configures it for Java 17 (this machine's Java).
      `env.java.opts.all: ${JAVA_17_OPTIONS}`,
      ...extra,
      '',
    ].join('\n'),
  );
  copyFileSync(join(info.flinkHome, 'conf', 'log4j.properties'), join(dir, 'log4j.properties'));
  return dir;
}
