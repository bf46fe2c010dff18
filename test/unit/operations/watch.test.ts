import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { watchApplication, type WatchEvent } from '../../../src/operations/run/index.js';
import type { HttpTransport } from '../../../src/http/transport.js';
import { scriptedRm } from './fake-cluster.js';

const ID = 'application_1_0001';
const cwd = mkdtempSync(join(tmpdir(), 'watch-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** The application is `apps[n]` at the n-th look (the last repeats); a kill ends it KILLED. */
const rm = (apps: { state: string; finalStatus: string }[]) => scriptedRm(ID, apps);

function watch(transport: HttpTransport, interrupt?: Promise<'cancel' | 'detach'>) {
  const events: WatchEvent[] = [];
  const outcome = watchApplication({
    applicationId: ID,
    rm: 'http://rm1:8088',
    user: 'alice',
    env: {},
    cwd,
    transport,
    pollMs: 5,
    ...(interrupt !== undefined ? { interrupt } : {}),
    onEvent: (e) => events.push(e),
  });
  return { outcome, events };
}

const running = { state: 'RUNNING', finalStatus: 'UNDEFINED' };

describe('watchApplication', () => {
  it('follows the application every pollMs to its end', async () => {
    const t = rm([
      { state: 'ACCEPTED', finalStatus: 'UNDEFINED' },
      running,
      running,
      { state: 'FINISHED', finalStatus: 'SUCCEEDED' },
    ]);
    const w = watch(t);
    expect(await w.outcome).toMatchObject({ kind: 'ended', state: 'FINISHED', finalStatus: 'SUCCEEDED', attempts: 1 });
    expect(w.events.filter((e) => e.kind === 'state').map((e) => (e as { state: string }).state)).toEqual([
      'ACCEPTED',
      'RUNNING',
      'FINISHED',
    ]);
  });

  it('detaches on a detach interrupt, and cancels on YARN when no JobManager answers', async () => {
    const detached = watch(rm([running]), Promise.resolve('detach'));
    expect(await detached.outcome).toMatchObject({ kind: 'detached', state: 'RUNNING' });

    const t = rm([running]);
    const cancelled = watch(t, Promise.resolve('cancel'));
    expect(await cancelled.outcome).toMatchObject({ kind: 'cancelled', state: 'KILLED' });
    expect(cancelled.events).toContainEqual({ kind: 'cancelling', how: 'yarn' });
    expect(t.sent.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });
});
