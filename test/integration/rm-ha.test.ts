import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectYarn } from '../../src/operations/yarn-context.js';
import { readState, startMinicluster, stopMinicluster } from '../../src/operations/minicluster/index.js';
import type { ResourceManagerClient } from '../../src/yarn/rm-client.js';
import { cli, ROOT } from '../cli/run.js';
import { submitShellApp, waitForState } from './yarn-apps.js';

/** A second, short-lived cluster with two ResourceManagers, so failover is tested for real. */
const STATE_DIR = `${process.env.FLINK_YARN_TEST_STATE_DIR ?? join(ROOT, '.flink-yarn', 'test-minicluster')}-rm-ha`;
let confDir: string;
let control: string;
let client: ResourceManagerClient;

interface ControlStatus {
  readonly rms: readonly { readonly id: string; readonly web: string; readonly state: string }[];
}

async function rmStates(): Promise<ControlStatus['rms']> {
  return ((await (await fetch(`${control}/status`)).json()) as ControlStatus).rms;
}

beforeAll(async () => {
  const info = await startMinicluster({ stateDir: STATE_DIR, resourceManagers: 2 });
  confDir = info.confDir;
  control = readState(STATE_DIR)!.control!;
  client = connectYarn({ yarnConfDir: confDir }).client;
}, 300_000);

afterAll(async () => {
  await stopMinicluster({ stateDir: STATE_DIR });
});

describe('ResourceManager HA', () => {
  it('keeps list, status and kill working through the other RM when the active one stops', async () => {
    const yarn = ['--yarn-conf-dir', confDir];
    const tag = `rm-ha-${Date.now()}`;
    const id = await submitShellApp(client, {
      name: 'rm-ha sleeper',
      command: 'sleep 600',
      type: 'Apache Flink',
      tags: [tag],
    });
    await waitForState(client, id, ['ACCEPTED', 'RUNNING']);
    expect(JSON.parse(cli(['list', ...yarn, '-o', 'json']).stdout).map((a: { id: string }) => a.id)).toContain(id);

    const before = await rmStates();
    const active = before.findIndex((r) => r.state === 'ACTIVE');
    expect(active).toBeGreaterThanOrEqual(0);
    await fetch(`${control}/rm/${active}/stop`, { method: 'POST' });

    // The standby takes over once ZooKeeper's leader election notices; the CLI must find it.
    const deadline = Date.now() + 120_000;
    let after = await rmStates();
    while (!after.some((r, i) => i !== active && r.state === 'ACTIVE') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      after = await rmStates();
    }
    expect(after.some((r, i) => i !== active && r.state === 'ACTIVE')).toBe(true);

    const list = cli(['list', ...yarn, '-o', 'json']);
    expect(list.code, list.stderr).toBe(0);
    const apps = JSON.parse(list.stdout) as { id: string; applicationTags: string[] }[];
    // The recovered RM knows the application, and it exists once: nothing was submitted twice.
    expect(apps.filter((a) => a.applicationTags.includes(tag)).map((a) => a.id)).toEqual([id]);

    const status = cli(['status', id, ...yarn, '-o', 'json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).app.id).toBe(id);

    const kill = cli(['kill', id, ...yarn, '--yes']);
    expect(kill.code, kill.stderr).toBe(0);
    const survivor = after.find((r, i) => i !== active && r.state === 'ACTIVE')!;
    const confirmed = await fetch(`${survivor.web}/ws/v1/cluster/apps/${id}`, {
      headers: { Accept: 'application/json' },
    });
    expect(((await confirmed.json()) as { app: { state: string } }).app.state).toBe('KILLED');
  });
});
