import { hostname } from 'node:os';
import { systemClock, type Clock } from '../async/poll.js';
import { UsageError } from '../errors/index.js';
import { FlinkRestClient } from '../flink/rest-client.js';
import { hdfsEndpoints, WebHdfsClient } from '../hdfs/webhdfs-client.js';
import { axiosTransport } from '../http/axios-transport.js';
import type { RetryPolicy } from '../http/retry.js';
import type { HttpTransport } from '../http/transport.js';
import { rmEndpoints } from '../yarn/endpoints.js';
import { ResourceManagerClient, type RmEvent } from '../yarn/rm-client.js';
import { connectZooKeeper, type ZooKeeperDeps, type ZooKeeperSession } from '../zookeeper/client.js';
import { quorumReachability, type MemberReachability } from '../zookeeper/reachability.js';
import { zooKeeperSettings, type ZooKeeperSettings } from '../zookeeper/settings.js';
import {
  resolveConfiguration,
  type ConfigurationOptions,
  type ConfigurationScope,
  type ResolvedConfiguration,
} from './configuration.js';

export { resolveConfiguration, type ConfigurationOptions, type ConfigurationScope, type ResolvedConfiguration };

/** What every command that talks to a cluster accepts: where configuration is, and how to connect. */
export interface ConnectionOptions extends ConfigurationOptions {
  /** Comma-separated ResourceManager web addresses; overrides yarn-site. */
  readonly rm?: string | undefined;
  /** For the RM, WebHDFS and Flink REST clients. @default axios */
  readonly transport?: HttpTransport;
  /** Per request. @default each client's (RM 10 s, WebHDFS 30 s) */
  readonly requestTimeoutMs?: number;
  /** Retries of what is safe to repeat, for the RM and WebHDFS clients. @default DEFAULT_RETRY_POLICY */
  readonly retry?: RetryPolicy;
  /** @default node-zookeeper-client, and TCP dials for the quorum check */
  readonly zookeeper?: ZooKeeperDeps & {
    readonly reachability?: (quorum: string) => Promise<MemberReachability[]>;
  };
  /** For every wait. @default systemClock */
  readonly clock?: Clock;
  /** ResourceManager failovers and retries. */
  readonly onEvent?: (event: RmEvent) => void;
}

/**
 * One cluster connection, resolved once: configuration, user, endpoints and transport. It makes
 * the clients (each once), so operations never build their own and tests swap the transport here.
 */
export class ClusterContext {
  readonly configuration: ResolvedConfiguration;
  readonly transport: HttpTransport;
  readonly clock: Clock;
  private readonly options: ConnectionOptions;
  private rm: ResourceManagerClient | undefined;
  private hdfs: WebHdfsClient | undefined;
  private rmAddresses: readonly string[] | undefined;

  constructor(options: ConnectionOptions, configuration: ResolvedConfiguration) {
    this.options = options;
    this.configuration = configuration;
    this.transport = options.transport ?? axiosTransport();
    this.clock = options.clock ?? systemClock;
  }

  /** Reads the configuration the scope names and returns the context over it. */
  static open(options: ConnectionOptions, scope: ConfigurationScope = {}): ClusterContext {
    return new ClusterContext(options, resolveConfiguration(options, scope));
  }

  get config(): ResolvedConfiguration['config'] {
    return this.configuration.config;
  }

  get user(): string | undefined {
    return this.configuration.user;
  }

  /** The user deployments act as: they stage under its home and name it to the AM. */
  requireUser(): string {
    const user = this.configuration.user;
    if (user === undefined)
      throw new UsageError('Cannot tell the Hadoop user from the OS: pass --user NAME or set HADOOP_USER_NAME.');
    return user;
  }

  /** `--rm`, else every RM of yarn-site (all rm-ids under RM HA). */
  get rmEndpoints(): readonly string[] {
    this.rmAddresses ??= rmEndpoints(this.config.yarnSite, { override: this.options.rm, localHost: hostname() });
    return this.rmAddresses;
  }

  /** Refuses when neither --rm nor a Hadoop configuration says where the RM is (YARN's localhost default would mislead). */
  requireRmConfigured(): void {
    // A malformed --rm is the first thing to report.
    void this.rmEndpoints;
    if (this.options.rm === undefined && this.configuration.yarnDir === undefined) {
      throw new UsageError(
        'No ResourceManager to talk to: pass --rm http://host:8088, --yarn-conf-dir DIR, or set HADOOP_CONF_DIR.',
      );
    }
  }

  resourceManager(): ResourceManagerClient {
    this.rm ??= new ResourceManagerClient({
      endpoints: this.rmEndpoints,
      user: this.user,
      transport: this.transport,
      clock: this.clock,
      ...this.clientTuning(),
      ...(this.options.onEvent !== undefined ? { onEvent: this.options.onEvent } : {}),
    });
    return this.rm;
  }

  webHdfs(): WebHdfsClient {
    this.hdfs ??= new WebHdfsClient({
      endpoints: hdfsEndpoints(this.config.hadoop, hostname()),
      user: this.user,
      transport: this.transport,
      ...this.clientTuning(),
    });
    return this.hdfs;
  }

  private clientTuning(): { requestTimeoutMs?: number; retry?: RetryPolicy } {
    const { requestTimeoutMs, retry } = this.options;
    return {
      ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
      ...(retry !== undefined ? { retry } : {}),
    };
  }

  /** A JobManager's REST API, at the address YARN or ZooKeeper gave. */
  flinkRest(address: string): FlinkRestClient {
    return new FlinkRestClient(address, this.transport);
  }

  /** How Flink reaches ZooKeeper, from the Flink configuration (needs scope.flink). */
  zooKeeperSettings(): ZooKeeperSettings {
    const flinkFile = this.config.flinkFile ?? this.configuration.flinkDir?.dir;
    return zooKeeperSettings(this.config.flink, { flinkFile });
  }

  /** Which quorum members accept a connection, each bounded by its own timer. */
  quorumReachability(quorum: string): Promise<MemberReachability[]> {
    return (this.options.zookeeper?.reachability ?? quorumReachability)(quorum);
  }

  zooKeeper(settings: ZooKeeperSettings = this.zooKeeperSettings()): Promise<ZooKeeperSession> {
    return connectZooKeeper(settings, this.options.zookeeper ?? {});
  }
}
