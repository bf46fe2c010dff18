import { pathToFileURL } from 'node:url';
import type { ConfigModel } from '../config/assemble.js';
import { isSensitiveKey, MASK, OPTIONS } from '../config/flink/options.js';
import { formatDuration } from '../config/values/duration.js';
import { MIB } from '../config/values/memory.js';
import { diagnostic, hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/index.js';
import { InvalidValueError } from '../errors/index.js';
import { validateConfig } from '../validation/index.js';
import { ruleContext } from '../validation/context.js';
import {
  amContainerSpec,
  DEFAULT_YARN_APPLICATION_CLASSPATH,
  maskAmContainerSpec,
  type Entrypoint,
  type StagedResource,
  type UserJarInclusion,
} from './am-container.js';
import { jobManagerMemory, type JobManagerMemory } from './memory.js';
import { parseVersion, policyFor, type YarnVersionPolicy } from './version-policy.js';

/** Flink's Java 17 module flags (its distribution's env.java.opts.all), added when the configuration has none. */
export const JAVA_17_OPTIONS = [
  ...[
    'java.base/sun.net.util',
    'java.rmi/sun.rmi.registry',
    'jdk.compiler/com.sun.tools.javac.api',
    'jdk.compiler/com.sun.tools.javac.file',
    'jdk.compiler/com.sun.tools.javac.parser',
    'jdk.compiler/com.sun.tools.javac.tree',
    'jdk.compiler/com.sun.tools.javac.util',
    'java.security.jgss/sun.security.krb5',
  ].map((p) => `--add-exports=${p}=ALL-UNNAMED`),
  ...[
    'java.lang',
    'java.net',
    'java.io',
    'java.nio',
    'sun.nio.ch',
    'java.lang.reflect',
    'java.text',
    'java.time',
    'java.util',
    'java.util.concurrent',
    'java.util.concurrent.atomic',
    'java.util.concurrent.locks',
  ].map((p) => `--add-opens=java.base/${p}=ALL-UNNAMED`),
].join(' ');

/** An AM attempt that crashes later than this after its start is "forgotten" by a shorter interval. */
export const AM_STARTUP_ESTIMATE_MS = 30_000;

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
  /** `hdfs://authority` of fs.defaultFS. */
  readonly defaultFs: string;
  /** The user's HDFS home (path only), where `.flink/<appId>` is staged. */
  readonly homeDir: string;
  /** Files staged (or, in a dry run, to be staged) for the AM. */
  readonly resources: readonly StagedResource[];
  /** From new-application, when the RM was asked. */
  readonly maximumCapability?: { readonly memory: number; readonly vCores: number } | undefined;
  /** Flink's own default application name for this entrypoint. */
  readonly defaultName: string;
  /** The job an application or per-job cluster runs. */
  readonly program?: ProgramSpec | undefined;
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
}

export interface SessionPlan {
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
  /** The exact JSON body for POST /ws/v1/cluster/apps. */
  readonly submission: Record<string, unknown>;
  /** The configuration shipped to the JobManager (flat keys). */
  readonly shippedConfig: Readonly<Record<string, string>>;
  readonly memory: JobManagerMemory | null;
  /** `yarn.classpath.include-user-jar`: decides where the user jar is staged. */
  readonly userJarInclusion: UserJarInclusion;
  /** Application and per-job clusters: the job, and its id where Flink fixes it. */
  readonly program: PlannedProgram | null;
}

export interface PlannedProgram {
  readonly entrypoint: 'application' | 'job';
  readonly jar: string;
  readonly mainClass: string | null;
  readonly args: readonly string[];
  readonly parallelism: number | null;
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
  const { config } = input;
  const flink = config.flink;
  const diagnostics: Diagnostic[] = [...validateConfig(config).diagnostics];
  const ctx = ruleContext(config);
  const version = parseVersion(input.hadoopVersion);
  const policy: YarnVersionPolicy = version === undefined ? policyFor([3, 0, 0]) : policyFor(version);
  if (version === undefined) {
    diagnostics.push(
      diagnostic(
        'warning',
        'YARN_VERSION_UNKNOWN',
        `Cannot read the Hadoop version '${input.hadoopVersion}'; assuming 3.x behaviour.`,
      ),
    );
  }
  if (!policy.restSubmit) {
    diagnostics.push(
      diagnostic(
        'error',
        'YARN_REST_SUBMIT_UNSUPPORTED',
        `The ResourceManager runs Hadoop ${input.hadoopVersion}, which has no REST API to submit applications (added in 2.5.0). Upgrade YARN to 2.5.0 or later, or use Flink's own yarn-session.sh.`,
      ),
    );
  }
  if (policy.knownBug !== undefined) diagnostics.push(diagnostic('warning', 'YARN_2065', policy.knownBug));

  // cluster-id: -z first, then explicit configuration, then the application id.
  const configured = flink.lookup(OPTIONS.haClusterId)?.entry.value;
  const clusterId = input.zookeeperNamespace ?? configured ?? input.applicationId;

  // Attempts, capped by the cluster; HA extras where YARN can carry them.
  const { requested, cap, effective } = ctx.attempts;
  const ha = ctx.haOn;
  let validityInterval: number | null = null;
  if (ha) {
    // A long in Flink (milliseconds), not a duration: a unit fails Flink's client (typedValuesParse says so).
    const interval = safe(() => flink.integer(OPTIONS.attemptFailuresValidityInterval)) ?? 10_000;
    if (policy.validityIntervalOverRest) {
      validityInterval = interval;
      if (interval > 0 && interval < 2 * AM_STARTUP_ESTIMATE_MS && effective > 1) {
        diagnostics.push(
          diagnostic(
            'warning',
            'VALIDITY_INTERVAL_SHORT',
            `yarn.application-attempt-failures-validity-interval is ${formatDuration(interval)}: YARN forgets AM failures older than that, and a JobManager needs about ${formatDuration(AM_STARTUP_ESTIMATE_MS)} to start, so an AM that crashes after start-up is restarted forever instead of failing after ${effective} attempts. Set it to several minutes, or -1 to count every failure.`,
            { key: OPTIONS.attemptFailuresValidityInterval.key },
          ),
        );
      }
    } else {
      diagnostics.push(
        diagnostic(
          'warning',
          'VALIDITY_INTERVAL_NOT_CARRIED',
          `Hadoop ${input.hadoopVersion}'s REST API cannot carry attempt-failures-validity-interval (it can from 2.9.0), so YARN counts every AM failure for the application's lifetime: after ${effective} failures in total the session fails, however far apart they are.`,
          { key: OPTIONS.attemptFailuresValidityInterval.key },
        ),
      );
    }
  }

  // The AM container's size: the JobManager process, rounded up to the scheduler's minimum.
  let memory: JobManagerMemory | null = null;
  const processBytes = safe(() => flink.memory(OPTIONS.jobManagerProcessSize));
  if (processBytes === undefined) {
    diagnostics.push(
      diagnostic(
        'error',
        'JM_MEMORY_UNSET',
        'jobmanager.memory.process.size is not set, and Flink needs it on YARN. Pass -jm 1600m or set it in the configuration.',
        { key: OPTIONS.jobManagerProcessSize.key },
      ),
    );
  } else {
    try {
      memory = jobManagerMemory(processBytes);
    } catch (e) {
      if (!(e instanceof InvalidValueError)) throw e;
      diagnostics.push(
        diagnostic('error', 'JM_MEMORY_TOO_SMALL', `jobmanager.memory.process.size: ${e.message}.`, {
          key: OPTIONS.jobManagerProcessSize.key,
        }),
      );
    }
  }
  const minMb = Math.max(1, config.yarnSite.minimumAllocationMb.value);
  const askedMb = processBytes === undefined ? minMb : Math.ceil(processBytes / MIB);
  const amMemoryMb = Math.max(minMb, Math.ceil(askedMb / minMb) * minMb);
  if (amMemoryMb !== askedMb) {
    diagnostics.push(
      diagnostic(
        'info',
        'AM_MEMORY_ROUNDED',
        `The AM asks YARN for ${amMemoryMb} MB: the JobManager's ${askedMb} MB rounded up to the scheduler's minimum allocation (${minMb} MB).`,
      ),
    );
  }
  const maxMb = input.maximumCapability?.memory ?? config.yarnSite.maximumAllocationMb.value;
  if (amMemoryMb > maxMb) {
    diagnostics.push(
      diagnostic(
        'error',
        'AM_MEMORY_OVER_MAX',
        `The JobManager needs ${amMemoryMb} MB but the cluster's largest container is ${maxMb} MB (yarn.scheduler.maximum-allocation-mb). Lower -jm / jobmanager.memory.process.size.`,
        { key: OPTIONS.jobManagerProcessSize.key },
      ),
    );
  }
  const amVcores = safe(() => flink.integer(OPTIONS.appMasterVcores)) ?? 1;
  const maxVcores = input.maximumCapability?.vCores ?? config.yarnSite.maximumAllocationVcores.value;
  if (amVcores > maxVcores) {
    diagnostics.push(
      diagnostic(
        'error',
        'AM_VCORES_OVER_MAX',
        `yarn.appmaster.vcores is ${amVcores} but the cluster's largest container has ${maxVcores} vcores.`,
        {
          key: OPTIONS.appMasterVcores.key,
        },
      ),
    );
  }

  const nodeLabel = flink.string(OPTIONS.applicationNodeLabel);
  if (nodeLabel !== undefined && !policy.nodeLabels) {
    diagnostics.push(
      diagnostic(
        'error',
        'NODE_LABEL_UNSUPPORTED',
        `Hadoop ${input.hadoopVersion} has no node labels (from 2.6.0); remove -nl / yarn.application.node-label.`,
        {
          key: OPTIONS.applicationNodeLabel.key,
        },
      ),
    );
  }
  const priority = safe(() => flink.integer(OPTIONS.applicationPriority)) ?? -1;
  if (priority >= 0 && !policy.priority) {
    diagnostics.push(
      diagnostic(
        'info',
        'PRIORITY_IGNORED',
        `Hadoop ${input.hadoopVersion}'s scheduler ignores application priority (honoured from 2.8.0).`,
        {
          key: OPTIONS.applicationPriority.key,
        },
      ),
    );
  }

  const { userJarInclusion, written: inclusionWritten } = readUserJarInclusion(flink);
  if (userJarInclusion !== inclusionWritten) {
    diagnostics.push(
      diagnostic(
        'error',
        'USER_JAR_INCLUSION_INVALID',
        `yarn.classpath.include-user-jar is '${inclusionWritten}'; Flink accepts ${USER_JAR_INCLUSIONS.join(', ')}.`,
        { key: OPTIONS.userJarInclusion.key },
      ),
    );
  }
  const flinkVersion = parseVersion(input.flinkVersion ?? '1.20.0') ?? [1, 20, 0];
  if (input.entrypoint === 'job' && flinkVersion[0] >= 2) {
    diagnostics.push(
      diagnostic(
        'error',
        'PER_JOB_REMOVED',
        `Flink ${input.flinkVersion} has no per-job entrypoint (removed in 2.0), so a JobGraph file cannot run on it. Drop --job-graph to run the jar in application mode.`,
      ),
    );
  }
  const shippedConfig = shippedConfiguration(input, clusterId, flinkVersion[0] >= 2);
  const jvmOptions = javaOptions(input.config);
  const yarnFilesDir = `${input.defaultFs}${input.homeDir}/.flink/${input.applicationId}`;
  const containerSpec =
    memory === null
      ? null
      : amContainerSpec({
          entrypoint: input.entrypoint,
          flinkVersion,
          resources: input.resources,
          memory,
          jvmOptions,
          applicationId: input.applicationId,
          user: input.user,
          clientHomeDir: `${input.defaultFs}${input.homeDir}`,
          yarnFilesDir,
          yarnApplicationClasspath: yarnApplicationClasspath(config),
          extraEnvironment: prefixed(flink, 'containerized.master.env.'),
          hasLog4j: input.resources.some((r) => r.key === 'log4j.properties'),
          userJarInclusion,
        });
  const tags = (flink.string(OPTIONS.tags) ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const body: Record<string, unknown> = {
    'application-id': input.applicationId,
    'application-name': flink.string(OPTIONS.applicationName) ?? input.defaultName,
    'application-type': flink.string(OPTIONS.applicationType) ?? 'Apache Flink',
    ...(flink.string(OPTIONS.applicationQueue) !== undefined ? { queue: flink.string(OPTIONS.applicationQueue) } : {}),
    ...(priority >= 0 ? { priority } : {}),
    'max-app-attempts': effective,
    resource: { memory: amMemoryMb, vCores: amVcores },
    'unmanaged-AM': false,
    'keep-containers-across-application-attempts': ha && policy.keepContainers,
    ...(validityInterval !== null ? { 'attempt-failures-validity-interval': validityInterval } : {}),
    ...(tags.length > 0 ? { 'application-tags': { tag: tags } } : {}),
    ...(nodeLabel !== undefined && policy.nodeLabels ? { 'app-node-label-expression': nodeLabel } : {}),
    ...(containerSpec !== null ? { 'am-container-spec': containerSpec } : {}),
  };
  return {
    applicationId: input.applicationId,
    clusterId,
    hadoopVersion: input.hadoopVersion,
    attempts: { requested, cap, effective },
    policy: {
      keepContainers: ha && policy.keepContainers,
      attemptFailuresValidityInterval: validityInterval,
      numbersAsStrings: policy.numbersAsStrings,
      amMemoryMb,
      amVcores,
    },
    diagnostics: sortDiagnostics(diagnostics),
    submission: policy.numbersAsStrings ? (stringifyScalars(body) as Record<string, unknown>) : body,
    shippedConfig,
    memory,
    userJarInclusion,
    program: plannedProgram(input, clusterId, ha),
  };
}

const USER_JAR_INCLUSIONS = ['ORDER', 'FIRST', 'LAST', 'DISABLED'] as const;

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

function plannedProgram(input: SessionPlanInput, clusterId: string, ha: boolean): PlannedProgram | null {
  const program = input.program;
  if (program === undefined || input.entrypoint === 'session') return null;
  return {
    entrypoint: input.entrypoint,
    jar: program.jarPath,
    mainClass: program.mainClass ?? null,
    args: program.args,
    parallelism: program.parallelism ?? null,
    jobId: input.entrypoint === 'application' && ha ? applicationJobId(clusterId) : null,
  };
}

/**
 * The job id Flink's application mode fixes under HA: a JobID whose lower half is the
 * cluster-id's Java String.hashCode and whose upper half is 0, printed lower half first.
 */
export function applicationJobId(clusterId: string): string {
  let hash = 0;
  for (let i = 0; i < clusterId.length; i++) hash = (Math.imul(hash, 31) + clusterId.charCodeAt(i)) | 0;
  return `${BigInt.asUintN(64, BigInt(hash)).toString(16).padStart(16, '0')}${'0'.repeat(16)}`;
}

/**
 * A list-typed option as the shipped file must spell it: 1.x reads `a;b` (an element holding `;`
 * or a quote is single-quoted, quotes doubled); 2.x reads a YAML flow sequence.
 */
export function encodeListOption(values: readonly string[], standardYaml: boolean): string {
  if (standardYaml) return JSON.stringify(values);
  return values.map((v) => (/[;'"]/.test(v) ? `'${v.replace(/'/g, "''")}'` : v)).join(';');
}

export function planHasErrors(plan: SessionPlan): boolean {
  return hasErrors(plan.diagnostics);
}

/** The plan as the contract shows it, with secrets masked. */
export function publicPlan(plan: SessionPlan): Record<string, unknown> {
  const spec = plan.submission['am-container-spec'] as Parameters<typeof maskAmContainerSpec>[0] | undefined;
  return {
    applicationId: plan.applicationId,
    clusterId: plan.clusterId,
    hadoopVersion: plan.hadoopVersion,
    attempts: plan.attempts,
    policy: plan.policy,
    diagnostics: plan.diagnostics,
    ...(plan.program !== null ? { program: { ...plan.program, args: maskProgramArgs(plan.program.args) } } : {}),
    submission:
      spec === undefined ? plan.submission : { ...plan.submission, 'am-container-spec': maskAmContainerSpec(spec) },
  };
}

/** `--password x` and `--token=x`: the value after a secret-looking option name is not shown. */
export function maskProgramArgs(args: readonly string[]): string[] {
  return args.map((arg, i) => {
    const eq = /^(-{1,2}[^=]+)=/.exec(arg);
    if (eq !== null && isSensitiveKey(eq[1]!.replace(/^-+/, ''))) return `${eq[1]}=${MASK}`;
    const previous = args[i - 1];
    return previous !== undefined && /^-{1,2}[^=]+$/.test(previous) && isSensitiveKey(previous.replace(/^-+/, ''))
      ? MASK
      : arg;
  });
}

/**
 * The configuration the JobManager reads, with what Flink's client changes before shipping it:
 * the cluster-id, the deployment target and mode, and no localhost bind hosts.
 */
function shippedConfiguration(
  input: SessionPlanInput,
  clusterId: string,
  standardYaml: boolean,
): Record<string, string> {
  const out = new Map<string, string>();
  for (const e of input.config.flink.entries()) out.set(e.key, e.value);
  // The effective cluster-id replaces any deprecated spelling, so the JobManager reads exactly one.
  for (const k of [OPTIONS.haClusterId.key, ...OPTIONS.haClusterId.deprecatedKeys]) out.delete(k);
  out.set(OPTIONS.haClusterId.key, clusterId);
  const target = { session: 'yarn-session', application: 'yarn-application', job: 'yarn-per-job' } as const;
  out.set('execution.target', target[input.entrypoint]);
  // A per-job cluster in NORMAL mode waits for a client to fetch the job's result before it shuts
  // down; this client watches YARN instead, so it never would.
  out.set('internal.cluster.execution-mode', input.detached || input.entrypoint === 'job' ? 'DETACHED' : 'NORMAL');
  const program = input.program;
  if (program !== undefined && input.entrypoint !== 'session') {
    out.set('execution.attached', String(!input.detached));
    out.set('pipeline.jars', encodeListOption([pathToFileURL(program.jarPath).href], standardYaml));
    if (program.parallelism !== undefined) out.set('parallelism.default', String(program.parallelism));
    if (input.entrypoint === 'application') {
      if (program.mainClass !== undefined) out.set('$internal.application.main', program.mainClass);
      if (program.args.length > 0)
        out.set('$internal.application.program-args', encodeListOption(program.args, standardYaml));
    } else {
      out.set('internal.jobgraph-path', 'job.graph');
    }
  }
  for (const k of ['jobmanager.bind-host', 'taskmanager.bind-host']) if (out.get(k) === 'localhost') out.delete(k);
  out.delete('taskmanager.host');
  if (!out.has('env.java.opts.all') && !out.has('env.java.opts')) out.set('env.java.opts.all', JAVA_17_OPTIONS);
  return Object.fromEntries(out);
}

function javaOptions(config: ConfigModel): string {
  const flink = config.flink;
  const all = flink.raw('env.java.opts.all')?.value ?? flink.raw('env.java.opts')?.value ?? JAVA_17_OPTIONS;
  return [
    flink.raw('env.java.default-opts.all')?.value,
    all,
    flink.raw('env.java.default-opts.jobmanager')?.value,
    flink.raw('env.java.opts.jobmanager')?.value,
  ]
    .filter((v): v is string => v !== undefined && v.trim() !== '')
    .join(' ');
}

function yarnApplicationClasspath(config: ConfigModel): string[] {
  const value = config.hadoop.getTrimmed('yarn.application.classpath')?.value;
  return value === undefined || value === ''
    ? DEFAULT_YARN_APPLICATION_CLASSPATH
    : value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
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
