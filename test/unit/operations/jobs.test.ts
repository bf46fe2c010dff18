import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../src/async/poll.js';
import { errorClassOf } from '../../../src/errors/index.js';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../../src/http/transport.js';
import { TransportError } from '../../../src/http/transport.js';
import { cancelJob, listJobs, stopJob, triggerSavepoint } from '../../../src/operations/jobs.js';
import { json } from '../http/responses.js';

const APP = 'application_1_0001';
const JOB = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const JM = 'http://jm-host:41234';
const cwd = mkdtempSync(join(tmpdir(), 'jobs-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

type Route = (req: HttpRequest) => HttpResponse | undefined;

/** An RM with one application in `state`, whose JobManager answers through `flink`. */
function cluster(
  flink: Route,
  state = 'RUNNING',
): HttpTransport & { sent: HttpRequest[]; end(finalStatus: string): void } {
  const sent: HttpRequest[] = [];
  let finalStatus = 'UNDEFINED';
  return {
    sent,
    end(status) {
      state = status === 'KILLED' ? 'KILLED' : 'FINISHED';
      finalStatus = status;
    },
    async request(req) {
      sent.push(req);
      if (req.url.startsWith('http://rm1:8088')) {
        return json({
          app: {
            id: APP,
            state,
            finalStatus,
            diagnostics: '',
            ...(state === 'RUNNING' ? { amRPCAddress: 'jm-host:41234' } : {}),
          },
        });
      }
      const answer = flink(req);
      if (answer === undefined) throw new Error(`unexpected ${req.method} ${req.url}`);
      return answer;
    },
  };
}

const options = (transport: HttpTransport, extra: Record<string, unknown> = {}) => ({
  rm: 'http://rm1:8088',
  user: 'alice',
  env: {},
  cwd,
  transport,
  pollMs: 1_000,
  clock: manualClock(1_000_000),
  ...extra,
});

/** The savepoint status answers, one per look (the last repeats). */
function savepointRoute(statuses: unknown[], trigger = '/savepoints'): Route {
  let looks = 0;
  return (req) => {
    if (req.method === 'POST' && req.url === `${JM}/jobs/${JOB}${trigger}`) return json({ 'request-id': 'trig-1' });
    if (req.method === 'GET' && req.url === `${JM}/jobs/${JOB}/savepoints/trig-1`) {
      return json(statuses[Math.min(looks++, statuses.length - 1)]);
    }
    return undefined;
  };
}

const inProgress = { status: { id: 'IN_PROGRESS' } };
const completed = (location: string) => ({ status: { id: 'COMPLETED' }, operation: { location } });

/** The error a promise rejects with (a failure when it resolves). */
async function errorOf(p: Promise<unknown>): Promise<Error & { code?: string }> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (x: unknown) => x as Error & { code?: string },
  );
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  return (await errorOf(p)).code ?? 'none';
}

describe('listJobs', () => {
  it("maps Flink's /jobs/overview, running jobs' duration until now", async () => {
    const t = cluster((req) =>
      req.url === `${JM}/jobs/overview`
        ? json({
            jobs: [
              { jid: JOB, name: 'FlyWordCount', state: 'RUNNING', 'start-time': 990_000, 'end-time': -1 },
              { jid: 'b'.repeat(32), name: 'old', state: 'FINISHED', 'start-time': 100_000, 'end-time': 160_000 },
            ],
          })
        : undefined,
    );
    expect(await listJobs(APP, options(t))).toEqual([
      { id: JOB, name: 'FlyWordCount', state: 'RUNNING', startTime: 990_000, durationMs: 10_000 },
      { id: 'b'.repeat(32), name: 'old', state: 'FINISHED', startTime: 100_000, durationMs: 60_000 },
    ]);
  });

  it('fails (exit 1) when the application is not RUNNING, without asking Flink', async () => {
    const t = cluster(() => undefined, 'ACCEPTED');
    const code = await codeOf(listJobs(APP, options(t)));
    expect(code).toBe('APPLICATION_NOT_RUNNING');
    expect(errorClassOf(code)).toBe('failure');
    expect(t.sent.every((r) => r.url.startsWith('http://rm1:8088'))).toBe(true);
  });

  it('fails when the JobManager does not answer', async () => {
    const t = cluster(() => {
      throw new TransportError('connect ECONNREFUSED', 'ECONNREFUSED');
    });
    expect(await codeOf(listJobs(APP, options(t)))).toBe('FLINK_REST_UNREACHABLE');
  });
});

describe('triggerSavepoint', () => {
  it('polls IN_PROGRESS until COMPLETED and returns the location', async () => {
    const t = cluster(savepointRoute([inProgress, inProgress, completed('hdfs:///sp/savepoint-a1b2c3-1')]));
    expect(await triggerSavepoint(APP, JOB, options(t, { targetDirectory: 'hdfs:///sp' }))).toEqual({
      location: 'hdfs:///sp/savepoint-a1b2c3-1',
    });
    const post = t.sent.find((r) => r.method === 'POST')!;
    expect(JSON.parse(post.body as string)).toEqual({
      'target-directory': 'hdfs:///sp',
      'cancel-job': false,
      formatType: 'CANONICAL',
    });
    expect(t.sent.filter((r) => r.url.endsWith('/trig-1'))).toHaveLength(3);
  });

  it('sends no target-directory without one, and NATIVE with --type native', async () => {
    const t = cluster(savepointRoute([completed('hdfs:///default/savepoint-1')]));
    await triggerSavepoint(APP, JOB, options(t, { formatType: 'native' }));
    const post = t.sent.find((r) => r.method === 'POST')!;
    expect(JSON.parse(post.body as string)).toEqual({ 'cancel-job': false, formatType: 'NATIVE' });
  });

  it("reports Flink's failure cause (SAVEPOINT_FAILED, exit 1)", async () => {
    const trace =
      'java.util.concurrent.CompletionException: x\n\tat Foo\nCaused by: org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint Coordinator is suspending.\n\tat Bar';
    const t = cluster(
      savepointRoute([
        inProgress,
        { status: { id: 'COMPLETED' }, operation: { 'failure-cause': { class: 'X', 'stack-trace': trace } } },
      ]),
    );
    const e = await errorOf(triggerSavepoint(APP, JOB, options(t)));
    expect(e.code).toBe('SAVEPOINT_FAILED');
    expect(e.message).toContain('Checkpoint Coordinator is suspending.');
  });

  it('a job whose tasks are still deploying is asked again, within the same --timeout', async () => {
    const notRunning = {
      status: { id: 'COMPLETED' },
      operation: {
        'failure-cause': {
          class: 'X',
          'stack-trace':
            'java.util.concurrent.CompletionException: x\nCaused by: org.apache.flink.runtime.checkpoint.CheckpointException: Not all required tasks are currently running.',
        },
      },
    };
    const t = cluster(savepointRoute([notRunning, notRunning, completed('hdfs:///sp/savepoint-2')]));
    expect(await triggerSavepoint(APP, JOB, options(t))).toEqual({ location: 'hdfs:///sp/savepoint-2' });
    expect(t.sent.filter((r) => r.method === 'POST')).toHaveLength(3);

    // It stops at the deadline with Flink's cause, not a timeout of its own.
    const never = cluster(savepointRoute([notRunning]));
    const e = await errorOf(triggerSavepoint(APP, JOB, options(never, { timeoutMs: 3_000 })));
    expect(e.code).toBe('SAVEPOINT_FAILED');
    expect(e.message).toContain('Not all required tasks are currently running');
    expect(never.sent.filter((r) => r.method === 'POST').length).toBeGreaterThanOrEqual(3);
    expect(never.sent.filter((r) => r.method === 'POST').length).toBeLessThanOrEqual(4);
  });

  it('gives up at --timeout (manual clock: no real wait)', async () => {
    const t = cluster(savepointRoute([inProgress]));
    const e = await errorOf(triggerSavepoint(APP, JOB, options(t, { timeoutMs: 5_000 })));
    expect(e.code).toBe('TIMEOUT');
    expect(e.message).toContain('trig-1');
    // A look at 0, 1, 2, 3, 4 and 5 s.
    expect(t.sent.filter((r) => r.url.endsWith('/trig-1'))).toHaveLength(6);
  });

  it('says so when the cluster has no state.savepoints.dir', async () => {
    const t = cluster((req) =>
      req.method === 'POST'
        ? json(
            {
              errors: ['Config key [state.savepoints.dir] is not set. Property [target-directory] must be provided.'],
            },
            400,
          )
        : undefined,
    );
    expect(await codeOf(triggerSavepoint(APP, JOB, options(t)))).toBe('SAVEPOINT_DIR_NOT_CONFIGURED');
  });

  it('a malformed job id is bad usage (exit 2), before any request', async () => {
    const t = cluster(() => undefined);
    const code = await codeOf(triggerSavepoint(APP, 'not-a-job', options(t)));
    expect(code).toBe('USAGE');
    expect(errorClassOf(code)).toBe('usage');
    expect(t.sent).toHaveLength(0);
  });

  it('an unknown job is FLINK_JOB_NOT_FOUND', async () => {
    const t = cluster(() => json({ errors: ['Job not found'] }, 404));
    expect(await codeOf(triggerSavepoint(APP, JOB, options(t)))).toBe('FLINK_JOB_NOT_FOUND');
  });
});

describe('stopJob', () => {
  it('POSTs /stop with targetDirectory and drain, then polls the savepoint', async () => {
    const t = cluster(savepointRoute([inProgress, completed('hdfs:///sp/savepoint-2')], '/stop'));
    expect(await stopJob(APP, JOB, options(t, { targetDirectory: 'hdfs:///sp', drain: true }))).toEqual({
      location: 'hdfs:///sp/savepoint-2',
    });
    const post = t.sent.find((r) => r.method === 'POST')!;
    expect(JSON.parse(post.body as string)).toEqual({ targetDirectory: 'hdfs:///sp', drain: true });
  });
});

describe('stopJob, when the application ends before the location is read', () => {
  it('fails at once, not at the deadline', async () => {
    const t = cluster((req) => {
      if (req.method === 'POST') return json({ 'request-id': 'trig-1' });
      t.end('SUCCEEDED');
      throw new TransportError('connect ECONNREFUSED', 'ECONNREFUSED');
    });
    const e = await errorOf(stopJob(APP, JOB, options(t)));
    expect(e.code).toBe('FLINK_REST_UNREACHABLE');
    expect(e.message).toContain('ended FINISHED/SUCCEEDED');
  });
});

describe('cancelJob', () => {
  function jobRoute(states: string[]): Route {
    let looks = 0;
    return (req) => {
      if (req.method === 'PATCH' && req.url === `${JM}/jobs/${JOB}?mode=cancel`)
        return { status: 202, headers: {}, body: '{}' };
      if (req.method === 'GET' && req.url === `${JM}/jobs/${JOB}/status`) {
        return json({ status: states[Math.min(looks++, states.length - 1)] });
      }
      return undefined;
    };
  }

  it('a JobManager without /jobs/:id/status (older Flink) is asked /jobs/:id instead', async () => {
    let looks = 0;
    const states = ['RUNNING', 'CANCELED'];
    const t = cluster((req) => {
      if (req.method === 'PATCH') return { status: 202, headers: {}, body: '{}' };
      if (req.url === `${JM}/jobs/${JOB}/status`) return json({ errors: [`Not found: /jobs/${JOB}/status`] }, 404);
      if (req.url === `${JM}/jobs/${JOB}`) return json({ jid: JOB, state: states[Math.min(looks++, 1)] });
      return undefined;
    });
    expect(await cancelJob(APP, JOB, options(t))).toEqual({ jobId: JOB, state: 'CANCELED' });
    expect(looks).toBe(2);
  });

  it('asks Flink to cancel and waits for CANCELED', async () => {
    const t = cluster(jobRoute(['RUNNING', 'CANCELLING', 'CANCELED']));
    expect(await cancelJob(APP, JOB, options(t))).toEqual({ jobId: JOB, state: 'CANCELED' });
    expect(t.sent.some((r) => r.method === 'PATCH')).toBe(true);
  });

  it('application mode: a JobManager gone with the application KILLED means CANCELED', async () => {
    let t: ReturnType<typeof cluster> | undefined = undefined;
    const route = jobRoute(['RUNNING', 'CANCELLING']);
    let looks = 0;
    t = cluster((req) => {
      if (req.method === 'GET' && looks++ >= 2) {
        t!.end('KILLED');
        throw new TransportError('connect ECONNREFUSED', 'ECONNREFUSED');
      }
      return route(req);
    });
    expect(await cancelJob(APP, JOB, options(t))).toEqual({ jobId: JOB, state: 'CANCELED' });
  });

  it('gives up at --timeout while the job is still CANCELLING', async () => {
    const t = cluster(jobRoute(['RUNNING', 'CANCELLING']));
    expect(await codeOf(cancelJob(APP, JOB, options(t, { timeoutMs: 3_000 })))).toBe('TIMEOUT');
  });

  it('a job that ended otherwise is no cancellation', async () => {
    const t = cluster(jobRoute(['FINISHED']));
    expect(await codeOf(cancelJob(APP, JOB, options(t)))).toBe('JOB_STATE_UNEXPECTED');
    expect(t.sent.some((r) => r.method === 'PATCH')).toBe(false);
  });
});
