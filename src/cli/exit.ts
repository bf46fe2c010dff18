import { FlinkYarnError, UsageError } from '../errors/index.js';

/** The contract's exit codes. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Thrown by handlers to end with a given code after the output has been written. */
export class ExitError extends Error {
  readonly exitCode: ExitCode;
  constructor(exitCode: ExitCode, message = '') {
    super(message);
    this.exitCode = exitCode;
  }
}

/** The one place errors become exit codes and a one-line message; no stack traces for users. */
export function exitCodeFor(error: unknown): { code: ExitCode; message: string } {
  if (error instanceof ExitError) return { code: error.exitCode, message: error.message };
  if (error instanceof UsageError) return { code: EXIT.usage, message: error.message };
  if (error instanceof FlinkYarnError && error.code === 'INTERRUPTED')
    return { code: EXIT.interrupted, message: error.message };
  if (error instanceof FlinkYarnError) return { code: EXIT.failed, message: `${error.message} [${error.code}]` };
  const detail = error instanceof Error ? error.message : String(error);
  return { code: EXIT.failed, message: `internal error: ${detail} (set FLINK_YARN_DEBUG=1 for details)` };
}
