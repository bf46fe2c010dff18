import { maskProgramArgs } from '../config/secrets.js';
import { maskAmContainerSpec } from './am-container.js';
import type { AppSubmission, PlannedProgram, SessionPlan } from './plan.js';

export { maskProgramArgs };

/**
 * The plan as the contract shows it (`--dry-run`, `-o json`), with secrets masked. The plan itself
 * keeps the real values: they are what the ResourceManager and the JobManager get.
 */
export interface PublicPlan {
  readonly applicationId: string;
  readonly clusterId: string;
  readonly hadoopVersion: string;
  readonly attempts: SessionPlan['attempts'];
  readonly policy: SessionPlan['policy'];
  readonly diagnostics: SessionPlan['diagnostics'];
  readonly program?: PlannedProgram;
  readonly submission: AppSubmission;
}

export function publicPlan(plan: SessionPlan): PublicPlan {
  const spec = plan.submission['am-container-spec'];
  return {
    applicationId: plan.applicationId,
    clusterId: plan.clusterId,
    hadoopVersion: plan.hadoopVersion,
    attempts: plan.attempts,
    policy: plan.policy,
    // Already masked when the plan was decided.
    diagnostics: plan.diagnostics,
    ...(plan.program !== null ? { program: { ...plan.program, args: maskProgramArgs(plan.program.args) } } : {}),
    submission:
      spec === undefined ? plan.submission : { ...plan.submission, 'am-container-spec': maskAmContainerSpec(spec) },
  };
}
