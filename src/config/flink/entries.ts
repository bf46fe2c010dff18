import type { Diagnostic } from '../../diagnostics/index.js';

/** One key as written in a Flink configuration source. */
export interface FlinkEntry {
  /** The key as written (possibly a deprecated one). */
  readonly key: string;
  /** The value in the string form Flink's Configuration returns for it. */
  readonly value: string;
  readonly file?: string;
  readonly line?: number;
  /** `file` for configuration files, `dynamic` for -D on the command line. */
  readonly source: 'file' | 'dynamic';
}

/** What a parser made of one file: its entries in order, and what Flink would skip or warn about. */
export interface ParsedFlinkConf {
  readonly file: string;
  readonly format: 'legacy' | 'yaml';
  readonly entries: readonly FlinkEntry[];
  readonly diagnostics: readonly Diagnostic[];
}

/** How a value was given, for messages: `set in flink-conf.yaml:3`, or `given with -D`. */
export function describeEntry(entry: FlinkEntry | undefined): string {
  if (entry === undefined) return 'by default';
  if (entry.source === 'dynamic') return `given with -D ${entry.key}`;
  return `set in ${entry.file ?? '?'}${entry.line !== undefined ? `:${entry.line}` : ''}`;
}
