import { userInfo } from 'node:os';
import { OPTIONS } from '../config/flink/options.js';
import { loadConfig, resolveFlinkConfDir, type Env } from '../config/load.js';
import { UsageError } from '../errors/index.js';
import { connectZooKeeper } from '../zookeeper/client.js';
import { readHaNamespace, type HaNamespace } from '../zookeeper/ha-layout.js';
import { zkPath } from '../zookeeper/paths.js';
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
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const flinkDir = resolveFlinkConfDir({ flinkConfDir: options.flinkConfDir, env, cwd });
  const config = loadConfig({
    flinkConfDir: flinkDir.dir,
    yarnConfDir: undefined,
    dynamicProperties: options.dynamicProperties ?? {},
    expansion: { env, systemProperties: { 'user.name': env.HADOOP_USER_NAME ?? userInfo().username } },
  });
  const quorum = config.flink.string(OPTIONS.zkQuorum);
  if (quorum === undefined) {
    throw new UsageError(
      `high-availability.zookeeper.quorum is not set in ${flinkDir.dir}; pass --flink-conf-dir or -D high-availability.zookeeper.quorum=host:port.`,
    );
  }
  const clusterId =
    options.clusterId ??
    (options.applicationId !== undefined ? checkApplicationId(options.applicationId) : undefined) ??
    config.flink.lookup(OPTIONS.haClusterId)?.entry.value;
  if (clusterId === undefined) throw new UsageError('Name the cluster: an application id, or --cluster-id ID.');
  const root = config.flink.string(OPTIONS.zkRoot) ?? '/flink';
  const zk = await connectZooKeeper({
    connectString: quorum,
    connectionTimeoutMs: config.flink.duration(OPTIONS.zkConnectionTimeout) ?? 15_000,
    sessionTimeoutMs: config.flink.duration(OPTIONS.zkSessionTimeout) ?? 60_000,
  });
  try {
    return { quorum, clusterId, ...(await readHaNamespace(zk, zkPath(root, clusterId))) };
  } finally {
    zk.close();
  }
}
