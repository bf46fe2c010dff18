import type { ConfigModel } from '../config/assemble.js';
import type { FlinkEntry } from '../config/flink/entries.js';
import type { FlinkOption } from '../config/flink/options.js';
import type { Sourced } from '../config/hadoop/yarn-site.js';
import { isBuiltinFile } from '../config/hadoop/defaults.js';
import type { Diagnostic } from '../diagnostics/index.js';
import { decideAttempts, type AttemptsDecision } from '../policy/attempts.js';
import { haEnabled, haMode, type HaMode } from '../policy/ha.js';

export { describeEntry } from '../config/flink/entries.js';

/** What every rule may look at, computed once. */
export interface RuleContext {
  readonly config: ConfigModel;
  readonly ha: HaMode;
  readonly haOn: boolean;
  readonly attempts: AttemptsDecision;
  /** Whether the configuration is meant for YARN; YARN-only findings are left out where it is not. */
  readonly yarnInPlay: boolean;
}

/** One named check. A rule returns findings; it never throws and never does I/O. */
export type Rule = (ctx: RuleContext) => Diagnostic[];

/** `onYarn`: the configuration is being deployed on YARN, whatever it looks like. */
export function ruleContext(config: ConfigModel, scope: { readonly onYarn?: boolean } = {}): RuleContext {
  const ha = haMode(config.flink);
  const haOn = haEnabled(ha);
  return {
    config,
    ha,
    haOn,
    attempts: decideAttempts(config.flink, config.yarnSite, haOn),
    yarnInPlay: scope.onYarn === true || yarnInPlay(config),
  };
}

/** Where to point the user for an option: the entry that set it, under its canonical key. */
export function at(
  ctx: RuleContext,
  option: FlinkOption,
): { key: string; file?: string | undefined; line?: number | undefined } {
  const entry = ctx.config.flink.lookup(option)?.entry;
  return { key: option.key, ...entryWhere(entry, ctx) };
}

export function entryWhere(
  entry: FlinkEntry | undefined,
  ctx: RuleContext,
): { file?: string | undefined; line?: number | undefined } {
  if (entry === undefined) return ctx.config.flinkFile !== undefined ? { file: ctx.config.flinkFile } : {};
  return entry.source === 'dynamic' ? {} : { file: entry.file, line: entry.line };
}

export function hadoopWhere(v: Sourced<unknown>): { key: string; file?: string; line?: number } {
  if (isBuiltinFile(v.origin.file)) return { key: v.key };
  return { key: v.key, file: v.origin.file, ...(v.origin.line !== undefined ? { line: v.origin.line } : {}) };
}

export function describeHadoop(v: Sourced<unknown>): string {
  if (isBuiltinFile(v.origin.file)) return `YARN's default (no ${v.key} in yarn-site.xml)`;
  return `${v.origin.file}${v.origin.line !== undefined ? `:${v.origin.line}` : ''}`;
}

/**
 * A standalone HA cluster names its JobManagers in `masters` (Flink's start-cluster.sh reads it;
 * YARN never does). With two or more there, no yarn-site.xml and no YARN execution target, the
 * configuration is for a standalone cluster, where for example a fixed cluster-id is right.
 */
function yarnInPlay(config: ConfigModel): boolean {
  const target = config.flink.raw('execution.target')?.value.trim() ?? '';
  if (config.hasYarnSite || target.startsWith('yarn-')) return true;
  return (config.masters?.masters.length ?? 0) < 2;
}
