export { deploySession } from './deploy.js';
export { SessionPlanError } from './errors.js';
export { InterruptedError } from '../../errors/index.js';
export { renderLegacyConfig, renderStandardConfig } from '../../session/shipped-config.js';
export type { ProgramOptions, SessionEvent, SessionOptions, SessionResult } from './types.js';
