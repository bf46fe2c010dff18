import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { poll } from '../../async/poll.js';
import { readConfigFile } from '../../config/read.js';
import type { Diagnostic } from '../../diagnostics/index.js';
import { FlinkYarnError, InterruptedError, UsageError } from '../../errors/index.js';
import { rootCause, TERMINAL_JOB_STATES } from '../../flink/rest-client.js';
import type { SavepointRestore } from '../../session/plan.js';
import { parseProperties, yarnPropertiesFileName } from '../../session/properties-file.js';
import type { RmEvent } from '../../yarn/rm-client.js';
import { isUnreachable, jobManagerOf, type JobManagerTarget } from '../jobs.js';
import { localFile, PROPERTIES_LOCATION } from '../session/inputs.js';
import { checkApplicationId, connectYarn, type YarnConnectionOptions } from '../yarn-context.js';

// `flink run` into a running session, without a JVM: the jar goes to the JobManager through
// Flink's web submission (`/jars/upload`, `/jars/:id/run`), which runs its main method there.

/** Configuration keys that only pick the session; they are not the job's. */
const SESSION_KEYS = new Set(['yarn.application.id', 'execution.target', PROPERTIES_LOCATION]);

export interface SessionJobOptions extends YarnConnectionOptions {
  /** -yid. @default yarn.application.id (-D, configuration), then Flink's .yarn-properties-<user> */
  readonly applicationId?: string | undefined;
  readonly program: {
    readonly jar: string;
    readonly mainClass?: string | undefined;
    readonly args?: readonly string[];
    readonly parallelism?: number | undefined;
    readonly restore?: SavepointRestore | undefined;
    readonly classpaths?: readonly string[] | undefined;
  };
  /** Aborting stops the submission; what it uploaded is removed. */
  readonly signal?: AbortSignal | undefined;
  readonly onEvent?: (event: SessionJobEvent) => void;
}

export type SessionJobEvent =
  | {
      readonly kind: 'session';
      readonly applicationId: string;
      /** Where the session's id came from. */
      readonly from: 'flag' | 'configuration' | 'properties-file';
      readonly restAddress: string;
    }
  | { readonly kind: 'uploaded'; readonly jarId: string; readonly bytes: number; readonly ms: number }
  | { readonly kind: 'submitted'; readonly jobId: string }
  | { readonly kind: 'job'; readonly jobId: string; readonly state: string }
  | { readonly kind: 'cancelling'; readonly jobId: string }
  | { readonly kind: 'cleanup'; readonly detail: string }
  | RmEvent;

export interface SubmittedJob {
  readonly applicationId: string;
  readonly jobId: string;
  /** The job's state right after submission. */
  readonly state: string;
  readonly restAddress: string;
  /** For `followSessionJob`. */
  readonly target: JobManagerTarget;
}

/**
 * `flink-yarn run -yid APPID JAR`: uploads the jar to the session's JobManager, runs it with the
 * program options, and removes the upload again (the job's classes are in Flink's blob store by
 * then), whether the run succeeded or not.
 */
export async function submitToSession(options: SessionJobOptions): Promise<SubmittedJob> {
  const onEvent = options.onEvent ?? (() => undefined);
  const jar = localFile(options.cwd ?? process.cwd(), options.program.jar, 'job jar');
  const connection = connectYarn({ ...options, onEvent }, { flink: true });
  const { id, from } = sessionId(options, connection.context.config.flink, connection.user);
  const target = await jobManagerOf(id, connection);
  onEvent({ kind: 'session', applicationId: id, from, restAddress: target.restAddress });
  const { flink } = target;
  const aborted = (): void => {
    if (options.signal?.aborted === true) throw new InterruptedError();
  };
  aborted();
  const started = Date.now();
  const jarId = await flink.uploadJar(jar.path, jar.size, basename(jar.path));
  onEvent({ kind: 'uploaded', jarId, bytes: jar.size, ms: Date.now() - started });
  let jobId: string;
  try {
    aborted();
    const dynamic = Object.fromEntries(
      Object.entries(options.dynamicProperties ?? {}).filter(([k]) => !SESSION_KEYS.has(k)),
    );
    const classpaths = options.program.classpaths ?? [];
    jobId = await flink.runJar(jarId, {
      entryClass: options.program.mainClass,
      programArgs: options.program.args ?? [],
      parallelism: options.program.parallelism,
      savepointPath: options.program.restore?.path,
      allowNonRestoredState: options.program.restore?.allowNonRestoredState,
      claimMode: options.program.restore?.claimMode,
      flinkConfiguration: {
        ...dynamic,
        ...(classpaths.length > 0 ? { 'pipeline.classpaths': classpaths.join(';') } : {}),
      },
    });
  } finally {
    // The JobManager keeps uploads until it stops; a session that runs for months would fill its disk.
    await flink.deleteJar(jarId).then(
      () => onEvent({ kind: 'cleanup', detail: `removed the uploaded jar ${jarId} from the JobManager` }),
      (e: unknown) =>
        onEvent({ kind: 'cleanup', detail: `could not remove the uploaded jar ${jarId}: ${(e as Error).message}` }),
    );
  }
  onEvent({ kind: 'submitted', jobId });
  const state = await flink.jobState(jobId).catch(() => 'SUBMITTED');
  return { applicationId: id, jobId, state, restAddress: target.restAddress, target };
}

export interface SessionJobOutcome {
  readonly kind: 'ended' | 'detached';
  readonly applicationId: string;
  readonly jobId: string;
  /** Flink's last state of the job (FINISHED, FAILED, CANCELED ...), or the session's end. */
  readonly state: string;
  /** Why it did not finish: the root cause of a failure, or the session's end. */
  readonly cause: string | null;
}

export interface FollowOptions {
  /** Settles on Ctrl-C: 'cancel' cancels the job and waits for its end, 'detach' leaves it running. */
  readonly interrupt?: Promise<'cancel' | 'detach'>;
  /** @default 500 */
  readonly pollMs?: number;
  readonly onEvent?: (event: SessionJobEvent) => void;
}

/** Follows a job in a session to its end, as `flink run` does attached. */
export async function followSessionJob(job: SubmittedJob, options: FollowOptions = {}): Promise<SessionJobOutcome> {
  const onEvent = options.onEvent ?? (() => undefined);
  const { flink, ended, clock } = job.target;
  const outcome = (kind: SessionJobOutcome['kind'], state: string, cause: string | null): SessionJobOutcome => ({
    kind,
    applicationId: job.applicationId,
    jobId: job.jobId,
    state,
    cause,
  });
  let last = '';
  let interrupted: 'cancel' | 'detach' | null = null;
  let cancelSent = false;
  void options.interrupt?.then((how) => {
    interrupted = how;
  });
  return poll(
    async () => {
      if (interrupted === 'detach') return outcome('detached', last === '' ? job.state : last, null);
      let state: string;
      try {
        state = await flink.jobState(job.jobId);
      } catch (e) {
        if (!isUnreachable(e)) throw e;
        // A JobManager failing over does not answer for a while; a session that ended never will.
        const app = await ended();
        if (app === null) return undefined;
        return outcome(
          'ended',
          `session ${app.state}`,
          `the session ${job.applicationId} ended ${app.state}/${app.finalStatus} while the job was ${last === '' ? job.state : last}`,
        );
      }
      if (state !== last) {
        last = state;
        onEvent({ kind: 'job', jobId: job.jobId, state });
      }
      if (TERMINAL_JOB_STATES.has(state)) {
        if (state === 'FINISHED') return outcome('ended', state, null);
        if (state === 'CANCELED') return outcome('ended', state, cancelSent ? null : 'the job was cancelled');
        const trace = await flink.failure(job.jobId);
        return outcome('ended', state, trace !== null ? rootCause(trace) : null);
      }
      if (interrupted === 'cancel' && !cancelSent) {
        cancelSent = true;
        onEvent({ kind: 'cancelling', jobId: job.jobId });
        await flink.requestCancel(job.jobId);
      }
      return undefined;
    },
    { intervalMs: options.pollMs ?? 500, clock },
  );
}

/** The session to submit into: -yid, else yarn.application.id, else Flink's properties file. */
function sessionId(
  options: SessionJobOptions,
  flink: { raw(key: string): { value: string } | undefined },
  user: string | undefined,
): { id: string; from: 'flag' | 'configuration' | 'properties-file' } {
  if (options.applicationId !== undefined) return { id: checkApplicationId(options.applicationId), from: 'flag' };
  const configured = flink.raw('yarn.application.id')?.value;
  if (configured !== undefined && configured.trim() !== '')
    return { id: checkApplicationId(configured.trim()), from: 'configuration' };
  const dir = flink.raw(PROPERTIES_LOCATION)?.value ?? tmpdir();
  const file = join(dir, yarnPropertiesFileName(user ?? 'unknown'));
  const problems: Diagnostic[] = [];
  const read = readConfigFile(file, 'text', problems);
  if (read.text === undefined) {
    const why = problems[0]?.message ?? `${file} does not exist`;
    throw new UsageError(
      `No session to submit into: give its application id (-yid APPID, or -D yarn.application.id=APPID), or start one with yarn-session, which records it in ${file}. (${why})`,
      'NO_SESSION',
    );
  }
  const id = parseProperties(read.text).applicationID;
  if (id === undefined || id.trim() === '') {
    throw new UsageError(`${file} names no session (no applicationID line): give -yid APPID.`, 'NO_SESSION');
  }
  return { id: checkApplicationId(id.trim()), from: 'properties-file' };
}

/** A job that did not finish: the CLI's exit 1. */
export function jobFailed(outcome: SessionJobOutcome): FlinkYarnError {
  return new FlinkYarnError(
    'JOB_FAILED',
    `Job ${outcome.jobId} in ${outcome.applicationId} ended ${outcome.state}${outcome.cause !== null ? `: ${outcome.cause}` : ''}`,
  );
}
