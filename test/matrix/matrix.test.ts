import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startMinicluster,
  stopMinicluster,
  writeSessionConfDir,
  type MiniclusterInfo,
} from '../../src/operations/minicluster/index.js';
import type { AppAttempt } from '../../src/yarn/model.js';
import { ResourceManagerClient } from '../../src/yarn/rm-client.js';
import { cli, ROOT } from '../cli/run.js';
import { CELLS, selectedCells, type Cell } from './cells.js';

// The compatibility matrix: for each Hadoop x Flink cell, a real minicluster of that Hadoop with
// a Flink distribution of that version, and the same story on each: an HA session reaches
// RUNNING, the JobManager is killed and attempt 2 recovers, a job runs into the recovered session to
// FINISHED, and list, status and kill agree with the RM. The failover comes first: a JobManager
// killed while it writes a finished job's result leaves an empty <job>_DIRTY.json in the job
// result store, and Flink 1.20's next attempt then cannot start (seen once in this test).
// Cells run one after another, each on its own cluster.
const user = process.env.HADOOP_USER_NAME ?? process.env.USER ?? 'root';
const timings: { cell: string; phase: string; ms: number }[] = [];

for (const cell of selectedCells(process.env.FLINK_YARN_MATRIX)) {
  describe(`Hadoop ${cell.hadoop} x Flink ${cell.flink}`, () => {
    const stateDir = join(ROOT, '.flink-yarn', `matrix-${cell.hadoop}-${cell.flink}`);
    let info: MiniclusterInfo;
    let rm: ResourceManagerClient;
    let conf: string;
    let id: string | undefined;
    const yarn = () => ['--yarn-conf-dir', info.confDir, '-o', 'json'];
    const timed = async <T>(phase: string, work: () => Promise<T> | T): Promise<T> => {
      const began = Date.now();
      try {
        return await work();
      } finally {
        timings.push({ cell: name(cell), phase, ms: Date.now() - began });
      }
    };

    beforeAll(async () => {
      info = await timed('cluster start (with any build)', () =>
        startMinicluster({ stateDir, hadoopVersion: cell.hadoop, flinkVersion: cell.flink }),
      );
      rm = new ResourceManagerClient({ endpoints: [info.rm], user });
      // A short ZooKeeper session: the killed JobManager's leadership lapses in 10 s, not 60.
      conf = writeSessionConfDir(info, mkdtempSync(join(tmpdir(), 'flink-yarn-matrix-conf-')), [
        'high-availability.zookeeper.client.session-timeout: 10000',
      ]);
    });

    afterAll(async () => {
      if (id !== undefined) cli(['kill', id, '--yes', ...yarn()], {}, 'flink-yarn', 120_000);
      await stopMinicluster({ stateDir });
    });

    it('reports the versions it was asked for', async () => {
      expect((await rm.clusterInfo()).hadoopVersion).toBe(cell.hadoop);
      expect(execFileSync('ls', [join(info.flinkHome, 'lib')], { encoding: 'utf8' })).toContain(
        `flink-dist-${cell.flink}.jar`,
      );
    });

    it('an HA session reaches RUNNING and answers on its REST address', async () => {
      const r = await timed('session -d', () =>
        cli(
          ['session', '--flink-conf-dir', conf, '--flink-home', info.flinkHome, ...yarn(), '-d', '-nm', 'matrix'],
          {},
          'flink-yarn',
          300_000,
        ),
      );
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { applicationId: string; state: string; restAddress: string };
      id = out.applicationId;
      expect(out.state).toBe('RUNNING');
      expect((await fetch(`${out.restAddress}/overview`)).status).toBe(200);
    });

    it('the JobManager is killed and attempt 2 recovers: a new leader answers', async () => {
      await timed('failover', async () => {
        const before = await rm.appAttempts(id!);
        const container = before.at(-1)!.containerId!;
        for (const pid of execFileSync('pgrep', ['-f', `${container}.*ClusterEntry[Pp]oint`], { encoding: 'utf8' })
          .trim()
          .split('\n'))
          process.kill(Number(pid), 'SIGKILL');
        const deadline = Date.now() + 180_000;
        let answered = false;
        while (!answered && Date.now() < deadline) {
          const status = JSON.parse(cli(['status', id!, ...yarn()]).stdout) as {
            app: { state: string };
            restAddress: string | null;
          };
          const attempts = await rm.appAttempts(id!);
          if (status.app.state === 'RUNNING' && attempts.length === 2 && live(attempts[1]!)) {
            const rest = status.restAddress;
            const code =
              rest === null
                ? 0
                : await fetch(`${rest}/overview`).then(
                    (x) => x.status,
                    () => 0,
                  );
            answered = code === 200;
          }
          if (!answered) await new Promise((r) => setTimeout(r, 1000));
        }
        expect(answered, 'attempt 2 RUNNING with a REST address that answers').toBe(true);
        const attempts = await rm.appAttempts(id!);
        expect(attempts.map(live)).toEqual([false, true]);
        // Attempt states are in the RM's REST API from Hadoop 3.4 (AppAttemptInfo.appAttemptState).
        if (attempts[0]!.appAttemptState !== undefined)
          expect(attempts.map((a) => a.appAttemptState)).toEqual(['FAILED', 'RUNNING']);
      });
    });

    it('a job runs into the recovered session to FINISHED', async () => {
      const jar = join(info.flinkHome, 'examples', 'streaming', 'FlyWordCount.jar');
      const r = await timed('run into the session', () =>
        cli(['run', '-yid', id!, ...yarn(), '--flink-conf-dir', conf, jar], {}, 'flink-yarn', 300_000),
      );
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ applicationId: id, state: 'FINISHED' });
    });

    it('list, status and kill agree with the RM', async () => {
      const listed = JSON.parse(cli(['list', ...yarn()]).stdout) as { id: string; state: string }[];
      const app = await rm.app(id!);
      expect(listed.find((a) => a.id === id)?.state).toBe(app.state);
      const status = JSON.parse(cli(['status', id!, ...yarn()]).stdout) as { app: { id: string; state: string } };
      expect(status.app).toMatchObject({ id, state: app.state });
      const killed = cli(['kill', id!, '--yes', ...yarn()], {}, 'flink-yarn', 120_000);
      expect(killed.code, killed.stderr).toBe(0);
      expect(JSON.parse(killed.stdout)).toMatchObject({ applicationId: id, state: 'KILLED' });
      expect((await rm.app(id!)).state).toBe('KILLED');
      id = undefined;
    });
  });
}

afterAll(() => {
  // Each cell's times, for the README's compatibility table and the closing note.
  process.stderr.write(
    `[matrix] ${CELLS.length} cells known, timings:\n${timings.map((t) => `  ${t.cell}  ${t.phase}: ${(t.ms / 1000).toFixed(1)} s`).join('\n')}\n`,
  );
});

/** The attempt still running: by its state where the RM says it (3.4+), else by having no end. */
function live(attempt: AppAttempt): boolean {
  return attempt.appAttemptState !== undefined ? attempt.appAttemptState === 'RUNNING' : attempt.finishedTime === 0;
}

function name(cell: Cell): string {
  return `hadoop-${cell.hadoop} flink-${cell.flink}`;
}
