/** The range of a Java int, which Flink's intType options and Hadoop's getInt parse into. */
export const JAVA_INT_MIN = -2_147_483_648;
export const JAVA_INT_MAX = 2_147_483_647;

/** A whole number as written: an optional sign and decimal digits (Java's Integer.parseInt and Long.parseLong). */
const WHOLE = /^[+-]?[0-9]+$/;

export type WholeNumber =
  | { readonly ok: true; readonly value: number }
  /** `not-a-number`: not digits at all; `out-of-range`: digits, beyond the range asked for. */
  | { readonly ok: false; readonly problem: 'not-a-number' | 'out-of-range' };

/**
 * Parses a whole number within [min, max] without rounding: a value beyond 2^53 is out of range
 * rather than silently the nearest double.
 */
export function parseWhole(text: string, min: number, max: number): WholeNumber {
  const t = text.trim();
  if (!WHOLE.test(t)) return { ok: false, problem: 'not-a-number' };
  if (tooManyDigits(t.replace(/^[+-]/, ''))) return { ok: false, problem: 'out-of-range' };
  const n = Number(t);
  if (!Number.isSafeInteger(n) || n < min || n > max) return { ok: false, problem: 'out-of-range' };
  return { ok: true, value: n };
}

/** Java's Integer.parseInt: undefined for anything it would refuse. */
export function parseJavaInt(text: string): number | undefined {
  const r = parseWhole(text, JAVA_INT_MIN, JAVA_INT_MAX);
  return r.ok ? r.value : undefined;
}

/** Digits beyond 2^53, where a number stops being exact; decided on the text, in linear time. */
export function tooManyDigits(digits: string): boolean {
  const significant = digits.replace(/^0+/, '');
  return significant.length > 16 || (significant.length === 16 && Number(significant) > Number.MAX_SAFE_INTEGER);
}
