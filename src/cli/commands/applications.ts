import type { YarnApplication, YarnAppState } from '../../yarn/model.js';
import type { YarnConnectionOptions } from '../../operations/yarn-context.js';
import { EXIT, ExitError } from '../exit.js';
import { style, writeJson, writeLines, type Io, failoverLine } from '../output.js';
import { cell } from '../text.js';
import type { ConnectionArgs, KillArgs, ListArgs, StatusArgs } from '../specs/applications.js';

/** The RM connection a command's flags and environment name; failovers are told on stderr. */
export function connection(args: ConnectionArgs, io: Io): YarnConnectionOptions {
  return {
    yarnConfDir: args.yarnConfDir,
    rm: args.rm,
    user: args.user,
    keytab: args.keytab,
    principal: args.principal,
    ca: args.ca,
    env: io.env,
    cwd: io.cwd,
    onEvent: (e) => {
      if (e.kind === 'rm-failover') io.stderr.write(`${failoverLine(e)}\n`);
    },
  };
}

export async function runList(args: ListArgs, io: Io): Promise<void> {
  const { listApplications } = await import('../../operations/applications.js');
  const apps = await listApplications({
    ...connection(args, io),
    allTypes: args.allTypes,
    ...(args.states !== undefined ? { states: args.states.map((s) => s.toUpperCase() as YarnAppState) } : {}),
    ...(args.limit !== undefined ? { limit: args.limit } : {}),
  });
  if (args.output === 'json') return writeJson(io, apps);
  if (apps.length === 0) {
    io.stdout.write(args.allTypes ? 'No applications.\n' : 'No Flink applications (use --all-types for every type).\n');
    return;
  }
  const attempts = await attemptCounts(apps, args, io);
  const rows = apps.map((a) => [
    a.id,
    a.name,
    a.user,
    a.queue,
    a.state,
    a.finalStatus,
    attempts.get(a.id) ?? '-',
    formatElapsed(a.elapsedTime),
    a.trackingUrl ?? '',
  ]);
  const header = ['ID', 'NAME', 'USER', 'QUEUE', 'STATE', 'FINAL', 'ATTEMPTS', 'ELAPSED', 'TRACKING URL'];
  const line = tableLine(header, rows);
  await writeLines(io, rows.length + 1, (i) => line(i === 0 ? header : rows[i - 1]!));
}

export async function runStatus(args: StatusArgs, io: Io): Promise<void> {
  const { describeApplication } = await import('../../operations/applications.js');
  const report = await describeApplication(args.applicationId, connection(args, io));
  if (args.output === 'json') return writeJson(io, report);
  const { app } = report;
  const s = style(io.stdout, io.env);
  const lines = [
    `${s.bold(app.id)}  ${app.name}`,
    `  state            ${colorState(app.state, s)} (final status ${app.finalStatus})`,
    `  type / queue     ${app.applicationType} / ${app.queue}, user ${app.user}`,
    `  started          ${app.startedTime ? new Date(app.startedTime).toISOString() : '-'} (${formatElapsed(app.elapsedTime)})`,
    `  AM host          ${app.amHostHttpAddress ?? '-'}`,
    `  REST address     ${report.restAddress ?? '-'}`,
    `  tracking URL     ${app.trackingUrl ?? '-'}`,
    `  AM logs          ${app.amContainerLogs ?? '-'}`,
    `  attempts         ${report.attempts.length} (cluster cap ${report.amMaxAttempts}, yarn.resourcemanager.am.max-attempts)`,
  ];
  if (app.diagnostics.trim() !== '')
    lines.push(`  diagnostics      ${app.diagnostics.trim().replace(/\n/g, '\n                   ')}`);
  io.stdout.write(`${lines.join('\n')}\n`);
}

export async function runAttempts(args: StatusArgs, io: Io): Promise<void> {
  const { describeApplication } = await import('../../operations/applications.js');
  const report = await describeApplication(args.applicationId, connection(args, io));
  const left = Math.max(0, report.amMaxAttempts - report.attempts.length);
  if (args.output === 'json') {
    return writeJson(io, {
      applicationId: report.app.id,
      state: report.app.state,
      amMaxAttempts: report.amMaxAttempts,
      attempts: report.attempts,
    });
  }
  const rows = report.attempts.map((a) => [
    String(a.id),
    // Hadoop before 3.4 reports attempts without a state (AppAttemptInfo.appAttemptState).
    a.appAttemptState ?? '-',
    a.startTime ? new Date(a.startTime).toISOString() : '-',
    a.finishedTime ? new Date(a.finishedTime).toISOString() : '-',
    a.containerId ?? '',
    a.nodeId ?? a.nodeHttpAddress ?? '',
  ]);
  io.stdout.write(table(['#', 'STATE', 'STARTED', 'FINISHED', 'CONTAINER', 'NODE'], rows));
  for (const a of report.attempts) {
    if (a.diagnosticsInfo?.trim()) io.stdout.write(`attempt ${a.id}: ${a.diagnosticsInfo.trim()}\n`);
  }
  io.stdout.write(
    `${report.attempts.length} attempt(s); the cluster allows ${report.amMaxAttempts} per application (yarn.resourcemanager.am.max-attempts), so at most ${left} more${report.app.state === 'RUNNING' ? '' : ` (the application is ${report.app.state})`}.\n`,
  );
}

export async function runKill(args: KillArgs, io: Io, stdin: NodeJS.ReadStream = process.stdin): Promise<void> {
  const { killApplication } = await import('../../operations/applications.js');
  const { checkApplicationId } = await import('../../operations/yarn-context.js');
  // Before the question: a malformed id is bad usage, whatever the answer.
  checkApplicationId(args.applicationId);
  if (!args.yes && stdin.isTTY === true) {
    const { ask, isYes } = await import('../prompt.js');
    if (!isYes(await ask(io, stdin, `Kill ${args.applicationId}? [y/N] `).answer)) {
      io.stderr.write('Not killed.\n');
      throw new ExitError(EXIT.failed);
    }
  }
  // The Flink configuration, when there is one, says where staging is (yarn.staging-directory).
  const result = await killApplication(args.applicationId, {
    ...connection(args, io),
    flinkConfDir: args.flinkConfDir,
    dynamicProperties: args.dynamicProperties ?? {},
  });
  let cleaned: { namespace: string; zkNodes: number; storage: string | null; storageRemoved: boolean }[] | undefined;
  if (args.cleanupHa === true) {
    // Flink removes its HA data only on a graceful shutdown; after a kill it stays and would be recovered.
    const { haClean } = await import('../../operations/ha.js');
    cleaned = await haClean({
      ...connection(args, io),
      clusterId: result.applicationId,
      force: true,
      flinkConfDir: args.flinkConfDir,
      dynamicProperties: args.dynamicProperties ?? {},
    });
  }
  if (args.output === 'json') return writeJson(io, cleaned === undefined ? result : { ...result, haCleanup: cleaned });
  io.stdout.write(
    result.previousState === result.state
      ? `${result.applicationId} was already ${result.state}.\n`
      : `${result.applicationId} is ${result.state} (was ${result.previousState}).\n`,
  );
  const { staging } = result;
  if (staging.removed) io.stdout.write(`removed ${staging.path}\n`);
  else if (staging.path !== null && staging.problem !== undefined)
    io.stderr.write(`Could not remove its staging directory (flink-yarn gc will): ${staging.problem}\n`);
  for (const c of cleaned ?? []) {
    io.stdout.write(
      `removed ${c.namespace} (${c.zkNodes} nodes)${c.storage !== null ? `; ${c.storage}${c.storageRemoved ? ' removed' : ' (not there)'}` : ''}\n`,
    );
  }
}

/** Attempts per app: the app list does not carry them, so ask for each (a few at a time). */
async function attemptCounts(
  apps: readonly YarnApplication[],
  args: ConnectionArgs,
  io: Io,
): Promise<Map<string, string>> {
  const counts = new Map<string, string>();
  if (apps.length > MAX_ATTEMPT_LOOKUPS) return counts;
  const { connectYarn } = await import('../../operations/yarn-context.js');
  const { client } = connectYarn(connection(args, io));
  const queue = [...apps];
  const worker = async (): Promise<void> => {
    for (let app = queue.shift(); app !== undefined; app = queue.shift()) {
      const attempts = await client.appAttempts(app.id).catch(() => undefined);
      if (attempts !== undefined) counts.set(app.id, String(attempts.length));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return counts;
}

/** Above this many apps the table leaves the attempts column out rather than make N requests. */
const MAX_ATTEMPT_LOOKUPS = 200;

function colorState(state: string, s: ReturnType<typeof style>): string {
  if (state === 'RUNNING' || state === 'FINISHED') return s.green(state);
  if (state === 'FAILED' || state === 'KILLED') return s.red(state);
  return s.yellow(state);
}

export function formatElapsed(ms: number): string {
  if (!ms || ms < 0) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return h < 48
    ? `${h}h${String(m % 60).padStart(2, '0')}m`
    : `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = tableLine(header, rows);
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/**
 * Lays out one row of a table whose columns are as wide as their widest cell. Cells are the RM's
 * values: each is kept to one line and cut when long, so one name cannot stretch or fake rows.
 */
function tableLine(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): (cells: readonly string[]) => string {
  const widths = header.map((h) => h.length);
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, cell(c).length)));
  return (cells) =>
    cells
      .map((c) => cell(c))
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
}
