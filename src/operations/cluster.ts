import { schedulerQueueList } from '../yarn/queues.js';
import { connectYarn, type YarnConnectionOptions } from './yarn-context.js';

// `yarn-session -q`: what the cluster offers, as Flink's client describes it before a deploy.

export interface NodeDescription {
  readonly id: string;
  readonly state: string;
  readonly memoryMb: number;
  readonly usedMemoryMb: number;
  readonly vCores: number;
  readonly usedVCores: number;
  readonly containers: number;
  readonly healthReport: string;
}

export interface QueueDescription {
  readonly name: string;
  /** Percent of the parent's resources (Capacity Scheduler). */
  readonly capacity: number | null;
  readonly maxCapacity: number | null;
  readonly usedCapacity: number | null;
  readonly applications: number | null;
}

export interface ClusterDescription {
  readonly nodes: readonly NodeDescription[];
  readonly totalMemoryMb: number;
  readonly totalVCores: number;
  readonly queues: readonly QueueDescription[];
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The RUNNING NodeManagers with their resources, and the scheduler's queues. */
export async function describeCluster(options: YarnConnectionOptions): Promise<ClusterDescription> {
  const { client } = connectYarn(options);
  const [raw, scheduler] = await Promise.all([client.nodes(['RUNNING']), client.scheduler().catch(() => ({}))]);
  const nodes = raw.map((n) => ({
    id: String(n.id ?? ''),
    state: String(n.state ?? ''),
    memoryMb: num(n.availMemoryMB) + num(n.usedMemoryMB),
    usedMemoryMb: num(n.usedMemoryMB),
    vCores: num(n.availableVirtualCores) + num(n.usedVirtualCores),
    usedVCores: num(n.usedVirtualCores),
    containers: num(n.numContainers),
    healthReport: String(n.healthReport ?? ''),
  }));
  return {
    nodes,
    totalMemoryMb: nodes.reduce((s, n) => s + n.memoryMb, 0),
    totalVCores: nodes.reduce((s, n) => s + n.vCores, 0),
    queues: schedulerQueueList(scheduler),
  };
}
