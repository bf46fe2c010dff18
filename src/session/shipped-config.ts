import { pathToFileURL } from 'node:url';
import type { ConfigModel } from '../config/assemble.js';
import { OPTIONS } from '../config/flink/options.js';
import type { Entrypoint } from './am-container.js';
import type { ProgramSpec, SessionPlanInput } from './plan.js';

/** What the shipped configuration depends on besides the configuration itself. */
export interface ShippedConfigInput {
  readonly config: ConfigModel;
  readonly entrypoint: Entrypoint;
  readonly detached: boolean;
  /** Of the shipped distribution: which savepoint keys it reads. @default 1.20.0 */
  readonly flinkVersion?: string;
  readonly local?: SessionPlanInput['local'];
  readonly program?: ProgramSpec | undefined;
}

/**
 * The keys of a savepoint restore: Flink 1.20 renamed them (execution.state-recovery.*); older
 * versions read only the execution.savepoint.* spelling.
 */
export function restoreKeys(flinkVersion: string): { path: string; ignoreUnclaimed: string; claimMode: string } {
  const [major = 1, minor = 20] = flinkVersion.split('.').map(Number);
  return major > 1 || minor >= 20
    ? {
        path: 'execution.state-recovery.path',
        ignoreUnclaimed: 'execution.state-recovery.ignore-unclaimed-state',
        claimMode: 'execution.state-recovery.claim-mode',
      }
    : {
        path: 'execution.savepoint.path',
        ignoreUnclaimed: 'execution.savepoint.ignore-unclaimed-state',
        claimMode: 'execution.savepoint-restore-mode',
      };
}

/**
 * Flink's Java 17 module flags, as its distribution's conf/config.yaml sets env.java.opts.all. Not
 * added by any client: a configuration without them gets the JAVA_MODULE_OPTIONS_UNSET warning.
 */
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

/**
 * The configuration the JobManager reads, with what Flink's client changes before shipping it:
 * the cluster-id, the deployment target and mode, and no localhost bind hosts.
 */
export function shippedConfiguration(
  input: ShippedConfigInput,
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
  // Flink's client: DETACHED only for a detached per-job cluster. A per-job cluster in NORMAL mode
  // waits for a client to fetch the job's result before it shuts down; this client watches YARN
  // instead, so it never would: per-job is always DETACHED here.
  out.set('internal.cluster.execution-mode', input.entrypoint === 'job' ? 'DETACHED' : 'NORMAL');
  out.set('execution.attached', String(!input.detached));
  // The client-side paths Flink's client records. The JobManager reads the log configuration's
  // (its file name goes into the TaskManagers' -Dlog4j.configuration); the others are informative.
  if (input.local !== undefined) {
    out.set('$internal.deployment.config-dir', input.local.confDir);
    if (input.local.logConfigFile !== undefined && !out.has('$internal.yarn.log-config-file'))
      out.set('$internal.yarn.log-config-file', input.local.logConfigFile);
    // yarn-session.sh records the dist it shipped; flink run (the generic CLI) does not.
    if (input.entrypoint === 'session' && input.local.distJar !== undefined && !out.has('yarn.flink-dist-jar'))
      out.set('yarn.flink-dist-jar', `file:${input.local.distJar}`);
  }
  const program = input.program;
  if (program !== undefined && input.entrypoint !== 'session') {
    // As Flink's client writes the jar's URI: file:/path, no empty authority.
    out.set(
      'pipeline.jars',
      encodeListOption([pathToFileURL(program.jarPath).href.replace(/^file:\/\//, 'file:')], standardYaml),
    );
    if (program.parallelism !== undefined) out.set('parallelism.default', String(program.parallelism));
    // What Flink's ProgramOptions.applyToConfiguration sets for every `flink run`.
    out.set('execution.shutdown-on-attached-exit', String(program.shutdownOnAttachedExit ?? false));
    // Empty too: Flink's client writes the (empty) list whatever -C says.
    out.set('pipeline.classpaths', encodeListOption(program.classpaths ?? [], standardYaml));
    const keys = restoreKeys(input.flinkVersion ?? '1.20.0');
    out.set(keys.ignoreUnclaimed, String(program.restore?.allowNonRestoredState ?? false));
    out.set(keys.claimMode, (program.restore?.claimMode ?? 'no_claim').toUpperCase());
    if (program.restore !== undefined) out.set(keys.path, program.restore.path);
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
  return Object.fromEntries(out);
}

export function javaOptions(config: ConfigModel): string {
  const flink = config.flink;
  const all = flink.raw('env.java.opts.all')?.value ?? flink.raw('env.java.opts')?.value;
  return [
    flink.raw('env.java.default-opts.all')?.value,
    all,
    flink.raw('env.java.default-opts.jobmanager')?.value,
    flink.raw('env.java.opts.jobmanager')?.value,
  ]
    .filter((v): v is string => v !== undefined && v.trim() !== '')
    .join(' ');
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

/** Flink's legacy format: one `key: value` per line, which 1.x reads whatever the values hold. */
export function renderLegacyConfig(config: Readonly<Record<string, string>>): string {
  return `${Object.entries(config)
    .map(([k, v]) => `${k}: ${v.replace(/\n/g, ' ')}`)
    .join('\n')}\n`;
}

/** Standard YAML with flat keys: each value a double-quoted scalar, which any YAML reader takes as text. */
export function renderStandardConfig(config: Readonly<Record<string, string>>): string {
  return `${Object.entries(config)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join('\n')}\n`;
}
