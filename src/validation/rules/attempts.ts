import { OPTIONS } from '../../config/flink/options.js';
import { clip, diagnostic, type Diagnostic } from '../../diagnostics/index.js';
import { DEFAULT_ATTEMPTS } from '../../policy/attempts.js';
import { at, describeHadoop, type RuleContext } from '../context.js';

const KEY = OPTIONS.applicationAttempts.key;

/** yarn.application-attempts must be a positive integer. */
export function applicationAttemptsPositiveInteger(ctx: RuleContext): Diagnostic[] {
  const { invalid } = ctx.attempts;
  if (invalid === undefined) return [];
  const fallback = ctx.haOn ? DEFAULT_ATTEMPTS.ha : DEFAULT_ATTEMPTS.noHa;
  return [
    diagnostic(
      'error',
      'ATTEMPTS_NOT_POSITIVE_INTEGER',
      `${KEY} is '${clip(invalid)}', but it must be a whole number from 1 to 2147483647 (the first attempt counts; Flink reads it as a Java int and fails on anything else). Flink's default here is ${fallback}.`,
      at(ctx, OPTIONS.applicationAttempts),
    ),
  ];
}

/** YARN silently lowers a request above yarn.resourcemanager.am.max-attempts to the cap. */
export function attemptsWithinAmMaxAttempts(ctx: RuleContext): Diagnostic[] {
  const { requested, cap, explicit } = ctx.attempts;
  if (requested <= cap) return [];
  const capSource = describeHadoop(ctx.config.yarnSite.amMaxAttempts);
  const what = explicit ? `${KEY} is ${requested}` : `With HA, Flink asks YARN for ${requested} attempts`;
  return [
    diagnostic(
      'warning',
      'ATTEMPTS_CAPPED_BY_YARN',
      `${what} but yarn-site.xml caps AM attempts at ${cap} (yarn.resourcemanager.am.max-attempts, ${capSource}); YARN will use ${cap}, logging it only on the ResourceManager. Raise the cap or lower the attempts.`,
      at(ctx, OPTIONS.applicationAttempts),
    ),
  ];
}

/** HA with a single attempt: nothing restarts the JobManager, so HA recovers nothing. */
export function haWithSingleAttempt(ctx: RuleContext): Diagnostic[] {
  if (!ctx.haOn || ctx.attempts.effective > 1) return [];
  const why =
    ctx.attempts.requested > 1
      ? `YARN caps the attempts at ${ctx.attempts.cap} (yarn.resourcemanager.am.max-attempts)`
      : `${KEY} is ${ctx.attempts.requested}`;
  return [
    diagnostic(
      'warning',
      'HA_SINGLE_ATTEMPT',
      `High availability is on, but ${why}: YARN will not restart a failed JobManager, so the application fails with it. Set ${KEY} to 2 or more.`,
      at(ctx, OPTIONS.applicationAttempts),
    ),
  ];
}

/** Several attempts without HA: YARN restarts the JobManager, which starts empty. */
export function attemptsWithoutHa(ctx: RuleContext): Diagnostic[] {
  if (ctx.haOn || ctx.attempts.effective <= 1 || ctx.ha.kind === 'unknown') return [];
  return [
    diagnostic(
      'warning',
      'ATTEMPTS_WITHOUT_HA',
      `${KEY} is ${ctx.attempts.requested} but high availability is off: YARN will restart a failed JobManager up to ${ctx.attempts.effective - 1} time(s), and each new one starts empty, with the running jobs lost. Enable high-availability.type: zookeeper, or set ${KEY} to 1.`,
      at(ctx, OPTIONS.applicationAttempts),
    ),
  ];
}
