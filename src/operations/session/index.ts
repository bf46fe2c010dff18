import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { loadConfig, resolveFlinkConfDir, resolveYarnConfDir, type Env } from '../../config/load.js';
import { OPTIONS } from '../../config/flink/options.js';
import type { Diagnostic } from '../../diagnostics/index.js';
import { FlinkYarnError, UsageError } from '../../errors/index.js';
import { defaultFsUri, hdfsEndpoints, WebHdfsClient } from '../../hdfs/webhdfs-client.js';
import type { Entrypoint, StagedResource } from '../../session/am-container.js';
import {
  buildSessionPlan,
  planHasErrors,
  publicPlan,
  readUserJarInclusion,
  type ProgramSpec,
  type SessionPlan,
} from '../../session/plan.js';
import { haMode } from '../../policy/ha.js';
import type { ConfigModel } from '../../config/assemble.js';
import { renderYarnProperties, yarnPropertiesFileName } from '../../session/properties-file.js';
import { quorumReachability } from '../../zookeeper/reachability.js';
import { connectZooKeeper, type ZooKeeperSession } from '../../zookeeper/client.js';
import { describeRootProbe } from '../../zookeeper/probe.js';
import { zooKeeperSettings, type ZooKeeperSettings } from '../../zookeeper/settings.js';
import { zkPath } from '../../zookeeper/paths.js';
import { rmEndpoints } from '../../yarn/endpoints.js';
import { schedulerQueues } from '../../yarn/queues.js';
import type { YarnAppState } from '../../yarn/model.js';
import { ResourceManagerClient, type RmEvent } from '../../yarn/rm-client.js';
import { restAddressOf } from '../applications.js';
import { readDistribution } from './dist.js';
import { DigestMemo, stageFiles, type StageFile } from './staging.js';

/** Everything `yarn-session` / `flink-yarn session` accepts. */
export interface SessionOptions {
  readonly flinkConfDir?: string | undefined;
  readonly yarnConfDir?: string | undefined;
  /** @default $FLINK_HOME */
  readonly flinkHome?: string | undefined;
  readonly rm?: string | undefined;
  readonly user?: string | undefined;
  /** -D, plus what the short flags (-jm, -s, -nm ...) translate to. */
  readonly dynamicProperties?: Readonly<Record<string, string>>;
  /** -t */
  readonly shipFiles?: readonly string[];
  /** -j */
  readonly distJar?: string | undefined;
  /** -z */
  readonly zookeeperNamespace?: string | undefined;
  /** -d: return once RUNNING (or right after submission with noWait). */
  readonly detached: boolean;
  readonly noWait?: boolean;
  /** Bound on the wait for RUNNING. @default 300000 */
  readonly timeoutMs?: number;
  /** Print the plan; submit and create nothing. */
  readonly dryRun?: boolean;
  /** With applicationId, a dry run needs no ResourceManager. */
  readonly hadoopVersion?: string | undefined;
  readonly applicationId?: string | undefined;
  /** Where .yarn-properties-<user> goes. @default yarn.properties-file.location, then the OS temp dir */
  readonly propertiesDir?: string | undefined;
  /** @default process.env */
  readonly env?: Env;
  readonly cwd?: string;
  /** Aborting (Ctrl-C) stops the deploy at the next step and cleans up what it created. */
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: SessionEvent) => void;
  /**
   * Registers files already on HDFS with the same content instead of uploading them again
   * (content-addressed under `<home>/.flink-yarn/cache`). @default true
   */
  readonly reuseUploads?: boolean;
  /** Deploys an application (or, with a JobGraph file, a per-job) cluster for one job instead of a session. */
  readonly program?: ProgramOptions | undefined;
}

/** `flink-yarn run`: the job a dedicated cluster runs. */
export interface ProgramOptions {
  /** The user jar (local path). */
  readonly jar: string;
  readonly mainClass?: string | undefined;
  readonly args?: readonly string[];
  readonly parallelism?: number | undefined;
  /** A serialized JobGraph: runs the legacy per-job entrypoint instead of application mode. */
  readonly jobGraph?: string | undefined;
}

export type SessionEvent =
  | { readonly kind: 'preflight'; readonly detail: string }
  | { readonly kind: 'application-id'; readonly applicationId: string }
  | { readonly kind: 'staging'; readonly files: number; readonly bytes: number; readonly dir: string }
  | {
      readonly kind: 'staged';
      readonly files: number;
      readonly bytes: number;
      readonly ms: number;
      readonly reusedFiles: number;
      readonly reusedBytes: number;
    }
  | { readonly kind: 'submitted'; readonly applicationId: string }
  | { readonly kind: 'state'; readonly state: YarnAppState; readonly elapsedMs: number }
  | { readonly kind: 'cleanup'; readonly detail: string }
  | { readonly kind: 'diagnostic'; readonly diagnostic: Diagnostic }
  | RmEvent;

export interface SessionResult {
  readonly plan: Record<string, unknown>;
  readonly state: YarnAppState | 'PLANNED' | 'SUBMITTED';
  readonly trackingUrl: string | null;
  readonly restAddress: string | null;
  readonly propertiesFile: string | null;
  readonly bytesUploaded: number;
  /** Bytes registered from earlier uploads of the same content instead of being sent again. */
  readonly bytesReused: number;
  readonly stagingDir: string | null;
}

/** Flink's own application names per entrypoint. */
const DEFAULT_NAMES: Record<Entrypoint, string> = {
  session: 'Flink session cluster',
  application: 'Flink Application Cluster',
  job: 'Flink per-job cluster',
};
const POLL_MS = 250;

/** Deploys a Flink session cluster on YARN, or plans one (dry run). Cleans up after any failure. */
export async function deploySession(options: SessionOptions): Promise<SessionResult> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const onEvent = options.onEvent ?? (() => undefined);
  const user = options.user ?? env.HADOOP_USER_NAME ?? userInfo().username;
  const flinkDir = resolveFlinkConfDir({ flinkConfDir: options.flinkConfDir, env, cwd });
  const yarnDir = resolveYarnConfDir({ yarnConfDir: options.yarnConfDir, env, cwd });
  const config = loadConfig({
    flinkConfDir: flinkDir.dir,
    yarnConfDir: yarnDir?.dir,
    hdfs: true,
    dynamicProperties: options.dynamicProperties ?? {},
    expansion: { env, systemProperties: { 'user.name': user, 'java.io.tmpdir': tmpdir() } },
  });
  const flinkHome = options.flinkHome ?? env.FLINK_HOME;
  if (flinkHome === undefined)
    throw new UsageError('A session ships a Flink distribution: pass --flink-home DIR or set FLINK_HOME.');
  const shipFiles = [...(options.shipFiles ?? []), ...listValue(config.flink.string(OPTIONS.shipFiles))];
  const dist = readDistribution({ flinkHome, flinkConfDir: flinkDir.dir, distJar: options.distJar, shipFiles });
  const entrypoint: Entrypoint =
    options.program === undefined ? 'session' : options.program.jobGraph !== undefined ? 'job' : 'application';
  const program = options.program === undefined ? undefined : programFiles(options.program, cwd, config);
  // A dry run plans even without a Hadoop configuration, on a placeholder file system.
  const placeholderFs = 'hdfs://namenode:8020';
  let defaultFs: string;
  try {
    defaultFs = defaultFsUri(config.hadoop);
  } catch (e) {
    if (options.dryRun !== true) throw e;
    defaultFs = placeholderFs;
  }
  // Flink 2.x reads only config.yaml (standard YAML); 1.x reads flink-conf.yaml when it exists.
  const flink2 = /^[2-9]\./.test(dist.version);
  const configName = flink2 ? 'config.yaml' : 'flink-conf.yaml';

  const fsNote: Diagnostic[] =
    defaultFs === placeholderFs
      ? [
          {
            severity: 'info',
            code: 'DEFAULT_FS_PLACEHOLDER',
            message: `No hdfs:// fs.defaultFS is configured; the plan uses ${placeholderFs} in its resource URLs.`,
          },
        ]
      : [];
  const planFor = (
    applicationId: string,
    hadoopVersion: string,
    resources: readonly StagedResource[],
    homeDir: string,
    maximumCapability?: { memory: number; vCores: number },
  ): SessionPlan => {
    const plan = buildSessionPlan({
      config,
      hadoopVersion,
      applicationId,
      entrypoint,
      flinkVersion: dist.version,
      zookeeperNamespace: options.zookeeperNamespace,
      detached: options.detached,
      user,
      defaultFs,
      homeDir,
      resources,
      maximumCapability,
      defaultName: DEFAULT_NAMES[entrypoint],
      program: program?.spec,
    });
    return fsNote.length === 0 ? plan : { ...plan, diagnostics: [...plan.diagnostics, ...fsNote] };
  };
  const unstaged = (applicationId: string, homeDir: string): StagedResource[] =>
    [...dist.files, ...(program?.files ?? []), { key: configName, path: '', size: 0, role: 'config' as const }].map(
      (f) => ({
        key: f.key,
        uri: `${defaultFs}${homeDir}/.flink/${applicationId}/${f.key}`,
        size: f.size,
        modificationTime: 0,
        visibility: 'APPLICATION',
        type: 'FILE',
        role: f.role,
      }),
    );

  // A dry run with a version and an id needs no cluster at all.
  if (options.dryRun === true && options.hadoopVersion !== undefined && options.applicationId !== undefined) {
    const homeDir = `/user/${user}`;
    const plan = planFor(
      options.applicationId,
      options.hadoopVersion,
      unstaged(options.applicationId, homeDir),
      homeDir,
    );
    return planned(plan);
  }

  const rm = new ResourceManagerClient({
    endpoints: rmEndpoints(config.yarnSite, { override: options.rm, localHost: hostname() }),
    user,
    onEvent,
  });
  const info = await rm.clusterInfo();
  onEvent({
    kind: 'preflight',
    detail: `ResourceManager ${rm.activeEndpoint ?? rmEndpoints(config.yarnSite, { override: options.rm, localHost: hostname() })[0]} is ${info.haState}, Hadoop ${info.hadoopVersion}`,
  });
  const hadoopVersion = options.hadoopVersion ?? info.hadoopVersion;

  if (options.dryRun === true) {
    const applicationId = options.applicationId ?? 'application_0000000000000_0000';
    const homeDir = `/user/${user}`;
    return planned(planFor(applicationId, hadoopVersion, unstaged(applicationId, homeDir), homeDir));
  }

  // Pre-flight, before anything is created: the plan's errors, and the ZooKeeper quorum.
  const preliminary = planFor(
    'application_0000000000000_0000',
    hadoopVersion,
    unstaged('application_0000000000000_0000', `/user/${user}`),
    `/user/${user}`,
  );
  for (const d of preliminary.diagnostics) onEvent({ kind: 'diagnostic', diagnostic: d });
  if (planHasErrors(preliminary)) throw new SessionPlanError(preliminary.diagnostics);
  const zookeeperHa = haMode(config.flink).kind === 'zookeeper';
  const quorum = config.flink.string(OPTIONS.zkQuorum);
  if (zookeeperHa && quorum !== undefined) await checkQuorum(quorum, onEvent);
  await checkQueue(rm, config.flink.string(OPTIONS.applicationQueue), onEvent);

  const hdfs = new WebHdfsClient({ endpoints: hdfsEndpoints(config.hadoop, hostname()), user });
  const zkSettings = zookeeperHa
    ? zooKeeperSettings(config.flink, { flinkFile: config.flinkFile ?? flinkDir.dir })
    : null;
  const zk = zkSettings === null ? null : await checkZooKeeperRoot(zkSettings, onEvent);
  const created = await rm.newApplication().catch((e: unknown) => {
    zk?.close();
    throw e;
  });
  const applicationId = created.applicationId;
  onEvent({ kind: 'application-id', applicationId });
  let stagingDir: string | null = null;
  let submitted = false;
  let uploaded = 0;
  let reused = 0;
  /** The HA namespace, when this run is the one that will create it (and so must remove it on failure). */
  let zkNamespace: string | null = null;
  const tempDir = mkdtempSync(join(tmpdir(), 'flink-yarn-'));
  try {
    const homeDir = await hdfs.homeDirectory();
    stagingDir = `${homeDir}/.flink/${applicationId}`;
    const firstPlan = planFor(
      applicationId,
      hadoopVersion,
      unstaged(applicationId, homeDir),
      homeDir,
      created.maximumResourceCapability,
    );
    if (planHasErrors(firstPlan)) throw new SessionPlanError(firstPlan.diagnostics);
    if (zk !== null) {
      const namespace = zkPath(zkSettings?.root ?? '/flink', firstPlan.clusterId);
      if (await zk.exists(namespace)) {
        onEvent({
          kind: 'diagnostic',
          diagnostic: {
            severity: 'warning',
            code: 'HA_NAMESPACE_IN_USE',
            key: OPTIONS.haClusterId.key,
            message: `ZooKeeper ${namespace} already holds HA data from another run; the new JobManager will recover its jobs and leaders. If that run is over, remove it first (flink-yarn ha clean ${firstPlan.clusterId}) or choose another cluster-id (-z).`,
          },
        });
      } else {
        zkNamespace = namespace;
      }
    }

    // Stage: the distribution, the log config, ship files, and the configuration as shipped.
    const configPath = join(tempDir, configName);
    writeFileSync(configPath, (flink2 ? renderStandardConfig : renderLegacyConfig)(firstPlan.shippedConfig));
    const files: StageFile[] = [
      ...dist.files,
      ...(program?.files ?? []),
      { key: configName, path: configPath, size: statSync(configPath).size, role: 'config' },
    ];
    const bytes = files.reduce((n, f) => n + f.size, 0);
    onEvent({ kind: 'staging', files: files.length, bytes, dir: `${defaultFs}${stagingDir}` });
    const started = Date.now();
    await hdfs.mkdirs(stagingDir, '700');
    const digests = new DigestMemo();
    const stagedFiles = await stageFiles(files, {
      hdfs,
      defaultFs,
      appDir: stagingDir,
      cacheDir: options.reuseUploads === false ? null : `${homeDir}/.flink-yarn/cache`,
      perDeployment: new Set([configName]),
      digests,
      checkAborted: () => checkAborted(options.signal),
    }).finally(() => digests.save());
    const staged = stagedFiles.resources;
    uploaded = stagedFiles.uploadedBytes;
    reused = stagedFiles.reusedBytes;
    onEvent({
      kind: 'staged',
      files: staged.length - stagedFiles.reusedFiles,
      bytes: uploaded,
      ms: Date.now() - started,
      reusedFiles: stagedFiles.reusedFiles,
      reusedBytes: reused,
    });

    const plan = planFor(applicationId, hadoopVersion, staged, homeDir, created.maximumResourceCapability);
    checkAborted(options.signal);
    submitted = true;
    await rm.submit(plan.submission);
    onEvent({ kind: 'submitted', applicationId });
    if (options.noWait === true) return result(plan, 'SUBMITTED', null, null, null, uploaded, reused, stagingDir);

    const app = await waitForRunning(
      rm,
      applicationId,
      options.timeoutMs ?? 300_000,
      onEvent,
      options.signal,
      entrypoint !== 'session',
    );
    const restAddress = restAddressOf(app);
    const propertiesFile = writePropertiesFile(options, config, user, applicationId);
    return result(plan, app.state, app.trackingUrl ?? null, restAddress, propertiesFile, uploaded, reused, stagingDir);
  } catch (e) {
    await cleanUp({ rm, hdfs, zk, zkNamespace, applicationId, stagingDir, submitted, onEvent });
    throw e;
  } finally {
    zk?.close();
    rmSync(tempDir, { recursive: true, force: true });
  }
}

/** Ctrl-C during a deploy: what this run created has been cleaned up. */
export class InterruptedError extends FlinkYarnError {
  constructor() {
    super('INTERRUPTED', 'Interrupted; what this run created has been removed.');
  }
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new InterruptedError();
}

/** The plan's errors, as an error that carries them. */
export class SessionPlanError extends FlinkYarnError {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super('VALIDATION_FAILED', `Not deploying: ${errors.map((d) => `${d.code}: ${d.message}`).join(' ')}`);
    this.diagnostics = diagnostics;
  }
}

async function waitForRunning(
  rm: ResourceManagerClient,
  applicationId: string,
  timeoutMs: number,
  onEvent: (e: SessionEvent) => void,
  signal: AbortSignal | undefined,
  /** A job's cluster may end before anyone saw it RUNNING; its end is the caller's to report. */
  endIsResult = false,
) {
  const started = Date.now();
  let last: YarnAppState | undefined;
  for (;;) {
    checkAborted(signal);
    const app = await rm.app(applicationId);
    if (app.state !== last) {
      last = app.state;
      onEvent({ kind: 'state', state: app.state, elapsedMs: Date.now() - started });
    }
    if (app.state === 'RUNNING' || app.state === 'FINISHED') return app;
    if (endIsResult && (app.state === 'FAILED' || app.state === 'KILLED')) return app;
    if (app.state === 'FAILED' || app.state === 'KILLED') {
      throw new FlinkYarnError(
        'VALIDATION_FAILED',
        `The session ${applicationId} is ${app.state}. YARN says: ${app.diagnostics.trim() || '(no diagnostics)'}${app.amContainerLogs ? ` JobManager logs: ${app.amContainerLogs}` : ''}`,
      );
    }
    if (Date.now() - started > timeoutMs) {
      throw new FlinkYarnError(
        'TIMEOUT',
        `The session ${applicationId} was still ${app.state} after ${Math.round(timeoutMs / 1000)} s (--timeout); it has been killed.${app.amContainerLogs ? ` JobManager logs: ${app.amContainerLogs}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Whatever this run created goes: the application (killed), and its staging directory. */
async function cleanUp(o: {
  rm: ResourceManagerClient;
  hdfs: WebHdfsClient;
  zk: ZooKeeperSession | null;
  zkNamespace: string | null;
  applicationId: string;
  stagingDir: string | null;
  submitted: boolean;
  onEvent: (e: SessionEvent) => void;
}): Promise<void> {
  if (o.submitted) {
    try {
      const state = await o.rm.kill(o.applicationId, {
        diagnostics: 'Killed by flink-yarn: the deployment failed',
        timeoutMs: 60_000,
      });
      o.onEvent({ kind: 'cleanup', detail: `application ${o.applicationId} is ${state}` });
    } catch (e) {
      o.onEvent({ kind: 'cleanup', detail: `could not kill ${o.applicationId}: ${(e as Error).message}` });
    }
  }
  if (o.zk !== null && o.zkNamespace !== null) {
    try {
      const removed = await o.zk.deleteRecursive(o.zkNamespace);
      if (removed > 0) o.onEvent({ kind: 'cleanup', detail: `removed ZooKeeper ${o.zkNamespace} (${removed} nodes)` });
    } catch (e) {
      o.onEvent({ kind: 'cleanup', detail: `could not remove ZooKeeper ${o.zkNamespace}: ${(e as Error).message}` });
    }
  }
  if (o.stagingDir !== null) {
    try {
      await o.hdfs.delete(o.stagingDir, true);
      o.onEvent({ kind: 'cleanup', detail: `removed ${o.stagingDir}` });
    } catch (e) {
      o.onEvent({ kind: 'cleanup', detail: `could not remove ${o.stagingDir}: ${(e as Error).message}` });
    }
  }
}

/** The user jar (and JobGraph) to stage, keyed where Flink's entrypoints look for them. */
function programFiles(
  program: ProgramOptions,
  cwd: string,
  config: { flink: ConfigModel['flink'] },
): { spec: ProgramSpec; files: StageFile[] } {
  const file = (path: string, what: string): { path: string; size: number } => {
    const absolute = resolve(cwd, path);
    let stat;
    try {
      stat = statSync(absolute);
    } catch {
      throw new UsageError(`The ${what} ${absolute} does not exist.`);
    }
    if (!stat.isFile()) throw new UsageError(`The ${what} ${absolute} is not a file.`);
    return { path: absolute, size: stat.size };
  };
  const jar = file(program.jar, 'job jar');
  // With DISABLED the entrypoint loads the jar from usrlib/; otherwise from its working directory.
  const dir = readUserJarInclusion(config.flink).userJarInclusion === 'DISABLED' ? 'usrlib/' : '';
  const files: StageFile[] = [{ key: `${dir}${basename(jar.path)}`, ...jar, role: 'user' }];
  if (program.jobGraph !== undefined)
    files.push({ key: 'job.graph', ...file(program.jobGraph, 'JobGraph file'), role: 'job-graph' });
  return {
    spec: {
      jarPath: jar.path,
      mainClass: program.mainClass,
      args: program.args ?? [],
      parallelism: program.parallelism,
    },
    files,
  };
}

/** Warns (YARN decides) when the queue is not one the scheduler reports, naming the ones it has. */
async function checkQueue(
  rm: ResourceManagerClient,
  queue: string | undefined,
  onEvent: (e: SessionEvent) => void,
): Promise<void> {
  if (queue === undefined) return;
  const { names, paths } = schedulerQueues(await rm.scheduler().catch(() => ({})));
  if (names.size === 0 || names.has(queue) || paths.has(queue)) return;
  onEvent({
    kind: 'diagnostic',
    diagnostic: {
      severity: 'warning',
      code: 'QUEUE_UNKNOWN',
      key: OPTIONS.applicationQueue.key,
      message: `The scheduler reports no queue '${queue}' (it has ${[...names].sort().join(', ')}); YARN will probably reject the application.`,
    },
  });
}

/**
 * Connects with Flink's ZooKeeper settings and checks that the HA root is usable with the
 * configured ACL and identity, before anything is created. Where Flink would log in with Kerberos
 * this client cannot check, so it says so and the deployment goes on without the check.
 */
async function checkZooKeeperRoot(
  settings: ZooKeeperSettings,
  onEvent: (e: SessionEvent) => void,
): Promise<ZooKeeperSession | null> {
  if (settings.sasl.required) {
    onEvent({
      kind: 'diagnostic',
      diagnostic: {
        severity: 'warning',
        code: 'ZK_PREFLIGHT_SKIPPED',
        message: `Cannot check ZooKeeper from this client: ${settings.sasl.reason}. The JobManager logs in itself; a ZooKeeper problem will show only in its log.`,
      },
    });
    return null;
  }
  const zk = await connectZooKeeper(settings);
  try {
    onEvent({ kind: 'preflight', detail: describeRootProbe(await zk.probeRoot(settings.root)) });
    return zk;
  } catch (e) {
    zk.close();
    throw e;
  }
}

/** Checks that the quorum's members accept connections; one dead host must not hang the check. */
async function checkQuorum(quorum: string, onEvent: (e: SessionEvent) => void): Promise<void> {
  const results = await quorumReachability(quorum);
  const up = results.filter((r) => r.up).length;
  onEvent({
    kind: 'preflight',
    detail: `ZooKeeper: ${up}/${results.length} quorum members answer (${results.map((r) => `${r.member} ${r.up ? 'up' : `down: ${r.reason}`}`).join(', ')})`,
  });
  if (up <= results.length / 2) {
    throw new FlinkYarnError(
      'VALIDATION_FAILED',
      `Only ${up} of ${results.length} ZooKeeper servers in high-availability.zookeeper.quorum answer, which is no majority: the JobManager could not elect a leader. Start ZooKeeper or fix the quorum.`,
    );
  }
}

function writePropertiesFile(
  options: SessionOptions,
  config: { flink: { raw(k: string): { value: string } | undefined } },
  user: string,
  applicationId: string,
): string {
  const dir = options.propertiesDir ?? config.flink.raw('yarn.properties-file.location')?.value ?? tmpdir();
  const path = join(dir, yarnPropertiesFileName(user));
  writeFileSync(
    path,
    renderYarnProperties({ applicationId, dynamicProperties: options.dynamicProperties ?? {} }, new Date()),
  );
  return path;
}

/** Flink's legacy format: one `key: value` per line, which 1.x reads whatever the values hold. */
export function renderLegacyConfig(config: Readonly<Record<string, string>>): string {
  return `${Object.entries(config)
    .map(([k, v]) => `${k}: ${v.replace(/\n/g, ' ')}`)
    .join('\n')}\n`;
}

/** Standard YAML with flat keys: each value a double-quoted scalar, which any YAML reader takes as text. */
export function renderStandardConfig(config: Readonly<Record<string, string>>): string {
  return `${Object.entries(config)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join('\n')}\n`;
}

function planned(plan: SessionPlan): SessionResult {
  return result(plan, 'PLANNED', null, null, null, 0, 0, null);
}

function result(
  plan: SessionPlan,
  state: SessionResult['state'],
  trackingUrl: string | null,
  restAddress: string | null,
  propertiesFile: string | null,
  bytesUploaded: number,
  bytesReused: number,
  stagingDir: string | null,
): SessionResult {
  return {
    plan: publicPlan(plan),
    state,
    trackingUrl,
    restAddress,
    propertiesFile,
    bytesUploaded,
    bytesReused,
    stagingDir,
  };
}

function listValue(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[;,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
