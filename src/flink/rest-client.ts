import { axiosTransport } from '../http/axios-transport.js';
import { safeJson } from '../http/responses.js';
import type { HttpTransport } from '../http/transport.js';

/** A job as Flink's REST API lists it (`/jobs/overview`). */
export interface FlinkJob {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly startTime: number;
  readonly endTime: number;
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
    // Best effort: an entry that is not an object (a null) is no job, not a crash.
    return json.jobs
      .filter((j) => typeof j === 'object' && j !== null)
      .map((j) => ({
        id: String(j.jid ?? ''),
        name: String(j.name ?? ''),
        state: String(j.state ?? ''),
        startTime: Number(j['start-time'] ?? 0),
        endTime: Number(j['end-time'] ?? -1),
      }));
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
