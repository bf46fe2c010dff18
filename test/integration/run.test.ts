import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { writeSessionConfDir } from '../../src/operations/minicluster/index.js';
import { ResourceManagerClient } from '../../src/yarn/rm-client.js';
import { cli, ROOT } from '../cli/run.js';
import { deployArgs, hdfsExists, killCurrentJobManager, home, live, user, waitFor } from './helpers.js';

const cluster = inject('minicluster');
const rm = new ResourceManagerClient({ endpoints: [cluster.rm], user });
const started: string[] = [];
/** Our own word count (test/cluster/flink-dist): bounded by default; --unbounded, --fail-after N. */
const jar = join(cluster.flinkHome, 'examples', 'streaming', 'FlyWordCount.jar');
const conf = writeSessionConfDir(cluster, mkdtempSync(join(tmpdir(), 'flink-yarn-it-run-')));
const common = deployArgs(conf);
const run = (...args: string[]) => cli(['run', ...common, ...args], {}, 'flink-yarn', 240_000);

afterAll(async () => {
  for (const id of started) await rm.kill(id).catch(() => undefined);
});

describe('flink-yarn run: one job, its own cluster (application mode), on the real cluster', () => {
  it('runs a bounded job to FINISHED/SUCCEEDED and exits 0; Flink removes the staging directory', async () => {
    const r = run('-nm', 'it-run-ok', jar);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    started.push(out.applicationId);
    expect(out.program).toMatchObject({ entrypoint: 'application', jar });
    const app = await rm.app(out.applicationId);
    expect([app.state, app.finalStatus]).toEqual(['FINISHED', 'SUCCEEDED']);
    expect(out.outcome).toMatchObject({ kind: 'ended', finalStatus: 'SUCCEEDED' });
    expect(r.stderr).toMatch(/job [0-9a-f]{32} \(FlyWordCount\) RUNNING/);
    expect(await hdfsExists(`${await home()}/.flink/${out.applicationId}`)).toBe(false);
  });

  it('exits 1 with the cause when the job throws, and YARN says FAILED', async () => {
    const r = run('-nm', 'it-run-fail', jar, '--unbounded', '--fail-after', '5');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    started.push(out.applicationId);
    expect((await rm.app(out.applicationId)).finalStatus).toBe('FAILED');
    expect(out.outcome.cause).toMatch(/IllegalStateException: FlyWordCount: failing on purpose after 5/);
    expect(r.stderr).toMatch(
      /ended FINISHED\/FAILED: java.lang.IllegalStateException: FlyWordCount: failing on purpose/,
    );
    expect(out.outcome.logs).toMatch(/containerlogs\/container_/);
  });

  it('runs a serialized JobGraph on the legacy per-job entrypoint (--job-graph) to SUCCEEDED', async () => {
    // The JobGraph a Flink 1.x user would have: built and serialized by Flink's own client.
    const graph = join(mkdtempSync(join(tmpdir(), 'flink-yarn-it-graph-')), 'fly.graph');
    const jobId = execFileSync(
      'java',
      [
        '-cp',
        join(cluster.flinkHome, 'lib', '*'),
        join(import.meta.dirname, 'fixtures', 'WriteJobGraph.java'),
        jar,
        graph,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    )
      .trim()
      .split('\n')
      .at(-1)!;
    expect(jobId).toMatch(/^[0-9a-f]{32}$/);
    const r = run('-nm', 'it-run-per-job', '--job-graph', graph, jar);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    started.push(out.applicationId);
    expect(out.program.entrypoint).toBe('job');
    expect(out.submission['am-container-spec'].commands.command).toContain('YarnJobClusterEntrypoint');
    const app = await rm.app(out.applicationId);
    expect([app.state, app.finalStatus]).toEqual(['FINISHED', 'SUCCEEDED']);
  });

  it('keeps the job id across AM attempts with HA: a restarted JobManager recovers the same job', async () => {
    const r = run('-d', '-nm', 'it-run-ha', jar, '--unbounded', '--sleep-ms', '50');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const id = out.applicationId as string;
    started.push(id);
    const jobId = out.program.jobId as string;
    expect(jobId).toMatch(/^[0-9a-f]{16}0{16}$/);
    // A JobManager that is still electing its leader answers with {"errors": [...]} instead.
    const jobsAt = async (rest: string) =>
      ((await (await fetch(`${rest}/jobs/overview`)).json()) as { jobs?: { jid: string; state: string }[] }).jobs ?? [];
    expect(await waitFor(async () => (await jobsAt(out.restAddress)).some((j) => j.jid === jobId))).toBe(true);

    await killCurrentJobManager(rm, id);

    // YARN starts attempt 2, whose JobManager answers on a new address with the same job.
    let rest = '';
    const recovered = await waitFor(async () => {
      const attempts = await rm.appAttempts(id);
      const app = await rm.app(id);
      if (attempts.length !== 2 || app.state !== 'RUNNING' || !app.amRPCAddress) return false;
      rest = `http://${app.amRPCAddress}`;
      if (rest === out.restAddress) return false;
      const jobs = await jobsAt(rest).catch(() => []);
      return jobs.some((j) => j.jid === jobId && j.state === 'RUNNING');
    }, 180_000);
    expect(recovered).toBe(true);
    expect((await jobsAt(rest)).map((j) => j.jid)).toEqual([jobId]);
  });

  it('Ctrl-C without a terminal leaves the job running (exit 130); -sae (--shutdownOnAttachedExit) cancels it', async () => {
    const kept = live(['run', ...common.slice(0, -2), '-nm', 'it-run-detach', jar, '--unbounded']);
    const [, keptId] = await kept.waitFor(/application id (application_\d+_\d+)/);
    started.push(keptId!);
    await kept.waitFor(/job [0-9a-f]{32} .* RUNNING/, 180_000);
    kept.child.kill('SIGINT');
    expect(await kept.exit).toBe(130);
    expect(kept.output().stdout).toMatch(/Detached from .* still RUNNING/);
    expect((await rm.app(keptId!)).state).toBe('RUNNING');

    const cancelled = live(['run', ...common.slice(0, -2), '-sae', '-nm', 'it-run-cancel', jar, '--unbounded']);
    const [, cancelId] = await cancelled.waitFor(/application id (application_\d+_\d+)/);
    started.push(cancelId!);
    await cancelled.waitFor(/job [0-9a-f]{32} .* RUNNING/, 180_000);
    cancelled.child.kill('SIGINT');
    expect(await cancelled.exit).toBe(130);
    expect(cancelled.output().stderr).toMatch(/cancelling the job/);
    const app = await rm.app(cancelId!);
    expect(app.state === 'KILLED' || app.finalStatus === 'KILLED').toBe(true);
  });

  it('Ctrl-C on a terminal asks whether to cancel, and cancels on yes', async () => {
    // script(1) gives the command a terminal; Ctrl-C is typed into it, as a user would.
    const quote = (a: string) => `'${a.replace(/'/g, "'\\''")}'`;
    const command = [process.execPath, join(ROOT, 'bin', 'flink-yarn.cjs'), 'run', ...common.slice(0, -2)]
      .concat(['-nm', 'it-run-tty', jar, '--unbounded'])
      .map(quote)
      .join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const seen = (pattern: RegExp) => waitFor(async () => pattern.test(output), 180_000);
    expect(await seen(/application id application_\d+_\d+/)).toBe(true);
    const id = /application id (application_\d+_\d+)/.exec(output)![1]!;
    started.push(id);
    expect(await seen(/job [0-9a-f]{32} .* RUNNING/)).toBe(true);
    child.stdin.write('\x03');
    expect(await seen(/Cancel the job and shut its cluster down\? \[y\/N\]/)).toBe(true);
    child.stdin.write('y\r');
    expect(await exit).toBe(130);
    expect(output).toMatch(/cancelling the job/);
    const app = await rm.app(id);
    expect([app.state, app.finalStatus]).toContain('KILLED');
  });
});
