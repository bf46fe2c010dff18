import type { JobOutcome, WatchEvent } from '../../operations/run/index.js';
import { TERMINAL_JOB_STATES } from '../../flink/rest-client.js';
import { EXIT, ExitError } from '../exit.js';
import { style, writeJson, type Io, failoverLine } from '../output.js';
import type { RunArgs } from '../specs/run.js';
import { interruptDecision, programOf, targetOf } from './run-program.js';
import { runInSession } from './run-session.js';
import { deployWithProgress } from './session.js';

/**
 * `flink-yarn run JAR [args]`: one cluster for one job, or (-yid, -t yarn-session) a job in a
 * running session. Attached (the default) it follows the job to its end and exits 0 only when
 * YARN's final status is SUCCEEDED (the job FINISHED, in a session).
 */
export async function runJob(args: RunArgs, io: Io, stdin: NodeJS.ReadableStream = process.stdin): Promise<void> {
  if (targetOf(args) === 'session') return runInSession(args, io, stdin);
  const started = Date.now();
  const program = {
    ...programOf(args),
    jobGraph: args.jobGraph,
    shutdownOnAttachedExit: args.shutdownOnAttachedExit,
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
  const interrupt = interruptDecision(args, io, stdin, say, 'Cancel the job and shut its cluster down? [y/N] ');
  let job: JobOutcome;
  try {
    job = await watchApplication({
      applicationId: plan.applicationId,
      stagingDir: result.stagingDir,
      yarnConfDir: args.yarnConfDir,
      rm: args.rm,
      user: args.user,
      keytab: args.keytab,
      principal: args.principal,
      ca: args.ca,
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
