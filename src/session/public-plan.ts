import { isSensitiveKey, MASK } from '../config/flink/options.js';
import { maskAmContainerSpec } from './am-container.js';
import type { AppSubmission, PlannedProgram, SessionPlan } from './plan.js';

/** The plan as the contract shows it (`--dry-run`, `-o json`), with secrets masked. */
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
    diagnostics: plan.diagnostics,
    ...(plan.program !== null ? { program: { ...plan.program, args: maskProgramArgs(plan.program.args) } } : {}),
    submission:
      spec === undefined ? plan.submission : { ...plan.submission, 'am-container-spec': maskAmContainerSpec(spec) },
  };
}

/** `--password x` and `--token=x`: the value after a secret-looking option name is not shown. */
export function maskProgramArgs(args: readonly string[]): string[] {
  return args.map((arg, i) => {
    const eq = /^(-{1,2}[^=]+)=/.exec(arg);
    if (eq !== null && isSensitiveKey(eq[1]!.replace(/^-+/, ''))) return `${eq[1]}=${MASK}`;
    const previous = args[i - 1];
    return previous !== undefined && /^-{1,2}[^=]+$/.test(previous) && isSensitiveKey(previous.replace(/^-+/, ''))
      ? MASK
      : arg;
  });
}
