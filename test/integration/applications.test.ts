import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ResourceManagerClient } from '../../src/yarn/rm-client.js';
import { cli } from '../cli/run.js';
import { submitShellApp, waitForState } from './yarn-apps.js';

const cluster = inject('minicluster');
const user = process.env.HADOOP_USER_NAME ?? process.env.USER ?? 'root';
const client = new ResourceManagerClient({ endpoints: [cluster.rm], user });
const tag = `it-${Date.now()}`;
const rm = ['--rm', cluster.rm];
let flinkA: string;
let flinkB: string;
let other: string;

beforeAll(async () => {
  const sleeper = 'sleep 300 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr';
  flinkA = await submitShellApp(client, { name: 'it flink A', command: sleeper, type: 'Apache Flink', tags: [tag] });
  flinkB = await submitShellApp(client, { name: 'it flink B', command: sleeper, type: 'Apache Flink', tags: [tag] });
  other = await submitShellApp(client, { name: 'it other', command: sleeper, type: 'MAPREDUCE', tags: [tag] });
  for (const id of [flinkA, flinkB, other]) await waitForState(client, id, ['ACCEPTED', 'RUNNING']);
});

afterAll(async () => {
  for (const id of [flinkA, flinkB, other]) await client.kill(id).catch(() => undefined);
});

describe('list / status / attempts / kill against the real RM', () => {
  it('lists Flink applications only, unless --all-types', () => {
    const flinkOnly = JSON.parse(cli(['list', ...rm, '-o', 'json']).stdout) as {
      id: string;
      applicationType: string;
    }[];
    const ids = flinkOnly.map((a) => a.id);
    expect(ids).toEqual(expect.arrayContaining([flinkA, flinkB]));
    expect(ids).not.toContain(other);
    expect(new Set(flinkOnly.map((a) => a.applicationType))).toEqual(new Set(['Apache Flink']));
    const all = JSON.parse(cli(['list', ...rm, '--all-types', '-o', 'json']).stdout) as { id: string }[];
    expect(all.map((a) => a.id)).toEqual(expect.arrayContaining([flinkA, flinkB, other]));
  });

  it('filters by state on the server', async () => {
    const accepted = JSON.parse(cli(['list', ...rm, '--states', 'ACCEPTED,RUNNING', '-o', 'json']).stdout) as {
      id: string;
      state: string;
    }[];
    expect(accepted.map((a) => a.id)).toEqual(expect.arrayContaining([flinkA, flinkB]));
    const finished = JSON.parse(cli(['list', ...rm, '--states', 'FINISHED', '-o', 'json']).stdout) as { id: string }[];
    expect(finished.map((a) => a.id)).not.toContain(flinkA);
  });

  it('shows a table for people', () => {
    const r = cli(['list', ...rm]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(
      /^ID\s+NAME\s+USER\s+QUEUE\s+STATE\s+FINAL\s+ATTEMPTS\s+ELAPSED\s+TRACKING URL$/,
    );
    expect(r.stdout).toContain(flinkA);
  });

  it("yarn-session -q: the NodeManagers' memory and vcores and the queues, nothing deployed", async () => {
    const before = (await client.apps()).length;
    const r = cli(['-q', ...rm, '-o', 'json'], {}, 'yarn-session');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      nodes: { id: string; memoryMb: number; vCores: number; containers: number }[];
      totalMemoryMb: number;
      totalVCores: number;
      queues: { name: string; capacity: number | null }[];
    };
    expect(out.nodes).toHaveLength(1);
    expect(out.nodes[0]!.memoryMb).toBeGreaterThan(0);
    expect(out.totalMemoryMb).toBe(out.nodes[0]!.memoryMb);
    const [node] = await client.nodes();
    expect(out.nodes[0]!.id).toBe(node!.id);
    expect(out.nodes[0]!.vCores).toBe(Number(node!.availableVirtualCores) + Number(node!.usedVirtualCores));
    expect(out.queues.map((q) => q.name)).toEqual(expect.arrayContaining(['root.default', 'root.second']));
    expect((await client.apps()).length).toBe(before);
    const text = cli(['-q', ...rm], {}, 'yarn-session');
    expect(text.stdout).toMatch(/^1 NodeManager\(s\): \d+ MB, \d+ vcores in all/);
  });

  it('shows status and attempts', () => {
    const status = JSON.parse(cli(['status', flinkA, ...rm, '-o', 'json']).stdout);
    expect(status.app).toMatchObject({ id: flinkA, applicationType: 'Apache Flink', user });
    expect(status.attempts).toHaveLength(1);
    const attempts = cli(['attempts', flinkA, ...rm]);
    expect(attempts.code).toBe(0);
    expect(attempts.stdout).toMatch(/1 attempt\(s\)/);
  });

  it('kills and waits for KILLED, as the RM confirms', async () => {
    const r = cli(['kill', flinkB, ...rm, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${flinkB} is KILLED`);
    expect((await client.app(flinkB)).state).toBe('KILLED');
    const again = cli(['kill', flinkB, ...rm, '--yes', '-o', 'json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ applicationId: flinkB, state: 'KILLED', previousState: 'KILLED' });
  });

  it('says "not found" for an unknown application, and rejects a malformed id', () => {
    const unknown = cli(['status', 'application_1_99999', ...rm]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/application_1_99999 not found/);
    expect(cli(['status', 'not-an-id', ...rm]).code).toBe(2);
  });

  it('names every address tried when no RM answers', () => {
    const r = cli(['list', '--rm', 'http://127.0.0.1:1,http://127.0.0.1:2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/127\.0\.0\.1:1.*127\.0\.0\.1:2/);
  });
});
