/** A finding about the user's configuration, as the contract defines it. */
export interface Diagnostic {
  readonly severity: Severity;
  /** Stable, greppable, never reworded. */
  readonly code: string;
  /** What is wrong, what YARN or Flink will actually do, and how to fix it. */
  readonly message: string;
  /** The canonical configuration key the finding is about. */
  readonly key?: string;
  /** Where the user can fix it. */
  readonly file?: string;
  readonly line?: number;
}

export type Severity = 'error' | 'warning' | 'info';

/** A place in a file, when known. Built-in defaults have none. */
export interface Location {
  readonly file?: string | undefined;
  readonly line?: number | undefined;
}

export function diagnostic(
  severity: Severity,
  code: string,
  message: string,
  where: Location & { key?: string | undefined } = {},
): Diagnostic {
  return {
    severity,
    code,
    message: clipMessage(message),
    ...(where.key !== undefined ? { key: where.key } : {}),
    ...(where.file !== undefined ? { file: where.file } : {}),
    ...(where.line !== undefined && where.line > 0 ? { line: where.line } : {}),
  };
}

/** How much of one value a message repeats; the rest is summarised by its size. */
export const MAX_ECHO_CHARS = 200;

/**
 * A value cut for a message: the first MAX_ECHO_CHARS characters and how long it really was, so
 * a 50 MB line in a file is not printed whole.
 */
export function clip(text: string, max = MAX_ECHO_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}... (${Buffer.byteLength(text)} bytes)`;
}

/** No template is this long; a message that is has a runaway value in it. */
const MAX_MESSAGE_CHARS = 1_000;

/**
 * A safety net for messages built without `clip`: in a runaway message, every piece between
 * quotes (values are quoted) longer than the echo limit is cut.
 */
function clipMessage(message: string): string {
  if (message.length <= MAX_MESSAGE_CHARS) return message;
  return message
    .split("'")
    .map((piece) => (piece.length > MAX_ECHO_CHARS + 100 ? clip(piece) : piece))
    .join("'");
}

/**
 * Appends in a loop: `target.push(...items)` passes every item as an argument and overflows the
 * stack somewhere past 100,000 of them (a file with that many bad lines has that many findings).
 */
export function appendAll<T>(target: T[], items: Iterable<T>): void {
  for (const item of items) target.push(item);
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then by file and line, so output is stable. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      ORDER[a.severity] - ORDER[b.severity] ||
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.code.localeCompare(b.code),
  );
}

export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}
