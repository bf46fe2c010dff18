import type { Options, PositionalOptions } from 'yargs';
import { FlinkYarnError, UsageError } from '../errors/index.js';

/**
 * A flag (or a positional argument), declared once. The yargs option, yarn-session.sh's
 * two-letter spelling, the Flink configuration key and the property of the command's options
 * object are all generated from it.
 */
export interface Flag {
  /** What yargs reads, `--name`; it accepts the camelCase and the kebab-case form alike. */
  readonly name: string;
  /** The property it fills in the command's options object. @default name in camelCase */
  readonly property?: string;
  /** yargs' type; left out, the value is a string (or one of `choices`). */
  readonly type?: 'string' | 'number' | 'boolean';
  readonly describe?: string;
  /** A one-letter alias: `-s`. */
  readonly alias?: string;
  /**
   * yarn-session.sh's spelling, `-jm` (or several: `['-jm', '-yjm']`, Flink's `-y` form for
   * `flink run`). A standard parser reads it as `-j -m`, so it becomes `--name` before parsing;
   * help shows it in front of the description.
   */
  readonly short?: `-${string}` | readonly `-${string}`[];
  readonly default?: string | number | boolean;
  readonly array?: boolean;
  readonly choices?: readonly (string | number)[];
  /** A positional argument: `<name>` in the command line when required, `[name]` otherwise. */
  readonly positional?: 'required' | 'optional';
  /** Declared once, before the commands, and accepted by all; a command lists it only to read it. */
  readonly global?: boolean;
  /** The Flink configuration key Flink's own CLI sets from this flag, and how it writes the value. */
  readonly flink?: { readonly key: string; readonly value?: (given: never) => string };
  /** Turns the parsed value into the option's (-D pairs into a record, --no-wait into noWait). */
  readonly map?: (given: never) => unknown;
  /** Callers other than the parser may leave the option out: the operation's default applies. */
  readonly optional?: boolean;
}

/** A command: its words, what `--help` says, and its flags (positionals among them). */
export interface CommandSpec {
  readonly name: string;
  readonly describe: string;
  readonly flags: readonly Flag[];
}

type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
type PropertyOf<F extends Flag> = F extends { property: infer P extends string } ? P : Camel<F['name']>;
type Parsed<F extends Flag> = F extends { choices: readonly (infer C)[] }
  ? C
  : F extends { array: true }
    ? string[]
    : F extends { type: 'number' }
      ? number
      : F extends { type: 'boolean' }
        ? boolean
        : string;
type Given<F extends Flag> = F extends { default: unknown } | { positional: 'required' }
  ? Parsed<F>
  : Parsed<F> | undefined;
type ValueOf<F extends Flag> = F extends { map: (given: never) => infer R } ? R : Given<F>;
type MayBeLeftOut<F extends Flag> = F extends { optional: true } ? true : undefined extends ValueOf<F> ? true : false;

/** The options object a list of flags fills: one readonly property per flag. */
export type OptionsOf<Fs extends readonly Flag[]> = {
  readonly [F in Fs[number] as MayBeLeftOut<F> extends true ? never : PropertyOf<F>]: ValueOf<F>;
} & {
  readonly [F in Fs[number] as MayBeLeftOut<F> extends true ? PropertyOf<F> : never]?: ValueOf<F>;
};

export function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function propertyOf(flag: Flag): string {
  return flag.property ?? camelCase(flag.name);
}

/** yargs' option for a flag, with only the keys it declares (yargs asks `'default' in option`). */
export function yargsOption(flag: Flag): Options & PositionalOptions {
  const option: Options & PositionalOptions = {};
  if (flag.alias !== undefined) option.alias = flag.alias;
  if (flag.type !== undefined) option.type = flag.type;
  if (flag.array === true) option.array = true;
  if (flag.choices !== undefined) option.choices = flag.choices;
  if (flag.default !== undefined) option.default = flag.default;
  if (flag.positional === 'required') option.demandOption = true;
  // A value flag at the end, or followed by another flag, is a usage error, not an empty value.
  if (flag.positional === undefined && flag.type !== 'boolean') option.requiresArg = true;
  if (flag.describe !== undefined)
    option.describe = flag.short === undefined ? flag.describe : `${shorts(flag).join(', ')}: ${flag.describe}`;
  return option;
}

/** A flag's two-letter spellings, in the order declared. */
export function shorts(flag: Flag): readonly `-${string}`[] {
  return flag.short === undefined ? [] : typeof flag.short === 'string' ? [flag.short] : flag.short;
}

/** yargs' command line: the command's words, then its positionals. */
export function commandLine(spec: CommandSpec): string {
  const words = [spec.name];
  for (const { positional, name } of spec.flags) {
    if (positional !== undefined) words.push(positional === 'required' ? `<${name}>` : `[${name}]`);
  }
  return words.join(' ');
}

/** A command's flags but the global ones, which are declared once, before the commands. */
export function ownFlags(spec: CommandSpec): Flag[] {
  return spec.flags.filter((f) => f.global !== true);
}

/** Maps yargs' parsed arguments to the command's options object. */
export function optionsOf<const Fs extends readonly Flag[]>(
  flags: Fs,
  parsed: Readonly<Record<string, unknown>>,
): OptionsOf<Fs> {
  const options: Record<string, unknown> = {};
  for (const flag of flags) {
    const given = parsed[flag.name];
    options[propertyOf(flag)] = flag.map === undefined ? given : flag.map(given as never);
  }
  return options as OptionsOf<Fs>;
}

/** How a message names a flag: `--jobManagerMemory (-jm)`, `-D`, `<applicationId>`. */
export function spelling(flag: Flag): string {
  if (flag.positional !== undefined) return `<${flag.name}>`;
  const long = flag.name.length === 1 ? `-${flag.name}` : `--${flag.name}`;
  const short = shorts(flag)[0] ?? (flag.alias !== undefined ? `-${flag.alias}` : undefined);
  return short === undefined ? long : `${long} (${short})`;
}

/**
 * What yargs lets through and a command must never see, for every flag alike: a single-valued
 * flag given twice (yargs makes a list of it) and a number flag whose value is not a number.
 */
export function checkGiven(flags: readonly Flag[], parsed: Readonly<Record<string, unknown>>): void {
  for (const flag of flags) {
    const given = parsed[flag.name];
    if (Array.isArray(given) && flag.array !== true) {
      throw new UsageError(`${spelling(flag)} was given ${given.length} times; it takes one value.`);
    }
    if (flag.type === 'number' && (given === null || Number.isNaN(given))) {
      throw new UsageError(`${spelling(flag)} takes a number.`);
    }
  }
}

/**
 * Every spelling of the boolean flags, without dashes (`dry-run`, `dryRun`, `d`, `no-dry-run`),
 * but for names another flag uses for a value.
 */
export function switchNames(flags: readonly Flag[]): Set<string> {
  const switches = new Set<string>();
  const valued = new Set<string>();
  for (const flag of flags) {
    if (flag.positional !== undefined) continue;
    const kebab = flag.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    const names = [flag.name, camelCase(flag.name), kebab, ...(flag.alias !== undefined ? [flag.alias] : [])];
    for (const name of names) (flag.type === 'boolean' ? switches : valued).add(name);
  }
  const out = new Set<string>();
  for (const name of switches) {
    if (valued.has(name)) continue;
    out.add(name);
    if (name.length > 1) out.add(`no-${name}`);
  }
  return out;
}

/** The flags that take a value, by every name yargs knows them (camelCase, alias). */
export function valueFlags(flags: readonly Flag[]): Set<string> {
  const names = new Set<string>();
  for (const flag of flags) {
    if (flag.positional !== undefined || flag.type === 'boolean') continue;
    names.add(camelCase(flag.name));
    if (flag.alias !== undefined) names.add(flag.alias);
  }
  return names;
}

/** Two-letter spellings (`-jm`) and the long flags they stand for (`--jobManagerMemory`). */
export function twoLetterFlags(flags: readonly Flag[]): Record<string, string> {
  const spellings: Record<string, string> = {};
  for (const flag of flags) {
    const long = `--${flag.name}`;
    for (const short of shorts(flag)) {
      // normaliseArgs rewrites before it knows the command: one spelling, one meaning.
      if (spellings[short] !== undefined && spellings[short] !== long)
        throw new FlinkYarnError('INTERNAL', `${short} stands for both ${spellings[short]} and ${long}`);
      spellings[short] = long;
    }
  }
  return spellings;
}

/** The Flink configuration the given flags set, as Flink's CLI sets it for them. */
export function flinkProperties<const Fs extends readonly Flag[]>(
  flags: Fs,
  options: Partial<OptionsOf<Fs>>,
): Record<string, string> {
  const values = options as Readonly<Record<string, unknown>>;
  const out: Record<string, string> = {};
  for (const flag of flags) {
    const value = values[propertyOf(flag)];
    if (flag.flink === undefined || value === undefined) continue;
    out[flag.flink.key] = flag.flink.value === undefined ? String(value) : flag.flink.value(value as never);
  }
  return out;
}

/** `-D key=value`, repeated: Flink configuration that overrides the files. */
export function dynamicProperties(values: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`-D ${item}: write it as -D key=value`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}
