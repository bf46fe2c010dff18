import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterContext } from '../../context/index.js';
import type { SessionPlan } from '../../session/plan.js';
import { publicPlan } from '../../session/public-plan.js';
import { restAddressOf } from '../applications.js';
import { PLACEHOLDER_APPLICATION_ID, prepareDeployment, type PreparedDeployment } from './inputs.js';
import { clusterVersion, preflight, remoteResources, type Preflight } from './preflight.js';
import { allocate, stage } from './stage.js';
import { submit, waitForRunning, writePropertiesFile } from './submit.js';
import { plannedTokens, systemResolver } from './tokens.js';
import type { SessionEvent, SessionOptions, SessionResult } from './types.js';
import { UndoList } from './undo.js';
import { checkApplicationId } from '../yarn-context.js';

/**
 * Deploys a Flink session (or a job's) cluster on YARN, or plans one (dry run), as a pipeline:
 * prepare (local files), pre-flight (cluster, quorum, queue, HA root), allocate, stage, submit,
 * wait. What the phases create is undone in reverse on any failure or interrupt.
 */
export async function deploySession(options: SessionOptions): Promise<SessionResult> {
  // It names HDFS paths and the AM's environment in a plan: a malformed one is bad usage, run or not.
  if (options.applicationId !== undefined) checkApplicationId(options.applicationId);
  const onEvent = options.onEvent ?? (() => undefined);
  const context = ClusterContext.open({ ...options, onEvent }, { flink: true, hdfs: true, tmpDir: tmpdir() });
  // Asks the NameNode only on a secured cluster with a ticket cache, and never in a dry run.
  if (options.dryRun !== true) await context.resolveUser();
  const prepared = prepareDeployment(options, context);
  if (options.dryRun === true) return planned(await dryRun(prepared, context, options, onEvent));

  const hadoopVersion = await clusterVersion(context, options.hadoopVersion, onEvent);
  const pre = await preflight(prepared, context, hadoopVersion, onEvent);
  const undo = new UndoList((detail) => onEvent({ kind: 'cleanup', detail }));
  let tempDir: string | undefined;
  try {
    tempDir = mkdtempSync(join(tmpdir(), 'flink-yarn-'));
    return await deploy(prepared, context, pre, options, undo, tempDir, onEvent);
  } catch (e) {
    await undo.unwind();
    throw e;
  } finally {
    pre.zookeeper?.session.close();
    if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
  }
}

async function deploy(
  prepared: PreparedDeployment,
  context: ClusterContext,
  pre: Preflight,
  options: SessionOptions,
  undo: UndoList,
  tempDir: string,
  onEvent: (e: SessionEvent) => void,
): Promise<SessionResult> {
  const allocation = await allocate(context, onEvent);
  const settings = {
    hadoopVersion: pre.hadoopVersion,
    tempDir,
    reuseUploads: options.reuseUploads !== false,
    signal: options.signal,
    resolveHost: options.resolveHost ?? systemResolver,
  };
  const staged = await stage(prepared, context, allocation, pre, settings, undo, onEvent);
  const { plan, stagingDir } = staged;
  const namespace = staged.claimedNamespace;
  const zookeeper = pre.zookeeper !== null && namespace !== null ? { session: pre.zookeeper.session, namespace } : null;
  await submit(context, plan, zookeeper, options.signal, undo, onEvent);
  const outcome = { plan, uploaded: staged.uploadedBytes, reused: staged.reusedBytes, stagingDir };
  if (options.noWait === true) return result(outcome, 'SUBMITTED');

  const app = await waitForRunning(
    context,
    plan.applicationId,
    {
      timeoutMs: options.timeoutMs ?? 300_000,
      pollMs: options.pollMs ?? 250,
      signal: options.signal,
      endIsResult: prepared.entrypoint !== 'session',
    },
    onEvent,
  );
  // As Flink's client: only a session is written down for `flink run` to find; Flink's CLI would
  // submit into an application cluster found there and fail.
  const propertiesFile =
    prepared.entrypoint === 'session'
      ? writePropertiesFile({
          dir: prepared.propertiesDir,
          user: prepared.user,
          applicationId: plan.applicationId,
          dynamicProperties: options.recordedProperties ?? options.dynamicProperties ?? {},
        })
      : null;
  return result(outcome, app.state, {
    trackingUrl: app.trackingUrl ?? null,
    restAddress: restAddressOf(app),
    propertiesFile,
  });
}

/** A plan and nothing else: offline with a version and an id, else with the RM's version. */
async function dryRun(
  prepared: PreparedDeployment,
  context: ClusterContext,
  options: SessionOptions,
  onEvent: (e: SessionEvent) => void,
): Promise<SessionPlan> {
  // Checked before anything uses it: the id goes into HDFS paths and the AM's environment.
  const offline = options.hadoopVersion !== undefined && options.applicationId !== undefined;
  const hadoopVersion = offline
    ? options.hadoopVersion!
    : await clusterVersion(context, options.hadoopVersion, onEvent);
  const applicationId = options.applicationId ?? PLACEHOLDER_APPLICATION_ID;
  const target = { applicationId, hadoopVersion, stagingBase: prepared.plannedStagingBase };
  // Files already on HDFS are listed (read only), so the plan shows what the AM would get.
  const remote = await remoteResources(prepared, context, onEvent);
  // No token is fetched (that would create one): the plan shows where each would be filed.
  const tokens = await plannedTokens(prepared.tokens, options.resolveHost ?? systemResolver);
  const plan = prepared.plan(target, [...remote, ...prepared.unstaged(target)], tokens.tokens);
  return tokens.diagnostics.length === 0
    ? plan
    : { ...plan, diagnostics: [...plan.diagnostics, ...tokens.diagnostics] };
}

function planned(plan: SessionPlan): SessionResult {
  return result({ plan, uploaded: 0, reused: 0, stagingDir: null }, 'PLANNED');
}

function result(
  outcome: { plan: SessionPlan; uploaded: number; reused: number; stagingDir: string | null },
  state: SessionResult['state'],
  reached: { trackingUrl: string | null; restAddress: string | null; propertiesFile: string | null } = {
    trackingUrl: null,
    restAddress: null,
    propertiesFile: null,
  },
): SessionResult {
  return {
    plan: publicPlan(outcome.plan),
    state,
    ...reached,
    bytesUploaded: outcome.uploaded,
    bytesReused: outcome.reused,
    stagingDir: outcome.stagingDir,
  };
}
