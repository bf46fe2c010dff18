import { statSync } from 'node:fs';
import { describeEntry } from '../../config/flink/entries.js';
import { OPTIONS } from '../../config/flink/options.js';
import type { ClusterContext } from '../../context/index.js';
import { FlinkYarnError } from '../../errors/index.js';
import { haMode } from '../../policy/ha.js';
import { schedulerQueues } from '../../yarn/queues.js';
import type { ZooKeeperSession } from '../../zookeeper/client.js';
import { describeRootProbe } from '../../zookeeper/probe.js';
import type { ZooKeeperSettings } from '../../zookeeper/settings.js';
import { PLACEHOLDER_APPLICATION_ID, PROPERTIES_LOCATION, type PreparedDeployment } from './inputs.js';
import type { SessionEvent } from './types.js';
import { SessionPlanError } from './errors.js';
import { registerRemote } from './remote.js';
import type { StagedResource } from '../../session/am-container.js';

/** What the pre-flight found out, and the ZooKeeper session the later phases use. */
export interface Preflight {
  readonly hadoopVersion: string;
  /** The queue's default application priority, when the scheduler says (what YARN gives an application that names none). */
  readonly queueDefaultPriority: number | undefined;
  /** With ZooKeeper HA, where this client could connect; closed by the caller. */
  readonly zookeeper: { readonly settings: ZooKeeperSettings; readonly session: ZooKeeperSession } | null;
  /** Files already on the cluster (provided dirs, hdfs:// ship entries), registered where they are. */
  readonly remote: readonly StagedResource[];
}

/** The ResourceManager's Hadoop version (or the one given), after saying which RM answered. */
export async function clusterVersion(
  context: ClusterContext,
  given: string | undefined,
  onEvent: (e: SessionEvent) => void,
): Promise<string> {
  const rm = context.resourceManager();
  const info = await rm.clusterInfo();
  onEvent({
    kind: 'preflight',
    detail: `ResourceManager ${rm.activeEndpoint ?? context.rmEndpoints[0]} is ${info.haState}, Hadoop ${info.hadoopVersion}`,
  });
  return given ?? info.hadoopVersion;
}

/**
 * Before anything is created: the plan's errors, a majority of the ZooKeeper quorum, the queue,
 * and that the HA root is usable with the configured ACL and identity.
 */
export async function preflight(
  prepared: PreparedDeployment,
  context: ClusterContext,
  hadoopVersion: string,
  onEvent: (e: SessionEvent) => void,
): Promise<Preflight> {
  const stagingBase = prepared.plannedStagingBase;
  const preliminary = prepared.decide({ applicationId: PLACEHOLDER_APPLICATION_ID, hadoopVersion, stagingBase });
  for (const d of preliminary.diagnostics) onEvent({ kind: 'diagnostic', diagnostic: d });
  if (preliminary.diagnostics.some((d) => d.severity === 'error')) throw new SessionPlanError(preliminary.diagnostics);
  // Only a session is recorded for Flink's CLI: an application cluster takes no other jobs.
  if (prepared.entrypoint === 'session') checkPropertiesDir(prepared);
  const flink = prepared.config.flink;
  const zookeeperHa = haMode(flink).kind === 'zookeeper';
  const quorum = flink.string(OPTIONS.zkQuorum);
  if (zookeeperHa && quorum !== undefined) await checkQuorum(context, quorum, onEvent);
  const queueDefaultPriority = await checkQueue(context, flink.string(OPTIONS.applicationQueue), onEvent);
  const remote = await remoteResources(prepared, context, onEvent);
  if (!zookeeperHa) return { hadoopVersion, queueDefaultPriority, zookeeper: null, remote };
  const settings = context.zooKeeperSettings();
  const session = await checkZooKeeperRoot(context, settings, onEvent);
  return {
    hadoopVersion,
    queueDefaultPriority,
    zookeeper: session === null ? null : { settings, session },
    remote,
  };
}

/** Lists what the deployment registers from the cluster's file system, before anything is created. */
export async function remoteResources(
  prepared: PreparedDeployment,
  context: ClusterContext,
  onEvent: (e: SessionEvent) => void,
): Promise<StagedResource[]> {
  if (prepared.remote.length === 0) return [];
  const hdfs = context.webHdfs();
  const { resources, diagnostics } = await registerRemote(
    hdfs,
    prepared.defaultFs,
    () => hdfs.homeDirectory(),
    prepared.remote,
  );
  for (const d of diagnostics) onEvent({ kind: 'diagnostic', diagnostic: d });
  onEvent({
    kind: 'preflight',
    detail: `${resources.length} files already on HDFS registered where they are (${prepared.remote
      .map((r) => r.option)
      .filter((o, i, all) => all.indexOf(o) === i)
      .join(', ')})`,
  });
  return resources;
}

/** The properties file is written once the session runs: its directory must be there before anything is created. */
function checkPropertiesDir(prepared: PreparedDeployment): void {
  const dir = prepared.propertiesDir;
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (isDir) return;
  const entry = prepared.config.flink.raw(PROPERTIES_LOCATION);
  const where = entry === undefined ? '' : ` (${PROPERTIES_LOCATION}, ${describeEntry(entry)})`;
  throw new FlinkYarnError(
    'INVALID_VALUE',
    `The directory for Flink's .yarn-properties file, ${dir}${where}, does not exist or is not a directory. Create it, or set ${PROPERTIES_LOCATION} to one that exists.`,
  );
}

/** Checks that the quorum's members accept connections; one dead host must not hang the check. */
async function checkQuorum(context: ClusterContext, quorum: string, onEvent: (e: SessionEvent) => void): Promise<void> {
  const results = await context.quorumReachability(quorum);
  const up = results.filter((r) => r.up).length;
  onEvent({
    kind: 'preflight',
    detail: `ZooKeeper: ${up}/${results.length} quorum members answer (${results.map((r) => `${r.member} ${r.up ? 'up' : `down: ${r.reason}`}`).join(', ')})`,
  });
  if (up <= results.length / 2) {
    throw new FlinkYarnError(
      'ZK_NO_QUORUM',
      `Only ${up} of ${results.length} ZooKeeper servers in high-availability.zookeeper.quorum answer, which is no majority: the JobManager could not elect a leader. Start ZooKeeper or fix the quorum.`,
    );
  }
}

/**
 * Warns (YARN decides) when the queue is not one the scheduler reports, naming the ones it has;
 * returns the queue's default priority when the scheduler gives one.
 */
async function checkQueue(
  context: ClusterContext,
  queue: string | undefined,
  onEvent: (e: SessionEvent) => void,
): Promise<number | undefined> {
  const { names, paths, defaultPriority } = schedulerQueues(
    await context
      .resourceManager()
      .scheduler()
      .catch(() => ({})),
  );
  // YARN puts an application that names no queue into 'default'.
  const priority = defaultPriority.get(queue ?? 'default');
  if (queue === undefined || names.size === 0 || names.has(queue) || paths.has(queue)) return priority;
  onEvent({
    kind: 'diagnostic',
    diagnostic: {
      severity: 'warning',
      code: 'QUEUE_UNKNOWN',
      key: OPTIONS.applicationQueue.key,
      message: `The scheduler reports no queue '${queue}' (it has ${[...names].sort().join(', ')}); YARN will probably reject the application.`,
    },
  });
  return priority;
}

/**
 * Connects with Flink's ZooKeeper settings and checks that the HA root is usable with the
 * configured ACL and identity. Where Flink would log in with Kerberos this client cannot check,
 * so it says so and the deployment goes on without the check.
 */
async function checkZooKeeperRoot(
  context: ClusterContext,
  settings: ZooKeeperSettings,
  onEvent: (e: SessionEvent) => void,
): Promise<ZooKeeperSession | null> {
  if (settings.sasl.required) {
    onEvent({
      kind: 'diagnostic',
      diagnostic: {
        severity: 'warning',
        code: 'ZK_PREFLIGHT_SKIPPED',
        message: `Cannot check ZooKeeper from this client: ${settings.sasl.reason}. The JobManager logs in itself; a ZooKeeper problem will show only in its log.`,
      },
    });
    return null;
  }
  const zk = await context.zooKeeper(settings);
  try {
    onEvent({ kind: 'preflight', detail: describeRootProbe(await zk.probeRoot(settings.root)) });
    return zk;
  } catch (e) {
    zk.close();
    throw e;
  }
}
