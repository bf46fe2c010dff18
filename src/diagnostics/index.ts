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
    message,
    ...(where.key !== undefined ? { key: where.key } : {}),
    ...(where.file !== undefined ? { file: where.file } : {}),
    ...(where.line !== undefined && where.line > 0 ? { line: where.line } : {}),
  };
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
