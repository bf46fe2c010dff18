import type { JobOutcome, WatchEvent } from '../../operations/run/index.js';
import { TERMINAL_JOB_STATES } from '../../flink/rest-client.js';
import { EXIT, ExitError } from '../exit.js';
import { style, writeJson, type Io, failoverLine } from '../output.js';
import { ask, isYes, type Question } from '../prompt.js';
import type { RunArgs } from '../specs/run.js';
import { deployWithProgress } from './session.js';

/**
 * `flink-yarn run JAR [args]`: one cluster for one job. Attached (the default) it follows the
 * job to its end and exits 0 only when YARN's final status is SUCCEEDED.
 */
export async function runJob(args: RunArgs, io: Io, stdin: NodeJS.ReadableStream = process.stdin): Promise<void> {
  const started = Date.now();
  const program = {
    jar: args.jarFile,
    mainClass: args.mainClass,
    args: args.programArgs,
    parallelism: args.parallelism,
    jobGraph: args.jobGraph,
  };
  const outcome = await deployWithProgress(args, io, program);
  if (outcome === null) return;
  const { result, plan, out, deployed } = outcome;
  const jobId = (result.plan.program as { jobId?: string | null } | undefined)?.jobId ?? null;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (args.detached) {
    io.stdout.write(
      [
        out.green(`Flink application ${plan.applicationId} is ${result.state} (${seconds} s).`),
        `  JobManager web UI  ${result.restAddress ?? '(not yet known)'}`,
        `  YARN tracking URL  ${result.trackingUrl ?? '-'}`,
        ...(jobId !== null ? [`  job id             ${jobId}`] : []),
        `  HA cluster-id      ${plan.clusterId}`,
        `  AM attempts        ${plan.attempts.effective} (asked ${plan.attempts.requested}, cluster cap ${plan.attempts.cap})`,
        `Follow it with: flink-yarn status ${plan.applicationId}; stop it with: flink-yarn kill ${plan.applicationId}`,
        '',
      ].join('\n'),
    );
    return;
  }

  const s = style(io.stderr, io.env);
  const t = (): string => s.dim(`${((Date.now() - started) / 1000).toFixed(1)}s`.padStart(6));
  const say = (text: string): void => {
    io.stderr.write(`${t()} ${text}\n`);
  };
  const { watchApplication } = await import('../../operations/run/index.js');
  const interrupt = interruptDecision(args, io, stdin, say);
  let job: JobOutcome;
  try {
    job = await watchApplication({
      applicationId: plan.applicationId,
      stagingDir: result.stagingDir,
      yarnConfDir: args.yarnConfDir,
      rm: args.rm,
      user: args.user,
      env: io.env,
      cwd: io.cwd,
      interrupt: interrupt.decision,
      knownState: result.state === 'PLANNED' || result.state === 'SUBMITTED' ? undefined : result.state,
      onEvent: (e: WatchEvent) => {
        switch (e.kind) {
          case 'state':
            return say(`YARN state ${e.state}`);
          case 'jobmanager':
            return say(`JobManager web UI ${e.restAddress}`);
          case 'job':
            return say(`job ${e.jobId} (${e.name}) ${e.state}`);
          case 'attempt':
            return say(s.yellow(`the JobManager was restarted: AM attempt ${e.attempt}`));
          case 'cancelling':
            return say(e.how === 'flink' ? 'cancelling the job' : 'killing the application on YARN');
          case 'cleanup':
            return say(`cleanup: ${e.detail}`);
          case 'rm-failover':
            return say(failoverLine(e));
          default:
            return;
        }
      },
    });
  } finally {
    interrupt.dispose();
  }

  if (args.output === 'json')
    writeJson(io, { ...deployed, state: job.state, finalStatus: job.finalStatus, outcome: job });
  else io.stdout.write(summary(job, out));
  if (job.kind === 'detached' || job.kind === 'cancelled') throw new ExitError(EXIT.interrupted);
  if (job.finalStatus !== 'SUCCEEDED') {
    throw new ExitError(
      EXIT.failed,
      `${job.applicationId} ended ${job.state}/${job.finalStatus}${job.cause !== null ? `: ${job.cause}` : ''}`,
    );
  }
}

function summary(job: JobOutcome, out: ReturnType<typeof style>): string {
  const ok = job.finalStatus === 'SUCCEEDED';
  const head =
    job.kind === 'detached'
      ? `Detached from ${job.applicationId}; it is still ${job.state}. Stop it with: flink-yarn kill ${job.applicationId}`
      : `${job.applicationId} ${job.state}, final status ${job.finalStatus}`;
  return [
    ok ? out.green(head) : job.kind === 'detached' ? head : out.red(head),
    // The JobManager shuts down right after its job ends, so the last state seen may be an earlier
    // one; a cluster for one job reports SUCCEEDED only when all its jobs FINISHED.
    ...job.jobs.map(
      (j) =>
        `  job ${j.id} (${j.name}) ${TERMINAL_JOB_STATES.has(j.state) ? j.state : ok ? 'FINISHED' : `last seen ${j.state}`}`,
    ),
    ...(job.cause !== null ? [`  cause          ${job.cause}`] : []),
    ...(job.diagnostics.trim() !== '' && !ok ? [`  YARN says      ${job.diagnostics.trim().split('\n')[0]}`] : []),
    ...(job.logs !== null && !ok ? [`  JobManager log ${job.logs}`] : []),
    ...(job.attempts > 1 ? [`  AM attempts    ${job.attempts}`] : []),
    '',
  ].join('\n');
}

/**
 * Ctrl-C while attached: --cancel-on-interrupt cancels; on a terminal the user is asked; a
 * non-interactive stdin never asks and leaves the job running. A second Ctrl-C detaches.
 */
function interruptDecision(
  args: RunArgs,
  io: Io,
  stdin: NodeJS.ReadableStream,
  say: (text: string) => void,
): { decision: Promise<'cancel' | 'detach'>; dispose(): void } {
  let onSigint: (() => void) | undefined;
  let asking: Question | undefined;
  const decision = new Promise<'cancel' | 'detach'>((resolve) => {
    let count = 0;
    onSigint = () => {
      count++;
      if (count > 1 || args.cancelOnInterrupt || (stdin as { isTTY?: boolean }).isTTY !== true) {
        const how = count === 1 && args.cancelOnInterrupt ? 'cancel' : 'detach';
        say(how === 'cancel' ? 'Interrupted: cancelling the job (--cancel-on-interrupt)' : 'Interrupted: detaching');
        asking?.close();
        resolve(how);
        return;
      }
      asking = ask(io, stdin, 'Cancel the job and shut its cluster down? [y/N] ');
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
