import { UsageError } from '../../errors/index.js';
import type { Io } from '../output.js';
import { ask, isYes, type Question } from '../prompt.js';
import type { RunArgs } from '../specs/run.js';

// What `run` does with flink run's flags, whichever target the job goes to.

/** Where `flink run`'s flags send the job: Flink's -t, with -yid meaning a session as in Flink. */
export function targetOf(args: RunArgs): 'session' | 'application' | 'per-job' {
  const target = args.target ?? (args.applicationId !== undefined && !args.dryRun ? 'yarn-session' : undefined);
  if (target === 'yarn-session') {
    if (args.jobGraph !== undefined)
      throw new UsageError('--job-graph starts a per-job cluster; a session runs the jar itself. Drop one of them.');
    if (args.dryRun)
      throw new UsageError('--dry-run plans a deployment; a job into a running session deploys nothing.');
    return 'session';
  }
  if (target === 'yarn-per-job' && args.jobGraph === undefined) {
    throw new UsageError(
      "-t yarn-per-job needs the job compiled to a JobGraph by Flink's client (a JVM): give --job-graph FILE, or drop -t to run in application mode, where the cluster compiles it.",
    );
  }
  if (target === 'yarn-application' && args.jobGraph !== undefined) {
    throw new UsageError('--job-graph runs the per-job entrypoint: use it with -t yarn-per-job, not yarn-application.');
  }
  // Both start a new cluster: -yid (a session to run in, without --dry-run) would be ignored.
  if (
    (target === 'yarn-application' || target === 'yarn-per-job') &&
    args.applicationId !== undefined &&
    !args.dryRun
  ) {
    throw new UsageError(`-yid names a running session, but -t ${target} starts a new cluster: drop one of them.`);
  }
  return args.jobGraph !== undefined ? 'per-job' : 'application';
}

/** `flink run`'s program options, for a cluster of its own and a session alike. */
export function programOf(args: RunArgs) {
  return {
    jar: args.jarFile,
    mainClass: args.mainClass,
    args: args.programArgs,
    parallelism: args.parallelism,
    classpaths: args.classpaths,
    restore:
      args.fromSavepoint === undefined
        ? undefined
        : { path: args.fromSavepoint, allowNonRestoredState: args.allowNonRestoredState, claimMode: args.claimMode },
  };
}

/**
 * Ctrl-C while attached: -sae cancels; on a terminal the user is asked; a non-interactive stdin
 * never asks and leaves the job running. A second Ctrl-C detaches.
 */
export function interruptDecision(
  args: Pick<RunArgs, 'shutdownOnAttachedExit'>,
  io: Io,
  stdin: NodeJS.ReadableStream,
  say: (text: string) => void,
  question: string,
): { decision: Promise<'cancel' | 'detach'>; dispose(): void } {
  let onSigint: (() => void) | undefined;
  let asking: Question | undefined;
  const decision = new Promise<'cancel' | 'detach'>((resolve) => {
    let count = 0;
    onSigint = () => {
      count++;
      if (count > 1 || args.shutdownOnAttachedExit || (stdin as { isTTY?: boolean }).isTTY !== true) {
        const how = count === 1 && args.shutdownOnAttachedExit ? 'cancel' : 'detach';
        say(how === 'cancel' ? 'Interrupted: cancelling the job (-sae)' : 'Interrupted: detaching');
        asking?.close();
        resolve(how);
        return;
      }
      asking = ask(io, stdin, question);
      void asking.answer.then((answer) => resolve(isYes(answer) ? 'cancel' : 'detach'));
    };
    process.on('SIGINT', onSigint);
  });
  return {
    decision,
    dispose: () => {
      asking?.close();
      if (onSigint) process.removeListener('SIGINT', onSigint);
    },
  };
}
