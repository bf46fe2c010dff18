import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WebHdfsClient } from '../../hdfs/webhdfs-client.js';
import type { StagedResource } from '../../session/am-container.js';
import { OPTIONS } from '../../config/flink/options.js';
import type { ClusterContext } from '../../context/index.js';
import { InterruptedError } from '../../errors/index.js';
import type { SessionPlan } from '../../session/plan.js';
import { renderLegacyConfig, renderStandardConfig } from '../../session/shipped-config.js';
import { zkPath } from '../../zookeeper/paths.js';
import { cacheBaseOf, cacheDirOf, CACHE_ENTRIES_FILE, stagingBaseOf, stagingDirOf } from '../staging-dir.js';
import { SessionPlanError } from './errors.js';
import type { PlanTarget, PreparedDeployment } from './inputs.js';
import type { Preflight } from './preflight.js';
import { DigestMemo, stageFiles, type StageFile } from './staging.js';
import { obtainDelegationTokens, type HostResolver } from './tokens.js';
import type { SessionEvent } from './types.js';
import type { UndoList } from './undo.js';

/** The application id YARN allocated, and the largest container it allows. */
export interface Allocation {
  readonly applicationId: string;
  readonly maximumCapability: { memory: number; vCores: number };
}

export async function allocate(context: ClusterContext, onEvent: (e: SessionEvent) => void): Promise<Allocation> {
  const created = await context.resourceManager().newApplication();
  onEvent({ kind: 'application-id', applicationId: created.applicationId });
  return { applicationId: created.applicationId, maximumCapability: created.maximumResourceCapability };
}

export interface Staged {
  readonly stagingDir: string;
  /** The plan with every resource where it was staged: its submission is what the RM gets. */
  readonly plan: SessionPlan;
  readonly uploadedBytes: number;
  readonly reusedBytes: number;
  /** The HA namespace this run's JobManager will create, when no earlier run holds it. */
  readonly claimedNamespace: string | null;
}

export interface StageSettings {
  readonly hadoopVersion: string;
  /** A local directory for the configuration file; the caller removes it. */
  readonly tempDir: string;
  readonly reuseUploads: boolean;
  readonly signal: AbortSignal | undefined;
  /** For the delegation tokens' services. */
  readonly resolveHost: HostResolver;
}

/**
 * Writes the shipped configuration and stages it with the distribution and the program under
 * `<base>/.flink/<appId>` (base: yarn.staging-directory, else the home; jars by content under the cache). The staging directory goes on the
 * undo list before it is made.
 */
export async function stage(
  prepared: PreparedDeployment,
  context: ClusterContext,
  allocation: Allocation,
  pre: Preflight,
  settings: StageSettings,
  undo: UndoList,
  onEvent: (e: SessionEvent) => void,
): Promise<Staged> {
  const hdfs = context.webHdfs();
  const stagingBase = await stagingBaseOf(context);
  const stagingDir = stagingDirOf(stagingBase, allocation.applicationId);
  const target: PlanTarget = {
    ...allocation,
    hadoopVersion: settings.hadoopVersion,
    stagingBase,
    queueDefaultPriority: pre.queueDefaultPriority,
  };
  const decision = prepared.decide(target);
  if (decision.diagnostics.some((d) => d.severity === 'error')) throw new SessionPlanError(decision.diagnostics);
  const claimedNamespace =
    pre.zookeeper === null ? null : await claimNamespace(pre.zookeeper, decision.clusterId, onEvent);

  const configPath = join(settings.tempDir, prepared.configName);
  writeFileSync(
    configPath,
    (prepared.standardYaml ? renderStandardConfig : renderLegacyConfig)(decision.shippedConfig),
  );
  const files: StageFile[] = [
    ...prepared.dist.files,
    ...prepared.programFiles,
    ...prepared.securityFiles,
    { key: prepared.configName, path: configPath, size: statSync(configPath).size, role: 'config' },
  ];
  const bytes = files.reduce((n, f) => n + f.size, 0);
  onEvent({ kind: 'staging', files: files.length, bytes, dir: `${prepared.defaultFs}${stagingDir}` });
  const started = Date.now();
  undo.push(`remove ${stagingDir}`, async () => {
    await hdfs.delete(stagingDir, true);
    return `removed ${stagingDir}`;
  });
  await hdfs.mkdirs(stagingDir, '700');
  const digests = new DigestMemo();
  const cacheDir = settings.reuseUploads ? cacheDirOf(await cacheBaseOf(context, stagingBase)) : null;
  const staged = await stageFiles(files, {
    hdfs,
    defaultFs: prepared.defaultFs,
    appDir: stagingDir,
    cacheDir,
    // The configuration differs per deployment; a keytab is a secret and goes with its application.
    perDeployment: new Set([prepared.configName, ...prepared.securityFiles.map((f) => f.key)]),
    digests,
    replication: fileReplication(prepared),
    checkAborted: () => {
      if (settings.signal?.aborted === true) throw new InterruptedError();
    },
  }).finally(() => digests.save());
  if (cacheDir !== null) await recordCacheEntries(hdfs, stagingDir, cacheDir, staged.resources);
  onEvent({
    kind: 'staged',
    files: staged.resources.length - staged.reusedFiles,
    bytes: staged.uploadedBytes,
    ms: Date.now() - started,
    reusedFiles: staged.reusedFiles,
    reusedBytes: staged.reusedBytes,
  });
  // As Flink's client: the tokens once the files are in place, right before the submission.
  const tokens = await obtainDelegationTokens(prepared.tokens, context, settings.resolveHost, onEvent);
  return {
    stagingDir,
    plan: prepared.plan(target, [...pre.remote, ...staged.resources], tokens),
    uploadedBytes: staged.uploadedBytes,
    reusedBytes: staged.reusedBytes,
    claimedNamespace,
  };
}

/** Warns when the cluster-id's namespace already holds HA data; otherwise this run will own it. */
async function claimNamespace(
  zookeeper: NonNullable<Preflight['zookeeper']>,
  clusterId: string,
  onEvent: (e: SessionEvent) => void,
): Promise<string | null> {
  const namespace = zkPath(zookeeper.settings.root, clusterId);
  if (!(await zookeeper.session.exists(namespace))) return namespace;
  onEvent({
    kind: 'diagnostic',
    diagnostic: {
      severity: 'warning',
      code: 'HA_NAMESPACE_IN_USE',
      key: OPTIONS.haClusterId.key,
      message: `ZooKeeper ${namespace} already holds HA data from another run; the new JobManager will recover its jobs and leaders. If that run is over, remove it first (flink-yarn ha clean ${clusterId}) or choose another cluster-id (-z).`,
    },
  });
  return null;
}

/**
 * Names the cache entries (`<digest>/<file>`) this deployment's containers localize, in
 * `<stagingDir>/cache-entries.txt`: the RM's application report does not carry the AM's local
 * resources, and `flink-yarn cache prune` must not remove what a running application's
 * TaskManagers will still localize. Not a local resource: no container sees it.
 */
async function recordCacheEntries(
  hdfs: WebHdfsClient,
  stagingDir: string,
  cacheDir: string,
  resources: readonly StagedResource[],
): Promise<void> {
  const prefix = `${cacheDir}/`;
  const entries = resources.flatMap((r) => {
    const at = r.uri.indexOf(prefix);
    return at < 0 ? [] : [r.uri.slice(at + prefix.length)];
  });
  await hdfs.upload(Buffer.from(entries.map((e) => `${e}\n`).join('')), `${stagingDir}/${CACHE_ENTRIES_FILE}`, {
    overwrite: true,
  });
}

/** yarn.file-replication when positive, as Flink's client reads it (-1, the default: the cluster's). */
function fileReplication(prepared: PreparedDeployment): number | undefined {
  let n: number | undefined;
  try {
    n = prepared.config.flink.integer(OPTIONS.fileReplication);
  } catch {
    n = undefined;
  }
  return n !== undefined && n > 0 ? n : undefined;
}
