import { writeJson, type Io } from '../output.js';
import type { CancelArgs, JobsArgs, SavepointArgs, StopArgs } from '../specs/jobs.js';
import { cell } from '../text.js';
import { connection, formatElapsed } from './applications.js';

const timeoutMs = (seconds: number | undefined) => (seconds !== undefined ? { timeoutMs: seconds * 1000 } : {});

export async function runJobs(args: JobsArgs, io: Io): Promise<void> {
  const { listJobs } = await import('../../operations/jobs.js');
  const jobs = await listJobs(args.applicationId, connection(args, io));
  if (args.output === 'json') return writeJson(io, jobs);
  if (jobs.length === 0) {
    io.stdout.write('No jobs.\n');
    return;
  }
  const header = ['ID', 'NAME', 'STATE', 'STARTED', 'DURATION'];
  const rows = jobs.map((j) => [
    j.id,
    cell(j.name, 60),
    j.state,
    j.startTime > 0 ? new Date(j.startTime).toISOString() : '-',
    formatElapsed(j.durationMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  io.stdout.write(`${[header, ...rows].map(line).join('\n')}\n`);
}

export async function runSavepoint(args: SavepointArgs, io: Io): Promise<void> {
  const { triggerSavepoint } = await import('../../operations/jobs.js');
  const result = await triggerSavepoint(args.applicationId, args.jobId, {
    ...connection(args, io),
    targetDirectory: args.directory,
    formatType: args.type,
    ...timeoutMs(args.timeout),
  });
  if (args.output === 'json') return writeJson(io, result);
  io.stdout.write(`Savepoint of ${args.jobId} at ${result.location}\n`);
}

export async function runStop(args: StopArgs, io: Io): Promise<void> {
  const { stopJob } = await import('../../operations/jobs.js');
  const result = await stopJob(args.applicationId, args.jobId, {
    ...connection(args, io),
    targetDirectory: args.savepointDir,
    drain: args.drain,
    ...timeoutMs(args.timeout),
  });
  if (args.output === 'json') return writeJson(io, result);
  io.stdout.write(`Stopped ${args.jobId}; savepoint at ${result.location}\n`);
}

export async function runCancel(args: CancelArgs, io: Io): Promise<void> {
  const { cancelJob } = await import('../../operations/jobs.js');
  const result = await cancelJob(args.applicationId, args.jobId, {
    ...connection(args, io),
    ...timeoutMs(args.timeout),
  });
  if (args.output === 'json') return writeJson(io, result);
  io.stdout.write(`Job ${result.jobId} is ${result.state}.\n`);
}
