import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock, type Clock } from '../../../src/async/poll.js';
import { errorClassOf } from '../../../src/errors/index.js';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../../src/http/transport.js';
import { TransportError } from '../../../src/http/transport.js';
import {
  followSessionJob,
  jobFailed,
  submitToSession,
  type SessionJobEvent,
  type SessionJobOptions,
  type SubmittedJob,
} from '../../../src/operations/run/session-job.js';
import { renderYarnProperties } from '../../../src/session/properties-file.js';
import { json } from '../http/responses.js';

const APP = 'application_1700000000000_0042';
const JOB = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const JM = 'http://jm-host:41234';
const JAR_ID = '4f1b7c52-0c8e-4a55-b1c3-3e1e3c6e9b0a_job.jar';

const root = mkdtempSync(join(tmpdir(), 'session-job-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A Flink conf dir (its config.yaml sets nothing this cares about), a job jar, and a cwd. */
const flinkConfDir = join(root, 'conf');
mkdirSync(flinkConfDir);
writeFileSync(join(flinkConfDir, 'config.yaml'), 'parallelism.default: 1\n');
// A jar's bytes, with what would end a multipart part early if it were not sent as it is.
const JAR_BYTES = Buffer.concat([Buffer.from('PK\u0003\u0004\r\n--\r\n'), Buffer.from([0, 1, 2, 0xfe, 0xff])]);
const jar = join(root, 'job.jar');
writeFileSync(jar, JAR_BYTES);

let dirs = 0;
/** A new directory under the test's root. */
function dir(): string {
  const path = join(root, `d${dirs++}`);
  mkdirSync(path);
  return path;
}

interface Flink {
  /** The job's state, one per look (the last repeats). */
  states?: string[];
  /** What POST /jars/:id/run answers. */
  run?: () => HttpResponse;
  /** What GET /jobs/:id/exceptions answers. */
  exceptions?: unknown;
  /** What DELETE /jars/:id answers. */
  deleteJar?: () => HttpResponse;
  /** Called on each look at the job (GET /jobs/:id), before it answers; it may throw, or end the session. */
  onLook?: (look: number, session: { end(finalStatus: string): void }) => void;
  /** Called once the upload's body is read. */
  onUpload?: () => void;
}

interface Uploaded {
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * An RM at http://rm1:8088 with one application (RUNNING, its JobManager's REST address as the AM
 * RPC address until it ends) and that JobManager's web submission and job routes.
 */
function cluster(flink: Flink = {}, state = 'RUNNING') {
  const sent: HttpRequest[] = [];
  const uploads: Uploaded[] = [];
  let finalStatus = 'UNDEFINED';
  let looks = 0;
  const states = flink.states ?? ['RUNNING'];
  const session = {
    /** The application ends: its JobManager no longer answers. */
    end(status: string) {
      state = status === 'KILLED' ? 'KILLED' : 'FINISHED';
      finalStatus = status;
    },
  };
  const transport: HttpTransport = {
    async request(req) {
      sent.push(req);
      if (req.url.startsWith('http://rm1:8088')) {
        if (new URL(req.url).pathname !== `/ws/v1/cluster/apps/${APP}`) return json({}, 404);
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
      if (req.method === 'POST' && req.url === `${JM}/jars/upload`) {
        expect(req.body).toBeInstanceOf(Readable);
        const chunks: Buffer[] = [];
        for await (const chunk of req.body as Readable) chunks.push(Buffer.from(chunk as Uint8Array));
        uploads.push({ body: Buffer.concat(chunks), headers: req.headers ?? {} });
        flink.onUpload?.();
        return json({ filename: `/tmp/flink-web-x/flink-web-upload/${JAR_ID}`, status: 'success' });
      }
      if (req.method === 'POST' && req.url === `${JM}/jars/${JAR_ID}/run`) return flink.run?.() ?? json({ jobid: JOB });
      if (req.method === 'DELETE' && req.url === `${JM}/jars/${JAR_ID}`) return flink.deleteJar?.() ?? json({});
      if (req.method === 'GET' && req.url === `${JM}/jobs/${JOB}/status`) {
        const look = looks++;
        flink.onLook?.(look, session);
        return json({ status: states[Math.min(look, states.length - 1)] });
      }
      if (req.method === 'GET' && req.url === `${JM}/jobs/${JOB}/exceptions?maxExceptions=1`)
        return json(flink.exceptions ?? {});
      if (req.method === 'PATCH' && req.url === `${JM}/jobs/${JOB}?mode=cancel`)
        return { status: 202, headers: {}, body: '' };
      throw new Error(`unexpected ${req.method} ${req.url}`);
    },
  };
  return {
    transport,
    sent,
    uploads,
    /** The Flink requests, as `METHOD path`. */
    flinkCalls: () => sent.filter((r) => r.url.startsWith(JM)).map((r) => `${r.method} ${r.url.slice(JM.length)}`),
  };
}

/** manualClock, but a wait that never ends fails the test instead of hanging it. */
function boundedClock(): Clock {
  const clock = manualClock(1_000_000);
  let pauses = 0;
  return {
    now: clock.now,
    sleep: async (ms) => {
      if (++pauses > 1_000) throw new Error('still waiting after 1000 pauses');
      return clock.sleep(ms);
    },
  };
}

const options = (
  transport: HttpTransport,
  extra: Partial<SessionJobOptions> = {},
): SessionJobOptions & { events: SessionJobEvent[] } => {
  const events: SessionJobEvent[] = [];
  return {
    events,
    rm: 'http://rm1:8088',
    user: 'alice',
    env: {},
    cwd: root,
    flinkConfDir,
    transport,
    clock: boundedClock(),
    applicationId: APP,
    program: { jar: 'job.jar' },
    onEvent: (e) => events.push(e),
    ...extra,
  };
};

/** The error a promise rejects with (a failure when it resolves). */
async function errorOf(p: Promise<unknown>): Promise<Error & { code?: string }> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (x: unknown) => x as Error & { code?: string },
  );
}

/** A properties directory holding Flink's .yarn-properties-alice with `text`. */
function propertiesDir(text: string): string {
  const d = dir();
  writeFileSync(join(d, '.yarn-properties-alice'), text);
  return d;
}

const runBody = (t: ReturnType<typeof cluster>): Record<string, unknown> =>
  JSON.parse(t.sent.find((r) => r.url === `${JM}/jars/${JAR_ID}/run`)!.body as string) as Record<string, unknown>;

describe('submitToSession: the jar uploaded, run and removed again', () => {
  it('uploads the jar as multipart, runs it with the program options, then deletes the upload', async () => {
    const t = cluster({ states: ['INITIALIZING'] });
    const o = options(t.transport, {
      dynamicProperties: {
        'yarn.application.id': 'application_1_9',
        'execution.target': 'yarn-session',
        'pipeline.name': 'nightly',
        'state.checkpoints.dir': 'hdfs:///cp',
      },
      program: {
        jar: 'job.jar',
        mainClass: 'org.example.Main',
        args: ['--input', 'a b', '', '-D', 'x=y'],
        parallelism: 4,
        restore: { path: 'hdfs:///sp/savepoint-1', allowNonRestoredState: true, claimMode: 'claim' },
        classpaths: ['file:///opt/a.jar', 'http://repo/b.jar'],
      },
    });
    const job = await submitToSession(o);
    expect(job).toMatchObject({ applicationId: APP, jobId: JOB, state: 'INITIALIZING', restAddress: JM });
    expect(t.flinkCalls()).toEqual([
      'POST /jars/upload',
      `POST /jars/${JAR_ID}/run`,
      `DELETE /jars/${JAR_ID}`,
      `GET /jobs/${JOB}/status`,
    ]);

    // The upload: one part named jarfile, the jar's exact bytes, its length declared.
    const [upload] = t.uploads;
    expect(upload!.headers['content-length']).toBe(String(upload!.body.length));
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(upload!.headers['content-type']!)![1]!;
    expect(upload!.body.toString('latin1')).toContain('name="jarfile"; filename="job.jar"');
    const start = upload!.body.indexOf('\r\n\r\n') + 4;
    const end = upload!.body.lastIndexOf(`\r\n--${boundary}--\r\n`);
    expect(upload!.body.subarray(start, end).equals(JAR_BYTES)).toBe(true);

    // The run: the program options, and the -D keys that are the job's (not the session's choice).
    expect(runBody(t)).toEqual({
      entryClass: 'org.example.Main',
      programArgsList: ['--input', 'a b', '', '-D', 'x=y'],
      parallelism: 4,
      savepointPath: 'hdfs:///sp/savepoint-1',
      allowNonRestoredState: true,
      claimMode: 'CLAIM',
      flinkConfiguration: {
        'pipeline.name': 'nightly',
        'state.checkpoints.dir': 'hdfs:///cp',
        'pipeline.classpaths': 'file:///opt/a.jar;http://repo/b.jar',
      },
    });

    expect(o.events.map((e) => e.kind)).toEqual(['session', 'uploaded', 'cleanup', 'submitted']);
    expect(o.events[0]).toEqual({ kind: 'session', applicationId: APP, from: 'flag', restAddress: JM });
    expect(o.events[1]).toMatchObject({ kind: 'uploaded', jarId: JAR_ID, bytes: JAR_BYTES.length });
    expect(o.events[2]).toEqual({ kind: 'cleanup', detail: `removed the uploaded jar ${JAR_ID} from the JobManager` });
    expect(o.events[3]).toEqual({ kind: 'submitted', jobId: JOB });
  });

  it('sends only what is given: no savepoint, no configuration', async () => {
    const t = cluster();
    await submitToSession(options(t.transport));
    expect(runBody(t)).toEqual({ programArgsList: [] });
  });

  it('names an upload without .jar so that Flink keeps it', async () => {
    writeFileSync(join(root, 'job-without-extension'), JAR_BYTES);
    const t = cluster();
    await submitToSession(options(t.transport, { program: { jar: 'job-without-extension' } }));
    expect(t.uploads[0]!.body.toString('latin1')).toContain('filename="job-without-extension.jar"');
  });

  it("a failing main method: the root cause of Flink's error, and the upload is still removed", async () => {
    const trace = [
      'org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.',
      '\tat org.apache.flink.runtime.webmonitor.handlers.JarRunHandler.lambda$handleRequest$1(JarRunHandler.java:114)',
      'Caused by: org.apache.flink.client.program.ProgramInvocationException: The main method caused an error: bad input',
      '\tat org.apache.flink.client.program.PackagedProgram.callMainMethod(PackagedProgram.java:373)',
      'Caused by: java.lang.IllegalArgumentException: --input is required',
      '\tat org.example.Main.main(Main.java:12)',
    ].join('\n');
    const t = cluster({
      run: () =>
        json(
          {
            errors: [
              'Internal server error.',
              `<Exception on server side:\n${trace}\n\nEnd of exception on server side>`,
            ],
          },
          500,
        ),
    });
    const o = options(t.transport);
    const e = await errorOf(submitToSession(o));
    expect(e.code).toBe('FLINK_REST_ERROR');
    expect(e.message).toContain('java.lang.IllegalArgumentException: --input is required');
    expect(t.flinkCalls()).toEqual(['POST /jars/upload', `POST /jars/${JAR_ID}/run`, `DELETE /jars/${JAR_ID}`]);
    expect(o.events.map((x) => x.kind)).toEqual(['session', 'uploaded', 'cleanup']);
  });

  it('a 400 from /run with a chained stack trace: the message carries the root cause', async () => {
    const t = cluster({
      run: () =>
        json(
          {
            errors: [
              'org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.\n\tat x\nCaused by: java.lang.ClassNotFoundException: org.example.Missing\n\tat y',
            ],
          },
          400,
        ),
    });
    const e = await errorOf(submitToSession(options(t.transport)));
    expect(e.message).toMatch(/HTTP 400/);
    expect(e.message).toContain('Could not execute application.');
    expect(e.message).toContain('caused by java.lang.ClassNotFoundException: org.example.Missing');
    expect(t.flinkCalls()).toContain(`DELETE /jars/${JAR_ID}`);
  });

  it('a removal that fails is reported, and the job is still submitted', async () => {
    const t = cluster({ deleteJar: () => json({ errors: ['File does not exist'] }, 404) });
    const o = options(t.transport);
    expect((await submitToSession(o)).jobId).toBe(JOB);
    const cleanup = o.events.find((e) => e.kind === 'cleanup');
    expect(cleanup).toMatchObject({ kind: 'cleanup' });
    expect((cleanup as { detail: string }).detail).toMatch(/^could not remove the uploaded jar .*File does not exist/);
  });

  it('interrupted after the upload: nothing is run, the upload is removed', async () => {
    const abort = new AbortController();
    const t = cluster({ onUpload: () => abort.abort() });
    const e = await errorOf(submitToSession(options(t.transport, { signal: abort.signal })));
    expect(e.code).toBe('INTERRUPTED');
    expect(t.flinkCalls()).toEqual(['POST /jars/upload', `DELETE /jars/${JAR_ID}`]);
  });

  it('interrupted before the upload: nothing is sent to the JobManager', async () => {
    const abort = new AbortController();
    abort.abort();
    const t = cluster();
    expect((await errorOf(submitToSession(options(t.transport, { signal: abort.signal })))).code).toBe('INTERRUPTED');
    expect(t.flinkCalls()).toEqual([]);
  });

  it('a session that is not RUNNING: APPLICATION_NOT_RUNNING, nothing uploaded', async () => {
    const t = cluster({}, 'ACCEPTED');
    const e = await errorOf(submitToSession(options(t.transport)));
    expect(e.code).toBe('APPLICATION_NOT_RUNNING');
    expect(errorClassOf(e.code!)).toBe('failure');
    expect(t.flinkCalls()).toEqual([]);
  });

  it('a jar that does not exist, or is a directory, is bad usage before anything is sent', async () => {
    mkdirSync(join(root, 'dir.jar'));
    for (const [path, message] of [
      ['missing.jar', /The job jar .*missing\.jar does not exist\./],
      ['dir.jar', /The job jar .*dir\.jar is not a file\./],
    ] as const) {
      const t = cluster();
      const e = await errorOf(submitToSession(options(t.transport, { program: { jar: path } })));
      expect(e.code, path).toBe('USAGE');
      expect(e.message).toMatch(message);
      expect(t.sent).toEqual([]);
    }
  });

  it('a malformed -yid is bad usage before anything is sent', async () => {
    const t = cluster();
    const e = await errorOf(submitToSession(options(t.transport, { applicationId: 'application_1_x/../..' })));
    expect(e.code).toBe('USAGE');
    expect(t.sent).toEqual([]);
  });
});

describe('submitToSession: which session', () => {
  it('without -yid, yarn.application.id from -D', async () => {
    const t = cluster();
    const o = options(t.transport, {
      applicationId: undefined,
      dynamicProperties: { 'yarn.application.id': ` ${APP} `, 'pipeline.name': 'x' },
    });
    expect((await submitToSession(o)).applicationId).toBe(APP);
    expect(o.events[0]).toMatchObject({ kind: 'session', applicationId: APP, from: 'configuration' });
    expect(runBody(t).flinkConfiguration).toEqual({ 'pipeline.name': 'x' });
  });

  it('-yid wins over yarn.application.id', async () => {
    const t = cluster();
    const o = options(t.transport, { dynamicProperties: { 'yarn.application.id': 'application_1_1' } });
    expect((await submitToSession(o)).applicationId).toBe(APP);
    expect(o.events[0]).toMatchObject({ from: 'flag' });
  });

  it("else Flink's .yarn-properties-<user> in yarn.properties-file.location", async () => {
    const location = propertiesDir(
      renderYarnProperties(
        { applicationId: APP, dynamicProperties: { 'yarn.application.name': 'a=b:c' } },
        new Date(0),
      ),
    );
    const t = cluster();
    const o = options(t.transport, {
      applicationId: undefined,
      dynamicProperties: { 'yarn.properties-file.location': location },
    });
    expect((await submitToSession(o)).applicationId).toBe(APP);
    expect(o.events[0]).toMatchObject({ kind: 'session', applicationId: APP, from: 'properties-file' });
    // Where the file is says which session; it is not the job's configuration.
    expect(runBody(t)).not.toHaveProperty('flinkConfiguration');
  });

  it('reads the file as java.util.Properties does (continuations, escapes, comments)', async () => {
    const location = propertiesDir(
      `# written by hand\n! another comment\n  applicationID = application_1700000000000_\\\n      0042\ndynamicPropertiesString=\n`,
    );
    const t = cluster();
    const o = options(t.transport, {
      applicationId: undefined,
      dynamicProperties: { 'yarn.properties-file.location': location },
    });
    expect((await submitToSession(o)).applicationId).toBe(APP);
  });

  it('none at all: NO_SESSION (exit 2), naming the file it looked for, before anything is sent', async () => {
    const location = dir();
    const t = cluster();
    const e = await errorOf(
      submitToSession(
        options(t.transport, {
          applicationId: undefined,
          dynamicProperties: { 'yarn.properties-file.location': location },
        }),
      ),
    );
    expect(e.code).toBe('NO_SESSION');
    expect(errorClassOf(e.code!)).toBe('usage');
    expect(e.message).toContain(join(location, '.yarn-properties-alice'));
    expect(e.message).toContain('-yid APPID');
    expect(t.sent).toEqual([]);
  });

  it("a properties file for another user is not this user's session", async () => {
    const location = dir();
    writeFileSync(join(location, '.yarn-properties-bob'), `applicationID=${APP}\n`);
    const t = cluster();
    const e = await errorOf(
      submitToSession(
        options(t.transport, {
          applicationId: undefined,
          dynamicProperties: { 'yarn.properties-file.location': location },
        }),
      ),
    );
    expect(e.code).toBe('NO_SESSION');
  });

  it('a properties file that is a directory: NO_SESSION, saying so', async () => {
    const location = dir();
    mkdirSync(join(location, '.yarn-properties-alice'));
    const t = cluster();
    const e = await errorOf(
      submitToSession(
        options(t.transport, {
          applicationId: undefined,
          dynamicProperties: { 'yarn.properties-file.location': location },
        }),
      ),
    );
    expect(e.code).toBe('NO_SESSION');
    expect(e.message).toContain('is a directory');
    expect(t.sent).toEqual([]);
  });

  it('a properties file that is a FIFO: NO_SESSION at once, without blocking on it', async (ctx) => {
    const location = dir();
    try {
      execFileSync('mkfifo', [join(location, '.yarn-properties-alice')], { stdio: 'ignore' });
    } catch {
      ctx.skip();
    }
    const t = cluster();
    const e = await errorOf(
      submitToSession(
        options(t.transport, {
          applicationId: undefined,
          dynamicProperties: { 'yarn.properties-file.location': location },
        }),
      ),
    );
    expect(e.code).toBe('NO_SESSION');
    expect(e.message).toContain('named pipe');
    expect(t.sent).toEqual([]);
  }, 2_000);

  it('a file without an applicationID line: NO_SESSION', async () => {
    const location = propertiesDir('#Generated YARN properties file\ndynamicPropertiesString=\n');
    const t = cluster();
    const e = await errorOf(
      submitToSession(
        options(t.transport, {
          applicationId: undefined,
          dynamicProperties: { 'yarn.properties-file.location': location },
        }),
      ),
    );
    expect(e.code).toBe('NO_SESSION');
    expect(e.message).toMatch(/no applicationID line/);
  });

  it('a malformed applicationID in the file is bad usage, and nothing is sent', async () => {
    const location = propertiesDir('applicationID=application_1_x/../../etc\n');
    const t = cluster();
    const e = await errorOf(
      submitToSession(
        options(t.transport, {
          applicationId: undefined,
          dynamicProperties: { 'yarn.properties-file.location': location },
        }),
      ),
    );
    expect(errorClassOf(e.code!)).toBe('usage');
    expect(e.message).toContain("'application_1_x/../../etc' is not a YARN application id");
    expect(t.sent).toEqual([]);
  });
});

describe('followSessionJob: the job to its end', () => {
  /** Submits into the fake session; the job is INITIALIZING then, and `states` at each later look. */
  async function submitted(flink: Flink): Promise<{ t: ReturnType<typeof cluster>; job: SubmittedJob }> {
    const states = flink.states ?? ['RUNNING'];
    const t = cluster({ ...flink, states: ['INITIALIZING', ...states] });
    const job = await submitToSession(options(t.transport));
    expect(job.state).toBe('INITIALIZING');
    return { t, job };
  }

  const follow = (job: SubmittedJob, interrupt?: Promise<'cancel' | 'detach'>) => {
    const events: SessionJobEvent[] = [];
    const outcome = followSessionJob(job, { onEvent: (e) => events.push(e), ...(interrupt ? { interrupt } : {}) });
    return { outcome, events };
  };

  it('RUNNING then FINISHED: ended FINISHED, no cause, one event per state', async () => {
    const { t, job } = await submitted({ states: ['RUNNING', 'RUNNING', 'RUNNING', 'FINISHED'] });
    const { outcome, events } = follow(job);
    expect(await outcome).toEqual({ kind: 'ended', applicationId: APP, jobId: JOB, state: 'FINISHED', cause: null });
    expect(events).toEqual([
      { kind: 'job', jobId: JOB, state: 'RUNNING' },
      { kind: 'job', jobId: JOB, state: 'FINISHED' },
    ]);
    // One look at submission, four while following; no cancel, no exceptions asked for.
    expect(t.flinkCalls().filter((c) => c === `GET /jobs/${JOB}/status`)).toHaveLength(5);
    expect(t.flinkCalls().some((c) => c.startsWith('PATCH') || c.includes('/exceptions'))).toBe(false);
  });

  it("FAILED: the root cause from the job's exceptions, and jobFailed makes it exit 1", async () => {
    const { job } = await submitted({
      states: ['RUNNING', 'FAILED'],
      exceptions: {
        'root-exception':
          'org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy\n\tat a\nCaused by: java.lang.IllegalStateException: failing on purpose after 5\n\tat b',
        exceptionHistory: { entries: [] },
      },
    });
    const outcome = await follow(job).outcome;
    expect(outcome).toEqual({
      kind: 'ended',
      applicationId: APP,
      jobId: JOB,
      state: 'FAILED',
      cause: 'java.lang.IllegalStateException: failing on purpose after 5',
    });
    const error = jobFailed(outcome);
    expect(error.code).toBe('JOB_FAILED');
    expect(errorClassOf(error.code)).toBe('failure');
    expect(error.message).toBe(
      `Job ${JOB} in ${APP} ended FAILED: java.lang.IllegalStateException: failing on purpose after 5`,
    );
  });

  it('FAILED with no exception kept: no cause, and jobFailed says only the state', async () => {
    const { job } = await submitted({ states: ['FAILED'], exceptions: {} });
    const outcome = await follow(job).outcome;
    expect(outcome).toMatchObject({ state: 'FAILED', cause: null });
    expect(jobFailed(outcome).message).toBe(`Job ${JOB} in ${APP} ended FAILED`);
  });

  it('Ctrl-C, cancel: PATCH ?mode=cancel once, then CANCELED with no cause', async () => {
    let decide: (how: 'cancel' | 'detach') => void = () => undefined;
    const interrupt = new Promise<'cancel' | 'detach'>((resolve) => (decide = resolve));
    // The user answers while the job runs (the 2nd look while following).
    const { t, job } = await submitted({
      states: ['RUNNING', 'RUNNING', 'RUNNING', 'CANCELLING', 'CANCELED'],
      onLook: (look) => {
        if (look === 2) decide('cancel');
      },
    });
    const { outcome, events } = follow(job, interrupt);
    expect(await outcome).toEqual({ kind: 'ended', applicationId: APP, jobId: JOB, state: 'CANCELED', cause: null });
    const calls = t.flinkCalls();
    expect(calls.filter((c) => c.startsWith('PATCH'))).toEqual([`PATCH /jobs/${JOB}?mode=cancel`]);
    // Sent right after the look during which the user decided (the 3rd look at the job).
    const looks = calls.flatMap((c, i) => (c === `GET /jobs/${JOB}/status` ? [i] : []));
    expect(calls.indexOf(`PATCH /jobs/${JOB}?mode=cancel`)).toBe(looks[2]! + 1);
    expect(events.map((e) => (e.kind === 'job' ? e.state : e.kind))).toEqual([
      'RUNNING',
      'cancelling',
      'CANCELLING',
      'CANCELED',
    ]);
  });

  it('a job cancelled by someone else: CANCELED, with that as the cause', async () => {
    const { job } = await submitted({ states: ['RUNNING', 'CANCELED'] });
    expect(jobFailed(await follow(job).outcome).message).toBe(
      `Job ${JOB} in ${APP} ended CANCELED: the job was cancelled`,
    );
  });

  it('Ctrl-C, detach: the job is left running, nothing is cancelled', async () => {
    const { t, job } = await submitted({ states: ['RUNNING'] });
    const { outcome } = follow(job, Promise.resolve('detach'));
    expect(await outcome).toEqual({ kind: 'detached', applicationId: APP, jobId: JOB, state: 'RUNNING', cause: null });
    expect(t.flinkCalls().some((c) => c.startsWith('PATCH'))).toBe(false);
  });

  it("the JobManager gone with the session FINISHED: ended, naming the session's end", async () => {
    const { job } = await submitted({
      states: ['RUNNING'],
      onLook: (look, session) => {
        if (look >= 3) {
          session.end('SUCCEEDED');
          throw new TransportError('connect ECONNREFUSED', 'ECONNREFUSED');
        }
      },
    });
    const outcome = await follow(job).outcome;
    expect(outcome).toEqual({
      kind: 'ended',
      applicationId: APP,
      jobId: JOB,
      state: 'session FINISHED',
      cause: `the session ${APP} ended FINISHED/SUCCEEDED while the job was RUNNING`,
    });
    expect(jobFailed(outcome).message).toContain(`the session ${APP} ended FINISHED/SUCCEEDED`);
  });

  it('the JobManager not answering while the session still RUNS: it keeps looking', async () => {
    const { t, job } = await submitted({
      states: ['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'FINISHED'],
      // A JobManager failing over: the 2nd to 4th looks while following get no answer.
      onLook: (look) => {
        if (look >= 2 && look <= 4) throw new TransportError('connect ECONNREFUSED', 'ECONNREFUSED');
      },
    });
    const rmLooks = () => t.sent.filter((r) => r.url.startsWith('http://rm1:8088')).length;
    const before = rmLooks();
    expect(await follow(job).outcome).toMatchObject({ kind: 'ended', state: 'FINISHED', cause: null });
    // Each unanswered look asked the RM whether the session ended.
    expect(rmLooks() - before).toBe(3);
  });
});
