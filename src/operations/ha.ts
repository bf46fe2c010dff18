import { OPTIONS } from '../config/flink/options.js';
import type { Env } from '../config/load.js';
import { ClusterContext, type ConnectionOptions } from '../context/index.js';
import { FlinkYarnError, UsageError } from '../errors/index.js';
import { TERMINAL_STATES, type YarnAppState } from '../yarn/model.js';
import type { ZooKeeperReader } from '../zookeeper/client.js';
import { readHaNamespace, type HaNamespace } from '../zookeeper/ha-layout.js';
import { zkPath } from '../zookeeper/paths.js';
import type { ZooKeeperSettings } from '../zookeeper/settings.js';
import { mapConcurrently } from './concurrently.js';
import { applicationStates, notFoundAsNull } from './applications.js';
import { checkApplicationId } from './yarn-context.js';

export interface HaStatusOptions {
  /** A YARN application id: its namespace, unless the configuration fixes a cluster-id. */
  readonly applicationId?: string | undefined;
  /** The namespace's cluster-id, given directly. */
  readonly clusterId?: string | undefined;
  readonly flinkConfDir?: string | undefined;
  readonly dynamicProperties?: Readonly<Record<string, string>>;
  readonly env?: Env;
  readonly cwd?: string;
}

export interface HaStatus extends HaNamespace {
  readonly quorum: string;
  readonly clusterId: string;
}

/** `flink-yarn ha status`: who leads each component of one cluster, and its jobs, from ZooKeeper. */
export async function haStatus(options: HaStatusOptions): Promise<HaStatus> {
  const context = ClusterContext.open(options, { flink: true, hadoop: false });
  const ctx = haSettings(context);
  const clusterId =
    options.clusterId ?? (options.applicationId !== undefined ? checkApplicationId(options.applicationId) : undefined);
  if (clusterId === undefined) throw new UsageError('Name the cluster: an application id, or --cluster-id ID.');
  const zk = await context.zooKeeper(ctx.zookeeper);
  try {
    return {
      quorum: ctx.zookeeper.connectString,
      clusterId,
      ...(await readHaNamespace(zk, zkPath(ctx.zookeeper.root, clusterId))),
    };
  } finally {
    zk.close();
  }
}

export interface HaNamespaceSummary {
  readonly clusterId: string;
  readonly namespace: string;
  /** The YARN application's state when the cluster-id is one; null when YARN does not know it. */
  readonly applicationState: YarnAppState | null;
  readonly jobs: number;
  /** Its application has ended or is unknown to YARN: nothing will ever recover this data. */
  readonly orphaned: boolean;
}

export interface HaOptions extends Omit<HaStatusOptions, 'applicationId' | 'clusterId'>, ConnectionOptions {}

interface HaContext {
  /** How Flink reaches ZooKeeper: quorum, root, timeouts, retries, ACL mode, authorization. */
  readonly zookeeper: ZooKeeperSettings;
  readonly storageDir: string | undefined;
}

function haSettings(context: ClusterContext): HaContext {
  return {
    zookeeper: context.zooKeeperSettings(),
    storageDir: context.config.flink.string(OPTIONS.haStorageDir),
  };
}

/** The Flink configuration for ZooKeeper, and yarn-site for the RM that knows the applications' states. */
function openHa(options: HaOptions): { context: ClusterContext; ctx: HaContext } {
  const context = ClusterContext.open(options, { flink: true, hdfs: true });
  const ctx = haSettings(context);
  context.requireRmConfigured();
  return { context, ctx };
}

const APP_ID = /^application_\d+_\d+$/;

/** `flink-yarn ha ls`: every namespace under the root, with its application's state and whether it is orphaned. */
export async function haList(options: HaOptions): Promise<HaNamespaceSummary[]> {
  const { context, ctx } = openHa(options);
  return listNamespaces(context, ctx);
}

async function listNamespaces(context: ClusterContext, ctx: HaContext): Promise<HaNamespaceSummary[]> {
  const client = context.resourceManager();
  const zk = await context.zooKeeper(ctx.zookeeper);
  try {
    const root = ctx.zookeeper.root;
    const ids = ((await zk.exists(root)) ? await zk.children(root) : []).sort();
    const states = await applicationStates(
      client,
      ids.filter((id) => APP_ID.test(id)),
    );
    // Namespaces are read side by side on the one session: ZooKeeper answers pipelined requests in order.
    const out = await mapConcurrently(ids, 16, async (clusterId): Promise<HaNamespaceSummary> => {
      const namespace = zkPath(root, clusterId);
      const data = await readHaNamespace(zk, namespace);
      const applicationState = states.get(clusterId) ?? null;
      const ended = applicationState === null ? APP_ID.test(clusterId) : TERMINAL_STATES.includes(applicationState);
      return { clusterId, namespace, applicationState, jobs: data.jobs.length, orphaned: ended };
    });
    return out;
  } finally {
    zk.close();
  }
}

export interface HaCleanOptions extends HaOptions {
  /** One namespace to remove. */
  readonly clusterId?: string | undefined;
  /** Every orphaned namespace instead. */
  readonly orphans?: boolean;
  /** Remove even when the application still runs. */
  readonly force?: boolean;
  /** List what would go; remove nothing. */
  readonly dryRun?: boolean;
}

export interface HaCleanResult {
  readonly clusterId: string;
  readonly namespace: string;
  readonly zkNodes: number;
  /** `<storageDir>/<cluster-id>`, when it is on HDFS; null when there is no storage or it is elsewhere. */
  readonly storage: string | null;
  readonly storageRemoved: boolean;
  readonly dryRun: boolean;
}

/** `flink-yarn ha clean ID | --orphans`: removes HA namespaces and their recovery data. */
export async function haClean(options: HaCleanOptions): Promise<HaCleanResult[]> {
  if ((options.clusterId === undefined) === (options.orphans !== true)) {
    throw new UsageError('Name one cluster-id to clean, or pass --orphans (not both).');
  }
  const { context, ctx } = openHa(options);
  const targets =
    options.orphans === true
      ? (await listNamespaces(context, ctx)).filter((n) => n.orphaned).map((n) => n.clusterId)
      : [options.clusterId!];
  const client = context.resourceManager();
  if (options.orphans !== true && APP_ID.test(targets[0]!) && options.force !== true) {
    const state = await client
      .app(targets[0]!)
      .then((a) => a.state)
      .catch(notFoundAsNull);
    if (state !== null && !TERMINAL_STATES.includes(state)) {
      throw new FlinkYarnError(
        'HA_NAMESPACE_IN_USE',
        `${targets[0]} is ${state}: its JobManager uses this HA data. Stop the application first, or pass --force.`,
      );
    }
  }
  const zk = await context.zooKeeper(ctx.zookeeper);
  const storage = hdfsStorage(ctx.storageDir);
  const hdfs = storage === null ? null : context.webHdfs();
  try {
    const results: HaCleanResult[] = [];
    for (const clusterId of targets) {
      const namespace = zkPath(ctx.zookeeper.root, clusterId);
      const storagePath = storage === null ? null : `${storage.replace(/\/+$/, '')}/${clusterId.replace(/^\/+/, '')}`;
      if (options.dryRun === true) {
        const nodes = await countNodes(zk, namespace);
        results.push({
          clusterId,
          namespace,
          zkNodes: nodes,
          storage: storagePath,
          storageRemoved: false,
          dryRun: true,
        });
        continue;
      }
      const zkNodes = await zk.deleteRecursive(namespace);
      const storageRemoved = hdfs !== null && storagePath !== null ? await hdfs.delete(storagePath, true) : false;
      results.push({ clusterId, namespace, zkNodes, storage: storagePath, storageRemoved, dryRun: false });
    }
    return results;
  } finally {
    zk.close();
  }
}

/** The HDFS path of high-availability.storageDir, or null when it is not on HDFS. */
export function hdfsStorage(storageDir: string | undefined): string | null {
  if (storageDir === undefined) return null;
  const m = /^hdfs:\/\/[^/]*(\/.*)?$/.exec(storageDir.trim());
  return m === null ? null : (m[1] ?? '/');
}

async function countNodes(zk: ZooKeeperReader, path: string): Promise<number> {
  if (!(await zk.exists(path))) return 0;
  let n = 1;
  for (const kid of await zk.children(path)) n += await countNodes(zk, `${path}/${kid}`);
  return n;
}
