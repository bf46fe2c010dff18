import { relative } from 'node:path';
import type { Diagnostic, Severity } from '../diagnostics/index.js';

export type OutputFormat = 'text' | 'json';

/** Where the CLI writes: stdout for results, stderr for everything else. */
export interface Io {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** One JSON document on stdout. A long list is written in pieces: await it before exiting. */
export function writeJson(io: Io, value: unknown): void | Promise<void> {
  if (!Array.isArray(value) || value.length < 1_000) {
    io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  return writeJsonList(io, value);
}

/**
 * A long list in pieces, exactly as JSON.stringify(value, null, 2) lays it out: a hundred items
 * are stringified at once and their brackets dropped, so the layout is JSON.stringify's own.
 */
async function writeJsonList(io: Io, value: readonly unknown[]): Promise<void> {
  const slice = 100;
  const slices = Math.ceil(value.length / slice);
  await writeLines(io, slices + 2, (i) => {
    if (i === 0) return '[';
    if (i === slices + 1) return ']';
    const text = JSON.stringify(value.slice((i - 1) * slice, i * slice), null, 2);
    return `${text.slice(2, -2)}${i < slices ? ',' : ''}`;
  });
}

/**
 * Writes `count` lines made on demand, about a megabyte at a time, and waits for the reader
 * whenever the pipe is full: long output is never one giant string nor a queue of unread pieces.
 */
export async function writeLines(io: Io, count: number, line: (index: number) => string): Promise<void> {
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += `${line(i)}\n`;
    if (chunk.length > 1 << 20 || i === count - 1) {
      if (!io.stdout.write(chunk) && typeof io.stdout.once === 'function') {
        await new Promise<void>((resolve) => io.stdout.once('drain', resolve));
      }
      chunk = '';
    }
  }
}

/** How every command reports an RM failover on stderr. */
export function failoverLine(e: { readonly from: string; readonly reason: string }): string {
  return `ResourceManager ${e.from} failed (${e.reason}); failing over`;
}

export interface Style {
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly red: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly cyan: (s: string) => string;
  readonly green: (s: string) => string;
}

export function style(stream: { isTTY?: boolean }, env: Io['env']): Style {
  const on = stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  const wrap = (open: number, close: number) => (s: string) => (on ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
    green: wrap(32, 39),
  };
}

const HEADINGS: Record<Severity, [string, string]> = {
  error: ['error', 'errors'],
  warning: ['warning', 'warnings'],
  info: ['note', 'notes'],
};

/** Diagnostics grouped by severity, one block each: code, place, key, then the message. */
export function formatDiagnostics(list: readonly Diagnostic[], s: Style, cwd: string): string {
  const lines: string[] = [];
  for (const severity of ['error', 'warning', 'info'] as const) {
    const group = list.filter((d) => d.severity === severity);
    if (group.length === 0) continue;
    const color = severity === 'error' ? s.red : severity === 'warning' ? s.yellow : s.cyan;
    const [one, many] = HEADINGS[severity];
    lines.push(color(s.bold(`${group.length} ${group.length === 1 ? one : many}`)));
    for (const d of group) {
      const place = d.file === undefined ? '' : `${shortPath(d.file, cwd)}${d.line !== undefined ? `:${d.line}` : ''}`;
      const head = [color(d.code), place, d.key !== undefined ? s.dim(d.key) : ''].filter((x) => x !== '').join('  ');
      lines.push(`  ${head}`);
      lines.push(`    ${d.message}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

export function shortPath(file: string, cwd: string): string {
  if (!file.startsWith('/')) return file;
  const rel = relative(cwd, file);
  return rel.startsWith('..') || rel === '' ? file : rel;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
