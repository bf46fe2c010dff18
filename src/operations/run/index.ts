import { poll } from '../../async/poll.js';
import { failureFromLog, rootCause, TERMINAL_JOB_STATES } from '../../flink/rest-client.js';
import type { HttpTransport } from '../../http/transport.js';
import type { ClusterContext } from '../../context/index.js';
import type { FinalStatus, YarnAppState } from '../../yarn/model.js';
import { TERMINAL_STATES } from '../../yarn/model.js';
import type { ResourceManagerClient, RmEvent } from '../../yarn/rm-client.js';
import { restAddressOf } from '../applications.js';
import { deploySession, type ProgramOptions, type SessionOptions, type SessionResult } from '../session/index.js';
import { checkApplicationId, connectYarn, type YarnConnectionOptions } from '../yarn-context.js';

export type RunOptions = Omit<SessionOptions, 'program'> & { readonly program: ProgramOptions };

/**
 * `flink-yarn run JAR`: deploys a cluster for one job (application mode, or per-job with a
 * JobGraph file). Staging, pre-flight, plan, progress and failure cleanup are the session's.
 */
export function deployApplication(options: RunOptions): Promise<SessionResult> {
  return deploySession(options);
}

export type WatchEvent =
  | { readonly kind: 'state'; readonly state: YarnAppState }
  /** The JobManager's REST address, when first known and after a failover to a new AM. */
  | { readonly kind: 'jobmanager'; readonly restAddress: string }
  | { readonly kind: 'job'; readonly jobId: string; readonly name: string; readonly state: string }
  | { readonly kind: 'attempt'; readonly attempt: number }
  | { readonly kind: 'cancelling'; readonly how: 'flink' | 'yarn' }
  | { readonly kind: 'cleanup'; readonly detail: string }
  | RmEvent;

export interface WatchOptions extends Omit<YarnConnectionOptions, 'onEvent'> {
  readonly applicationId: string;
  /** The staging directory to remove if the application ends without Flink removing it. */
  readonly stagingDir?: string | null;
  /**
   * Settles when the user interrupts: 'cancel' cancels the job and waits for the end, 'detach'
   * leaves the application running.
   */
  readonly interrupt?: Promise<'cancel' | 'detach'>;
  /** The state the caller last reported, so that it is not reported twice. */
  readonly knownState?: YarnAppState;
  /** @default 500: a failed job's JobManager answers for about a second before it shuts down. */
  readonly pollMs?: number;
  readonly onEvent?: (event: WatchEvent) => void;
}

export interface JobOutcome {
  readonly kind: 'ended' | 'cancelled' | 'detached';
  readonly applicationId: string;
  readonly state: YarnAppState;
  readonly finalStatus: FinalStatus;
  /** YARN's diagnostics for the application. */
  readonly diagnostics: string;
  /** The jobs the JobManager reported, last state seen. */
  readonly jobs: readonly { readonly id: string; readonly name: string; readonly state: string }[];
  /** Why the job failed, from Flink's REST API or the JobManager log. */
  readonly cause: string | null;
  /** Where the JobManager's log is (the NodeManager's page for the AM container). */
  readonly logs: string | null;
  readonly attempts: number;
}

/**
 * Follows a job's cluster to its end, as `flink run` does attached: YARN's state, the jobs'
 * states from the JobManager, AM restarts; on failure it finds the cause.
 */
export async function watchApplication(options: WatchOptions): Promise<JobOutcome> {
  const id = checkApplicationId(options.applicationId);
  const onEvent = options.onEvent ?? (() => undefined);
  const { client, context } = connectYarn({ ...options, onEvent });
  const transport = context.transport;
  const jobs = new Map<string, { id: string; name: string; state: string }>();
  let cause: string | null = null;
  let lastState: YarnAppState | undefined = options.knownState;
  let lastRest: string | null = null;
  let attempts = 0;
  let interrupted: 'cancel' | 'detach' | null = null;
  let cancelSent = false;
  void options.interrupt?.then((how) => {
    interrupted = how;
  });

  // One look: YARN's state, then the JobManager's jobs; an interrupt is acted on here.
  const look = async (): Promise<JobOutcome | undefined> => {
    const app = await client.app(id);
    const rest = restAddressOf(app);
    if (app.state !== lastState) {
      lastState = app.state;
      onEvent({ kind: 'state', state: app.state });
    }
    if (rest !== null && rest !== lastRest) {
      lastRest = rest;
      onEvent({ kind: 'jobmanager', restAddress: rest });
    }
    const attemptNo = app.state === 'RUNNING' ? (await client.appAttempts(id).catch(() => [])).length : attempts;
    if (attemptNo > attempts) {
      if (attempts > 0) onEvent({ kind: 'attempt', attempt: attemptNo });
      attempts = attemptNo;
    }
    const outcome = (kind: JobOutcome['kind']): JobOutcome => ({
      kind,
      applicationId: id,
      state: app.state,
      finalStatus: app.finalStatus,
      diagnostics: app.diagnostics,
      jobs: [...jobs.values()],
      cause,
      logs: app.amContainerLogs ?? null,
      attempts: Math.max(attempts, 1),
    });
    if (TERMINAL_STATES.includes(app.state)) {
      if (app.finalStatus !== 'SUCCEEDED' && cause === null) cause = await causeFromLog(client, id, transport);
      await removeStaging(options.stagingDir, context, onEvent);
      return outcome(cancelSent ? 'cancelled' : 'ended');
    }
    if (interrupted === 'detach') return outcome('detached');
    if (rest !== null) {
      const flink = context.flinkRest(rest);
      for (const job of (await flink.jobs()) ?? []) {
        const known = jobs.get(job.id);
        if (known?.state !== job.state) {
          jobs.set(job.id, { id: job.id, name: job.name, state: job.state });
          onEvent({ kind: 'job', jobId: job.id, name: job.name, state: job.state });
        }
        if (job.state === 'FAILED' && cause === null) {
          const trace = await flink.failure(job.id);
          if (trace !== null) cause = rootCause(trace);
        }
      }
      if (interrupted === 'cancel' && !cancelSent) {
        cancelSent = true;
        const running = [...jobs.values()].filter((j) => !TERMINAL_JOB_STATES.has(j.state));
        const accepted =
          running.length > 0 && (await Promise.all(running.map((j) => flink.cancel(j.id)))).every(Boolean);
        onEvent({ kind: 'cancelling', how: accepted ? 'flink' : 'yarn' });
        if (!accepted) await killOnYarn(client, id);
      }
    } else if (interrupted === 'cancel' && !cancelSent) {
      cancelSent = true;
      onEvent({ kind: 'cancelling', how: 'yarn' });
      await killOnYarn(client, id);
    }
    return undefined;
  };
  return poll(look, { intervalMs: options.pollMs ?? 500 });
}

async function killOnYarn(client: ResourceManagerClient, id: string): Promise<void> {
  await client.kill(id, { diagnostics: 'Cancelled from flink-yarn run (interrupted)', timeoutMs: 60_000 });
}

/** The AM's jobmanager.log, read through the NodeManager's REST API, searched for the job's failure. */
async function causeFromLog(
  client: ResourceManagerClient,
  id: string,
  transport: HttpTransport,
): Promise<string | null> {
  try {
    const attempts = await client.appAttempts(id);
    for (const attempt of [...attempts].reverse()) {
      if (!attempt.containerId || !attempt.nodeHttpAddress) continue;
      const base = /^https?:\/\//.test(attempt.nodeHttpAddress)
        ? attempt.nodeHttpAddress
        : `http://${attempt.nodeHttpAddress}`;
      const r = await transport.request({
        method: 'GET',
        url: `${base}/ws/v1/node/containerlogs/${attempt.containerId}/jobmanager.log`,
        headers: { Accept: 'text/plain' },
        timeoutMs: 10_000,
      });
      if (r.status !== 200) continue;
      const found = failureFromLog(r.body);
      if (found !== null) return found;
    }
  } catch {
    // The log is a courtesy: YARN's own diagnostics are reported either way.
  }
  return null;
}

/** Flink removes its staging directory when it shuts down by itself; after a kill, this does. */
async function removeStaging(
  stagingDir: string | null | undefined,
  context: ClusterContext,
  onEvent: (e: WatchEvent) => void,
): Promise<void> {
  if (!stagingDir) return;
  try {
    const hdfs = context.webHdfs();
    if (await hdfs.delete(stagingDir, true)) onEvent({ kind: 'cleanup', detail: `removed ${stagingDir}` });
  } catch (e) {
    onEvent({ kind: 'cleanup', detail: `could not remove ${stagingDir}: ${(e as Error).message}` });
  }
}
