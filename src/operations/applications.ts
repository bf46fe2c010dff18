import { FlinkYarnError } from '../errors/index.js';
import type { AppAttempt, YarnApplication, YarnAppState } from '../yarn/model.js';
import type { ResourceManagerClient } from '../yarn/rm-client.js';
import { removeStagingDir, type StagingCleanup } from './staging-dir.js';
import { checkApplicationId, connectYarn, type YarnConnectionOptions } from './yarn-context.js';

/** Flink's YARN client registers every cluster with this application type. */
export const FLINK_APPLICATION_TYPE = 'Apache Flink';

export interface ListOptions extends YarnConnectionOptions {
  /** Every application type, not only Flink's. @default false */
  readonly allTypes?: boolean;
  /** Server-side state filter. @default all states */
  readonly states?: readonly YarnAppState[];
  readonly tags?: readonly string[];
  readonly queue?: string;
  /** Server-side limit (the RM returns the most recent first). */
  readonly limit?: number;
}

/** `flink-yarn list`: applications, newest first, filtered by the RM itself. */
export async function listApplications(options: ListOptions): Promise<YarnApplication[]> {
  const { client } = connectYarn(options);
  const apps = await client.apps({
    ...(options.allTypes === true ? {} : { applicationTypes: [FLINK_APPLICATION_TYPE] }),
    ...(options.states !== undefined ? { states: options.states } : {}),
    ...(options.tags !== undefined ? { applicationTags: options.tags } : {}),
    ...(options.queue !== undefined ? { queue: options.queue } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    deSelects: ['resourceRequests'],
  });
  return apps.sort((a, b) => b.startedTime - a.startedTime);
}

export interface ApplicationReport {
  readonly app: YarnApplication;
  readonly attempts: readonly AppAttempt[];
  /** yarn.resourcemanager.am.max-attempts as the client's yarn-site says; the RM may differ. */
  readonly amMaxAttempts: number;
  /** The JobManager's REST address: Flink registers its REST port as the AM's RPC port. */
  readonly restAddress: string | null;
}

/** `flink-yarn status APPID` and `attempts APPID`. */
export async function describeApplication(
  applicationId: string,
  options: YarnConnectionOptions,
): Promise<ApplicationReport> {
  const id = checkApplicationId(applicationId);
  const { client, yarnSite } = connectYarn(options);
  const [app, attempts] = await Promise.all([client.app(id), client.appAttempts(id)]);
  return {
    app,
    attempts: [...attempts].sort((a, b) => a.id - b.id),
    amMaxAttempts: yarnSite.amMaxAttempts.value,
    restAddress: restAddressOf(app),
  };
}

export function restAddressOf(app: YarnApplication): string | null {
  if (app.state !== 'RUNNING' || !app.amRPCAddress) return null;
  const address = app.amRPCAddress.trim();
  if (address === '' || address.endsWith(':-1') || address.endsWith(':0')) return null;
  return `http://${address}`;
}

export interface KillResult {
  readonly applicationId: string;
  readonly previousState: YarnAppState;
  readonly state: YarnAppState;
  /** Its staging directory, removed once YARN says the application ended. */
  readonly staging: StagingCleanup;
}

/** `flink-yarn kill APPID`: asks the RM to kill, and waits until it says so. */
export async function killApplication(
  applicationId: string,
  options: YarnConnectionOptions & { diagnostics?: string; timeoutMs?: number },
): Promise<KillResult> {
  const id = checkApplicationId(applicationId);
  const { client, user, context } = connectYarn(options, { flink: 'optional' });
  const previousState = (await client.app(id)).state;
  const state = await client.kill(id, {
    diagnostics: options.diagnostics ?? `Killed by flink-yarn (user ${user})`,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  return { applicationId: id, previousState, state, staging: await removeStagingDir(context, id) };
}

/**
 * The YARN state of each application id: one request per id for a few, one listing for many
 * (an id the RM does not list is unknown to it, as a 404 would say).
 */
export async function applicationStates(
  client: ResourceManagerClient,
  ids: readonly string[],
): Promise<Map<string, YarnAppState>> {
  const states = new Map<string, YarnAppState>();
  if (ids.length > 8) {
    const wanted = new Set(ids);
    const apps = await client.apps({ deSelects: ['resourceRequests'] });
    for (const app of apps) if (wanted.has(app.id)) states.set(app.id, app.state);
    return states;
  }
  for (const id of ids) {
    const state = await client
      .app(id)
      .then((a) => a.state)
      .catch(notFoundAsNull);
    if (state !== null) states.set(id, state);
  }
  return states;
}

/** An application the RM does not know, as null. */
export function notFoundAsNull(e: unknown): null {
  if (e instanceof FlinkYarnError && e.code === 'RM_NOT_FOUND') return null;
  throw e;
}
