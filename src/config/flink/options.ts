/**
 * The Flink options this product reads, with their deprecated names in the order Flink consults
 * them (current key first). Defaults are Flink 1.20's.
 */
export interface FlinkOption {
  readonly key: string;
  readonly deprecatedKeys: readonly string[];
  /** Flink's default in its string form, when it has one. */
  readonly defaultValue?: string;
  /** `int` where Flink declares intType: a value beyond Java's int range fails to parse there. */
  readonly type?: 'int';
}

function option(key: string, deprecatedKeys: readonly string[] = [], defaultValue?: string): FlinkOption {
  return defaultValue === undefined ? { key, deprecatedKeys } : { key, deprecatedKeys, defaultValue };
}

/** An option Flink declares with intType. */
function intOption(key: string, deprecatedKeys: readonly string[] = [], defaultValue?: string): FlinkOption {
  return { ...option(key, deprecatedKeys, defaultValue), type: 'int' };
}

export const OPTIONS = {
  haType: option('high-availability.type', ['recovery.mode', 'high-availability'], 'NONE'),
  haClusterId: option(
    'high-availability.cluster-id',
    ['high-availability.zookeeper.path.namespace', 'recovery.zookeeper.path.namespace'],
    '/default',
  ),
  haStorageDir: option('high-availability.storageDir', [
    'high-availability.zookeeper.storageDir',
    'recovery.zookeeper.storageDir',
  ]),
  haJobManagerPort: option('high-availability.jobmanager.port', ['recovery.jobmanager.port'], '0'),
  zkQuorum: option('high-availability.zookeeper.quorum', ['recovery.zookeeper.quorum']),
  zkRoot: option('high-availability.zookeeper.path.root', ['recovery.zookeeper.path.root'], '/flink'),
  zkSessionTimeout: option(
    'high-availability.zookeeper.client.session-timeout',
    ['recovery.zookeeper.client.session-timeout'],
    '60000',
  ),
  zkConnectionTimeout: option(
    'high-availability.zookeeper.client.connection-timeout',
    ['recovery.zookeeper.client.connection-timeout'],
    '15000',
  ),
  zkRetryWait: option(
    'high-availability.zookeeper.client.retry-wait',
    ['recovery.zookeeper.client.retry-wait'],
    '5000',
  ),
  zkMaxRetryAttempts: intOption(
    'high-availability.zookeeper.client.max-retry-attempts',
    ['recovery.zookeeper.client.max-retry-attempts'],
    '3',
  ),
  /** Flink 2.2+ caps each retry sleep with it (BoundedExponentialBackoffRetry); no cap before. */
  zkMaxRetryWait: option('high-availability.zookeeper.client.max-retry-wait'),
  zkAcl: option('high-availability.zookeeper.client.acl', [], 'open'),
  /** Flink 1.20+: a map of scheme to auth data, e.g. `digest:'user:password'`, or prefix keys `...authorization.<scheme>`. */
  zkAuthorization: option('high-availability.zookeeper.client.authorization'),
  zkSaslDisable: option('zookeeper.sasl.disable', [], 'false'),
  zkSaslServiceName: option('zookeeper.sasl.service-name', [], 'zookeeper'),
  zkSaslLoginContextName: option('zookeeper.sasl.login-context-name', [], 'Client'),
  kerberosLoginContexts: option('security.kerberos.login.contexts'),
  kerberosKeytab: option('security.kerberos.login.keytab', ['security.keytab']),
  kerberosPrincipal: option('security.kerberos.login.principal', ['security.principal']),
  kerberosUseTicketCache: option('security.kerberos.login.use-ticket-cache', [], 'true'),
  kerberosKrb5Path: option('security.kerberos.krb5-conf.path'),
  shipLocalKeytab: option('yarn.security.kerberos.ship-local-keytab', [], 'true'),
  localizedKeytabPath: option('yarn.security.kerberos.localized-keytab-path', [], 'krb5.keytab'),
  /** Whether Flink's client fetches delegation tokens (SecurityOptions.DELEGATION_TOKENS_ENABLED). */
  delegationTokensEnabled: option(
    'security.delegation.tokens.enabled',
    ['security.kerberos.fetch.delegation-token'],
    'true',
  ),
  /** More Hadoop file systems to fetch tokens for: a list, `;`-separated in flat keys. */
  hadoopFileSystems: option('security.kerberos.access.hadoopFileSystems', [
    'yarn.security.kerberos.additionalFileSystems',
  ]),
  /** The `hadoopfs` provider: HDFS delegation tokens (SecurityOptions.forProvider(conf, "hadoopfs")). */
  hadoopFsTokenProviderEnabled: option('security.delegation.token.provider.hadoopfs.enabled', [], 'true'),
  /** The renewer of the `hadoopfs` provider's tokens; Flink passes null when unset (HadoopFSDelegationTokenProvider). */
  hadoopFsTokenRenewer: option('security.kerberos.token.provider.hadoopfs.renewer'),
  /** The providers whose tokens go into the AM container's credentials (a list). */
  appMasterTokenServices: option('yarn.security.appmaster.delegation.token.services', [], 'hadoopfs'),
  askTimeout: option('pekko.ask.timeout', ['akka.ask.timeout'], '10 s'),
  applicationAttempts: intOption('yarn.application-attempts'),
  attemptFailuresValidityInterval: option('yarn.application-attempt-failures-validity-interval', [], '10000'),
  applicationMasterPort: option('yarn.application-master.port', [], '0'),
  appMasterVcores: intOption('yarn.appmaster.vcores', [], '1'),
  applicationName: option('yarn.application.name'),
  applicationType: option('yarn.application.type'),
  applicationQueue: option('yarn.application.queue'),
  applicationNodeLabel: option('yarn.application.node-label'),
  applicationPriority: intOption('yarn.application.priority', [], '-1'),
  applicationId: option('yarn.application.id'),
  tags: option('yarn.tags', [], ''),
  shipFiles: option('yarn.ship-files', ['yarn.ship-directories']),
  shipArchives: option('yarn.ship-archives'),
  flinkDistJar: option('yarn.flink-dist-jar'),
  userJarInclusion: option('yarn.classpath.include-user-jar', ['yarn.per-job-cluster.include-user-jar'], 'ORDER'),
  stagingDirectory: option('yarn.staging-directory'),
  providedLibDirs: option('yarn.provided.lib.dirs'),
  providedUsrlibDir: option('yarn.provided.usrlib.dir'),
  rolledLogsInclude: option('yarn.rolled-logs.include-pattern'),
  rolledLogsExclude: option('yarn.rolled-logs.exclude-pattern'),
  containerStartCommandTemplate: option('yarn.container-start-command-template'),
  logConfigFile: option('$internal.yarn.log-config-file'),
  viewAcls: option('yarn.view.acls'),
  modifyAcls: option('yarn.modify.acls'),
  fileReplication: intOption('yarn.file-replication', [], '-1'),
  jobManagerProcessSize: option('jobmanager.memory.process.size'),
  taskManagerProcessSize: option('taskmanager.memory.process.size'),
  taskManagerFlinkSize: option('taskmanager.memory.flink.size'),
  taskManagerTaskHeap: option('taskmanager.memory.task.heap.size'),
  taskManagerManaged: option('taskmanager.memory.managed.size'),
  taskManagerLegacyHeap: option('taskmanager.heap.size'),
  containerVcores: intOption('yarn.containers.vcores', [], '-1'),
  taskSlots: intOption('taskmanager.numberOfTaskSlots', [], '1'),
  defaultScheme: option('fs.default-scheme'),
} as const satisfies Record<string, FlinkOption>;

/** Every deprecated key we know, mapped to its current key. */
export const DEPRECATED_KEYS: ReadonlyMap<string, string> = new Map(
  Object.values(OPTIONS).flatMap((o: FlinkOption) => o.deprecatedKeys.map((d) => [d, o.key] as const)),
);
