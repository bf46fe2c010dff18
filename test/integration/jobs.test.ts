import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { writeSessionConfDir } from '../../src/operations/minicluster/index.js';
import { ResourceManagerClient } from '../../src/yarn/rm-client.js';
import { cli } from '../cli/run.js';
import { deployArgs, hdfsExists, user, waitFor } from './helpers.js';

const cluster = inject('minicluster');
const rm = new ResourceManagerClient({ endpoints: [cluster.rm], user });
const started: string[] = [];
const jar = join(cluster.flinkHome, 'examples', 'streaming', 'FlyWordCount.jar');
const conf = writeSessionConfDir(cluster, mkdtempSync(join(tmpdir(), 'flink-yarn-it-jobs-')), [
  'state.savepoints.dir: hdfs:///flink/savepoints',
]);
const connection = ['--yarn-conf-dir', cluster.confDir, '-o', 'json'];
const flinkYarn = (...args: string[]) => cli([...args, ...connection], {}, 'flink-yarn', 180_000);

afterAll(async () => {
  for (const id of started) await rm.kill(id).catch(() => undefined);
});

/** Starts an unbounded FlyWordCount in application mode (-d) and waits until `jobs` shows it RUNNING. */
async function startJob(name: string): Promise<{ appId: string; jobId: string }> {
  const r = cli(
    ['run', ...deployArgs(conf), '-d', '-nm', name, jar, '--unbounded', '--sleep-ms', '50'],
    {},
    'flink-yarn',
    240_000,
  );
  expect(r.code, r.stderr).toBe(0);
  const appId = (JSON.parse(r.stdout) as { applicationId: string }).applicationId;
  started.push(appId);
  let jobId = '';
  const running = await waitFor(async () => {
    const j = flinkYarn('jobs', appId);
    if (j.code !== 0) return false;
    const jobs = JSON.parse(j.stdout) as {
      id: string;
      name: string;
      state: string;
      startTime: number;
      durationMs: number;
    }[];
    const job = jobs.find((x) => x.state === 'RUNNING');
    if (job === undefined) return false;
    expect(Object.keys(job).sort()).toEqual(['durationMs', 'id', 'name', 'startTime', 'state']);
    jobId = job.id;
    return true;
  }, 180_000);
  expect(running).toBe(true);
  return { appId, jobId };
}

describe('flink-yarn jobs / savepoint / stop / cancel on the real cluster', () => {
  it('lists the job, takes a savepoint into state.savepoints.dir, then stops with a savepoint', async () => {
    const { appId, jobId } = await startJob('it-jobs-savepoint');
    expect(jobId).toMatch(/^[0-9a-f]{32}$/);

    // Tasks must be RUNNING for a savepoint; Flink answers a failure cause until then, so retry a few times.
    let location = '';
    expect(
      await waitFor(
        async () => {
          const s = flinkYarn('savepoint', appId, jobId, '--timeout', '120');
          if (s.code !== 0) return false;
          location = (JSON.parse(s.stdout) as { location: string }).location;
          return true;
        },
        120_000,
        2_000,
      ),
    ).toBe(true);
    expect(location).toMatch(/\/flink\/savepoints\/savepoint-/);
    expect(await hdfsExists(new URL(location).pathname)).toBe(true);

    const stop = flinkYarn('stop', appId, jobId, '--savepoint-dir', 'hdfs:///flink/savepoints-stop');
    expect(stop.code, stop.stderr).toBe(0);
    const stopped = (JSON.parse(stop.stdout) as { location: string }).location;
    expect(stopped).toMatch(/\/flink\/savepoints-stop\/savepoint-/);
    expect(await hdfsExists(new URL(stopped).pathname)).toBe(true);
    expect(await waitFor(async () => (await rm.app(appId)).state !== 'RUNNING', 120_000)).toBe(true);

    // Ended: no JobManager to ask, one line, exit 1.
    const after = flinkYarn('jobs', appId);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/not RUNNING/);
  });

  it('cancels a job: Flink says CANCELED', async () => {
    const { appId, jobId } = await startJob('it-jobs-cancel');
    const r = flinkYarn('cancel', appId, jobId);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ jobId, state: 'CANCELED' });
  });

  it('a malformed job id is bad usage (exit 2)', () => {
    const r = flinkYarn('cancel', 'application_1_0001', 'nope');
    expect(r.code).toBe(2);
  });
});
