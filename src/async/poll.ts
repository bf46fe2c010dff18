import { FlinkYarnError, InterruptedError } from '../errors/index.js';

/** Time, injectable so that tests of a wait need not wait. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted === true) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** What one look at the condition sees. */
export interface PollTick {
  /** 0 for the first look. */
  readonly attempt: number;
  readonly elapsedMs: number;
}

export interface PollOptions {
  /** Pause between looks. */
  readonly intervalMs: number;
  /** Give up once this much time has passed since the first look. @default no deadline */
  readonly timeoutMs?: number | undefined;
  /** Aborting ends the wait before the next look. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Ends one pause early without ending the wait (a typed command, a connection's new state):
   * asked after each look, the pause ends when the returned signal aborts. @default none
   */
  readonly wake?: () => AbortSignal | undefined;
  /** @default systemClock */
  readonly clock?: Clock;
  /** The error thrown at the deadline; it may clean up first (stop what did not start). @default a TIMEOUT error */
  readonly onTimeout?: (elapsedMs: number) => Error | Promise<Error>;
  /** The error thrown when `signal` aborts; it may clean up first. @default InterruptedError */
  readonly onAbort?: () => Error | Promise<Error>;
}

/**
 * The one way this library waits for something: `look` is called until it returns a value other
 * than `undefined`, with a pause between looks, a deadline and cancellation.
 */
export async function poll<T>(look: (tick: PollTick) => Promise<T | undefined>, options: PollOptions): Promise<T> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted === true) throw await (options.onAbort?.() ?? new InterruptedError());
    const value = await look({ attempt, elapsedMs: clock.now() - started });
    if (value !== undefined) return value;
    const elapsedMs = clock.now() - started;
    if (options.timeoutMs !== undefined && elapsedMs >= options.timeoutMs) {
      throw await (options.onTimeout?.(elapsedMs) ??
        new FlinkYarnError('TIMEOUT', `Gave up waiting after ${Math.round(elapsedMs / 1000)} s.`));
    }
    const pause =
      options.timeoutMs === undefined
        ? options.intervalMs
        : Math.min(options.intervalMs, options.timeoutMs - elapsedMs);
    await pauseFor(clock, Math.max(0, pause), options.signal, options.wake?.());
  }
}

/** One pause that either signal ends early. */
async function pauseFor(
  clock: Clock,
  ms: number,
  signal: AbortSignal | undefined,
  wake: AbortSignal | undefined,
): Promise<void> {
  if (signal === undefined || wake === undefined) return clock.sleep(ms, signal ?? wake);
  // Not AbortSignal.any: a long wait would leave one composite signal per pause on `signal`.
  const either = new AbortController();
  const end = (): void => either.abort();
  signal.addEventListener('abort', end, { once: true });
  wake.addEventListener('abort', end, { once: true });
  if (signal.aborted || wake.aborted) end();
  try {
    await clock.sleep(ms, either.signal);
  } finally {
    signal.removeEventListener('abort', end);
    wake.removeEventListener('abort', end);
  }
}

/** A clock for tests: `sleep` advances time at once. */
export function manualClock(start = 0): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleep: async (ms) => {
      now += ms;
    },
  };
}
