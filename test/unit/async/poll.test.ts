import { describe, expect, it } from 'vitest';
import { manualClock, poll, systemClock, type Clock } from '../../../src/async/poll.js';
import { FlinkYarnError, InterruptedError } from '../../../src/errors/index.js';

/** A manual clock that also records each pause it was asked for. */
function recordingClock(): Clock & { pauses: number[] } {
  const clock = manualClock();
  const pauses: number[] = [];
  return {
    pauses,
    now: clock.now,
    sleep: async (ms, signal) => {
      pauses.push(ms);
      await clock.sleep(ms, signal);
    },
  };
}

const failure = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => 'resolved',
    (e: unknown) => e,
  );

describe('poll', () => {
  it('returns the first value other than undefined, looking once per interval', async () => {
    const clock = recordingClock();
    const seen: number[] = [];
    const value = await poll(
      async ({ attempt }) => {
        seen.push(attempt);
        return attempt === 2 ? 'ready' : undefined;
      },
      { intervalMs: 100, clock },
    );
    expect(value).toBe('ready');
    expect(seen).toEqual([0, 1, 2]);
    expect(clock.pauses).toEqual([100, 100]);
  });

  it('throws the onTimeout error at the deadline, without waiting for real', async () => {
    const clock = recordingClock();
    const started = Date.now();
    const err = await failure(
      poll(async () => undefined, {
        intervalMs: 1_000,
        timeoutMs: 60_000,
        clock,
        onTimeout: (ms) => new FlinkYarnError('MINICLUSTER_FAILED', `not ready after ${ms} ms`),
      }),
    );
    expect(err).toMatchObject({ code: 'MINICLUSTER_FAILED', message: 'not ready after 60000 ms' });
    expect(clock.now()).toBe(60_000);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('throws a TIMEOUT FlinkYarnError by default', async () => {
    const err = await failure(poll(async () => undefined, { intervalMs: 500, timeoutMs: 3_000, clock: manualClock() }));
    expect(err).toBeInstanceOf(FlinkYarnError);
    expect(err).toMatchObject({ code: 'TIMEOUT', message: 'Gave up waiting after 3 s.' });
  });

  it('lets onTimeout and onAbort clean up before their error is thrown', async () => {
    const done: string[] = [];
    const late = await failure(
      poll(async () => undefined, {
        intervalMs: 10,
        timeoutMs: 20,
        clock: manualClock(),
        onTimeout: async () => {
          done.push('stopped on timeout');
          return new Error('late');
        },
      }),
    );
    const aborted = await failure(
      poll(async () => undefined, {
        intervalMs: 10,
        signal: AbortSignal.abort(),
        onAbort: async () => {
          done.push('stopped on abort');
          return new Error('aborted');
        },
      }),
    );
    expect([late, aborted]).toMatchObject([{ message: 'late' }, { message: 'aborted' }]);
    expect(done).toEqual(['stopped on timeout', 'stopped on abort']);
  });

  it('clips the last pause to the deadline', async () => {
    const clock = recordingClock();
    let looks = 0;
    await failure(
      poll(
        async () => {
          looks++;
          return undefined;
        },
        { intervalMs: 300, timeoutMs: 1_000, clock },
      ),
    );
    expect(clock.pauses).toEqual([300, 300, 300, 100]);
    expect(looks).toBe(5);
  });

  it('on an aborted signal throws InterruptedError before the next look', async () => {
    const controller = new AbortController();
    let looks = 0;
    const err = await failure(
      poll(
        async () => {
          looks++;
          controller.abort();
          return undefined;
        },
        { intervalMs: 100, signal: controller.signal, clock: manualClock() },
      ),
    );
    expect(err).toBeInstanceOf(InterruptedError);
    expect(err).toMatchObject({ code: 'INTERRUPTED' });
    expect(looks).toBe(1);

    let never = 0;
    const before = await failure(
      poll(async () => ++never, { intervalMs: 100, signal: AbortSignal.abort(), clock: manualClock() }),
    );
    expect(before).toMatchObject({ code: 'INTERRUPTED' });
    expect(never).toBe(0);
  });

  it('wakes from the pause at once when the signal aborts (system clock)', async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 20);
    const err = await failure(
      poll(async () => undefined, { intervalMs: 60_000, signal: controller.signal, clock: systemClock }),
    );
    expect(err).toMatchObject({ code: 'INTERRUPTED' });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('ends one pause early on wake, and goes on waiting (system clock)', async () => {
    let nudge = new AbortController();
    const started = performance.now();
    setTimeout(() => nudge.abort(), 20);
    const value = await poll(
      async ({ attempt }) => {
        if (attempt === 1) return performance.now() - started;
        return undefined;
      },
      { intervalMs: 60_000, clock: systemClock, wake: () => nudge.signal },
    );
    expect(value).toBeLessThan(1_000);

    // A wake and a signal together: the signal still ends the wait.
    nudge = new AbortController();
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 20);
    const err = await failure(
      poll(async () => undefined, { intervalMs: 60_000, signal: stop.signal, wake: () => nudge.signal }),
    );
    expect(err).toMatchObject({ code: 'INTERRUPTED' });
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
