import type { Diagnostic } from '../../diagnostics/index.js';
import { FlinkYarnError } from '../../errors/index.js';

/** The plan's errors, as an error that carries them. */
export class SessionPlanError extends FlinkYarnError {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super('VALIDATION_FAILED', `Not deploying: ${errors.map((d) => `${d.code}: ${d.message}`).join(' ')}`);
    this.diagnostics = diagnostics;
  }
}
