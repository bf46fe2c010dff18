import type { HadoopProperty, HadoopResource } from './xml.js';

/** Where a Hadoop value was set: a file and line, or Hadoop's built-in defaults. */
export interface HadoopOrigin {
  readonly file: string;
  readonly line: number | undefined;
}

export interface HadoopValue extends HadoopOrigin {
  readonly name: string;
  /** The value as written, before `${...}` expansion. */
  readonly raw: string;
  readonly final: boolean;
}

/** The value after expansion; `problem` is set when Hadoop itself would fail to expand it. */
export interface ExpandedValue extends HadoopValue {
  readonly value: string;
  readonly problem?: string;
}

/** What layering did that a user may not expect. */
export interface LayeringNote {
  readonly kind: 'final-override-ignored';
  readonly name: string;
  readonly kept: HadoopValue;
  readonly ignored: HadoopProperty;
}

export interface ExpansionContext {
  /** Environment variables for `${env.NAME}`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Stand-ins for the JVM system properties Hadoop consults first (`user.name`, ...). */
  readonly systemProperties: Readonly<Record<string, string | undefined>>;
}

/** Hadoop's limit on `${...}` substitutions in one value (Configuration.MAX_SUBST); the 20th fails. */
export const MAX_SUBST = 20;

const VARIABLE = /\$\{([^}$\s]+)\}/;

/** A layered Hadoop configuration, read the way org.apache.hadoop.conf.Configuration reads it. */
export class HadoopConfiguration {
  private readonly values: ReadonlyMap<string, HadoopValue>;
  readonly notes: readonly LayeringNote[];
  private readonly context: ExpansionContext;

  constructor(values: ReadonlyMap<string, HadoopValue>, notes: readonly LayeringNote[], context: ExpansionContext) {
    this.values = values;
    this.notes = notes;
    this.context = context;
  }

  /** Layers resources in order: later ones override earlier ones, except over `<final>` values. */
  static layer(resources: readonly HadoopResource[], context: ExpansionContext): HadoopConfiguration {
    const values = new Map<string, HadoopValue>();
    const finals = new Set<string>();
    const notes: LayeringNote[] = [];
    for (const resource of resources) {
      for (const item of resource.items) {
        if (item.kind !== 'property' || item.value === undefined) continue;
        const existing = values.get(item.name);
        if (finals.has(item.name) && existing !== undefined) {
          if (existing.raw !== item.value) {
            notes.push({ kind: 'final-override-ignored', name: item.name, kept: existing, ignored: item });
          }
        } else {
          values.set(item.name, {
            name: item.name,
            raw: item.value,
            final: item.final,
            file: item.file,
            line: item.line,
          });
        }
        if (item.final) finals.add(item.name);
      }
    }
    return new HadoopConfiguration(values, notes, context);
  }

  /**
   * Values set over everything, `<final>` ones too, as Hadoop's Configuration.set does: how
   * Flink's client applies `flink.hadoop.*` and `flink.yarn.*` to its Hadoop configuration.
   */
  withOverrides(overrides: readonly HadoopValue[]): HadoopConfiguration {
    if (overrides.length === 0) return this;
    const values = new Map(this.values);
    for (const o of overrides) values.set(o.name, o);
    return new HadoopConfiguration(values, this.notes, this.context);
  }

  getRaw(name: string): HadoopValue | undefined {
    return this.values.get(name);
  }

  /** The expanded value, or undefined when the key is not set anywhere. */
  get(name: string): ExpandedValue | undefined {
    const raw = this.values.get(name);
    if (raw === undefined) return undefined;
    const { value, problem } = this.expand(raw.raw);
    return problem === undefined ? { ...raw, value } : { ...raw, value, problem };
  }

  /** Like `get`, with surrounding whitespace removed (Hadoop's getTrimmed). */
  getTrimmed(name: string): ExpandedValue | undefined {
    const v = this.get(name);
    return v === undefined ? undefined : { ...v, value: v.value.trim() };
  }

  names(): IterableIterator<string> {
    return this.values.keys();
  }

  /**
   * Expands `${var}` like Configuration.substituteVars: system properties first, then other keys;
   * `${env.NAME}`, `${env.NAME:-default}` (unset or empty) and `${env.NAME-default}` (unset).
   * An unresolvable variable stops expansion and leaves the rest literal, and a self-reference
   * returns the original text, as in Hadoop.
   */
  expand(expression: string): { value: string; problem?: string } {
    let current = expression;
    for (let depth = 0; depth < MAX_SUBST; depth++) {
      const match = VARIABLE.exec(current);
      if (match === null) return { value: current };
      const reference = match[0];
      const variable = match[1]!;
      const resolved = this.resolveVariable(variable);
      if (resolved === undefined) return { value: current };
      if (resolved.includes(reference)) return { value: expression };
      current = current.slice(0, match.index) + resolved + current.slice(match.index + reference.length);
    }
    return {
      value: expression,
      problem: `variable substitution depth too large: ${MAX_SUBST} \${...} substitutions in '${expression}'; Hadoop fails on this value`,
    };
  }

  private resolveVariable(variable: string): string | undefined {
    if (variable.startsWith('env.') && variable.length > 4) {
      const spec = variable.slice(4);
      const env = this.context.env;
      for (let i = 0; i < spec.length; i++) {
        if (spec[i] === ':' && spec[i + 1] === '-' && i < spec.length - 1) {
          const v = env[spec.slice(0, i)];
          return v === undefined || v === '' ? spec.slice(i + 2) : v;
        }
        if (spec[i] === '-') {
          return env[spec.slice(0, i)] ?? spec.slice(i + 1);
        }
      }
      return env[spec] ?? this.values.get(variable)?.raw;
    }
    return this.context.systemProperties[variable] ?? this.values.get(variable)?.raw;
  }
}
