import { createInterface } from 'node:readline';
import { MIB } from '../../config/values/memory.js';
import type { ProgramOptions, SessionEvent, SessionOptions, SessionResult } from '../../operations/session/index.js';
import { EXIT, ExitError } from '../exit.js';
import { DEPLOYMENT_FLAGS } from '../flags.js';
import { flinkProperties } from '../spec.js';
import { CLEAR_LINE, formatDiagnostics, style, writeJson, type Io, failoverLine } from '../output.js';
import type { SessionArgs } from '../specs/session.js';

export type { SessionArgs };

/** yarn-session.sh's flags become the configuration keys Flink's CLI sets for them; -D wins. */
export function flagProperties(args: SessionArgs): Record<string, string> {
  return { ...flinkProperties(DEPLOYMENT_FLAGS, args), ...args.dynamicProperties };
}

export async function runSession(
  args: SessionArgs,
  io: Io,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<void> {
  if (args.query === true) return query(args, io);
  if (args.applicationId !== undefined && !args.dryRun) {
    // -id: attach to a session someone else started; Ctrl-C only detaches.
    return attach(args, io, stdin, {
      applicationId: args.applicationId,
      owned: false,
      stagingDir: null,
      propertiesFile: null,
    });
  }
  const started = Date.now();
  const outcome = await deployWithProgress(args, io);
  if (outcome === null) return;
  const { result, plan, out, deployed } = outcome;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!args.detached) {
    io.stderr.write(
      `Flink session ${plan.applicationId} is ${result.state} (${seconds} s); web UI ${result.restAddress ?? '-'}\n`,
    );
    return attach(args, io, stdin, {
      applicationId: plan.applicationId,
      owned: true,
      stagingDir: result.stagingDir,
      propertiesFile: result.propertiesFile,
      deployed,
    });
  }
  io.stdout.write(
    [
      out.green(`Flink session ${plan.applicationId} is ${result.state} (${seconds} s).`),
      `  JobManager web UI  ${result.restAddress ?? '(not yet known)'}`,
      `  YARN tracking URL  ${result.trackingUrl ?? '-'}`,
      `  HA cluster-id      ${plan.clusterId}`,
      `  AM attempts        ${plan.attempts.effective} (asked ${plan.attempts.requested}, cluster cap ${plan.attempts.cap})`,
      `  uploaded           ${mb(result.bytesUploaded)} to ${result.stagingDir ?? '-'}${result.bytesReused > 0 ? ` (${mb(result.bytesReused)} reused from earlier uploads)` : ''}`,
      ...(result.propertiesFile !== null ? [`  properties file    ${result.propertiesFile}`] : []),
      `Stop it with: flink-yarn kill ${plan.applicationId}`,
      '',
    ].join('\n'),
  );
}

function mb(bytes: number): string {
  return bytes < MIB ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / MIB).toFixed(1)} MB`;
}

export function progress(e: SessionEvent, io: Io, s: ReturnType<typeof style>, started: number): void {
  const t = `${((Date.now() - started) / 1000).toFixed(1)}s`.padStart(6);
  const say = (text: string): void => {
    io.stderr.write(`${s.dim(t)} ${text}\n`);
  };
  switch (e.kind) {
    case 'preflight':
      return say(e.detail);
    case 'diagnostic':
      if (e.diagnostic.severity !== 'info')
        say(
          `${e.diagnostic.severity === 'error' ? s.red('error') : s.yellow('warning')} ${e.diagnostic.code}: ${e.diagnostic.message}`,
        );
      return;
    case 'application-id':
      return say(`application id ${e.applicationId}`);
    case 'staging':
      return say(`staging ${e.files} files (${mb(e.bytes)}) in ${e.dir}`);
    case 'staged':
      return say(
        `uploaded ${e.files} files (${mb(e.bytes)}) in ${(e.ms / 1000).toFixed(1)} s${e.reusedFiles > 0 ? `; ${e.reusedFiles} unchanged files (${mb(e.reusedBytes)}) were already on HDFS` : ''}`,
      );
    case 'submitted':
      return say(`submitted ${e.applicationId}`);
    case 'state':
      return say(`YARN state ${e.state}`);
    case 'cleanup':
      return say(`cleanup: ${e.detail}`);
    case 'rm-failover':
      return say(failoverLine(e));
    case 'rm-retry':
    case 'rm-active':
      return;
  }
}

/**
 * Attached mode: a status line per change, `stop` shuts the session down, Ctrl-C shuts down a
 * session this run started (exit 130) or only detaches from someone else's.
 */
async function attach(
  args: SessionArgs,
  io: Io,
  stdin: NodeJS.ReadableStream,
  session: {
    applicationId: string;
    owned: boolean;
    stagingDir: string | null;
    propertiesFile: string | null;
    /** What this run deployed; the one JSON document then says how the session ended too. */
    deployed?: Record<string, unknown>;
  },
): Promise<void> {
  const { superviseSession } = await import('../../operations/session/supervise.js');
  const s = style(io.stderr, io.env);
  let onSigint: (() => void) | undefined;
  const interrupted = new Promise<void>((resolve) => {
    onSigint = resolve;
    process.once('SIGINT', resolve);
  });
  const lines = createInterface({ input: stdin, terminal: false });
  try {
    const outcome = await superviseSession({
      applicationId: session.applicationId,
      owned: session.owned,
      stagingDir: session.stagingDir,
      propertiesFile: session.propertiesFile,
      yarnConfDir: args.yarnConfDir,
      rm: args.rm,
      user: args.user,
      keytab: args.keytab,
      principal: args.principal,
      ca: args.ca,
      env: io.env,
      cwd: io.cwd,
      commands: lines,
      interrupted,
      onEvent: (e) => {
        const say = (text: string): void => {
          io.stderr.write(`${text}\n`);
        };
        switch (e.kind) {
          case 'attached':
            return say(
              `Attached to ${e.applicationId} (web UI ${e.restAddress ?? '-'}). Type 'stop' to shut the session down; Ctrl-C ${e.owned ? 'also shuts it down' : 'detaches and leaves it running'}.`,
            );
          case 'state':
            return say(`${s.dim(new Date().toISOString())} ${session.applicationId} is ${e.state}`);
          case 'help':
            return say("Commands: 'stop' (or 'quit') shuts the session down; 'help' shows this.");
          case 'unknown-command':
            return say(`Unknown command '${e.command}'; type 'help'.`);
          case 'stopping':
            return say(`Shutting down ${session.applicationId} (${e.reason})`);
          case 'cleanup':
            return say(`cleanup: ${e.detail}`);
          case 'rm-failover':
            return say(failoverLine(e));
          default:
            return;
        }
      },
    });
    if (args.output === 'json')
      writeJson(io, { ...(session.deployed ?? { applicationId: session.applicationId }), outcome });
    else
      io.stdout.write(
        `${session.applicationId}: ${outcome.kind === 'interrupted' && !outcome.shutDown ? 'detached, still running' : outcome.state}\n`,
      );
    if (outcome.kind === 'interrupted') throw new ExitError(EXIT.interrupted);
    if (outcome.kind === 'ended' && outcome.state !== 'FINISHED')
      throw new ExitError(EXIT.failed, `The session ended ${outcome.state}: ${outcome.diagnostics}`);
  } finally {
    lines.close();
    if (onSigint) process.removeListener('SIGINT', onSigint);
  }
}

export interface Deployed {
  readonly result: SessionResult;
  /** The contract's result JSON: the plan with state, trackingUrl and restAddress. */
  readonly deployed: Record<string, unknown>;
  readonly plan: SessionResult['plan'];
  readonly out: ReturnType<typeof style>;
}

/**
 * Deploys (or plans) with progress on stderr and Ctrl-C cleanup, for `session` and `run` alike.
 * Returns null when it has already printed everything there is (a dry run, or -d with JSON).
 */
export async function deployWithProgress(
  args: SessionArgs,
  io: Io,
  program?: ProgramOptions,
): Promise<Deployed | null> {
  const { deploySession } = await import('../../operations/session/index.js');
  const s = style(io.stderr, io.env);
  const started = Date.now();
  const abort = new AbortController();
  const onSigint = (): void => {
    io.stderr.write('Interrupted: cleaning up what this run created...\n');
    abort.abort();
  };
  process.once('SIGINT', onSigint);
  const options: SessionOptions = {
    program,
    flinkConfDir: args.flinkConfDir,
    yarnConfDir: args.yarnConfDir,
    flinkHome: args.flinkHome,
    rm: args.rm,
    user: args.user,
    keytab: args.keytab,
    principal: args.principal,
    ca: args.ca,
    dynamicProperties: flagProperties(args),
    recordedProperties: args.dynamicProperties,
    shipFiles: args.ship ?? [],
    distJar: args.jar,
    zookeeperNamespace: args.zookeeperNamespace,
    detached: args.detached,
    noWait: args.noWait,
    ...(args.timeout !== undefined ? { timeoutMs: args.timeout * 1000 } : {}),
    dryRun: args.dryRun,
    ...(args.reuseUploads !== undefined ? { reuseUploads: args.reuseUploads } : {}),
    hadoopVersion: args.hadoopVersion,
    applicationId: args.applicationId,
    env: io.env,
    cwd: io.cwd,
    signal: abort.signal,
    onEvent: (e) => {
      live.clear();
      progress(e, io, s, started);
      if (e.kind === 'state') live.set(`YARN state ${e.state}`);
    },
  };
  // On a terminal, the wait shows a line that keeps counting; in a log, one line per change.
  const live = liveLine(io, started);
  const result = await deploySession(options).finally(() => {
    live.stop();
    process.removeListener('SIGINT', onSigint);
  });
  const { state, trackingUrl, restAddress } = result;
  const deployed = {
    ...result.plan,
    state,
    trackingUrl,
    restAddress,
    bytesUploaded: result.bytesUploaded,
    bytesReused: result.bytesReused,
  };
  const planErrors = result.plan.diagnostics.some((d) => d.severity === 'error');
  if (args.output === 'json' && (args.dryRun || args.detached)) {
    writeJson(io, args.dryRun ? result.plan : deployed);
    if (args.dryRun && planErrors) throw new ExitError(EXIT.failed);
    return null;
  }
  const plan = result.plan;
  const out = style(io.stdout, io.env);
  if (args.dryRun) {
    io.stdout.write(`${formatDiagnostics(plan.diagnostics, out, io.cwd)}${JSON.stringify(result.plan, null, 2)}\n`);
    if (planErrors) throw new ExitError(EXIT.failed);
    return null;
  }
  return { result, deployed, plan, out };
}

/** A status line rewritten every second on a TTY (elapsed time, current state); silent otherwise. */
function liveLine(io: Io, started: number): { set(text: string): void; clear(): void; stop(): void } {
  const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
  let text: string | undefined;
  let shown = false;
  const render = (): void => {
    if (!tty || text === undefined) return;
    io.stderr.write(`${CLEAR_LINE}${((Date.now() - started) / 1000).toFixed(0).padStart(5)}s ${text} ...`);
    shown = true;
  };
  const timer = tty ? setInterval(render, 1000) : undefined;
  timer?.unref();
  return {
    set(next) {
      text = next;
    },
    clear() {
      if (shown) io.stderr.write(CLEAR_LINE);
      shown = false;
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      this.clear();
    },
  };
}

/** `yarn-session -q`: the NodeManagers and queues, as yarn-session.sh prints them, and nothing deployed. */
async function query(args: SessionArgs, io: Io): Promise<void> {
  const { describeCluster } = await import('../../operations/cluster.js');
  const cluster = await describeCluster({
    yarnConfDir: args.yarnConfDir,
    rm: args.rm,
    user: args.user,
    keytab: args.keytab,
    principal: args.principal,
    ca: args.ca,
    env: io.env,
    cwd: io.cwd,
  });
  if (args.output === 'json') return writeJson(io, cluster);
  const lines = [
    `${cluster.nodes.length} NodeManager(s): ${cluster.totalMemoryMb} MB, ${cluster.totalVCores} vcores in all`,
    ...cluster.nodes.map(
      (n) =>
        `  ${n.id}  ${n.memoryMb} MB (${n.usedMemoryMb} used)  ${n.vCores} vcores (${n.usedVCores} used)  ${n.containers} containers${n.healthReport !== '' ? `  ${n.healthReport}` : ''}`,
    ),
    ...(cluster.queues.length > 0 ? ['Queues:'] : []),
    ...cluster.queues.map(
      (q) =>
        `  ${q.name}  capacity ${q.capacity ?? '-'}%  max ${q.maxCapacity ?? '-'}%  used ${q.usedCapacity ?? '-'}%  applications ${q.applications ?? '-'}`,
    ),
    '',
  ];
  io.stdout.write(lines.join('\n'));
}
