import type { FlinkConfiguration } from '../config/flink/configuration.js';
import { OPTIONS } from '../config/flink/options.js';
import type { YarnSite } from '../config/hadoop/yarn-site.js';
import { parseJavaInt } from '../config/values/numbers.js';

/** Flink's defaults when yarn.application-attempts is unset: 2 with HA, 1 without. */
export const DEFAULT_ATTEMPTS = { ha: 2, noHa: 1 } as const;

export interface AttemptsDecision {
  /** What Flink will ask YARN for. */
  readonly requested: number;
  /** Whether the user set yarn.application-attempts (validly). */
  readonly explicit: boolean;
  /** yarn.resourcemanager.am.max-attempts from yarn-site.xml. */
  readonly cap: number;
  /** What YARN will actually use: the request, capped. */
  readonly effective: number;
  /** Set when yarn.application-attempts is present but not a positive integer. */
  readonly invalid?: string;
}

/**
 * Decides the AM attempts. YARN replaces a request above its global cap with the cap (and logs
 * it only on the ResourceManager), so the effective number is min(requested, cap).
 */
export function decideAttempts(flink: FlinkConfiguration, yarn: YarnSite, ha: boolean): AttemptsDecision {
  const fallback = ha ? DEFAULT_ATTEMPTS.ha : DEFAULT_ATTEMPTS.noHa;
  const cap = yarn.amMaxAttempts.value;
  const raw = flink.lookup(OPTIONS.applicationAttempts)?.entry.value.trim();
  let requested: number = fallback;
  let invalid: string | undefined;
  if (raw !== undefined) {
    // Flink parses it as a Java int: a bigger number fails there, so it is invalid, not capped.
    const n = parseJavaInt(raw);
    if (n !== undefined && n >= 1) requested = n;
    else invalid = raw;
  }
  return {
    requested,
    explicit: raw !== undefined && invalid === undefined,
    cap,
    effective: Math.min(requested, cap),
    ...(invalid !== undefined ? { invalid } : {}),
  };
}
