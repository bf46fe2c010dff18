/** The library: every command is a typed function first; the CLI is a thin layer over it. */
export * from './errors/index.js';
export * from './diagnostics/index.js';
export { validate, type ValidateOptions, type ValidateReport } from './operations/validate.js';
export { validateConfig, RULES, type ValidationResult } from './validation/index.js';
export { assembleConfig, type ConfigModel, type ConfigTexts } from './config/assemble.js';
export { loadConfig, resolveFlinkConfDir, resolveYarnConfDir } from './config/load.js';
export { parseHadoopXml } from './config/hadoop/xml.js';
export { HadoopConfiguration } from './config/hadoop/configuration.js';
export { readYarnSite, type YarnSite } from './config/hadoop/yarn-site.js';
export { parseLegacyFlinkConf } from './config/flink/legacy.js';
export { parseStandardYaml } from './config/flink/yaml.js';
export { FlinkConfiguration } from './config/flink/configuration.js';
export { OPTIONS } from './config/flink/options.js';
export { isSensitiveKey, maskValue, maskProgramArgs, MASK } from './config/secrets.js';
export { parseMasters } from './config/files/masters.js';
export { parseZooCfg } from './config/files/zoo-cfg.js';
export { parseDuration } from './config/values/duration.js';
export { parseMemorySize } from './config/values/memory.js';
export { parsePortSpec } from './config/values/ports.js';
export { decideAttempts } from './policy/attempts.js';
export { haMode } from './policy/ha.js';
export { planQuorum, isLocalHost, FLINK_ZOOKEEPER_DEFAULTS, ONE_SERVER_PER_MACHINE } from './zookeeper/quorum-plan.js';
export type { QuorumPlan, LocalServerPlan, PlannedServer, MachineIdentity } from './zookeeper/quorum-plan.js';
export {
  startZooKeeperQuorum,
  stopZooKeeperQuorum,
  zooKeeperQuorumStatus,
  locateZooKeeper,
  type ZooKeeperQuorumOptions,
  type ZooKeeperQuorumEvent,
  type ZooKeeperStartResult,
  type ZooKeeperStopResult,
  type ZooKeeperQuorumStatus,
  type ZooKeeperServerStatus,
  type ZooKeeperInstallation,
} from './operations/zookeeper-quorum/index.js';
export { listApplications, describeApplication, killApplication } from './operations/applications.js';
export { connectYarn, type YarnConnectionOptions } from './operations/yarn-context.js';
export {
  ClusterContext,
  resolveConfiguration,
  type ConnectionOptions,
  type ConfigurationOptions,
  type ConfigurationScope,
  type KerberosLogin,
} from './context/index.js';
export { poll, systemClock, manualClock, type Clock, type PollOptions } from './async/poll.js';
export { axiosTransport, type AxiosTransportOptions } from './http/axios-transport.js';
export {
  negotiateTransport,
  negotiateStreamGet,
  Negotiator,
  KerberosError,
  type NegotiateOptions,
} from './http/negotiate.js';
export { kerberosGssapi, type Gssapi, type KerberosGssapiOptions, type KerberosModule } from './http/gssapi.js';
export { TlsError, readCaFile, trustOptions } from './http/tls.js';
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  ResponseTooLargeError,
  TransportError,
  type HttpTransport,
  type HttpRequest,
  type HttpResponse,
} from './http/transport.js';
export { gc, DEFAULT_GC_GRACE_MS, type GcOptions, type GcResult, type Leftover } from './operations/gc.js';
export {
  deploySession,
  SessionPlanError,
  InterruptedError,
  type SessionOptions,
  type SessionResult,
  type SessionEvent,
  type ProgramOptions,
} from './operations/session/index.js';
export { superviseSession, type SuperviseOptions, type SuperviseOutcome } from './operations/session/supervise.js';
export {
  deployApplication,
  watchApplication,
  type RunOptions,
  type WatchOptions,
  type JobOutcome,
} from './operations/run/index.js';
export { haStatus, haList, haClean } from './operations/ha.js';
export {
  startMinicluster,
  stopMinicluster,
  miniclusterStatus,
  type MiniclusterInfo,
} from './operations/minicluster/index.js';
export { buildSessionPlan, applicationJobId, type SessionPlan } from './session/plan.js';
export { publicPlan, type PublicPlan } from './session/public-plan.js';
export { ResourceManagerClient } from './yarn/rm-client.js';
export { WebHdfsClient } from './hdfs/webhdfs-client.js';
export { FlinkRestClient } from './flink/rest-client.js';
export { connectZooKeeper, type ZooKeeperSession } from './zookeeper/client.js';
export { zooKeeperSettings, type ZooKeeperSettings } from './zookeeper/settings.js';
export { probeZooKeeperRoot, describeRootProbe } from './zookeeper/probe.js';
export { decodeLeaderInfo } from './zookeeper/leader-info.js';
