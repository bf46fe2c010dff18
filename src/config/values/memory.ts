import { clip } from '../../diagnostics/index.js';
import { InvalidValueError } from '../../errors/index.js';
import { tooManyDigits } from './numbers.js';

const UNIT_BYTES: ReadonlyMap<string, bigint> = new Map([
  ...labels(['b', 'bytes'], 1n),
  ...labels(['k', 'kb', 'kibibytes'], 1n << 10n),
  ...labels(['m', 'mb', 'mebibytes'], 1n << 20n),
  ...labels(['g', 'gb', 'gibibytes'], 1n << 30n),
  ...labels(['t', 'tb', 'tebibytes'], 1n << 40n),
]);

function labels(names: string[], bytes: bigint): [string, bigint][] {
  return names.map((n) => [n, bytes]);
}

const MAX_BYTES = BigInt(Number.MAX_SAFE_INTEGER);
const LEADING_DIGITS = /^[0-9]*/;

/**
 * Parses a Flink memory size (`1600m`, `2 g`, `1024`) into bytes, as Flink's MemorySize does:
 * binary units, case-insensitive, and a bare number is bytes.
 */
export function parseMemorySize(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '') throw new InvalidValueError('a memory size cannot be empty');
  const number = LEADING_DIGITS.exec(trimmed)?.[0] ?? '';
  if (number === '') {
    throw new InvalidValueError(`'${clip(text)}' is not a memory size: it must start with a number (e.g. '1600m')`);
  }
  const unit = trimmed.slice(number.length).trim().toLowerCase();
  const perUnit = unit === '' ? 1n : UNIT_BYTES.get(unit);
  if (perUnit === undefined) {
    throw new InvalidValueError(
      `'${clip(text)}' is not a memory size: unknown unit '${clip(unit, 40)}' (use b, k, m, g or t)`,
    );
  }
  // A longer run of digits is too large whatever the unit, and BigInt of millions of them is slow.
  const bytes = tooManyDigits(number) ? MAX_BYTES + 1n : BigInt(number) * perUnit;
  if (bytes > MAX_BYTES) throw new InvalidValueError(`'${clip(text)}' is too large for a memory size`);
  return Number(bytes);
}

export const MIB = 1 << 20;

/** Whole mebibytes, rounded up: what a YARN container request needs. */
export function toMebibytesCeil(bytes: number): number {
  return Math.ceil(bytes / MIB);
}
