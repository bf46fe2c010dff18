import type { ConfigModel } from '../config/assemble.js';
import { OPTIONS } from '../config/flink/options.js';
import { MIB, parseMemorySize } from '../config/values/memory.js';
import { parseList } from '../config/values/lists.js';
import { maskDiagnostic } from '../config/secrets.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/index.js';
import { InvalidValueError } from '../errors/index.js';
import { parseVersion, policyFor, type Version, type YarnVersionPolicy } from '../policy/yarn-version.js';
import { RULES, validateConfig } from '../validation/index.js';
import { ruleContext, type RuleContext } from '../validation/context.js';
import { checkDeployment, USER_JAR_INCLUSIONS, type DeploymentFacts } from '../validation/rules/deployment.js';
import {
  amContainerSpec,
  DEFAULT_YARN_APPLICATION_CLASSPATH,
  type AmContainerSpec,
  type ContainerToken,
  type Entrypoint,
  type StagedResource,
  type UserJarInclusion,
} from './am-container.js';
import { jobManagerMemory, type JobManagerMemory } from './memory.js';
import { applicationJobId, javaOptions, shippedConfiguration } from './shipped-config.js';

export { AM_STARTUP_ESTIMATE_MS } from '../validation/rules/deployment.js';
export { applicationJobId, encodeListOption, JAVA_17_OPTIONS } from './shipped-config.js';

export interface SessionPlanInput {
  readonly config: ConfigModel;
  readonly hadoopVersion: string;
  readonly applicationId: string;
  readonly entrypoint: Entrypoint;
  /** Of the shipped distribution. @default 1.20.0 */
  readonly flinkVersion?: string;
  /** -z: overrides any configured cluster-id. */
  readonly zookeeperNamespace?: string | undefined;
  readonly detached: boolean;
  readonly user: string;
  /** HADOOP_USER_NAME of the AM: the full principal under Kerberos, as Flink's client sends it. @default user */
  readonly hadoopUserName?: string | undefined;
  /** `hdfs://authority` of fs.defaultFS. */
  readonly defaultFs: string;
  /**
   * Where `.flink/<appId>` is staged (path only): yarn.staging-directory, else the user's HDFS
   * home. Flink's `_CLIENT_HOME_DIR`.
   */
  readonly stagingBase: string;
  /** Files staged (or, in a dry run, to be staged) for the AM. */
  readonly resources: readonly StagedResource[];
  /** From new-application, when the RM was asked. */
  readonly maximumCapability?: { readonly memory: number; readonly vCores: number } | undefined;
  /**
   * Client-side paths Flink's client writes into the shipped configuration: the Flink
   * configuration directory, the log configuration found there (the JobManager starts
   * TaskManagers with it), and the dist jar.
   */
  readonly local?: {
    readonly confDir: string;
    readonly logConfigFile?: string | undefined;
    readonly distJar?: string | undefined;
  };
  /** The queue's default priority, from the scheduler (0, YARN's default, when unknown). */
  readonly queueDefaultPriority?: number | undefined;
  /** Flink's own default application name for this entrypoint. */
  readonly defaultName: string;
  /** The job an application or per-job cluster runs. */
  readonly program?: ProgramSpec | undefined;
  /**
   * Delegation tokens for the AM's credentials (a Kerberos-secured cluster), fetched by the
   * caller; without a value in a dry run. None: the submission carries no credentials.
   */
  readonly tokens?: readonly ContainerToken[] | undefined;
}

/** What an application (or per-job) cluster runs. */
export interface ProgramSpec {
  /** The user jar's absolute local path: Flink's pipeline.jars names it as a file: URI. */
  readonly jarPath: string;
  /** $internal.application.main; without it the entrypoint reads the jar's manifest. */
  readonly mainClass?: string | undefined;
  readonly args: readonly string[];
  /** -p: parallelism.default */
  readonly parallelism?: number | undefined;
  /** -s, -n, -cm: the savepoint the job starts from. */
  readonly restore?: SavepointRestore | undefined;
  /** -C: URLs added to the user code class loader (pipeline.classpaths). */
  readonly classpaths?: readonly string[] | undefined;
  /** -sae: execution.shutdown-on-attached-exit. */
  readonly shutdownOnAttachedExit?: boolean | undefined;
}

/** `flink run -s PATH [-n] [-cm MODE]`. */
export interface SavepointRestore {
  readonly path: string;
  readonly allowNonRestoredState: boolean;
  /** @default 'no_claim', Flink's default */
  readonly claimMode?: 'claim' | 'no_claim' | 'legacy' | undefined;
}

/**
 * The JSON body of POST /ws/v1/cluster/apps (the RM's ApplicationSubmissionContextInfo). For
 * Hadoop 2.5.x every scalar is sent as a string instead (YARN-2546).
 */
export type AppSubmission = {
  readonly 'application-id': string;
  readonly 'application-name': string;
  readonly 'application-type': string;
  readonly queue?: string;
  readonly priority?: number;
  readonly 'max-app-attempts': number;
  readonly resource: { readonly memory: number; readonly vCores: number };
  readonly 'unmanaged-AM': boolean;
  readonly 'keep-containers-across-application-attempts': boolean;
  readonly 'attempt-failures-validity-interval'?: number;
  readonly 'application-tags'?: { readonly tag: readonly string[] };
  readonly 'app-node-label-expression'?: string;
  readonly 'am-container-spec'?: AmContainerSpec;
  /** yarn.rolled-logs.include-pattern / exclude-pattern (Flink 2.x's client sets them). */
  readonly 'log-aggregation-context'?: {
    readonly 'rolled-log-include-pattern'?: string;
    readonly 'rolled-log-exclude-pattern'?: string;
  };
};

/** Everything decided before the files are staged: it does not depend on where they land. */
export interface DeploymentDecision {
  readonly applicationId: string;
  readonly clusterId: string;
  readonly hadoopVersion: string;
  readonly attempts: { readonly requested: number; readonly cap: number; readonly effective: number };
  readonly policy: {
    readonly keepContainers: boolean;
    readonly attemptFailuresValidityInterval: number | null;
    readonly numbersAsStrings: boolean;
    readonly amMemoryMb: number;
    readonly amVcores: number;
  };
  readonly diagnostics: readonly Diagnostic[];
  /** The configuration shipped to the JobManager (flat keys). */
  readonly shippedConfig: Readonly<Record<string, string>>;
  readonly memory: JobManagerMemory | null;
  /** `yarn.classpath.include-user-jar`: decides where the user jar is staged. */
  readonly userJarInclusion: UserJarInclusion;
  /** Application and per-job clusters: the job, and its id where Flink fixes it. */
  readonly program: PlannedProgram | null;
}

export interface SessionPlan extends DeploymentDecision {
  /** The exact JSON body for POST /ws/v1/cluster/apps. */
  readonly submission: AppSubmission;
}

export interface PlannedProgram {
  readonly entrypoint: 'application' | 'job';
  readonly jar: string;
  readonly mainClass: string | null;
  readonly args: readonly string[];
  readonly parallelism: number | null;
  /** -s: the savepoint the job starts from. */
  readonly restoreFrom: string | null;
  /**
   * With HA in application mode Flink derives the job id from the cluster-id, so every AM
   * attempt recovers the same job; null where Flink picks a random one.
   */
  readonly jobId: string | null;
}

/**
 * Decides everything about a deployment from configuration and cluster facts. Pure: the caller
 * asks the RM and HDFS, this decides. Errors are diagnostics; the caller refuses to deploy on any.
 */
export function buildSessionPlan(input: SessionPlanInput): SessionPlan {
  const decision = decideDeployment(input);
  return { ...decision, submission: buildSubmission(input, decision) };
}

/** The plan without the submission body: configuration and cluster facts, checked by the deployment rules. */
export function decideDeployment(input: SessionPlanInput): DeploymentDecision {
  const { config } = input;
  const ctx = ruleContext(config, { onYarn: true });
  const jm = resolveJobManagerMemory(safe(() => config.flink.memory(OPTIONS.jobManagerProcessSize)));
  const facts = deploymentFacts(input, ctx, jm);
  const configured = config.flink.lookup(OPTIONS.haClusterId)?.entry.value;
  // cluster-id: -z first, then explicit configuration, then the application id.
  const clusterId = input.zookeeperNamespace ?? configured ?? input.applicationId;
  const { requested, cap, effective } = ctx.attempts;
  const carried = facts.ha && facts.policy.validityIntervalOverRest;
  return {
    applicationId: input.applicationId,
    clusterId,
    hadoopVersion: input.hadoopVersion,
    attempts: { requested, cap, effective },
    policy: {
      keepContainers: facts.ha && facts.policy.keepContainers,
      attemptFailuresValidityInterval: carried ? facts.validityIntervalMs : null,
      numbersAsStrings: facts.policy.numbersAsStrings,
      amMemoryMb: facts.amMemoryMb,
      amVcores: facts.amVcores,
    },
    // Diagnostics are only ever shown (events, errors, the plan): masked here, once for every path.
    diagnostics: sortDiagnostics([
      ...validateConfig(config, RULES, { onYarn: true }).diagnostics,
      ...checkDeployment(facts),
    ]).map(maskDiagnostic),
    shippedConfig: shippedConfiguration(input, clusterId, facts.flinkMajor >= 2),
    memory: jm.memory,
    userJarInclusion: readUserJarInclusion(config.flink).userJarInclusion,
    program: plannedProgram(input, clusterId, facts.ha),
  };
}

/** The facts the deployment rules check, read from the configuration and the cluster. */
function deploymentFacts(input: SessionPlanInput, ctx: RuleContext, jm: ResolvedMemory): DeploymentFacts {
  const { config } = input;
  const flink = config.flink;
  const version = parseVersion(input.hadoopVersion);
  const policy: YarnVersionPolicy = policyFor(version ?? [3, 0, 0]);
  const processBytes = jm.processBytes;
  // The AM container's size: the JobManager process, rounded up to the scheduler's minimum.
  const minMb = Math.max(1, config.yarnSite.minimumAllocationMb.value);
  const askedMb = processBytes === undefined ? minMb : Math.ceil(processBytes / MIB);
  const flinkVersion: Version = parseVersion(input.flinkVersion ?? '1.20.0') ?? [1, 20, 0];
  return {
    hadoopVersion: input.hadoopVersion,
    version,
    policy,
    ha: ctx.haOn,
    effectiveAttempts: ctx.attempts.effective,
    // A long in Flink (milliseconds), not a duration: a unit fails Flink's client (typedValuesParse says so).
    validityIntervalMs: safe(() => flink.integer(OPTIONS.attemptFailuresValidityInterval)) ?? 10_000,
    jobManagerProcessBytes: processBytes,
    jobManagerMemoryProblem: jm.problem,
    askedMb,
    amMemoryMb: Math.max(minMb, Math.ceil(askedMb / minMb) * minMb),
    minimumAllocationMb: minMb,
    maximumMb: input.maximumCapability?.memory ?? config.yarnSite.maximumAllocationMb.value,
    amVcores: safe(() => flink.integer(OPTIONS.appMasterVcores)) ?? 1,
    maximumVcores: input.maximumCapability?.vCores ?? config.yarnSite.maximumAllocationVcores.value,
    nodeLabel: flink.string(OPTIONS.applicationNodeLabel),
    rolledLogs: rolledLogs(flink) !== undefined,
    // Every option Flink puts on both processes' command lines, the admin's defaults included.
    javaOptionsAll:
      ['env.java.default-opts.all', 'env.java.opts.all', 'env.java.opts']
        .map((k) => flink.raw(k)?.value)
        .filter((v): v is string => v !== undefined)
        .join(' ') || undefined,
    priority: safe(() => flink.integer(OPTIONS.applicationPriority)) ?? -1,
    userJarInclusionWritten: readUserJarInclusion(flink).written,
    entrypoint: input.entrypoint,
    flinkVersion: input.flinkVersion ?? '1.20.0',
    flinkMajor: flinkVersion[0],
    acls: { view: flink.string(OPTIONS.viewAcls), modify: flink.string(OPTIONS.modifyAcls) },
    taskManager: taskManagerMemory(flink),
    taskManagerVcores: (() => {
      const configured = safe(() => flink.integer(OPTIONS.containerVcores)) ?? -1;
      return configured > 0 ? configured : (safe(() => flink.integer(OPTIONS.taskSlots)) ?? 1);
    })(),
  };
}

/** The REST body, once the files are staged where the AM will find them. */
export function buildSubmission(input: SessionPlanInput, decision: DeploymentDecision): AppSubmission {
  const flink = input.config.flink;
  const policy = policyFor(parseVersion(input.hadoopVersion) ?? [3, 0, 0]);
  const containerSpec =
    decision.memory === null
      ? null
      : amContainerSpec({
          entrypoint: input.entrypoint,
          flinkVersion: parseVersion(input.flinkVersion ?? '1.20.0') ?? [1, 20, 0],
          resources: input.resources,
          memory: decision.memory,
          jvmOptions: javaOptions(input.config),
          commandTemplate: flink.string(OPTIONS.containerStartCommandTemplate),
          applicationId: input.applicationId,
          user: input.user,
          ...(input.hadoopUserName !== undefined ? { hadoopUserName: input.hadoopUserName } : {}),
          clientHomeDir: `${input.defaultFs}${input.stagingBase}`,
          yarnFilesDir: `${input.defaultFs}${input.stagingBase.replace(/\/$/, '')}/.flink/${input.applicationId}`,
          yarnApplicationClasspath: yarnApplicationClasspath(input.config),
          extraEnvironment: prefixed(flink, 'containerized.master.env.'),
          logConfigKey: logConfigKey(input),
          userJarInclusion: decision.userJarInclusion,
          keytab: keytabLogin(flink),
          tokens: input.tokens,
        });
  const queue = flink.string(OPTIONS.applicationQueue);
  const priority = safe(() => flink.integer(OPTIONS.applicationPriority)) ?? -1;
  const tags = parseList(flink.string(OPTIONS.tags) ?? '');
  const nodeLabel = flink.string(OPTIONS.applicationNodeLabel);
  const validityInterval = decision.policy.attemptFailuresValidityInterval;
  const rolled = rolledLogs(flink);
  const body: AppSubmission = {
    'application-id': input.applicationId,
    'application-name': flink.string(OPTIONS.applicationName) ?? input.defaultName,
    'application-type': flink.string(OPTIONS.applicationType) ?? 'Apache Flink',
    ...(queue !== undefined ? { queue } : {}),
    // Flink's client leaves an unset priority out and YARN gives the queue's default; over REST an
    // absent priority is -1, below every default-priority application, so the default is sent.
    priority: priority >= 0 ? priority : (input.queueDefaultPriority ?? 0),
    'max-app-attempts': decision.attempts.effective,
    resource: { memory: decision.policy.amMemoryMb, vCores: decision.policy.amVcores },
    'unmanaged-AM': false,
    'keep-containers-across-application-attempts': decision.policy.keepContainers,
    ...(validityInterval !== null ? { 'attempt-failures-validity-interval': validityInterval } : {}),
    ...(tags.length > 0 ? { 'application-tags': { tag: tags } } : {}),
    ...(nodeLabel !== undefined && policy.nodeLabels ? { 'app-node-label-expression': nodeLabel } : {}),
    ...(containerSpec !== null ? { 'am-container-spec': withAcls(containerSpec, flink) } : {}),
    ...(rolled !== undefined && policy.logAggregationContextOverRest ? { 'log-aggregation-context': rolled } : {}),
  };
  // The same shape on the wire, its scalars as strings: what Hadoop 2.5.x reads.
  return policy.numbersAsStrings ? (stringifyScalars(body) as AppSubmission) : body;
}

/**
 * `yarn.classpath.include-user-jar` as written (upper-cased) and as used: a value Flink does not
 * know falls back to ORDER here, and the plan reports it as an error.
 */
export function readUserJarInclusion(flink: ConfigModel['flink']): {
  userJarInclusion: UserJarInclusion;
  written: string;
} {
  const written = (flink.string(OPTIONS.userJarInclusion) ?? 'ORDER').trim().toUpperCase();
  const known = (USER_JAR_INCLUSIONS as readonly string[]).includes(written);
  return { userJarInclusion: known ? (written as UserJarInclusion) : 'ORDER', written };
}

export function planHasErrors(plan: { readonly diagnostics: readonly Diagnostic[] }): boolean {
  return hasErrors(plan.diagnostics);
}

interface ResolvedMemory {
  readonly processBytes: number | undefined;
  readonly memory: JobManagerMemory | null;
  /** Why Flink could not derive the JobManager's memory from the process size. */
  readonly problem: string | undefined;
}

function resolveJobManagerMemory(processBytes: number | undefined): ResolvedMemory {
  if (processBytes === undefined) return { processBytes, memory: null, problem: undefined };
  try {
    return { processBytes, memory: jobManagerMemory(processBytes), problem: undefined };
  } catch (e) {
    if (!(e instanceof InvalidValueError)) throw e;
    return { processBytes, memory: null, problem: e.message };
  }
}

/** The shipped log configuration's key: the file `$internal.yarn.log-config-file` names, else what was found. */
function logConfigKey(input: SessionPlanInput): string | undefined {
  const path = input.local?.logConfigFile ?? input.config.flink.string(OPTIONS.logConfigFile);
  if (path !== undefined) return path.slice(path.lastIndexOf('/') + 1);
  return input.resources.find((r) => r.key === 'log4j.properties' || r.key === 'logback.xml')?.key;
}

/** The ways Flink's TaskExecutorProcessUtils accepts a TaskManager's memory, and its process size when given. */
function taskManagerMemory(flink: ConfigModel['flink']): DeploymentFacts['taskManager'] {
  const set = (o: (typeof OPTIONS)[keyof typeof OPTIONS]) => (flink.string(o) ?? '').trim() !== '';
  // A legacy taskmanager.heap.size stands for the process size, as Flink's client maps it.
  const process = flink.string(OPTIONS.taskManagerProcessSize) ?? flink.string(OPTIONS.taskManagerLegacyHeap);
  const processBytes = process === undefined ? undefined : safe(() => parseMemorySize(process));
  return {
    memoryConfigured:
      set(OPTIONS.taskManagerProcessSize) ||
      set(OPTIONS.taskManagerLegacyHeap) ||
      set(OPTIONS.taskManagerFlinkSize) ||
      (set(OPTIONS.taskManagerTaskHeap) && set(OPTIONS.taskManagerManaged)),
    processBytes,
  };
}

/** The rolled-log patterns Flink 2.x's client puts in the log aggregation context; blank ones are left out, as there. */
export function rolledLogs(
  flink: ConfigModel['flink'],
): NonNullable<AppSubmission['log-aggregation-context']> | undefined {
  const include = flink.string(OPTIONS.rolledLogsInclude);
  const exclude = flink.string(OPTIONS.rolledLogsExclude);
  const set = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';
  if (!set(include) && !set(exclude)) return undefined;
  return {
    ...(set(include) ? { 'rolled-log-include-pattern': include } : {}),
    ...(set(exclude) ? { 'rolled-log-exclude-pattern': exclude } : {}),
  };
}

/**
 * A keytab login: where the containers find the keytab (yarn.security.kerberos.localized-keytab-path,
 * the shipped resource's key or a path on every node) and the principal.
 */
function keytabLogin(flink: ConfigModel['flink']): { localPath: string; principal: string } | undefined {
  const keytab = flink.string(OPTIONS.kerberosKeytab)?.trim() ?? '';
  if (keytab === '') return undefined;
  return {
    localPath: flink.string(OPTIONS.localizedKeytabPath)?.trim() || 'krb5.keytab',
    principal: flink.string(OPTIONS.kerberosPrincipal)?.trim() ?? '',
  };
}

/** yarn.view.acls / yarn.modify.acls as the AM container's application ACLs, as Flink's Utils.setAclsFor sets them. */
function withAcls(spec: AmContainerSpec, flink: ConfigModel['flink']): AmContainerSpec {
  const entry = (
    [
      ['VIEW_APP', flink.string(OPTIONS.viewAcls)],
      ['MODIFY_APP', flink.string(OPTIONS.modifyAcls)],
    ] as const
  ).flatMap(([key, value]) => (value !== undefined && value !== '' ? [{ key, value }] : []));
  return entry.length === 0 ? spec : { ...spec, 'application-acls': { entry } };
}

function plannedProgram(input: SessionPlanInput, clusterId: string, ha: boolean): PlannedProgram | null {
  const program = input.program;
  if (program === undefined || input.entrypoint === 'session') return null;
  return {
    entrypoint: input.entrypoint,
    jar: program.jarPath,
    mainClass: program.mainClass ?? null,
    args: program.args,
    parallelism: program.parallelism ?? null,
    restoreFrom: program.restore?.path ?? null,
    jobId: input.entrypoint === 'application' && ha ? applicationJobId(clusterId) : null,
  };
}

function yarnApplicationClasspath(config: ConfigModel): string[] {
  const value = config.hadoop.getTrimmed('yarn.application.classpath')?.value;
  return value === undefined || value === '' ? DEFAULT_YARN_APPLICATION_CLASSPATH : parseList(value);
}

function prefixed(flink: ConfigModel['flink'], prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of flink.entries())
    if (e.key.startsWith(prefix) && e.key.length > prefix.length) out[e.key.slice(prefix.length)] = e.value;
  return out;
}

/** Hadoop 2.5.x read every JSON scalar of a submission as a string (YARN-2546). */
export function stringifyScalars(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stringifyScalars);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringifyScalars(v)]));
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

function safe<T>(read: () => T | undefined): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
