import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ResourceManagerClient } from '../../src/yarn/rm-client.js';
import { cli, cliAsync } from '../cli/run.js';
import { waitFor } from './helpers.js';
import { submitShellApp, waitForState } from './yarn-apps.js';

const cluster = inject('minicluster');
const user = process.env.HADOOP_USER_NAME ?? process.env.USER ?? 'root';
const client = new ResourceManagerClient({ endpoints: [cluster.rm], user });
const rm = ['--rm', cluster.rm];
const started: string[] = [];

/** Submits a shell AM and waits until its container is launched (a shell AM never registers, so stays ACCEPTED). */
async function submit(name: string, command: string): Promise<string> {
  const id = await submitShellApp(client, { name, command, type: 'Apache Flink' });
  started.push(id);
  const launched = await waitFor(
    async () => {
      const attempts = await client.appAttempts(id);
      return attempts.some((a) => Boolean(a.containerId) && Boolean(a.nodeHttpAddress));
    },
    120_000,
    250,
  );
  expect(launched, `${id} got no AM container`).toBe(true);
  return id;
}

afterAll(async () => {
  for (const id of started) await client.kill(id).catch(() => undefined);
});

describe('flink-yarn logs against the real NodeManager', () => {
  let running: string;

  beforeAll(async () => {
    // A shell AM that writes a JobManager log (with a terminal escape in it) and waits.
    running = await submit(
      'it logs running',
      `printf 'JM started\\nred \\033[31malert\\033[0m\\n' > <LOG_DIR>/jobmanager.log; echo to-stdout > <LOG_DIR>/jobmanager.out; sleep 300`,
    );
  });

  it("shows a running application's jobmanager.log, without its escape sequences", async () => {
    let r = cli(['logs', running, ...rm]);
    await waitFor(async () => {
      r = cli(['logs', running, ...rm]);
      return r.code === 0 && r.stdout.includes('alert');
    }, 60_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('JM started\nred alert\n');
  });

  it('--file reads another file, and a missing one is LOG_NOT_FOUND', () => {
    const out = cli(['logs', running, ...rm, '--file', 'jobmanager.out']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe('to-stdout\n');
    const missing = cli(['logs', running, ...rm, '--file', 'nothing.log']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^flink-yarn: No nothing\.log for container_.*\[LOG_NOT_FOUND\]\n$/);
  });

  it('an unknown container is CONTAINER_NOT_FOUND, a malformed id bad usage', () => {
    const container = `container_${running.slice('application_'.length)}_01_000099`;
    const r = cli(['logs', running, ...rm, '--container', container]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\[CONTAINER_NOT_FOUND\]/);
    expect(cli(['logs', 'app_1', ...rm]).code).toBe(2);
  });

  it('--follow prints what the log gains and returns once the container ends', async () => {
    const id = await submit(
      'it logs follow',
      // No shell variables: YARN's launch script expands $ itself.
      [1, 2, 3, 4, 5].map((n) => `echo line ${n} >> <LOG_DIR>/jobmanager.log; sleep 1`).join('; '),
    );
    const r = await cliAsync(['logs', id, ...rm, '--follow']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('line 1\nline 2\nline 3\nline 4\nline 5\n');
  });

  it('a finished application: its NodeManager still serves the log (no aggregation, kept on the node); a file it lacks is LOGS_NOT_AGGREGATED', async () => {
    const id = await submit('it logs finished', `echo finished-log > <LOG_DIR>/jobmanager.log`);
    await waitForState(client, id, ['FINISHED', 'FAILED']);
    // The minicluster runs without log aggregation (yarn.log-aggregation-enable=false) and keeps
    // container logs on the NodeManager for 3 h (yarn.nodemanager.log.retain-seconds).
    const r = cli(['logs', id, ...rm]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('finished-log\n');
    const gone = cli(['logs', id, ...rm, '--file', 'gone.log']);
    expect(gone.code).toBe(1);
    expect(gone.stdout).toBe('');
    expect(gone.stderr).toMatch(
      /has ended \(FAILED|FINISHED\).*yarn\.log-aggregation-enable is false.*\[LOGS_NOT_AGGREGATED\]\n$/,
    );
  });
});
