import { hostname, userInfo } from 'node:os';
import { loadConfig, resolveYarnConfDir, type Env } from '../config/load.js';
import type { HadoopConfiguration } from '../config/hadoop/configuration.js';
import type { YarnSite } from '../config/hadoop/yarn-site.js';
import type { HttpTransport } from '../http/transport.js';
import { UsageError } from '../errors/index.js';
import { rmEndpoints } from '../yarn/endpoints.js';
import { ResourceManagerClient, type RmEvent } from '../yarn/rm-client.js';

/** What every command that talks to YARN accepts. */
export interface YarnConnectionOptions {
  /** @default the contract's chain ($YARN_CONF_DIR, $HADOOP_CONF_DIR, $HADOOP_HOME/etc/hadoop) */
  readonly yarnConfDir?: string | undefined;
  /** Comma-separated RM web addresses; overrides yarn-site. */
  readonly rm?: string | undefined;
  /** @default $HADOOP_USER_NAME, then the OS user */
  readonly user?: string | undefined;
  /** @default process.env */
  readonly env?: Env;
  /** @default process.cwd() */
  readonly cwd?: string;
  /** @default axios */
  readonly transport?: HttpTransport;
  /** Per request. @default 10000 */
  readonly requestTimeoutMs?: number;
  readonly onEvent?: (event: RmEvent) => void;
}

export interface YarnConnection {
  readonly client: ResourceManagerClient;
  readonly endpoints: readonly string[];
  readonly user: string;
  readonly yarnSite: YarnSite;
  /** The layered Hadoop configuration (core, yarn and hdfs site files). */
  readonly hadoop: HadoopConfiguration;
}

/** Reads yarn-site (when there is one), works out the RM endpoints and the user, and makes a client. */
export function connectYarn(options: YarnConnectionOptions): YarnConnection {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const request = { yarnConfDir: options.yarnConfDir, env, cwd };
  const yarnDir = resolveYarnConfDir(request);
  const user = options.user ?? env.HADOOP_USER_NAME ?? userInfo().username;
  const config = loadConfig({
    flinkConfDir: undefined,
    hdfs: true,
    yarnConfDir: yarnDir?.dir,
    expansion: { env, systemProperties: { 'user.name': user } },
  });
  const endpoints = rmEndpoints(config.yarnSite, { override: options.rm, localHost: hostname() });
  if (options.rm === undefined && yarnDir === undefined) {
    throw new UsageError(
      'No ResourceManager to talk to: pass --rm http://host:8088, --yarn-conf-dir DIR, or set HADOOP_CONF_DIR.',
    );
  }
  const client = new ResourceManagerClient({
    endpoints,
    user,
    ...(options.transport !== undefined ? { transport: options.transport } : {}),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.onEvent !== undefined ? { onEvent: options.onEvent } : {}),
  });
  return { client, endpoints, user, yarnSite: config.yarnSite, hadoop: config.hadoop };
}

const APPLICATION_ID = /^application_\d+_\d+$/;

export function checkApplicationId(id: string): string {
  if (!APPLICATION_ID.test(id)) {
    throw new UsageError(`'${id}' is not a YARN application id (application_<clusterTimestamp>_<sequence>).`);
  }
  return id;
}
