import type { HaStatus } from '../../operations/ha.js';
import { EXIT, ExitError } from '../exit.js';
import { style, writeJson, type Io } from '../output.js';
import type { HaCleanArgs, HaListArgs, HaStatusArgs } from '../specs/ha.js';

export async function runHaStatus(args: HaStatusArgs, io: Io): Promise<void> {
  const { haStatus } = await import('../../operations/ha.js');
  // Checked even when --cluster-id makes it unused: a malformed id is bad usage either way.
  if (args.applicationId !== undefined) {
    const { checkApplicationId } = await import('../../operations/yarn-context.js');
    checkApplicationId(args.applicationId);
  }
  const status = await haStatus({ ...args, env: io.env, cwd: io.cwd });
  if (args.output === 'json') writeJson(io, status);
  else io.stdout.write(format(status, style(io.stdout, io.env)));
  if (status.layout === 'missing') throw new ExitError(EXIT.failed);
}

function format(s: HaStatus, st: ReturnType<typeof style>): string {
  const lines = [
    `ZooKeeper ${s.quorum}  namespace ${s.namespace}  (${s.layout === 'missing' ? st.red('no such namespace') : `Flink ${s.layout} layout`})`,
  ];
  if (s.leaders.length > 0) {
    lines.push(st.bold('Leaders'));
    const width = Math.max(...s.leaders.map((l) => l.component.length));
    for (const l of s.leaders) {
      const who =
        l.leader === null
          ? st.dim(l.problem ?? '(no leader)')
          : `${l.leader.address}  ${st.dim(`session ${l.leader.sessionId}`)}`;
      lines.push(`  ${l.component.padEnd(width)}  ${who}`);
    }
  }
  if (s.jobs.length > 0) {
    lines.push(st.bold('Jobs'));
    for (const j of s.jobs) {
      lines.push(
        `  ${j.jobId}  job graph ${j.hasJobGraph ? 'stored' : 'none'}  checkpoints ${j.checkpoints}  next checkpoint id ${j.checkpointCounter ?? '-'}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function runHaList(args: HaListArgs, io: Io): Promise<void> {
  const { haList } = await import('../../operations/ha.js');
  const list = await haList({ ...args, env: io.env, cwd: io.cwd });
  if (args.output === 'json') return writeJson(io, list);
  if (list.length === 0) {
    io.stdout.write('No HA namespaces.\n');
    return;
  }
  const st = style(io.stdout, io.env);
  const width = list.reduce((w, n) => Math.max(w, n.clusterId.length), 10);
  io.stdout.write(`${'CLUSTER-ID'.padEnd(width)}  ${'YARN STATE'.padEnd(10)}  JOBS  ORPHANED\n`);
  for (const n of list) {
    io.stdout.write(
      `${n.clusterId.padEnd(width)}  ${(n.applicationState ?? 'unknown').padEnd(10)}  ${String(n.jobs).padStart(4)}  ${n.orphaned ? st.yellow('yes') : 'no'}\n`,
    );
  }
}

export async function runHaClean(args: HaCleanArgs, io: Io): Promise<void> {
  const { haClean } = await import('../../operations/ha.js');
  const results = await haClean({ ...args, env: io.env, cwd: io.cwd });
  if (args.output === 'json') return writeJson(io, results);
  if (results.length === 0) io.stdout.write('Nothing to clean.\n');
  for (const r of results) {
    const storage =
      r.storage === null
        ? 'no HDFS storage'
        : `${r.storage}${r.dryRun ? '' : r.storageRemoved ? ' removed' : ' (not there)'}`;
    io.stdout.write(`${r.dryRun ? 'would remove' : 'removed'} ${r.namespace} (${r.zkNodes} nodes); ${storage}\n`);
  }
}
