import { poll, type Clock } from '../async/poll.js';
import { FlinkYarnError, UsageError } from '../errors/index.js';
import { TERMINAL_JOB_STATES, type FlinkRestClient, type SavepointStatus } from '../flink/rest-client.js';
import { restAddressOf } from './applications.js';
import { checkApplicationId, connectYarn, type YarnConnection, type YarnConnectionOptions } from './yarn-context.js';

// Day-2 operations on a running Flink cluster: its jobs, savepoints, stop and cancel, all through
// the JobManager's REST API, found through the RM (Flink registers its REST port as the AM's RPC port).

export interface JobOperationOptions extends YarnConnectionOptions {
  /** Bounds the wait for the savepoint, the stop or the cancellation. @default 300 s (60 s for cancel) */
  readonly timeoutMs?: number | undefined;
  /** Pause between looks at the operation. @default 500 ms */
  readonly pollMs?: number;
  /** Aborting ends the wait (the operation itself goes on in Flink). */
  readonly signal?: AbortSignal | undefined;
}

export const DEFAULT_SAVEPOINT_TIMEOUT_MS = 300_000;
export const DEFAULT_CANCEL_TIMEOUT_MS = 60_000;

/** A job as `flink-yarn jobs` shows it. */
export interface JobSummary {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  /** Epoch milliseconds. */
  readonly startTime: number;
  /** Until its end, or until now while it runs. */
  readonly durationMs: number;
}

const JOB_ID = /^[0-9a-f]{32}$/i;

/** A Flink job id is 32 hex digits; anything else is bad usage (exit 2). */
export function checkJobId(id: string): string {
  if (!JOB_ID.test(id)) throw new UsageError(`'${id}' is not a Flink job id (32 hexadecimal digits).`);
  return id.toLowerCase();
}

/** A RUNNING application's JobManager, and a way to tell, when it stops answering, whether it ended. */
export interface JobManagerTarget {
  readonly applicationId: string;
  readonly restAddress: string;
  readonly flink: FlinkRestClient;
  readonly clock: Clock;
  /** The application's state and final status once it is no longer RUNNING, else null. */
  ended(): Promise<{ state: string; finalStatus: string } | null>;
}

/** The JobManager's REST client of a RUNNING application, or a typed error. */
export async function jobManagerOf(applicationId: string, connection: YarnConnection): Promise<JobManagerTarget> {
  const id = checkApplicationId(applicationId);
  const { client, context } = connection;
  const app = await client.app(id);
  if (app.state !== 'RUNNING') {
    throw new FlinkYarnError(
      'APPLICATION_NOT_RUNNING',
      `${id} is ${app.state}, not RUNNING: its JobManager has no REST API to ask${app.state === 'ACCEPTED' || app.state === 'SUBMITTED' || app.state === 'NEW' || app.state === 'NEW_SAVING' ? ' yet' : ''}.`,
    );
  }
  const address = restAddressOf(app);
  if (address === null) {
    throw new FlinkYarnError(
      'FLINK_REST_UNREACHABLE',
      `${id} is RUNNING but has not registered its JobManager's REST address with YARN yet.`,
    );
  }
  return {
    applicationId: id,
    restAddress: address,
    flink: context.flinkRest(address),
    clock: context.clock,
    ended: async () => {
      const now = await client.app(id);
      return now.state === 'RUNNING' ? null : { state: now.state, finalStatus: now.finalStatus };
    },
  };
}

function flinkOf(applicationId: string, options: YarnConnectionOptions): Promise<JobManagerTarget> {
  return jobManagerOf(applicationId, connectYarn(options));
}

/** `flink-yarn jobs APPID`: the cluster's jobs, newest first. */
export async function listJobs(applicationId: string, options: YarnConnectionOptions): Promise<JobSummary[]> {
  const { flink, clock } = await flinkOf(applicationId, options);
  const now = clock.now();
  return (await flink.listJobs())
    .map((j) => ({
      id: j.id,
      name: j.name,
      state: j.state,
      startTime: j.startTime,
      durationMs: Math.max(0, (j.endTime > 0 ? j.endTime : now) - j.startTime),
    }))
    .sort((a, b) => b.startTime - a.startTime);
}

export interface SavepointOptions extends JobOperationOptions {
  /** @default state.savepoints.dir of the cluster */
  readonly targetDirectory?: string | undefined;
  /** @default 'canonical' */
  readonly formatType?: 'canonical' | 'native';
}

export interface SavepointResult {
  readonly location: string;
}

/** `flink-yarn savepoint APPID JOBID [DIR]`: triggers a savepoint and waits for its location. */
export async function triggerSavepoint(
  applicationId: string,
  jobId: string,
  options: SavepointOptions,
): Promise<SavepointResult> {
  return savepointOperation(applicationId, jobId, 'savepoint', options, (flink, job) =>
    flink.triggerSavepoint(job, {
      targetDirectory: options.targetDirectory,
      formatType: options.formatType === 'native' ? 'NATIVE' : 'CANONICAL',
    }),
  );
}

export interface StopOptions extends JobOperationOptions {
  /** @default state.savepoints.dir of the cluster */
  readonly targetDirectory?: string | undefined;
  /** Emit MAX_WATERMARK before stopping (event-time timers fire). @default false */
  readonly drain?: boolean;
}

/** `flink-yarn stop APPID JOBID`: stops the job with a savepoint, and waits for its location. */
export async function stopJob(applicationId: string, jobId: string, options: StopOptions): Promise<SavepointResult> {
  return savepointOperation(applicationId, jobId, 'stop-with-savepoint', options, (flink, job) =>
    flink.stopWithSavepoint(job, { targetDirectory: options.targetDirectory, drain: options.drain ?? false }),
  );
}

export interface CancelResult {
  readonly jobId: string;
  readonly state: string;
}

/** `flink-yarn cancel APPID JOBID`: cancels the job and waits until Flink says CANCELED. */
export async function cancelJob(
  applicationId: string,
  jobId: string,
  options: JobOperationOptions,
): Promise<CancelResult> {
  const job = checkJobId(jobId);
  const { flink, clock, ended } = await flinkOf(applicationId, options);
  const before = await flink.jobState(job);
  if (before === 'CANCELED') return { jobId: job, state: before };
  if (TERMINAL_JOB_STATES.has(before)) {
    throw new FlinkYarnError('JOB_STATE_UNEXPECTED', `Job ${job} has already ended ${before}; nothing to cancel.`);
  }
  await flink.requestCancel(job);
  const timeoutMs = options.timeoutMs ?? DEFAULT_CANCEL_TIMEOUT_MS;
  const state = await poll(
    async () => {
      const now = await flink.jobState(job).catch(async (e: unknown) => {
        if (!isUnreachable(e)) throw e;
        // In application mode the cluster shuts down once its job is CANCELED: YARN then says KILLED.
        const app = await ended();
        if (app === null) return undefined;
        if (app.finalStatus === 'KILLED') return 'CANCELED';
        throw new FlinkYarnError(
          'JOB_STATE_UNEXPECTED',
          `${applicationId} ended ${app.state}/${app.finalStatus} before job ${job} was seen CANCELED.`,
        );
      });
      return now !== undefined && TERMINAL_JOB_STATES.has(now) ? now : undefined;
    },
    {
      intervalMs: options.pollMs ?? 500,
      timeoutMs,
      signal: options.signal,
      clock,
      onTimeout: (ms) =>
        new FlinkYarnError(
          'TIMEOUT',
          `Job ${job} was asked to cancel but is not CANCELED after ${Math.round(ms / 1000)} s (--timeout).`,
        ),
    },
  );
  if (state !== 'CANCELED') {
    throw new FlinkYarnError('JOB_STATE_UNEXPECTED', `Job ${job} ended ${state}, not CANCELED.`);
  }
  return { jobId: job, state };
}

/** Flink refuses a savepoint while a job's tasks are still being deployed (CheckpointFailureReason). */
const TASKS_NOT_RUNNING = /Not all required tasks are currently running/;

/**
 * Triggers a savepoint (or a stop with one) and awaits its location; one refused because the
 * job's tasks are not all RUNNING yet (a job submitted a moment ago) is triggered again, within
 * the same --timeout.
 */
async function savepointOperation(
  applicationId: string,
  jobId: string,
  what: 'savepoint' | 'stop-with-savepoint',
  options: JobOperationOptions,
  trigger: (flink: FlinkRestClient, job: string) => Promise<string>,
): Promise<SavepointResult> {
  const job = checkJobId(jobId);
  const target = await flinkOf(applicationId, options);
  const deadline = target.clock.now() + (options.timeoutMs ?? DEFAULT_SAVEPOINT_TIMEOUT_MS);
  for (;;) {
    const triggerId = await noSavepointDir(trigger(target.flink, job));
    const remaining = Math.max(0, deadline - target.clock.now());
    try {
      return await awaitSavepoint(target, job, triggerId, what, { ...options, timeoutMs: remaining });
    } catch (e) {
      const retry = e instanceof FlinkYarnError && e.code === 'SAVEPOINT_FAILED' && TASKS_NOT_RUNNING.test(e.message);
      if (!retry || target.clock.now() + (options.pollMs ?? 500) >= deadline || options.signal?.aborted === true)
        throw e;
      await target.clock.sleep(options.pollMs ?? 500, options.signal);
    }
  }
}

/** A JobManager that restarts mid-wait is looked at again; one whose application ended is not. */
export function isUnreachable(e: unknown): boolean {
  return e instanceof FlinkYarnError && e.code === 'FLINK_REST_UNREACHABLE';
}

/** Flink refuses a savepoint without a directory when state.savepoints.dir is not set: say so. */
async function noSavepointDir(trigger: Promise<string>): Promise<string> {
  try {
    return await trigger;
  } catch (e) {
    if (
      e instanceof FlinkYarnError &&
      e.code === 'FLINK_REST_ERROR' &&
      /state\.savepoints\.dir|target-?directory/i.test(e.message)
    ) {
      throw new FlinkYarnError(
        'SAVEPOINT_DIR_NOT_CONFIGURED',
        'The cluster has no state.savepoints.dir: give a directory (savepoint APPID JOBID DIR, stop --savepoint-dir DIR) or set state.savepoints.dir.',
        { cause: e },
      );
    }
    throw e;
  }
}

async function awaitSavepoint(
  { flink, clock, ended }: JobManagerTarget,
  jobId: string,
  triggerId: string,
  what: 'savepoint' | 'stop-with-savepoint',
  options: JobOperationOptions,
): Promise<SavepointResult> {
  const done = await poll<Exclude<SavepointStatus, { status: 'IN_PROGRESS' }>>(
    async () => {
      const status = await flink.savepointStatus(jobId, triggerId).catch(async (e: unknown) => {
        if (!isUnreachable(e)) throw e;
        const app = await ended();
        if (app === null) return undefined;
        throw new FlinkYarnError(
          'FLINK_REST_UNREACHABLE',
          `The application ended ${app.state}/${app.finalStatus} before the ${what} of job ${jobId} reported its location (trigger ${triggerId}).`,
          { cause: e },
        );
      });
      return status === undefined || status.status === 'IN_PROGRESS' ? undefined : status;
    },
    {
      intervalMs: options.pollMs ?? 500,
      timeoutMs: options.timeoutMs ?? DEFAULT_SAVEPOINT_TIMEOUT_MS,
      signal: options.signal,
      clock,
      onTimeout: (ms) =>
        new FlinkYarnError(
          'TIMEOUT',
          `The ${what} of job ${jobId} is not complete after ${Math.round(ms / 1000)} s (--timeout); Flink may still finish it (trigger ${triggerId}).`,
        ),
    },
  );
  if (done.status === 'FAILED') {
    throw new FlinkYarnError('SAVEPOINT_FAILED', `The ${what} of job ${jobId} failed: ${done.cause}`);
  }
  return { location: done.location };
}
