import { decodeLeaderInfo, LeaderInfoError, type LeaderInfo } from './leader-info.js';
import type { ZooKeeperReader } from './client.js';

/** How Flink laid out its HA data in ZooKeeper, by version. */
export type HaLayout = '1.15+' | '1.14' | '1.3-1.13' | 'empty' | 'missing';

export interface LeaderEntry {
  /** resource_manager, dispatcher, rest_server, or a job id. */
  readonly component: string;
  readonly leader: LeaderInfo | null;
  /** Set when the node holds data that is not a Flink leader record. */
  readonly problem?: string;
}

export interface JobEntry {
  readonly jobId: string;
  readonly hasJobGraph: boolean;
  /** The next checkpoint id, from Flink's checkpoint id counter. */
  readonly checkpointCounter: number | null;
  readonly checkpoints: number;
}

export interface HaNamespace {
  readonly namespace: string;
  readonly layout: HaLayout;
  readonly leaders: readonly LeaderEntry[];
  readonly jobs: readonly JobEntry[];
}

const COMPONENTS = ['resource_manager', 'dispatcher', 'rest_server'];

/**
 * Reads one cluster's HA namespace in any layout Flink has used: 1.3-1.13 (`leader/<x>_lock`,
 * `checkpoint-counter/<job>`), 1.14 (a latch per component, `jobs/<job>/leader`) and 1.15+
 * (one `leader/latch`, `leader/<component>/connection_info`, `jobgraphs` or 2.x `execution-plans`).
 */
export async function readHaNamespace(zk: ZooKeeperReader, namespace: string): Promise<HaNamespace> {
  if (!(await zk.exists(namespace))) return { namespace, layout: 'missing', leaders: [], jobs: [] };
  const top = await zk.children(namespace);
  const leaderChildren = top.includes('leader') ? await zk.children(`${namespace}/leader`) : [];
  if (leaderChildren.length === 0 && top.length === 0) return { namespace, layout: 'empty', leaders: [], jobs: [] };

  const legacy = leaderChildren.some((c) => c.endsWith('_lock'));
  const layout: HaLayout = legacy
    ? '1.3-1.13'
    : leaderChildren.includes('latch')
      ? '1.15+'
      : leaderChildren.length > 0
        ? '1.14'
        : 'empty';
  const leaders: LeaderEntry[] = [];
  if (legacy) {
    for (const c of leaderChildren) {
      if (c.endsWith('_lock')) leaders.push(await leaderAt(zk, `${namespace}/leader/${c}`, c.replace(/_lock$/, '')));
      else leaders.push(await leaderAt(zk, `${namespace}/leader/${c}/job_manager_lock`, c));
    }
  } else {
    for (const c of leaderChildren.filter((x) => x !== 'latch')) {
      leaders.push(await leaderAt(zk, `${namespace}/leader/${c}/connection_info`, c));
    }
  }
  leaders.sort((a, b) => rank(a.component) - rank(b.component) || a.component.localeCompare(b.component));

  const graphs = new Set<string>();
  for (const dir of ['jobgraphs', 'execution-plans']) {
    if (top.includes(dir)) for (const g of await zk.children(`${namespace}/${dir}`)) graphs.add(g);
  }
  const jobIds = new Set(graphs);
  const counterDir = legacy ? 'checkpoint-counter' : 'jobs';
  const counted = top.includes(counterDir) ? await zk.children(`${namespace}/${counterDir}`) : [];
  for (const j of counted) jobIds.add(j);
  const jobs: JobEntry[] = [];
  for (const jobId of [...jobIds].sort()) {
    const counterPath = legacy
      ? `${namespace}/checkpoint-counter/${jobId}`
      : `${namespace}/jobs/${jobId}/checkpoint_id_counter`;
    const checkpointsPath = legacy ? `${namespace}/checkpoints/${jobId}` : `${namespace}/jobs/${jobId}/checkpoints`;
    const counter = await zk.data(counterPath);
    const checkpoints = (await zk.exists(checkpointsPath)) ? (await zk.children(checkpointsPath)).length : 0;
    jobs.push({
      jobId,
      hasJobGraph: graphs.has(jobId),
      // Curator's SharedCount: a 4-byte big-endian int.
      checkpointCounter: counter !== null && counter.length === 4 ? counter.readInt32BE(0) : null,
      checkpoints,
    });
  }
  return { namespace, layout, leaders, jobs };
}

async function leaderAt(zk: ZooKeeperReader, path: string, component: string): Promise<LeaderEntry> {
  const bytes = await zk.data(path);
  if (bytes === null || bytes.length === 0) return { component, leader: null };
  try {
    return { component, leader: decodeLeaderInfo(bytes) };
  } catch (e) {
    if (e instanceof LeaderInfoError) return { component, leader: null, problem: e.message };
    throw e;
  }
}

function rank(component: string): number {
  const i = COMPONENTS.indexOf(component);
  return i < 0 ? COMPONENTS.length : i;
}
