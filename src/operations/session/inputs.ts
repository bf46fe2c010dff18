import { statSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, resolve } from 'node:path';
import type { ConfigModel } from '../../config/assemble.js';
import { OPTIONS } from '../../config/flink/options.js';
import type { ClusterContext } from '../../context/index.js';
import type { Diagnostic } from '../../diagnostics/index.js';
import { UsageError } from '../../errors/index.js';
import { absoluteOn } from '../../hdfs/uris.js';
import { defaultFsUri } from '../../hdfs/webhdfs-client.js';
import { planDelegationTokens, type DelegationTokenPlan } from '../../policy/delegation-tokens.js';
import type { ContainerToken, Entrypoint, StagedResource } from '../../session/am-container.js';
import {
  buildSessionPlan,
  decideDeployment,
  readUserJarInclusion,
  type ProgramSpec,
  type SessionPlan,
  type SessionPlanInput,
} from '../../session/plan.js';
import { configuredStagingPath, stagingDirOf } from '../staging-dir.js';
import { readDistribution, type FlinkDistribution } from './dist.js';
import type { RemoteSource } from './remote.js';
import { kerberosFiles, shipSources } from './sources.js';
import type { StageFile } from './staging.js';
import type { ProgramOptions, SessionOptions } from './types.js';

/** Flink's own application names per entrypoint. */
const DEFAULT_NAMES: Record<Entrypoint, string> = {
  session: 'Flink session cluster',
  application: 'Flink Application Cluster',
  job: 'Flink per-job cluster',
};
/** A dry run plans even without a Hadoop configuration, on this file system. */
const PLACEHOLDER_FS = 'hdfs://namenode:8020';
/** Flink's key for the directory of `.yarn-properties-<user>`. */
export const PROPERTIES_LOCATION = 'yarn.properties-file.location';
/** Before YARN allocates one, plans use this id. */
export const PLACEHOLDER_APPLICATION_ID = 'application_0000000000000_0000';

/** Where a plan is made for: the application, the cluster's version and limits, the user's HDFS home. */
export interface PlanTarget {
  readonly applicationId: string;
  readonly hadoopVersion: string;
  readonly stagingBase: string;
  readonly maximumCapability?: { memory: number; vCores: number } | undefined;
  /** The queue's default priority, from the scheduler. */
  readonly queueDefaultPriority?: number | undefined;
}

/** What a deployment knows before it talks to any cluster: its local files, and how to plan. */
export interface PreparedDeployment {
  readonly user: string;
  readonly entrypoint: Entrypoint;
  readonly dist: FlinkDistribution;
  /** The user jar and JobGraph (application and per-job clusters). */
  readonly programFiles: readonly StageFile[];
  /** The keytab and krb5.conf of a Kerberos login: uploaded per application, never cached. */
  readonly securityFiles: readonly StageFile[];
  /** Files already on the cluster, registered where they are (provided dirs, hdfs:// ship entries). */
  readonly remote: readonly RemoteSource[];
  readonly defaultFs: string;
  /** Flink 2.x reads only config.yaml (standard YAML); 1.x reads flink-conf.yaml. */
  readonly configName: 'config.yaml' | 'flink-conf.yaml';
  readonly standardYaml: boolean;
  readonly config: ConfigModel;
  /** Where `.yarn-properties-<user>` goes: the option, yarn.properties-file.location, or the temp dir. */
  readonly propertiesDir: string;
  /**
   * Where staging will be, before HDFS is asked: yarn.staging-directory, else `/user/<user>` (a
   * relative option under it). Dry runs and pre-flight plan with it; a deploy asks HDFS.
   */
  readonly plannedStagingBase: string;
  /** The HDFS delegation tokens the AM gets on a Kerberos-secured cluster: which, renewed by whom. */
  readonly tokens: DelegationTokenPlan;
  /**
   * The full plan, with the resources as staged (or, before staging, as they will be) and the
   * delegation tokens fetched (or, in a dry run, their aliases only).
   */
  plan(target: PlanTarget, resources?: readonly StagedResource[], tokens?: readonly ContainerToken[]): SessionPlan;
  /** The local files as they will be staged, for a plan made before staging. */
  unstaged(target: PlanTarget): StagedResource[];
  /** The plan's decisions and findings, without the submission body. */
  decide(target: PlanTarget): ReturnType<typeof decideDeployment>;
}

/** Reads the distribution and the program's files and fixes everything the plan needs but the cluster. */
export function prepareDeployment(options: SessionOptions, context: ClusterContext): PreparedDeployment {
  const { config, env, cwd, flinkDir } = context.configuration;
  const user = context.requireUser();
  const hadoopUserName = context.hadoopUserName ?? user;
  const flinkHome = options.flinkHome ?? env.FLINK_HOME;
  if (flinkHome === undefined)
    throw new UsageError('A session ships a Flink distribution: pass --flink-home DIR or set FLINK_HOME.');
  let defaultFs: string;
  try {
    defaultFs = defaultFsUri(config.hadoop);
  } catch (e) {
    if (options.dryRun !== true) throw e;
    defaultFs = PLACEHOLDER_FS;
  }
  // -t replaces yarn.ship-files, as in Flink's CLI; the options are lists, separated by ';'.
  const sources = shipSources(config.flink, defaultFs, options.shipFiles);
  // -j, else yarn.flink-dist-jar (a local path, file: URIs too), else lib/flink-dist*.jar.
  const configuredDist = config.flink.string(OPTIONS.flinkDistJar)?.replace(/^file:(\/\/)?/, '');
  const distJar =
    options.distJar ?? (configuredDist !== undefined && configuredDist !== '' ? configuredDist : undefined);
  const dist = readDistribution({
    flinkHome,
    flinkConfDir: flinkDir!.dir,
    distJar,
    shipFiles: sources.localShipFiles,
    shipArchives: sources.localShipArchives,
    logConfig: config.flink.string(OPTIONS.logConfigFile),
    providedLib: sources.providedLib,
    providedUsrlib: sources.providedUsrlib,
  });
  const entrypoint: Entrypoint =
    options.program === undefined ? 'session' : options.program.jobGraph !== undefined ? 'job' : 'application';
  const program = options.program === undefined ? undefined : programFiles(options.program, cwd, config);
  const kerberos = kerberosFiles(config.flink, cwd);
  const securityFiles = kerberos.files;
  const standardYaml = /^[2-9]\./.test(dist.version);
  const configName = standardYaml ? 'config.yaml' : 'flink-conf.yaml';
  const fsNote: Diagnostic[] =
    defaultFs === PLACEHOLDER_FS
      ? [
          {
            severity: 'info',
            code: 'DEFAULT_FS_PLACEHOLDER',
            message: `No hdfs:// fs.defaultFS is configured; the plan uses ${PLACEHOLDER_FS} in its resource URLs.`,
          },
        ]
      : [];
  const localFiles: readonly StageFile[] = [
    ...dist.files,
    ...(program?.files ?? []),
    ...securityFiles,
    { key: configName, path: '', size: 0, role: 'config' },
  ];
  const tokens = planDelegationTokens(config, { localHost: hostname() });
  const input = (
    target: PlanTarget,
    resources: readonly StagedResource[],
    fetched?: readonly ContainerToken[],
  ): SessionPlanInput => ({
    config,
    hadoopVersion: target.hadoopVersion,
    applicationId: target.applicationId,
    entrypoint,
    flinkVersion: dist.version,
    zookeeperNamespace: options.zookeeperNamespace,
    detached: options.detached,
    user,
    ...(hadoopUserName !== user ? { hadoopUserName } : {}),
    defaultFs,
    stagingBase: target.stagingBase,
    resources,
    maximumCapability: target.maximumCapability,
    queueDefaultPriority: target.queueDefaultPriority,
    local: {
      confDir: flinkDir!.dir,
      logConfigFile: dist.logConfig,
      distJar: dist.distJar,
    },
    defaultName: DEFAULT_NAMES[entrypoint],
    program: program?.spec,
    tokens: fetched,
  });
  // Before staging, each file is planned where the application's directory will hold it.
  const unstaged = (target: PlanTarget): StagedResource[] =>
    localFiles.map((f) => ({
      key: f.key,
      uri: `${defaultFs}${stagingDirOf(target.stagingBase, target.applicationId)}/${f.uploadAs ?? f.key}`,
      size: f.size,
      modificationTime: 0,
      visibility: 'APPLICATION',
      type: f.role === 'archive' ? 'ARCHIVE' : 'FILE',
      role: f.role,
    }));
  const notes = [...fsNote, ...kerberos.problems, ...tokens.diagnostics];
  const withNote = <T extends { diagnostics: readonly Diagnostic[] }>(p: T): T =>
    notes.length === 0 ? p : { ...p, diagnostics: [...p.diagnostics, ...notes] };
  return {
    user,
    entrypoint,
    dist,
    programFiles: program?.files ?? [],
    securityFiles,
    remote: sources.remote,
    defaultFs,
    configName,
    standardYaml,
    config,
    propertiesDir: options.propertiesDir ?? config.flink.raw(PROPERTIES_LOCATION)?.value ?? tmpdir(),
    plannedStagingBase: absoluteOn(configuredStagingPath(config.flink, () => defaultFs) ?? '.', `/user/${user}`),
    tokens,
    plan: (target, resources, fetched) =>
      withNote(buildSessionPlan(input(target, resources ?? unstaged(target), fetched))),
    unstaged,
    decide: (target) => withNote(decideDeployment(input(target, []))),
  };
}

/** A file the user names (the job's jar): a regular file, or bad usage (a FIFO would hang the upload). */
export function localFile(cwd: string, path: string, what: string): { path: string; size: number } {
  const absolute = resolve(cwd, path);
  let stat;
  try {
    stat = statSync(absolute);
  } catch {
    throw new UsageError(`The ${what} ${absolute} does not exist.`);
  }
  if (!stat.isFile()) throw new UsageError(`The ${what} ${absolute} is not a file.`);
  return { path: absolute, size: stat.size };
}

/** The user jar (and JobGraph) to stage, keyed where Flink's entrypoints look for them. */
function programFiles(
  program: ProgramOptions,
  cwd: string,
  config: { flink: ConfigModel['flink'] },
): { spec: ProgramSpec; files: StageFile[] } {
  const file = (path: string, what: string) => localFile(cwd, path, what);
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
      restore: program.restore,
      classpaths: program.classpaths,
      shutdownOnAttachedExit: program.shutdownOnAttachedExit,
    },
    files,
  };
}
