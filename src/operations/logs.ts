import { poll, type Clock } from '../async/poll.js';
import { InterruptedError, UsageError } from '../errors/index.js';
import type { StreamGet } from '../http/stream-get.js';
import type { AppAttempt, YarnAppState } from '../yarn/model.js';
import {
  ContainerLogError,
  containerRunning,
  logServerUrl,
  nodeBaseUrl,
  nodeLogUrl,
  readContainerLog,
  type ReadLogResult,
} from '../yarn/node-logs.js';
import type { ResourceManagerClient } from '../yarn/rm-client.js';
import { YarnError } from '../yarn/errors.js';
import { checkApplicationId, connectYarn, type YarnConnectionOptions } from './yarn-context.js';

export interface LogsOptions extends YarnConnectionOptions {
  /** A container of the application; @default the AM (JobManager) container of the latest attempt */
  readonly container?: string | undefined;
  /** The file in the container's log directory; @default jobmanager.log for the AM, taskmanager.log for others */
  readonly file?: string | undefined;
  /** Keep printing what the log gains until the container ends or `signal` aborts. @default false */
  readonly follow?: boolean | undefined;
  /** Where the text goes, piece by piece; awaited, so a slow reader slows the download. */
  readonly write: (text: string) => void | Promise<void>;
  readonly signal?: AbortSignal | undefined;
  /** Pause between looks when following. @default 2000 */
  readonly pollMs?: number | undefined;
  /** @default the context's: Node's http(s) with --ca and SPNEGO */
  readonly streamGet?: StreamGet | undefined;
  /** @default the system clock */
  readonly clock?: Clock | undefined;
}

/** Where the log came from. */
export interface LogsResult {
  readonly applicationId: string;
  readonly containerId: string;
  readonly file: string;
  readonly source: 'nodemanager' | 'log-server';
  readonly url: string;
  readonly bytes: number;
}

const ENDED: readonly YarnAppState[] = ['FINISHED', 'FAILED', 'KILLED'];
const CONTAINER_ID = /^container_(?:e\d+_)?(\d+)_(\d+)_\d+_\d+$/;
const APPLICATION = /^application_(\d+)_(\d+)$/;

/**
 * Streams one log file of one of an application's containers: from its NodeManager while the
 * NodeManager has it, else from the aggregated logs (the log server), else a LOGS_NOT_AGGREGATED
 * error that says how to turn aggregation on.
 */
export async function containerLogs(applicationId: string, options: LogsOptions): Promise<LogsResult> {
  checkApplicationId(applicationId);
  if (options.container !== undefined) checkContainerId(options.container, applicationId);
  if (options.file !== undefined) checkFileName(options.file);
  const { client, context, hadoop } = connectYarn(options);
  const streamGet = options.streamGet ?? context.streamGet();
  const app = await client.app(applicationId);
  const attempts = await client.appAttempts(applicationId);
  const where = await locate(client, applicationId, attempts, options.container);
  const file = options.file ?? (where.am ? 'jobmanager.log' : 'taskmanager.log');
  const nodeBase = nodeBaseUrl(where.nodeHttpAddress);
  const url = nodeLogUrl(nodeBase, where.containerId, file);
  const ended = ENDED.includes(app.state);
  const read = (target: string, skipBytes: number, wholeLines: boolean): Promise<ReadLogResult> =>
    readContainerLog(target, {
      streamGet,
      containerId: where.containerId,
      skipBytes,
      wholeLines,
      write: options.write,
      signal: options.signal,
    });

  const follow = options.follow === true && !ended;
  let first = await read(url, 0, follow);
  if (first.kind === 'redirect') first = await read(first.location, 0, false);
  // A container still being localized has no logs yet; a follow waits for them.
  const starting = first.kind === 'missing' && /not yet running/i.test(first.detail);
  if (first.kind === 'read' || (follow && starting)) {
    const result = { applicationId, containerId: where.containerId, file, url, source: 'nodemanager' as const };
    const shown = first.kind === 'read' ? first.shownBytes : 0;
    if (!follow) return { ...result, bytes: shown };
    const bytes = await followLog(shown, {
      read: (skip, last) => read(url, skip, !last),
      running: () => containerRunning(context.transport, nodeBase, where.containerId),
      options,
    });
    return { ...result, bytes };
  }

  // The NodeManager does not have it: the container ended (and its node cleaned up) or the name is wrong.
  const aggregation = hadoop.getTrimmed('yarn.log-aggregation-enable')?.value === 'true';
  if (!ended && !aggregation) throw notFound(where.containerId, file, url, first);
  if (!aggregation) {
    throw new ContainerLogError(
      'LOGS_NOT_AGGREGATED',
      `${applicationId} has ended (${app.state}) and its NodeManager no longer has ${file} of ${where.containerId} (${why(first)}); YARN keeps no aggregated logs because yarn.log-aggregation-enable is false in yarn-site.xml. Set yarn.log-aggregation-enable to true (and yarn.log.server.web-service.url to the JobHistory or Timeline server's /ws/v1/applicationhistory) on the cluster to keep logs of ended applications, or raise yarn.nodemanager.delete.debug-delay-sec to keep them on the node for a while.`,
      { containerId: where.containerId, url },
    );
  }
  const server = hadoop.getTrimmed('yarn.log.server.web-service.url')?.value;
  if (server === undefined || server === '') {
    throw new ContainerLogError(
      'LOG_NOT_FOUND',
      `The NodeManager has no ${file} of ${where.containerId} (${why(first)}), and yarn-site.xml names no log server (yarn.log.server.web-service.url) to read aggregated logs from. Set it to the JobHistory or Timeline server's /ws/v1/applicationhistory, or run 'yarn logs -applicationId ${applicationId}'.`,
      { containerId: where.containerId, url },
    );
  }
  const aggregated = logServerUrl(server, where.containerId, file, where.nodeId);
  let fromServer = await read(aggregated, 0, false);
  if (fromServer.kind === 'redirect') fromServer = await read(fromServer.location, 0, false);
  if (fromServer.kind !== 'read') throw notFound(where.containerId, file, aggregated, fromServer);
  return {
    applicationId,
    containerId: where.containerId,
    file,
    url: aggregated,
    source: 'log-server',
    bytes: fromServer.shownBytes,
  };
}

interface Located {
  readonly containerId: string;
  readonly nodeHttpAddress: string;
  readonly nodeId: string | undefined;
  /** The ApplicationMaster's container (the JobManager). */
  readonly am: boolean;
}

/** The container and its node: the latest AM attempt's, or the one asked for among every attempt's containers. */
async function locate(
  client: ResourceManagerClient,
  applicationId: string,
  attempts: readonly AppAttempt[],
  container: string | undefined,
): Promise<Located> {
  const latestFirst = [...attempts].sort((a, b) => b.id - a.id);
  for (const a of latestFirst) {
    if (!a.containerId || !a.nodeHttpAddress) continue;
    if (container === undefined || a.containerId === container) {
      return { containerId: a.containerId, nodeHttpAddress: a.nodeHttpAddress, nodeId: a.nodeId, am: true };
    }
  }
  if (container === undefined) {
    throw new ContainerLogError(
      'CONTAINER_NOT_FOUND',
      `${applicationId} has no ApplicationMaster container yet (no attempt with a container and a node); wait until it is RUNNING.`,
      { containerId: '' },
    );
  }
  const known: string[] = [];
  for (const a of latestFirst) {
    if (a.appAttemptId === undefined) continue;
    for (const c of await attemptContainers(client, applicationId, a.appAttemptId)) {
      if (c.containerId === container && c.nodeHttpAddress !== undefined) {
        return { containerId: c.containerId, nodeHttpAddress: c.nodeHttpAddress, nodeId: c.nodeId, am: false };
      }
      known.push(c.containerId);
    }
  }
  const amIds = latestFirst.flatMap((a) => (a.containerId ? [a.containerId] : []));
  const list = [...new Set([...amIds, ...known])];
  throw new ContainerLogError(
    'CONTAINER_NOT_FOUND',
    `${container} is not a container of ${applicationId} that the ResourceManager reports (it lists only running containers, on Hadoop 3.x); known: ${list.length > 0 ? list.join(', ') : 'none'}.`,
    { containerId: container },
  );
}

interface AttemptContainer {
  readonly containerId: string;
  readonly nodeHttpAddress: string | undefined;
  readonly nodeId: string | undefined;
}

/** The RM's live containers of one attempt (Hadoop 3.x); none on a 2.x RM, which has no such resource. */
async function attemptContainers(
  client: ResourceManagerClient,
  applicationId: string,
  attemptId: string,
): Promise<AttemptContainer[]> {
  let body: unknown;
  try {
    body = await client.json(
      'GET',
      `/ws/v1/cluster/apps/${encodeURIComponent(applicationId)}/appattempts/${encodeURIComponent(attemptId)}/containers`,
      { idempotent: true, applicationId },
    );
  } catch (e) {
    if (e instanceof YarnError && (e.code === 'RM_NOT_FOUND' || e.code === 'RM_BAD_REQUEST')) return [];
    throw e;
  }
  const raw = (body as { containers?: { container?: unknown } } | null)?.containers?.container;
  const list = Array.isArray(raw) ? raw : raw !== undefined && raw !== null ? [raw] : [];
  return list.flatMap((c: Record<string, unknown>) =>
    typeof c.containerId === 'string'
      ? [
          {
            containerId: c.containerId,
            nodeHttpAddress: typeof c.nodeHttpAddress === 'string' ? c.nodeHttpAddress : undefined,
            nodeId: typeof c.nodeId === 'string' ? c.nodeId : undefined,
          },
        ]
      : [],
  );
}

/** Re-reads the log while the container runs, writing what is new; a last full read once it has ended. */
async function followLog(
  shown: number,
  how: {
    read: (skipBytes: number, last: boolean) => Promise<ReadLogResult>;
    running: () => Promise<boolean>;
    options: LogsOptions;
  },
): Promise<number> {
  let offset = shown;
  return poll(
    async () => {
      const running = await how.running();
      const r = await how.read(offset, !running);
      if (r.kind === 'read') offset = r.shownBytes;
      // Not there (yet, or any more) while the container runs: look again; once it has ended, done.
      return running ? undefined : offset;
    },
    {
      intervalMs: how.options.pollMs ?? 2000,
      signal: how.options.signal,
      ...(how.options.clock !== undefined ? { clock: how.options.clock } : {}),
      onAbort: () => new InterruptedError('Interrupted.'),
    },
  );
}

function notFound(
  containerId: string,
  file: string,
  url: string,
  r: Exclude<ReadLogResult, { kind: 'read' }>,
): ContainerLogError {
  return new ContainerLogError(
    'LOG_NOT_FOUND',
    `No ${file} for ${containerId} at ${url} (${why(r)}). A JobManager writes jobmanager.log, .out and .err; a TaskManager taskmanager.log, .out and .err: pick one with --file.`,
    { containerId, url },
  );
}

/** What a server said when it had no log. */
function why(r: Exclude<ReadLogResult, { kind: 'read' }>): string {
  return r.kind === 'missing' ? r.detail || `HTTP ${r.status}` : `redirected again to ${r.location}`;
}

function checkContainerId(container: string, applicationId: string): void {
  const m = CONTAINER_ID.exec(container);
  const app = APPLICATION.exec(applicationId);
  if (m === null) {
    throw new UsageError(
      `'${container}' is not a YARN container id (container_[e<epoch>_]<clusterTimestamp>_<app>_<attempt>_<n>).`,
    );
  }
  if (app !== null && (m[1] !== app[1] || Number(m[2]) !== Number(app[2]))) {
    throw new UsageError(`${container} is not a container of ${applicationId}.`);
  }
}

function checkFileName(file: string): void {
  if (file === '' || file === '.' || file === '..' || /[/\\]/.test(file)) {
    throw new UsageError(
      `--file '${file}' is not a file name in the container's log directory (jobmanager.log, taskmanager.out ...).`,
    );
  }
}
