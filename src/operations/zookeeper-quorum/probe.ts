import { FlinkYarnError } from '../../errors/index.js';
import type { LocalServerPlan, QuorumPlan } from '../../zookeeper/quorum-plan.js';
import { parseSrvr, type SrvrAnswer } from '../../zookeeper/srvr.js';
import { fourLetterWord } from '../minicluster/processes.js';

/** What a client port said to `srvr`, ZooKeeper's status word. */
export interface Probe extends SrvrAnswer {
  readonly answered: boolean;
}

export async function probe(host: string, port: number, timeoutMs: number): Promise<Probe> {
  try {
    return { answered: true, ...parseSrvr(await fourLetterWord(host, port, 'srvr', timeoutMs)) };
  } catch (e) {
    return { answered: false, serving: false, mode: null, version: null, reason: (e as Error).message };
  }
}

/** A port someone else listens on would answer our probes in place of our server: refuse it. */
export async function refuseBusyPort(local: LocalServerPlan, plan: QuorumPlan): Promise<void> {
  let answer: string;
  try {
    answer = await fourLetterWord(local.clientAddress, local.clientPort, 'srvr', 2_000);
  } catch (e) {
    // A refused (or unroutable) connection: nothing listens. No code: it accepted and said nothing.
    if ((e as NodeJS.ErrnoException).code !== undefined) return;
    answer = '';
  }
  const srvr = parseSrvr(answer);
  const where =
    local.clientPortLine === undefined
      ? `the default clientPort; set clientPort in ${plan.file}`
      : `clientPort, ${plan.file}:${local.clientPortLine}`;
  const who = srvr.version !== null ? ` by ZooKeeper ${srvr.version}${srvr.mode ? ` (${srvr.mode})` : ''}` : '';
  throw new FlinkYarnError(
    'ZOOKEEPER_START_FAILED',
    `Port ${local.clientPort} on ${local.clientAddress} is already in use${who}, so server.${local.id} cannot listen there (${where}). Stop what runs there, or choose another clientPort.`,
  );
}
