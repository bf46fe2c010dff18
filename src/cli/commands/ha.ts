import type { HaStatus } from '../../operations/ha.js';
import { EXIT, ExitError } from '../exit.js';
import { style, writeJson, type Io, type OutputFormat } from '../output.js';

export interface HaStatusArgs {
  readonly output: OutputFormat;
  readonly applicationId?: string | undefined;
  readonly clusterId?: string | undefined;
  readonly flinkConfDir?: string | undefined;
  readonly dynamicProperties: Readonly<Record<string, string>>;
}

export async function runHaStatus(args: HaStatusArgs, io: Io): Promise<void> {
  const { haStatus } = await import('../../operations/ha.js');
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
