/** When and how often to try again. */
export interface RetryPolicy {
  /** Attempts after the first. @default 3 */
  readonly retries: number;
  /** First delay in ms. @default 200 */
  readonly minDelayMs: number;
  /** Cap on any delay in ms. @default 3000 */
  readonly maxDelayMs: number;
  /** Growth per attempt. @default 2 */
  readonly factor: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 3, minDelayMs: 200, maxDelayMs: 3_000, factor: 2 };

export interface RetryHooks {
  /** Whether this error is worth another try; anything else is rethrown at once. */
  readonly retriable: (error: unknown) => boolean;
  /** Told before each wait, for progress output. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Overridable for tests. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Overridable for tests. @default Math.random */
  readonly random?: () => number;
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retriable error, or runs out of retries
 * (then the last error is thrown). Delays grow exponentially with full jitter, so many clients
 * retrying together do not stampede a recovering ResourceManager.
 */
export async function retry<T>(attempt: (n: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks): Promise<T> {
  const sleep = hooks.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = hooks.random ?? Math.random;
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (n >= policy.retries || !hooks.retriable(e)) throw e;
      const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * policy.factor ** n);
      const delay = Math.round(ceiling / 2 + (random() * ceiling) / 2);
      hooks.onRetry?.(e, n + 1, delay);
      await sleep(delay);
    }
  }
}
