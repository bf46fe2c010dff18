import { ClusterContext, type ConfigurationScope, type ConnectionOptions } from '../context/index.js';
import type { HadoopConfiguration } from '../config/hadoop/configuration.js';
import type { YarnSite } from '../config/hadoop/yarn-site.js';
import { UsageError } from '../errors/index.js';
import type { ResourceManagerClient } from '../yarn/rm-client.js';

/** What every command that talks to YARN accepts. */
export type YarnConnectionOptions = ConnectionOptions;

export interface YarnConnection {
  readonly client: ResourceManagerClient;
  readonly context: ClusterContext;
  readonly endpoints: readonly string[];
  readonly user: string | undefined;
  readonly yarnSite: YarnSite;
  /** The layered Hadoop configuration (core, yarn and hdfs site files). */
  readonly hadoop: HadoopConfiguration;
}

/** Reads yarn-site (when there is one), works out the RM endpoints and the user, and makes a client. */
export function connectYarn(options: YarnConnectionOptions, scope: ConfigurationScope = {}): YarnConnection {
  const context = ClusterContext.open(options, { hdfs: true, ...scope });
  context.requireRmConfigured();
  const endpoints = context.rmEndpoints;
  return {
    client: context.resourceManager(),
    context,
    endpoints,
    user: context.user,
    yarnSite: context.config.yarnSite,
    hadoop: context.config.hadoop,
  };
}

/** A YARN application id, as the RM writes it (and as staging directories are named). */
export const APPLICATION_ID = /^application_\d+_\d+$/;

export function checkApplicationId(id: string): string {
  if (!APPLICATION_ID.test(id)) {
    throw new UsageError(`'${id}' is not a YARN application id (application_<clusterTimestamp>_<sequence>).`);
  }
  return id;
}
