import { clip } from '../../diagnostics/index.js';
import { InvalidValueError } from '../../errors/index.js';
import { tooManyDigits } from './numbers.js';

/** Milliseconds per unit label, with the synonyms Flink's TimeUtils accepts (case-insensitive). */
const UNIT_MS: ReadonlyMap<string, number> = new Map([
  ...labels(['ns', 'nano', 'nanos', 'nanosecond', 'nanoseconds'], 1e-6),
  ...labels(['µs', 'micro', 'micros', 'microsecond', 'microseconds'], 1e-3),
  ...labels(['ms', 'milli', 'millis', 'millisecond', 'milliseconds'], 1),
  ...labels(['s', 'sec', 'secs', 'second', 'seconds'], 1_000),
  ...labels(['m', 'min', 'minute', 'minutes'], 60_000),
  ...labels(['h', 'hour', 'hours'], 3_600_000),
  ...labels(['d', 'day', 'days'], 86_400_000),
]);

function labels(names: string[], ms: number): [string, number][] {
  return names.map((n) => [n, ms]);
}

const LEADING_DIGITS = /^[0-9]*/;

/**
 * Parses a Flink duration (`10 s`, `1min`, `500`) into milliseconds, as Flink's TimeUtils does:
 * an integer, optional whitespace, an optional unit; a bare number is milliseconds.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '') throw new InvalidValueError('a duration cannot be empty');
  const number = LEADING_DIGITS.exec(trimmed)?.[0] ?? '';
  if (number === '') {
    throw new InvalidValueError(`'${clip(text)}' is not a duration: it must start with a number (e.g. '10 s')`);
  }
  const unit = trimmed.slice(number.length).trim().toLowerCase();
  const perUnit = unit === '' ? 1 : UNIT_MS.get(unit);
  if (perUnit === undefined) {
    throw new InvalidValueError(
      `'${clip(text)}' is not a duration: unknown unit '${clip(unit, 40)}' (use ms, s, min, h or d)`,
    );
  }
  // Compared before converting: Number() of a longer run of digits is already rounded.
  const ms = tooManyDigits(number) ? Infinity : Number(number) * perUnit;
  if (!Number.isSafeInteger(Math.floor(ms))) {
    throw new InvalidValueError(`'${clip(text)}' is too large for a duration`);
  }
  return Math.floor(ms);
}

/** Formats milliseconds the short way Flink prints them (`10 s`, `1500 ms`). */
export function formatDuration(ms: number): string {
  for (const [label, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms !== 0 && ms % size === 0) return `${ms / size} ${label}`;
  }
  return `${ms} ms`;
}
