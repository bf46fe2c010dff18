import { relative } from 'node:path';
import type { Diagnostic, Severity } from '../diagnostics/index.js';
import { forTerminal, own } from './text.js';

export type OutputFormat = 'text' | 'json';

/** A stream the CLI writes to: the process's, or a test's. */
export interface Output {
  write(text: string, done?: (error?: Error | null) => void): boolean;
  once?(event: 'drain', listener: () => void): unknown;
  readonly isTTY?: boolean;
  /** Set once the reader has gone (a closed pipe) or a write failed: further output is dropped. */
  readonly closed?: boolean;
}

/** Where the CLI writes: stdout for results, stderr for everything else. */
export interface Io {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/**
 * The one door to the terminal. Text is made safe for it (no control characters from files or
 * servers, long lines cut; see text.ts), JSON goes out exact. A reader that goes away (EPIPE:
 * `| head`) ends the output quietly; any other write error (a full disk) is kept for `main` to
 * report as one line, instead of the stack an unhandled stream error prints.
 */
export class TerminalOutput implements Output {
  #closed = false;
  #failure: Error | undefined;
  readonly #waiting = new Set<() => void>();

  constructor(readonly target: Output & { on?(event: 'error', listener: (e: Error) => void): unknown }) {
    target.on?.('error', (e) => this.#fail(e));
  }

  get isTTY(): boolean | undefined {
    return this.target.isTTY;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The write error that is not a closed pipe, if one happened. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  write(text: string): boolean {
    return this.writeExact(forTerminal(text));
  }

  /** Writes as given: for JSON, which escapes control characters itself and must stay exact. */
  writeExact(text: string): boolean {
    if (this.#closed) return true;
    try {
      return this.target.write(text, (e) => {
        if (e) this.#fail(e);
      });
    } catch (e) {
      this.#fail(e as Error);
      return true;
    }
  }

  once(event: 'drain', listener: () => void): this {
    if (this.#closed || this.target.once === undefined) {
      listener();
      return this;
    }
    const once = (): void => {
      if (this.#waiting.delete(once)) listener();
    };
    this.#waiting.add(once);
    this.target.once(event, once);
    return this;
  }

  #fail(e: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    if ((e as NodeJS.ErrnoException).code !== 'EPIPE') this.#failure = e;
    for (const waiting of [...this.#waiting]) waiting();
  }
}

/** The Io every command gets: both streams through the terminal door. */
export function terminalIo(io: Io): Io & { readonly stdout: TerminalOutput; readonly stderr: TerminalOutput } {
  const door = (s: Output): TerminalOutput => (s instanceof TerminalOutput ? s : new TerminalOutput(s));
  return { ...io, stdout: door(io.stdout), stderr: door(io.stderr) };
}

/** The stream under the door, for a line editor that draws on the terminal itself (prompts). */
export function terminalStream(s: Output): NodeJS.WritableStream {
  return (s instanceof TerminalOutput ? s.target : s) as NodeJS.WritableStream;
}

/** Writes JSON as it is (text.ts would cut its long lines). */
function writeExact(out: Output, text: string): boolean {
  return out instanceof TerminalOutput ? out.writeExact(text) : out.write(text);
}

/** One JSON document on stdout. A long list is written in pieces: await it before exiting. */
export function writeJson(io: Io, value: unknown): void | Promise<void> {
  if (!Array.isArray(value) || value.length < 1_000) {
    writeExact(io.stdout, `${JSON.stringify(value, null, 2)}\n`);
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
  await writeChunks(
    io.stdout,
    (text) => writeExact(io.stdout, text),
    slices + 2,
    (i) => {
      if (i === 0) return '[';
      if (i === slices + 1) return ']';
      const text = JSON.stringify(value.slice((i - 1) * slice, i * slice), null, 2);
      return `${text.slice(2, -2)}${i < slices ? ',' : ''}`;
    },
  );
}

/**
 * Writes `count` lines made on demand, about a megabyte at a time, and waits for the reader
 * whenever the pipe is full: long output is never one giant string nor a queue of unread pieces.
 */
export async function writeLines(io: Io, count: number, line: (index: number) => string): Promise<void> {
  await writeChunks(io.stdout, (text) => io.stdout.write(text), count, line);
}

async function writeChunks(
  out: Output,
  write: (text: string) => boolean,
  count: number,
  line: (index: number) => string,
): Promise<void> {
  let chunk = '';
  for (let i = 0; i < count && out.closed !== true; i++) {
    chunk += `${line(i)}\n`;
    if (chunk.length > 1 << 20 || i === count - 1) {
      if (!write(chunk) && typeof out.once === 'function') {
        await new Promise<void>((resolve) => out.once!('drain', resolve));
      }
      chunk = '';
    }
  }
}

/** How every command reports an RM failover on stderr. */
export function failoverLine(e: { readonly from: string; readonly reason: string }): string {
  return `ResourceManager ${e.from} failed (${e.reason}); failing over`;
}

/** Back to the start of the line and clear it: a line that keeps being rewritten (a live status). */
export const CLEAR_LINE = own('\r\u001b[2K');

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
  // Marked as our own, so the terminal door lets these through and no others.
  const wrap = (open: number, close: number) => (s: string) =>
    on ? `${own(`\u001b[${open}m`)}${s}${own(`\u001b[${close}m`)}` : s;
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
