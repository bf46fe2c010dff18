import { FlinkYarnError } from '../errors/index.js';
import { axiosTransport } from '../http/axios-transport.js';
import { multipartFile } from '../http/multipart.js';
import { safeJson } from '../http/responses.js';
import type { HttpRequest, HttpTransport } from '../http/transport.js';

/** A job as Flink's REST API lists it (`/jobs/overview`). */
export interface FlinkJob {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly startTime: number;
  readonly endTime: number;
}

/** Where a savepoint (or stop-with-savepoint) operation is: still running, or done either way. */
export type SavepointStatus =
  | { readonly status: 'IN_PROGRESS' }
  | { readonly status: 'COMPLETED'; readonly location: string }
  | { readonly status: 'FAILED'; readonly cause: string };

/** What `POST /jars/:id/run` takes: `flink run`'s program options. */
export interface JarRunRequest {
  readonly entryClass?: string | undefined;
  readonly programArgs: readonly string[];
  readonly parallelism?: number | undefined;
  readonly savepointPath?: string | undefined;
  readonly allowNonRestoredState?: boolean | undefined;
  readonly claimMode?: 'claim' | 'no_claim' | 'legacy' | undefined;
  /** Applied to the job's configuration (-D, pipeline.classpaths). */
  readonly flinkConfiguration: Readonly<Record<string, string>>;
}

export const TERMINAL_JOB_STATES: ReadonlySet<string> = new Set(['FINISHED', 'FAILED', 'CANCELED', 'SUSPENDED']);

/**
 * The few calls this product makes to a JobManager's REST API. Best effort by design: a
 * JobManager that is starting, failing over or shutting down simply has no answer (null).
 */
export class FlinkRestClient {
  private readonly base: string;
  private readonly transport: HttpTransport;

  constructor(address: string, transport: HttpTransport = axiosTransport()) {
    this.base = address.replace(/\/+$/, '');
    this.transport = transport;
  }

  async jobs(): Promise<FlinkJob[] | null> {
    const json = (await this.get('/jobs/overview')) as { jobs?: Record<string, unknown>[] } | null;
    if (json === null || !Array.isArray(json.jobs)) return null;
    return jobsOf(json.jobs);
  }

  /** The stack trace of the job's failure, when the JobManager still has it. */
  async failure(jobId: string): Promise<string | null> {
    const json = (await this.get(`/jobs/${encodeURIComponent(jobId)}/exceptions?maxExceptions=1`)) as {
      'root-exception'?: unknown;
      exceptionHistory?: { entries?: { stacktrace?: unknown }[] };
    } | null;
    if (json === null) return null;
    const trace = json['root-exception'] ?? json.exceptionHistory?.entries?.[0]?.stacktrace;
    return typeof trace === 'string' && trace.trim() !== '' ? trace : null;
  }

  /** Asks the JobManager to cancel a job; true when it accepted. */
  async cancel(jobId: string): Promise<boolean> {
    try {
      const r = await this.transport.request({
        method: 'PATCH',
        url: `${this.base}/jobs/${encodeURIComponent(jobId)}?mode=cancel`,
        timeoutMs: 10_000,
      });
      return r.status === 202 || r.status === 200;
    } catch {
      return false;
    }
  }

  // The calls below are the day-2 operations': unlike the best-effort ones above, they throw a
  // typed error (FLINK_REST_UNREACHABLE, FLINK_JOB_NOT_FOUND, FLINK_REST_ERROR) instead of null.

  /** `/jobs/overview`, or a typed error. */
  async listJobs(): Promise<FlinkJob[]> {
    const json = (await this.call('GET', '/jobs/overview')) as { jobs?: unknown };
    if (!Array.isArray(json.jobs)) throw this.unreadable('/jobs/overview');
    return jobsOf(json.jobs);
  }

  /**
   * A job's current state: `GET /jobs/:id/status`, which the JobManager answers live, where
   * `/jobs/:id` comes from a cache refreshed every `web.refresh-interval` (3 s): a job's end
   * would be seen seconds late. A JobManager without the endpoint gets `/jobs/:id`.
   */
  async jobState(jobId: string): Promise<string> {
    const id = encodeURIComponent(jobId);
    try {
      const json = (await this.call('GET', `/jobs/${id}/status`, undefined, jobId)) as { status?: unknown };
      if (typeof json.status !== 'string') throw this.unreadable(`/jobs/${jobId}/status`);
      return json.status;
    } catch (e) {
      if (!(e instanceof FlinkYarnError && e.code === 'FLINK_JOB_NOT_FOUND')) throw e;
    }
    const json = (await this.call('GET', `/jobs/${id}`, undefined, jobId)) as { state?: unknown };
    if (typeof json.state !== 'string') throw this.unreadable(`/jobs/${jobId}`);
    return json.state;
  }

  /** Triggers a savepoint; returns the trigger id to poll with `savepointStatus`. */
  async triggerSavepoint(
    jobId: string,
    options: { readonly targetDirectory?: string | undefined; readonly formatType: 'CANONICAL' | 'NATIVE' },
  ): Promise<string> {
    const body = {
      ...(options.targetDirectory !== undefined ? { 'target-directory': options.targetDirectory } : {}),
      'cancel-job': false,
      formatType: options.formatType,
    };
    return this.trigger(`/jobs/${encodeURIComponent(jobId)}/savepoints`, body, jobId);
  }

  /** Stops a job with a savepoint (`--drain` emits MAX_WATERMARK first); returns the trigger id. */
  async stopWithSavepoint(
    jobId: string,
    options: { readonly targetDirectory?: string | undefined; readonly drain: boolean },
  ): Promise<string> {
    const body = {
      ...(options.targetDirectory !== undefined ? { targetDirectory: options.targetDirectory } : {}),
      drain: options.drain,
    };
    return this.trigger(`/jobs/${encodeURIComponent(jobId)}/stop`, body, jobId);
  }

  /** Where a savepoint operation is (`GET /jobs/:id/savepoints/:triggerid`). */
  async savepointStatus(jobId: string, triggerId: string): Promise<SavepointStatus> {
    const path = `/jobs/${encodeURIComponent(jobId)}/savepoints/${encodeURIComponent(triggerId)}`;
    const json = (await this.call('GET', path, undefined, jobId)) as {
      status?: { id?: unknown };
      operation?: { location?: unknown; 'failure-cause'?: Record<string, unknown> };
    };
    const status = json.status?.id;
    if (status === 'IN_PROGRESS') return { status: 'IN_PROGRESS' };
    if (status !== 'COMPLETED') throw this.unreadable(path);
    const failure = json.operation?.['failure-cause'];
    if (failure !== undefined && failure !== null) {
      const trace = failure['stack-trace'];
      const cause = typeof trace === 'string' && trace.trim() !== '' ? rootCause(trace) : String(failure.class ?? '');
      return { status: 'FAILED', cause: cause === '' ? 'no cause given' : cause };
    }
    const location = json.operation?.location;
    if (typeof location !== 'string' || location === '') throw this.unreadable(path);
    return { status: 'COMPLETED', location };
  }

  /** Asks the JobManager to cancel a job (`PATCH /jobs/:id?mode=cancel`), or a typed error. */
  async requestCancel(jobId: string): Promise<void> {
    await this.call('PATCH', `/jobs/${encodeURIComponent(jobId)}?mode=cancel`, undefined, jobId);
  }

  /**
   * Uploads a job's jar (`POST /jars/upload`, streamed from disk); returns the jar id that
   * `runJar` and `deleteJar` take. Flink keeps only names ending in `.jar`.
   */
  async uploadJar(path: string, size: number, name: string): Promise<string> {
    const form = multipartFile('jarfile', name.endsWith('.jar') ? name : `${name}.jar`, path, size);
    const json = await this.call('POST', '/jars/upload', undefined, undefined, {
      body: form.open(),
      headers: { ...form.headers, 'content-length': String(form.length) },
      // An upload may take long on a slow link: a minute, and a minute per 50 MB.
      timeoutMs: 60_000 + Math.ceil(size / (50 * 1024 * 1024)) * 60_000,
      maxBodyLength: Infinity,
    });
    const file = json.filename;
    if (json.status !== 'success' || typeof file !== 'string' || file === '') throw this.unreadable('/jars/upload');
    return file.slice(file.lastIndexOf('/') + 1);
  }

  /** Runs an uploaded jar's main method in the JobManager (`POST /jars/:id/run`); returns the job id. */
  async runJar(jarId: string, request: JarRunRequest): Promise<string> {
    const body = {
      ...(request.entryClass !== undefined ? { entryClass: request.entryClass } : {}),
      programArgsList: request.programArgs,
      ...(request.parallelism !== undefined ? { parallelism: request.parallelism } : {}),
      ...(request.savepointPath !== undefined
        ? {
            savepointPath: request.savepointPath,
            allowNonRestoredState: request.allowNonRestoredState ?? false,
            ...(request.claimMode !== undefined ? { claimMode: request.claimMode.toUpperCase() } : {}),
          }
        : {}),
      ...(Object.keys(request.flinkConfiguration).length > 0 ? { flinkConfiguration: request.flinkConfiguration } : {}),
    };
    // The JobManager runs the job's main method before it answers: allow for a slow one.
    const json = await this.call('POST', `/jars/${encodeURIComponent(jarId)}/run`, body, undefined, {
      timeoutMs: 300_000,
    });
    const jobId = json.jobid;
    if (typeof jobId !== 'string' || !/^[0-9a-f]{32}$/.test(jobId)) throw this.unreadable(`/jars/${jarId}/run`);
    return jobId;
  }

  /** Removes an uploaded jar from the JobManager's disk (`DELETE /jars/:id`). */
  async deleteJar(jarId: string): Promise<void> {
    await this.call('DELETE', `/jars/${encodeURIComponent(jarId)}`);
  }

  private async trigger(path: string, body: unknown, jobId: string): Promise<string> {
    const json = (await this.call('POST', path, body, jobId)) as { 'request-id'?: unknown };
    const id = json['request-id'];
    if (typeof id !== 'string' || id === '') throw this.unreadable(path);
    return id;
  }

  /** One request whose failure is an error: unreachable, 404 (the job), or Flink's `errors`. */
  private async call(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
    jobId?: string,
    raw?: Partial<Pick<HttpRequest, 'body' | 'headers' | 'timeoutMs' | 'maxBodyLength'>>,
  ): Promise<Record<string, unknown>> {
    const url = `${this.base}${path}`;
    let r;
    try {
      r = await this.transport.request({
        method,
        url,
        timeoutMs: 10_000,
        ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
        ...raw,
      });
    } catch (e) {
      // Already typed (TLS, Kerberos, a too large answer): not "does not answer".
      if (e instanceof FlinkYarnError) throw e;
      throw new FlinkYarnError(
        'FLINK_REST_UNREACHABLE',
        `The JobManager's REST API at ${this.base} does not answer: ${e instanceof Error ? e.message : String(e)}`,
        { cause: e, retriable: true },
      );
    }
    const json = safeJson(r.body);
    if (r.status >= 200 && r.status < 300) {
      // PATCH ?mode=cancel answers 202 with an empty body.
      return typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
    }
    const errors = (json as { errors?: unknown } | undefined)?.errors;
    // Flink sends a handler's failure as its stack trace: its first line, and the root cause.
    const detail = Array.isArray(errors)
      ? errors
          .map((e) => String(e))
          .map((e) => {
            const first = e.split(/\r?\n/)[0]!.trim();
            const root = rootCause(e);
            return root !== '' && root !== first ? `${first} (caused by ${root})` : first;
          })
          .filter((e) => e !== '')
          .join('; ')
      : '';
    if (r.status === 404 && jobId !== undefined) {
      throw new FlinkYarnError('FLINK_JOB_NOT_FOUND', `The JobManager at ${this.base} has no job ${jobId}.`);
    }
    throw new FlinkYarnError(
      'FLINK_REST_ERROR',
      `${method} ${path} on the JobManager answered HTTP ${r.status}${detail !== '' ? `: ${detail}` : ''}`,
    );
  }

  private unreadable(path: string): FlinkYarnError {
    return new FlinkYarnError('FLINK_REST_ERROR', `The JobManager's answer to ${path} is not what Flink sends.`);
  }

  private async get(path: string): Promise<unknown> {
    try {
      const r = await this.transport.request({ method: 'GET', url: `${this.base}${path}`, timeoutMs: 5_000 });
      // Non-JSON (or too deeply nested) is no answer, as null: callers test for null only.
      return r.status === 200 ? (safeJson(r.body) ?? null) : null;
    } catch {
      return null;
    }
  }
}

/**
 * The cause worth showing from a Java stack trace: the deepest `Caused by:` line (Flink wraps a
 * user's exception in several of its own), or the first line when nothing is chained.
 */
export function rootCause(trace: string): string {
  const lines = trace.split(/\r?\n/);
  const causes = lines.filter((l) => l.startsWith('Caused by: ')).map((l) => l.slice('Caused by: '.length).trim());
  return causes.at(-1) ?? lines.find((l) => l.trim() !== '')?.trim() ?? '';
}

/**
 * The failure a JobManager log records for a job: the stack trace after its switch to FAILED,
 * reduced to its root cause. Null when the log has none.
 */
export function failureFromLog(log: string): string | null {
  const lines = log.split(/\r?\n/);
  const at = lines.findLastIndex((l) => / switched from state \w+ to FAILED\b/.test(l));
  if (at < 0) return null;
  const trace: string[] = [];
  for (const line of lines.slice(at + 1)) {
    // The trace ends at the next log record (a line that starts with a timestamp).
    if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/.test(line)) break;
    trace.push(line);
  }
  const cause = rootCause(trace.join('\n'));
  return cause === '' ? null : cause;
}

/** `/jobs/overview`'s entries; one that is not an object (a null) is no job, not a crash. */
function jobsOf(list: readonly unknown[]): FlinkJob[] {
  return list
    .filter((j): j is Record<string, unknown> => typeof j === 'object' && j !== null)
    .map((j) => ({
      id: String(j.jid ?? ''),
      name: String(j.name ?? ''),
      state: String(j.state ?? ''),
      startTime: Number(j['start-time'] ?? 0),
      endTime: Number(j['end-time'] ?? -1),
    }));
}
