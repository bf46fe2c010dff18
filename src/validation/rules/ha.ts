import { OPTIONS } from '../../config/flink/options.js';
import { maskValue } from '../../config/secrets.js';
import { parseHostPort, parseList } from '../../config/values/lists.js';
import { parsePortSpec } from '../../config/values/ports.js';
import { diagnostic, type Diagnostic } from '../../diagnostics/index.js';
import { InvalidValueError } from '../../errors/index.js';
import { lenientFlag, zooKeeperLoginContextListed, zooKeeperSaslDisabled } from '../../policy/kerberos.js';
import { at, describeEntry, type RuleContext } from '../context.js';

/** A mode that is neither a known one nor a factory class name stops Flink at start-up. */
export function haTypeKnown(ctx: RuleContext): Diagnostic[] {
  if (ctx.ha.kind === 'kubernetes') {
    return [
      diagnostic(
        'warning',
        'HA_KUBERNETES_ON_YARN',
        `high-availability.type is kubernetes, which needs a Kubernetes API server and ConfigMaps; on YARN use zookeeper.`,
        at(ctx, OPTIONS.haType),
      ),
    ];
  }
  if (ctx.ha.kind !== 'unknown') return [];
  return [
    diagnostic(
      'error',
      'HA_TYPE_UNKNOWN',
      `high-availability.type is '${ctx.ha.value}', which is neither NONE, ZOOKEEPER nor KUBERNETES, nor a fully qualified HighAvailabilityServicesFactory class name; the JobManager will fail to start. Use zookeeper for HA on YARN.`,
      at(ctx, OPTIONS.haType),
    ),
  ];
}

/** ZooKeeper HA needs a quorum, written as host:port[,host:port...]. */
export function zookeeperQuorumValid(ctx: RuleContext): Diagnostic[] {
  if (ctx.ha.kind !== 'zookeeper') return [];
  const quorum = ctx.config.flink.string(OPTIONS.zkQuorum);
  if (quorum === undefined || quorum.trim() === '') {
    return [
      diagnostic(
        'error',
        'HA_QUORUM_MISSING',
        `high-availability.type is zookeeper but high-availability.zookeeper.quorum is not set; the JobManager will fail to start. Set it to the ZooKeeper servers, e.g. 'zk1:2181,zk2:2181,zk3:2181'.`,
        at(ctx, OPTIONS.zkQuorum),
      ),
    ];
  }
  const bad = quorumMembers(quorum).filter((m) => parseHostPort(m) === undefined);
  if (bad.length === 0) return [];
  return [
    diagnostic(
      'error',
      'HA_QUORUM_INVALID',
      `high-availability.zookeeper.quorum '${quorum}' has ${bad.map((b) => `'${b}'`).join(', ')}, which ${bad.length === 1 ? 'is' : 'are'} not host:port. Write each server as host:port, separated by commas, e.g. 'zk1:2181,zk2:2181'.`,
      at(ctx, OPTIONS.zkQuorum),
    ),
  ];
}

/** Splits a ZooKeeper connect string; a trailing `/chroot` belongs to the last member. */
export function quorumMembers(quorum: string): string[] {
  const slash = quorum.indexOf('/');
  const hosts = slash < 0 ? quorum : quorum.slice(0, slash);
  return parseList(hosts);
}

/** HA needs somewhere to persist JobManager metadata. */
export function storageDirRequired(ctx: RuleContext): Diagnostic[] {
  if (!ctx.haOn) return [];
  const dir = ctx.config.flink.string(OPTIONS.haStorageDir);
  if (dir !== undefined && dir.trim() !== '') return [];
  return [
    diagnostic(
      'error',
      'HA_STORAGE_DIR_MISSING',
      `High availability is on but high-availability.storageDir is not set; the JobManager will fail to start. Point it at a shared file system, e.g. 'hdfs:///flink/recovery'.`,
      at(ctx, OPTIONS.haStorageDir),
    ),
  ];
}

/** On YARN the JobManager restarts on another host, which cannot read the old host's disk. */
export function storageDirNotLocal(ctx: RuleContext): Diagnostic[] {
  if (!ctx.haOn) return [];
  const dir = ctx.config.flink.string(OPTIONS.haStorageDir)?.trim();
  if (dir === undefined || dir === '') return [];
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(dir)?.[1]?.toLowerCase();
  const defaultScheme = ctx.config.flink.string(OPTIONS.defaultScheme)?.trim();
  const effectiveScheme = scheme ?? (defaultScheme ? /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(defaultScheme)?.[1] : 'file');
  if (effectiveScheme !== 'file') return [];
  const why =
    scheme === undefined
      ? `has no scheme, so Flink resolves it on the local file system`
      : `is on the local file system`;
  return [
    diagnostic(
      'warning',
      'HA_STORAGE_DIR_LOCAL',
      `high-availability.storageDir '${maskValue(OPTIONS.haStorageDir.key, dir)}' ${why}. On YARN a restarted JobManager usually runs on another node and cannot recover from it. Use a shared file system, e.g. 'hdfs:///flink/recovery'.`,
      at(ctx, OPTIONS.haStorageDir),
    ),
  ];
}

/** On YARN the cluster-id defaults to the application id; a fixed one is shared by every run. */
export function clusterIdOnYarn(ctx: RuleContext): Diagnostic[] {
  if (!ctx.haOn || !ctx.yarnInPlay) return [];
  const lookup = ctx.config.flink.lookup(OPTIONS.haClusterId);
  if (lookup === undefined) return [];
  return [
    diagnostic(
      'warning',
      'HA_CLUSTER_ID_FIXED',
      `high-availability.cluster-id is '${lookup.entry.value}' (${describeEntry(lookup.entry)}). On YARN it replaces the default, the application id, so every cluster deployed with this configuration shares one ZooKeeper namespace and may recover another's jobs. Remove it; to name a cluster for one deployment, pass -z, which overrides it.`,
      at(ctx, OPTIONS.haClusterId),
    ),
  ];
}

/** The JobManager port spec must parse; on YARN it is not used at all. */
export function jobManagerPortSpec(ctx: RuleContext): Diagnostic[] {
  const lookup = ctx.config.flink.lookup(OPTIONS.haJobManagerPort);
  if (lookup === undefined) return [];
  try {
    parsePortSpec(lookup.entry.value);
  } catch (e) {
    if (!(e instanceof InvalidValueError)) throw e;
    return [
      diagnostic(
        'error',
        'JM_PORT_INVALID',
        `high-availability.jobmanager.port: ${e.message}. Use a port, a range or a comma list, e.g. '50010,50020-50025'.`,
        at(ctx, OPTIONS.haJobManagerPort),
      ),
    ];
  }
  return [
    diagnostic(
      'info',
      'JM_PORT_IGNORED_ON_YARN',
      `high-availability.jobmanager.port applies to standalone clusters; on YARN the JobManager's RPC port comes from yarn.application-master.port (default 0, any free port).`,
      at(ctx, OPTIONS.haJobManagerPort),
    ),
  ];
}

/** Flink reads the ACL mode case-insensitively and refuses anything but open and creator at start-up. */
export function zookeeperAclKnown(ctx: RuleContext): Diagnostic[] {
  if (ctx.ha.kind !== 'zookeeper') return [];
  const value = ctx.config.flink.string(OPTIONS.zkAcl)?.trim().toLowerCase();
  if (value === undefined || value === 'open' || value === 'creator') return [];
  return [
    diagnostic(
      'error',
      'ZK_ACL_UNKNOWN',
      `high-availability.zookeeper.client.acl is '${ctx.config.flink.string(OPTIONS.zkAcl)}'; Flink accepts only open or creator and the JobManager fails with "Unsupported ACL option". Use open, or creator to protect the HA nodes with the creator's identity.`,
      at(ctx, OPTIONS.zkAcl),
    ),
  ];
}

/**
 * Creator ACLs need an identity. Flink refuses creator with zookeeper.sasl.disable: true outright
 * (ZooKeeperUtils.startCuratorFramework); without SASL credentials or an authorization entry the
 * connection has no identity, and ZooKeeper rejects creator ACLs (InvalidACL) when the JobManager
 * creates its nodes.
 */
export function zookeeperCreatorAclIdentity(ctx: RuleContext): Diagnostic[] {
  if (ctx.ha.kind !== 'zookeeper') return [];
  const flink = ctx.config.flink;
  if (flink.string(OPTIONS.zkAcl)?.trim().toLowerCase() !== 'creator') return [];
  if (zooKeeperSaslDisabled(flink, lenientFlag)) {
    return [
      diagnostic(
        'error',
        'ZK_CREATOR_ACL_SASL_DISABLED',
        `high-availability.zookeeper.client.acl is creator but zookeeper.sasl.disable is true (${describeEntry(flink.lookup(OPTIONS.zkSaslDisable)?.entry)}); Flink refuses this combination and the JobManager fails with "Cannot set ACL role to CREATOR since SASL authentication is disabled". Remove zookeeper.sasl.disable (digest authorization works with SASL enabled when no Kerberos login context is configured), or use acl open.`,
        at(ctx, OPTIONS.zkAcl),
      ),
    ];
  }
  const authKey = OPTIONS.zkAuthorization.key;
  const authorization = flink.entries().some((e) => e.key === authKey || e.key.startsWith(`${authKey}.`));
  if (authorization || zooKeeperLoginContextListed(flink)) return [];
  return [
    diagnostic(
      'warning',
      'ZK_CREATOR_ACL_NO_IDENTITY',
      `high-availability.zookeeper.client.acl is creator, but neither ${authKey} nor a Kerberos login context for ZooKeeper (security.kerberos.login.contexts) gives the JobManager an identity; ZooKeeper then rejects creator ACLs (InvalidACL) and the JobManager cannot create its HA nodes, unless its JVM authenticates another way (a JAAS file or TLS certificate in env.java.opts). Set ${authKey}, e.g. digest:'user:password', or use acl open.`,
      at(ctx, OPTIONS.zkAcl),
    ),
  ];
}
