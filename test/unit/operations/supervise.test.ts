import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { superviseSession, type SuperviseEvent } from '../../../src/operations/session/supervise.js';
import type { HttpTransport } from '../../../src/http/transport.js';
import { scriptedRm } from './fake-cluster.js';

const ID = 'application_1_0001';
const cwd = mkdtempSync(join(tmpdir(), 'supervise-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** The application is in `states[n]` at the n-th look (the last one repeats); a kill ends it. */
const rm = (states: string[]) =>
  scriptedRm(
    ID,
    states.map((state) => ({ state, diagnostics: `it is ${state}` })),
  );

/** Lines the test types, one at a time; `end()` closes the input. */
function keyboard(): AsyncIterable<string> & { type(line: string): void; end(): void } {
  const waiting: ((r: IteratorResult<string>) => void)[] = [];
  const queued: IteratorResult<string>[] = [];
  const push = (r: IteratorResult<string>) => {
    const next = waiting.shift();
    if (next) next(r);
    else queued.push(r);
  };
  return {
    type: (line) => push({ done: false, value: line }),
    end: () => push({ done: true, value: undefined }),
    [Symbol.asyncIterator]: () => ({
      next: () =>
        new Promise<IteratorResult<string>>((r) => (queued.length > 0 ? r(queued.shift()!) : waiting.push(r))),
    }),
  };
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

function supervise(
  transport: HttpTransport,
  o: { commands: AsyncIterable<string>; interrupted?: Promise<void>; owned?: boolean; pollMs: number },
) {
  const events: SuperviseEvent[] = [];
  const outcome = superviseSession({
    applicationId: ID,
    owned: o.owned ?? true,
    rm: 'http://rm1:8088',
    user: 'alice',
    env: {},
    cwd,
    transport,
    commands: o.commands,
    interrupted: o.interrupted ?? new Promise(() => undefined),
    pollMs: o.pollMs,
    onEvent: (e) => events.push(e),
  });
  return { outcome, events };
}

describe('superviseSession', () => {
  it('answers typed lines at once without asking the RM, and shuts down on stop', async () => {
    const t = rm(['RUNNING']);
    const keys = keyboard();
    const s = supervise(t, { commands: keys, pollMs: 60_000 });
    await tick(20);
    keys.type('help');
    keys.type('frobnicate');
    await tick(20);
    expect(s.events.map((e) => e.kind)).toEqual(['attached', 'state', 'help', 'unknown-command']);
    keys.type('stop');
    expect(await s.outcome).toEqual({ kind: 'stopped', state: 'KILLED' });
    // The attach and the kill's own look: no look per typed line.
    expect(t.sent.map((r) => r.method)).toEqual(['GET', 'GET', 'PUT']);
  });

  it('looks at the application every pollMs and ends with it; closed input does not stop it', async () => {
    const t = rm(['RUNNING', 'RUNNING', 'FINISHED']);
    const keys = keyboard();
    keys.end();
    const s = supervise(t, { commands: keys, pollMs: 10 });
    expect(await s.outcome).toEqual({ kind: 'ended', state: 'FINISHED', diagnostics: 'it is FINISHED' });
    expect(s.events.filter((e) => e.kind === 'state')).toEqual([
      { kind: 'state', state: 'RUNNING' },
      { kind: 'state', state: 'FINISHED' },
    ]);
    expect(t.sent.every((r) => r.method === 'GET')).toBe(true);
  });

  it("on Ctrl-C detaches from someone else's session, and shuts down its own, without waiting for the pause", async () => {
    for (const owned of [false, true]) {
      const t = rm(['RUNNING']);
      let interrupt!: () => void;
      const interrupted = new Promise<void>((r) => (interrupt = r));
      const s = supervise(t, { commands: keyboard(), interrupted, owned, pollMs: 60_000 });
      await tick(20);
      const started = performance.now();
      interrupt();
      expect(await s.outcome).toEqual(
        owned
          ? { kind: 'interrupted', shutDown: true, state: 'KILLED' }
          : { kind: 'interrupted', shutDown: false, state: 'RUNNING' },
      );
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(t.sent.some((r) => r.method === 'PUT')).toBe(owned);
    }
  });
});
