import { clip } from '../../diagnostics/index.js';
import { InvalidValueError } from '../../errors/index.js';
import { JAVA_INT_MAX, JAVA_INT_MIN, parseWhole } from '../values/numbers.js';
import { parseDuration } from '../values/duration.js';
import { parseMemorySize } from '../values/memory.js';
import type { FlinkEntry } from './entries.js';
import type { FlinkOption } from './options.js';

/** A value found for an option: the entry, and the key it was found under. */
export interface FlinkLookup {
  readonly option: FlinkOption;
  readonly entry: FlinkEntry;
  /** True when the value came from a deprecated key. */
  readonly deprecated: boolean;
  /** Deprecated keys that were also set but lose to `entry`. */
  readonly shadowed: readonly FlinkEntry[];
}

/**
 * The effective Flink configuration: the conf file's entries overridden by dynamic properties
 * (-D), with every value keeping its origin.
 */
export class FlinkConfiguration {
  private readonly byKey: ReadonlyMap<string, FlinkEntry>;

  constructor(entries: Iterable<FlinkEntry>) {
    const map = new Map<string, FlinkEntry>();
    for (const e of entries) map.set(e.key, e);
    this.byKey = map;
  }

  static empty(): FlinkConfiguration {
    return new FlinkConfiguration([]);
  }

  /** A copy with `-D key=value` properties layered on top. */
  withDynamic(properties: Readonly<Record<string, string>>): FlinkConfiguration {
    const dynamic: FlinkEntry[] = Object.entries(properties).map(([key, value]) => ({
      key,
      value,
      source: 'dynamic',
    }));
    return new FlinkConfiguration([...this.byKey.values(), ...dynamic]);
  }

  entries(): FlinkEntry[] {
    return [...this.byKey.values()];
  }

  raw(key: string): FlinkEntry | undefined {
    return this.byKey.get(key);
  }

  /** Looks an option up the way Flink does: the current key, then each deprecated key in order. */
  lookup(option: FlinkOption): FlinkLookup | undefined {
    const candidates = [option.key, ...option.deprecatedKeys]
      .map((k) => this.byKey.get(k))
      .filter((e): e is FlinkEntry => e !== undefined);
    const [entry, ...shadowed] = candidates;
    if (entry === undefined) return undefined;
    return { option, entry, deprecated: entry.key !== option.key, shadowed };
  }

  isSet(option: FlinkOption): boolean {
    return this.lookup(option) !== undefined;
  }

  /** The string value, or the option's default. */
  string(option: FlinkOption): string | undefined {
    return this.lookup(option)?.entry.value ?? option.defaultValue;
  }

  /**
   * Typed getters throw InvalidValueError naming the key; callers turn it into a diagnostic.
   * A whole number is within Java's int range for Flink's intType options (Flink fails to parse
   * more), and below 2^53 for the others, which flink-yarn could not hold exactly.
   */
  integer(option: FlinkOption): number | undefined {
    const v = this.string(option);
    if (v === undefined) return undefined;
    const int = option.type === 'int';
    const r = int
      ? parseWhole(v, JAVA_INT_MIN, JAVA_INT_MAX)
      : parseWhole(v, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    if (r.ok) return r.value;
    if (r.problem === 'not-a-number') {
      throw new InvalidValueError(`${option.key} must be an integer, but is '${clip(v)}'`);
    }
    throw new InvalidValueError(
      int
        ? `${option.key} is '${clip(v)}', outside ${JAVA_INT_MIN}..${JAVA_INT_MAX}: Flink reads it as a Java int and fails to parse it`
        : `${option.key} is '${clip(v)}', beyond 2^53: too large to be meant, and more than flink-yarn can hold exactly`,
    );
  }

  duration(option: FlinkOption): number | undefined {
    const v = this.string(option);
    return v === undefined ? undefined : withKey(option, () => parseDuration(v));
  }

  memory(option: FlinkOption): number | undefined {
    const v = this.string(option);
    return v === undefined ? undefined : withKey(option, () => parseMemorySize(v));
  }

  boolean(option: FlinkOption): boolean | undefined {
    const v = this.string(option)?.trim().toLowerCase();
    if (v === undefined) return undefined;
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw new InvalidValueError(`${option.key} must be true or false, but is '${clip(v)}'`);
  }
}

function withKey<T>(option: FlinkOption, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof InvalidValueError) throw new InvalidValueError(`${option.key}: ${e.message}`);
    throw e;
  }
}
