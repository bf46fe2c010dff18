import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { writeSessionConfDir } from '../../src/operations/minicluster/index.js';
import { ResourceManagerClient } from '../../src/yarn/rm-client.js';
import { cli } from '../cli/run.js';
import { deployArgs, hdfsExists, user, waitFor } from './helpers.js';

// `flink-yarn run` into a running session (flink run -yid / -t yarn-session), JVM-free, and
// savepoint restore with -s in a session and in application mode.
const cluster = inject('minicluster');
const rm = new ResourceManagerClient({ endpoints: [cluster.rm], user });
const started: string[] = [];
const jar = join(cluster.flinkHome, 'examples', 'streaming', 'FlyWordCount.jar');
// The properties file goes to a directory of this file's own: other files deploy sessions too.
const propertiesDir = mkdtempSync(join(tmpdir(), 'flink-yarn-it-props-'));
const conf = writeSessionConfDir(cluster, mkdtempSync(join(tmpdir(), 'flink-yarn-it-session-jobs-')), [
  'state.savepoints.dir: hdfs:///flink/savepoints-session-jobs',
  `yarn.properties-file.location: ${propertiesDir}`,
]);
const connection = ['--flink-conf-dir', conf, '--yarn-conf-dir', cluster.confDir, '-o', 'json'];
// Options go first: everything after run's jar is the program's.
const flinkYarn = (...args: string[]) => cli([...connection, ...args], {}, 'flink-yarn', 240_000);
let session = '';
let restAddress = '';

interface RunResult {
  applicationId: string;
  jobId: string;
  state: string;
}

beforeAll(async () => {
  const r = cli(['session', ...deployArgs(conf), '-d', '-nm', 'it-session-jobs'], {}, 'flink-yarn', 300_000);
  expect(r.code, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { applicationId: string; restAddress: string };
  session = out.applicationId;
  restAddress = out.restAddress;
  started.push(session);
});

afterAll(async () => {
  for (const id of started) await rm.kill(id).catch(() => undefined);
  rmSync(propertiesDir, { recursive: true, force: true });
});

/** The jars the session's JobManager holds from web submissions. */
async function uploadedJars(): Promise<unknown[]> {
  return ((await (await fetch(`${restAddress}/jars`)).json()) as { files: unknown[] }).files;
}

/** How many times the job was restored from a savepoint or checkpoint, per its JobManager. */
async function restoredCount(rest: string, jobId: string): Promise<number> {
  const r = await fetch(`${rest}/jobs/${jobId}/checkpoints`);
  return ((await r.json()) as { counts: { restored: number } }).counts.restored;
}

/** A savepoint's location from `savepoint` or `stop`, which must succeed at the first call. */
function locationOf(...args: string[]): string {
  const r = flinkYarn(...args);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { location: string }).location;
}

/** Waits until `jobs` lists the job in `state`. */
async function jobShows(appId: string, jobId: string, state: string): Promise<boolean> {
  return waitFor(async () => {
    const r = flinkYarn('jobs', appId);
    if (r.code !== 0) return false;
    return (JSON.parse(r.stdout) as { id: string; state: string }[]).some((j) => j.id === jobId && j.state === state);
  }, 120_000);
}

describe('flink-yarn run into a running session, without a JVM', () => {
  it('a bounded job run with -t yarn-session alone (the session from the properties file) exits 0 and shows FINISHED', async () => {
    const r = flinkYarn('run', '-t', 'yarn-session', jar);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as RunResult;
    expect(Object.keys(out).sort()).toEqual(['applicationId', 'jobId', 'state']);
    expect(out).toMatchObject({ applicationId: session, state: 'FINISHED' });
    expect(r.stderr).toMatch(/from Flink's \.yarn-properties file/);
    expect(await jobShows(session, out.jobId, 'FINISHED')).toBe(true);
    // The upload is removed once the job is submitted: the JobManager's disk does not fill.
    expect(await uploadedJars()).toEqual([]);
  });

  it('a throwing job exits 1 with its root cause, as flink run does', () => {
    const r = flinkYarn('run', '-yid', session, jar, '--unbounded', '--fail-after', '3');
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as RunResult).state).toBe('FAILED');
    expect(r.stderr).toMatch(
      /ended FAILED: java\.lang\.IllegalStateException: FlyWordCount: failing on purpose after 3 \[JOB_FAILED\]/,
    );
  });

  it('a main method that throws before submitting: exit 1 with the cause, and the upload removed', async () => {
    const r = flinkYarn('run', '-yid', session, jar, '--no-such-argument');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown argument --no-such-argument/);
    expect(await uploadedJars()).toEqual([]);
  });

  it('a streaming job: savepoint, stop with a savepoint, resume with -s, cancel', async () => {
    const submitted = flinkYarn('run', '-yid', session, '-d', jar, '--unbounded', '--sleep-ms', '50');
    expect(submitted.code, submitted.stderr).toBe(0);
    const first = JSON.parse(submitted.stdout) as RunResult;
    expect(first.applicationId).toBe(session);
    expect(first.jobId).toMatch(/^[0-9a-f]{32}$/);
    expect(await jobShows(session, first.jobId, 'RUNNING')).toBe(true);

    // Right after -d the tasks may still deploy: savepoint asks again until they run (no retry here).
    const location = locationOf('savepoint', session, first.jobId, '--timeout', '120');
    expect(await hdfsExists(new URL(location).pathname)).toBe(true);

    const stopped = locationOf('stop', session, first.jobId);
    expect(await hdfsExists(new URL(stopped).pathname)).toBe(true);
    expect(await jobShows(session, first.jobId, 'FINISHED')).toBe(true);

    const resumed = flinkYarn('run', '-yid', session, '-d', '-s', stopped, jar, '--unbounded', '--sleep-ms', '50');
    expect(resumed.code, resumed.stderr).toBe(0);
    const second = JSON.parse(resumed.stdout) as RunResult;
    expect(second.jobId).not.toBe(first.jobId);
    expect(await jobShows(session, second.jobId, 'RUNNING')).toBe(true);
    expect(await restoredCount(restAddress, second.jobId)).toBe(1);

    const cancel = flinkYarn('cancel', session, second.jobId);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(JSON.parse(cancel.stdout)).toEqual({ jobId: second.jobId, state: 'CANCELED' });
    expect(await uploadedJars()).toEqual([]);
  });

  it('-s restores in application mode too (its own cluster)', async () => {
    const submitted = flinkYarn('run', '-yid', session, '-d', jar, '--unbounded', '--sleep-ms', '50');
    expect(submitted.code, submitted.stderr).toBe(0);
    const job = JSON.parse(submitted.stdout) as RunResult;
    expect(await jobShows(session, job.jobId, 'RUNNING')).toBe(true);
    const location = locationOf('stop', session, job.jobId, '--timeout', '120');

    const r = cli(
      [
        'run',
        ...deployArgs(conf),
        '-d',
        '-nm',
        'it-restore-app',
        '-s',
        location,
        jar,
        '--unbounded',
        '--sleep-ms',
        '50',
      ],
      {},
      'flink-yarn',
      300_000,
    );
    expect(r.code, r.stderr).toBe(0);
    const app = JSON.parse(r.stdout) as { applicationId: string; restAddress: string };
    started.push(app.applicationId);
    let jobId = '';
    expect(
      await waitFor(async () => {
        const j = flinkYarn('jobs', app.applicationId);
        if (j.code !== 0) return false;
        const running = (JSON.parse(j.stdout) as { id: string; state: string }[]).find((x) => x.state === 'RUNNING');
        jobId = running?.id ?? '';
        return running !== undefined;
      }, 180_000),
    ).toBe(true);
    expect(await restoredCount(app.restAddress, jobId)).toBe(1);
    await rm.kill(app.applicationId);
  });

  it('-t yarn-session without a session to name is bad usage (exit 2) that says how to name one', () => {
    const empty = mkdtempSync(join(tmpdir(), 'flink-yarn-it-noprops-'));
    const r = flinkYarn('run', '-t', 'yarn-session', '-D', `yarn.properties-file.location=${empty}`, jar);
    rmSync(empty, { recursive: true, force: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No session to submit into: give its application id \(-yid APPID/);
  });
});
