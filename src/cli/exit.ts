import { errorClassOf, FlinkYarnError, type ErrorClass } from '../errors/index.js';

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

const EXIT_BY_CLASS: Record<ErrorClass, ExitCode> = {
  usage: EXIT.usage,
  failure: EXIT.failed,
  interrupted: EXIT.interrupted,
};

/**
 * The one place errors become exit codes and a one-line message; no stack traces for users.
 * The code decides, not the class that carries it: a USAGE thrown inside a client still exits 2.
 * Only failures name their code; usage and interruption messages stand alone.
 */
export function exitCodeFor(error: unknown): { code: ExitCode; message: string } {
  if (error instanceof ExitError) return { code: error.exitCode, message: error.message };
  if (error instanceof FlinkYarnError) {
    const kind = errorClassOf(error.code);
    return {
      code: EXIT_BY_CLASS[kind],
      message: kind === 'failure' ? `${error.message} [${error.code}]` : error.message,
    };
  }
  const detail = error instanceof Error ? error.message : String(error);
  return { code: EXIT.failed, message: `internal error: ${detail} (set FLINK_YARN_DEBUG=1 for details)` };
}
