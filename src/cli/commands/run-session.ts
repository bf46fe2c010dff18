import type { SessionJobEvent } from '../../operations/run/session-job.js';
import { EXIT, ExitError } from '../exit.js';
import { style, writeJson, failoverLine, type Io } from '../output.js';
import { camelCase, spelling, type Flag } from '../spec.js';
import { run, type RunArgs } from '../specs/run.js';
import { interruptDecision, programOf } from './run-program.js';

/** The flags that shape a new cluster: a running session has its own, so they are ignored there. */
const CLUSTER_FLAGS: readonly string[] = [
  'jobManagerMemory',
  'taskManagerMemory',
  'slots',
  'name',
  'queue',
  'nodeLabel',
  'applicationType',
  'ship',
  'jar',
  'zookeeperNamespace',
  'flink-home',
  'timeout',
];

/**
 * `flink-yarn run -yid APPID JAR` (or `-t yarn-session`): the job goes into a running session
 * through Flink's REST API. Attached, it follows the job and exits as `flink run` does: 0 only
 * when the job FINISHED.
 */
export async function runInSession(args: RunArgs, io: Io, stdin: NodeJS.ReadableStream): Promise<void> {
  const { submitToSession, followSessionJob, jobFailed } = await import('../../operations/run/session-job.js');
  const started = Date.now();
  const s = style(io.stderr, io.env);
  const say = (text: string): void => {
    io.stderr.write(`${s.dim(`${((Date.now() - started) / 1000).toFixed(1)}s`.padStart(6))} ${text}\n`);
  };
  const given = args as unknown as Readonly<Record<string, unknown>>;
  const ignored = (run.flags as readonly Flag[]).filter(
    (f) => CLUSTER_FLAGS.includes(f.name) && given[f.property ?? camelCase(f.name)] !== undefined,
  );

  const onEvent = (e: SessionJobEvent): void => {
    switch (e.kind) {
      case 'session':
        say(
          `session ${e.applicationId}${e.from === 'properties-file' ? " (from Flink's .yarn-properties file)" : ''}, JobManager ${e.restAddress}`,
        );
        if (ignored.length > 0)
          say(s.yellow(`ignored in a session, which has its own cluster: ${ignored.map(spelling).join(', ')}`));
        return;
      case 'uploaded':
        return say(`uploaded the jar (${(e.bytes / 1024).toFixed(0)} KB, ${e.ms} ms)`);
      case 'submitted':
        return say(`job ${e.jobId} submitted`);
      case 'job':
        return say(`job ${e.jobId} ${e.state}`);
      case 'cancelling':
        return say(`cancelling job ${e.jobId}`);
      case 'cleanup':
        return say(`cleanup: ${e.detail}`);
      case 'rm-failover':
        return say(failoverLine(e));
      default:
        return;
    }
  };
  const abort = new AbortController();
  const onSigint = (): void => {
    say('Interrupted: stopping the submission and removing what it uploaded...');
    abort.abort();
  };
  process.once('SIGINT', onSigint);
  const job = await submitToSession({
    applicationId: args.applicationId,
    flinkConfDir: args.flinkConfDir,
    yarnConfDir: args.yarnConfDir,
    rm: args.rm,
    user: args.user,
    keytab: args.keytab,
    principal: args.principal,
    ca: args.ca,
    dynamicProperties: args.dynamicProperties,
    env: io.env,
    cwd: io.cwd,
    program: programOf(args),
    signal: abort.signal,
    onEvent,
  }).finally(() => process.removeListener('SIGINT', onSigint));

  const out = style(io.stdout, io.env);
  if (args.detached) {
    if (args.output === 'json') writeJson(io, { applicationId: job.applicationId, jobId: job.jobId, state: job.state });
    else
      io.stdout.write(
        [
          out.green(`Job ${job.jobId} is ${job.state} in session ${job.applicationId}.`),
          `  JobManager web UI  ${job.restAddress}`,
          `Follow it with: flink-yarn jobs ${job.applicationId}; stop it with: flink-yarn cancel ${job.applicationId} ${job.jobId}`,
          '',
        ].join('\n'),
      );
    return;
  }
  const interrupt = interruptDecision(args, io, stdin, say, 'Cancel the job? [y/N] ');
  const outcome = await followSessionJob(job, { interrupt: interrupt.decision, onEvent }).finally(() =>
    interrupt.dispose(),
  );
  if (args.output === 'json')
    writeJson(io, { applicationId: outcome.applicationId, jobId: outcome.jobId, state: outcome.state });
  else if (outcome.kind === 'detached')
    io.stdout.write(
      `Detached from job ${outcome.jobId}; it is still ${outcome.state} in ${outcome.applicationId}. Cancel it with: flink-yarn cancel ${outcome.applicationId} ${outcome.jobId}\n`,
    );
  else {
    const line = `Job ${outcome.jobId} ${outcome.state} in session ${outcome.applicationId}`;
    io.stdout.write(`${outcome.state === 'FINISHED' ? out.green(line) : out.red(line)}\n`);
  }
  if (outcome.kind === 'detached') throw new ExitError(EXIT.interrupted);
  if (outcome.state !== 'FINISHED') throw jobFailed(outcome);
}
