import { OPTIONS } from '../../config/flink/options.js';
import { formatDuration } from '../../config/values/duration.js';
import { diagnostic, type Diagnostic } from '../../diagnostics/index.js';
import type { Version, YarnVersionPolicy } from '../../policy/yarn-version.js';

/** An AM attempt that crashes later than this after its start is "forgotten" by a shorter interval. */
export const AM_STARTUP_ESTIMATE_MS = 30_000;

/** Flink's accepted values of yarn.classpath.include-user-jar. */
export const USER_JAR_INCLUSIONS = ['ORDER', 'FIRST', 'LAST', 'DISABLED'] as const;

/** What a deployment plan decided, from configuration and cluster facts: what the rules check. */
export interface DeploymentFacts {
  /** As the RM (or --hadoop-version) gave it. */
  readonly hadoopVersion: string;
  /** Undefined when it cannot be read. */
  readonly version: Version | undefined;
  readonly policy: YarnVersionPolicy;
  readonly ha: boolean;
  readonly effectiveAttempts: number;
  /** yarn.application-attempt-failures-validity-interval in ms. */
  readonly validityIntervalMs: number;
  /** jobmanager.memory.process.size in bytes, when set and readable. */
  readonly jobManagerProcessBytes: number | undefined;
  /** Why Flink cannot derive the JobManager's memory from it, when it cannot. */
  readonly jobManagerMemoryProblem: string | undefined;
  /** The JobManager's size in MB, and the AM container's after rounding to the minimum allocation. */
  readonly askedMb: number;
  readonly amMemoryMb: number;
  readonly minimumAllocationMb: number;
  readonly maximumMb: number;
  readonly amVcores: number;
  readonly maximumVcores: number;
  readonly nodeLabel: string | undefined;
  /** yarn.rolled-logs.include-pattern or exclude-pattern is set. */
  readonly rolledLogs: boolean;
  /** env.java.default-opts.all, env.java.opts.all and the older env.java.opts, joined; undefined when none is set. */
  readonly javaOptionsAll: string | undefined;
  readonly priority: number;
  /** yarn.classpath.include-user-jar as written, upper-cased. */
  readonly userJarInclusionWritten: string;
  readonly entrypoint: 'session' | 'application' | 'job';
  /** Of the shipped distribution. */
  readonly flinkVersion: string;
  readonly flinkMajor: number;
  /**
   * The TaskManager as Flink's client sizes it: whether its memory is configured the ways Flink
   * accepts, and its process size in bytes when set directly.
   */
  readonly taskManager: { readonly memoryConfigured: boolean; readonly processBytes: number | undefined };
  /** yarn.containers.vcores, else the slots per TaskManager. */
  readonly taskManagerVcores: number;
  /** yarn.view.acls and yarn.modify.acls, as written. */
  readonly acls: { readonly view: string | undefined; readonly modify: string | undefined };
}

/** One named deployment check: facts in, findings out; never throws, no I/O. */
export type DeploymentRule = (facts: DeploymentFacts) => Diagnostic[];

const one = (d: Diagnostic | false): Diagnostic[] => (d === false ? [] : [d]);

export const hadoopVersionKnown: DeploymentRule = (f) =>
  one(
    f.version === undefined &&
      diagnostic(
        'warning',
        'YARN_VERSION_UNKNOWN',
        `Cannot read the Hadoop version '${f.hadoopVersion}'; assuming 3.x behaviour.`,
      ),
  );

export const restSubmitSupported: DeploymentRule = (f) =>
  one(
    !f.policy.restSubmit &&
      diagnostic(
        'error',
        'YARN_REST_SUBMIT_UNSUPPORTED',
        `The ResourceManager runs Hadoop ${f.hadoopVersion}, which has no REST API to submit applications (added in 2.5.0). Upgrade YARN to 2.5.0 or later, or use Flink's own yarn-session.sh.`,
      ),
  );

export const noKnownHaBug: DeploymentRule = (f) =>
  one(f.policy.knownBug !== undefined && diagnostic('warning', 'YARN_2065', f.policy.knownBug));

/** A short interval makes YARN forget AM failures, so a crashing JobManager restarts forever. */
export const validityIntervalLongEnough: DeploymentRule = (f) => {
  const interval = f.validityIntervalMs;
  return one(
    f.ha &&
      f.policy.validityIntervalOverRest &&
      interval > 0 &&
      interval < 2 * AM_STARTUP_ESTIMATE_MS &&
      f.effectiveAttempts > 1 &&
      diagnostic(
        'warning',
        'VALIDITY_INTERVAL_SHORT',
        `yarn.application-attempt-failures-validity-interval is ${formatDuration(interval)}: YARN forgets AM failures older than that, and a JobManager needs about ${formatDuration(AM_STARTUP_ESTIMATE_MS)} to start, so an AM that crashes after start-up is restarted forever instead of failing after ${f.effectiveAttempts} attempts. Set it to several minutes, or -1 to count every failure.`,
        { key: OPTIONS.attemptFailuresValidityInterval.key },
      ),
  );
};

export const validityIntervalCarried: DeploymentRule = (f) =>
  one(
    f.ha &&
      !f.policy.validityIntervalOverRest &&
      diagnostic(
        'warning',
        'VALIDITY_INTERVAL_NOT_CARRIED',
        `Hadoop ${f.hadoopVersion}'s REST API cannot carry attempt-failures-validity-interval (it can from 2.9.0), so YARN counts every AM failure for the application's lifetime: after ${f.effectiveAttempts} failures in total the session fails, however far apart they are.`,
        { key: OPTIONS.attemptFailuresValidityInterval.key },
      ),
  );

export const jobManagerMemorySet: DeploymentRule = (f) =>
  one(
    f.jobManagerProcessBytes === undefined &&
      diagnostic(
        'error',
        'JM_MEMORY_UNSET',
        'jobmanager.memory.process.size is not set, and Flink needs it on YARN. Pass -jm 1600m or set it in the configuration.',
        { key: OPTIONS.jobManagerProcessSize.key },
      ),
  );

export const jobManagerMemoryResolves: DeploymentRule = (f) =>
  one(
    f.jobManagerMemoryProblem !== undefined &&
      diagnostic('error', 'JM_MEMORY_TOO_SMALL', `jobmanager.memory.process.size: ${f.jobManagerMemoryProblem}.`, {
        key: OPTIONS.jobManagerProcessSize.key,
      }),
  );

export const amMemoryRounded: DeploymentRule = (f) =>
  one(
    f.amMemoryMb !== f.askedMb &&
      diagnostic(
        'info',
        'AM_MEMORY_ROUNDED',
        `The AM asks YARN for ${f.amMemoryMb} MB: the JobManager's ${f.askedMb} MB rounded up to the scheduler's minimum allocation (${f.minimumAllocationMb} MB).`,
      ),
  );

export const amMemoryWithinMaximum: DeploymentRule = (f) =>
  one(
    f.amMemoryMb > f.maximumMb &&
      diagnostic(
        'error',
        'AM_MEMORY_OVER_MAX',
        `The JobManager needs ${f.amMemoryMb} MB but the cluster's largest container is ${f.maximumMb} MB (yarn.scheduler.maximum-allocation-mb). Lower -jm / jobmanager.memory.process.size.`,
        { key: OPTIONS.jobManagerProcessSize.key },
      ),
  );

export const amVcoresWithinMaximum: DeploymentRule = (f) =>
  one(
    f.amVcores > f.maximumVcores &&
      diagnostic(
        'error',
        'AM_VCORES_OVER_MAX',
        `yarn.appmaster.vcores is ${f.amVcores} but the cluster's largest container has ${f.maximumVcores} vcores.`,
        { key: OPTIONS.appMasterVcores.key },
      ),
  );

export const nodeLabelsSupported: DeploymentRule = (f) =>
  one(
    f.nodeLabel !== undefined &&
      !f.policy.nodeLabels &&
      diagnostic(
        'error',
        'NODE_LABEL_UNSUPPORTED',
        `Hadoop ${f.hadoopVersion} has no node labels (from 2.6.0); remove -nl / yarn.application.node-label.`,
        { key: OPTIONS.applicationNodeLabel.key },
      ),
  );

export const priorityHonoured: DeploymentRule = (f) =>
  one(
    f.priority >= 0 &&
      !f.policy.priority &&
      diagnostic(
        'info',
        'PRIORITY_IGNORED',
        `Hadoop ${f.hadoopVersion}'s scheduler ignores application priority (honoured from 2.8.0).`,
        { key: OPTIONS.applicationPriority.key },
      ),
  );

export const userJarInclusionKnown: DeploymentRule = (f) =>
  one(
    !(USER_JAR_INCLUSIONS as readonly string[]).includes(f.userJarInclusionWritten) &&
      diagnostic(
        'error',
        'USER_JAR_INCLUSION_INVALID',
        `yarn.classpath.include-user-jar is '${f.userJarInclusionWritten}'; Flink accepts ${USER_JAR_INCLUSIONS.join(', ')}.`,
        { key: OPTIONS.userJarInclusion.key },
      ),
  );

export const perJobEntrypointAvailable: DeploymentRule = (f) =>
  one(
    f.entrypoint === 'job' &&
      f.flinkMajor >= 2 &&
      diagnostic(
        'error',
        'PER_JOB_REMOVED',
        `Flink ${f.flinkVersion} has no per-job entrypoint (removed in 2.0), so a JobGraph file cannot run on it. Drop --job-graph to run the jar in application mode.`,
      ),
  );

/** Flink's client computes the TaskManager's process spec before deploying, and refuses without one. */
export const taskManagerMemoryConfigured: DeploymentRule = (f) =>
  one(
    !f.taskManager.memoryConfigured &&
      diagnostic(
        'error',
        'TM_MEMORY_UNSET',
        "The TaskManagers' memory is not configured, so Flink's client would refuse to deploy: set taskmanager.memory.process.size (or -tm), or taskmanager.memory.flink.size, or both taskmanager.memory.task.heap.size and taskmanager.memory.managed.size.",
        { key: OPTIONS.taskManagerProcessSize.key },
      ),
  );

export const taskManagerWithinMaximum: DeploymentRule = (f) =>
  one(
    f.taskManager.processBytes !== undefined &&
      Math.ceil(f.taskManager.processBytes / (1024 * 1024)) > f.maximumMb &&
      diagnostic(
        'error',
        'TM_MEMORY_OVER_MAX',
        `A TaskManager needs ${Math.ceil(f.taskManager.processBytes / (1024 * 1024))} MB (taskmanager.memory.process.size) but the cluster's largest container has ${f.maximumMb} MB (yarn.scheduler.maximum-allocation-mb): YARN could never start one. Lower -tm or raise the maximum.`,
        { key: OPTIONS.taskManagerProcessSize.key },
      ),
  );

export const taskManagerVcoresWithinMaximum: DeploymentRule = (f) =>
  one(
    f.taskManagerVcores > f.maximumVcores &&
      diagnostic(
        'error',
        'TM_VCORES_OVER_MAX',
        `A TaskManager asks for ${f.taskManagerVcores} vcores (yarn.containers.vcores, which defaults to the slots per TaskManager) but the cluster's largest container has ${f.maximumVcores}. Set yarn.containers.vcores, or fewer slots (-s).`,
        { key: OPTIONS.containerVcores.key },
      ),
  );

/** Flink's client refuses an ACL that mixes the wildcard with names (Utils.validateAclString). */
export const aclWildcardAlone: DeploymentRule = (f) =>
  (
    [
      [OPTIONS.viewAcls.key, f.acls.view],
      [OPTIONS.modifyAcls.key, f.acls.modify],
    ] as const
  ).flatMap(([key, acl]) =>
    acl !== undefined && acl.includes('*') && acl !== '*'
      ? [
          diagnostic(
            'error',
            'ACL_WILDCARD_MIXED',
            `${key} is '${acl}': Flink's client refuses a '*' next to other entries. Use '*' alone (everyone), or list users and groups ("user1,user2 group1").`,
            { key },
          ),
        ]
      : [],
  );

export const rolledLogsCarried: DeploymentRule = (f) =>
  one(
    f.rolledLogs &&
      !f.policy.logAggregationContextOverRest &&
      diagnostic(
        'warning',
        'ROLLED_LOGS_NOT_CARRIED',
        `Hadoop ${f.hadoopVersion}'s REST API has no log aggregation context (from 2.9.0, YARN-4625); yarn.rolled-logs.* is ignored. Flink's own client would set it.`,
        { key: OPTIONS.rolledLogsInclude.key },
      ),
  );

/**
 * Flink 1.18+ runs on Java 17 only with the module flags its distribution's config.yaml puts in
 * env.java.opts.all; like Flink's client, flink-yarn does not add them, so it says when they are missing.
 */
export const javaModuleOptionsSet: DeploymentRule = (f) => {
  const [major = 0, minor = 0] = f.flinkVersion.split('.').map(Number);
  const java17Capable = major > 1 || (major === 1 && minor >= 18);
  return one(
    java17Capable &&
      !(f.javaOptionsAll ?? '').includes('--add-opens') &&
      diagnostic(
        'warning',
        'JAVA_MODULE_OPTIONS_UNSET',
        `env.java.opts.all ${f.javaOptionsAll === undefined ? 'is not set' : 'has no --add-opens flags'}: on a Java 17+ NodeManager, Flink ${f.flinkVersion}'s JobManager and TaskManagers then fail where Kryo or the closure cleaner reach into JDK classes (InaccessibleObjectException). Flink's conf/config.yaml sets them; copy its env.java.opts.all into this configuration, or ignore this on Java 11 and older.`,
        { key: 'env.java.opts.all' },
      ),
  );
};

/** Every deployment rule, by name. Order does not matter: the plan sorts its findings. */
export const DEPLOYMENT_RULES: readonly DeploymentRule[] = [
  hadoopVersionKnown,
  restSubmitSupported,
  noKnownHaBug,
  validityIntervalLongEnough,
  validityIntervalCarried,
  jobManagerMemorySet,
  jobManagerMemoryResolves,
  amMemoryRounded,
  amMemoryWithinMaximum,
  amVcoresWithinMaximum,
  nodeLabelsSupported,
  priorityHonoured,
  userJarInclusionKnown,
  perJobEntrypointAvailable,
  aclWildcardAlone,
  taskManagerMemoryConfigured,
  taskManagerWithinMaximum,
  taskManagerVcoresWithinMaximum,
  rolledLogsCarried,
  javaModuleOptionsSet,
];

export function checkDeployment(facts: DeploymentFacts, rules = DEPLOYMENT_RULES): Diagnostic[] {
  return rules.flatMap((rule) => rule(facts));
}
