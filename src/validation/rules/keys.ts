import type { FlinkConfiguration } from '../../config/flink/configuration.js';
import { DEPRECATED_KEYS, OPTIONS, type FlinkOption } from '../../config/flink/options.js';
import { diagnostic, type Diagnostic } from '../../diagnostics/index.js';
import { InvalidValueError } from '../../errors/index.js';
import {
  kerberosConfigured,
  kerberosLoginContexts,
  lenientFlag,
  zooKeeperLoginContext,
  zooKeeperSaslDisabled,
} from '../../policy/kerberos.js';
import { at, describeEntry, entryWhere, type RuleContext } from '../context.js';

/** A deprecated key still works, but loses to the current one and may vanish in a later Flink. */
export function deprecatedKeys(ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const entry of ctx.config.flink.entries()) {
    const current = DEPRECATED_KEYS.get(entry.key);
    if (current === undefined) continue;
    const winner = ctx.config.flink.raw(current);
    const message =
      winner === undefined
        ? `${entry.key} is deprecated; Flink reads it as ${current}. Rename it to ${current}.`
        : `${entry.key} is deprecated and ignored, because ${current} is also ${describeEntry(winner)}. Remove ${entry.key}.`;
    out.push(
      diagnostic(winner === undefined ? 'info' : 'warning', 'DEPRECATED_KEY', message, {
        key: current,
        ...entryWhere(entry, ctx),
      }),
    );
  }
  return out;
}

type Kind = 'duration' | 'memory' | 'integer' | 'milliseconds' | 'boolean';

/** Options whose value Flink parses at start-up; a bad one stops the JobManager. */
const TYPED: readonly [FlinkOption, Kind][] = [
  [OPTIONS.askTimeout, 'duration'],
  [OPTIONS.attemptFailuresValidityInterval, 'milliseconds'],
  [OPTIONS.zkSessionTimeout, 'duration'],
  [OPTIONS.zkConnectionTimeout, 'duration'],
  [OPTIONS.zkRetryWait, 'duration'],
  [OPTIONS.zkMaxRetryAttempts, 'integer'],
  [OPTIONS.jobManagerProcessSize, 'memory'],
  [OPTIONS.taskManagerProcessSize, 'memory'],
  [OPTIONS.taskSlots, 'integer'],
  [OPTIONS.appMasterVcores, 'integer'],
  [OPTIONS.applicationPriority, 'integer'],
  [OPTIONS.zkSaslDisable, 'boolean'],
  [OPTIONS.delegationTokensEnabled, 'boolean'],
  [OPTIONS.hadoopFsTokenProviderEnabled, 'boolean'],
];

/** Durations, memory sizes, integers and booleans must parse the way Flink parses them. */
export function typedValuesParse(ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [option, kind] of TYPED) {
    if (!ctx.config.flink.isSet(option)) continue;
    try {
      read(ctx.config.flink, option, kind);
    } catch (e) {
      if (!(e instanceof InvalidValueError)) throw e;
      out.push(diagnostic('error', 'INVALID_VALUE', `${e.message}. ${HINT[kind]}`, at(ctx, option)));
    }
  }
  return out;
}

const HINT: Record<Kind, string> = {
  duration: "Write a duration like '10 s', '1 min' or a number of milliseconds.",
  memory: "Write a memory size like '1600m' or '2g'.",
  integer: 'Write a whole number.',
  milliseconds:
    'Flink reads this key as a plain number of milliseconds (its client fails with NumberFormatException on a unit): write 300000 for 5 minutes.',
  boolean: 'Write true or false.',
};

function read(flink: FlinkConfiguration, option: FlinkOption, kind: Kind): unknown {
  switch (kind) {
    case 'duration':
      return flink.duration(option);
    case 'memory':
      return flink.memory(option);
    case 'integer':
    case 'milliseconds':
      return flink.integer(option);
    case 'boolean':
      return flink.boolean(option);
  }
}

/** With Kerberos, Flink installs JAAS sections only for the contexts listed; ZooKeeper's must be one. */
export function zookeeperSaslLoginContext(ctx: RuleContext): Diagnostic[] {
  if (ctx.ha.kind !== 'zookeeper') return [];
  const flink = ctx.config.flink;
  if (!kerberosConfigured(flink)) return [];
  if (zooKeeperSaslDisabled(flink, lenientFlag)) return [];
  const name = zooKeeperLoginContext(flink);
  const contexts = kerberosLoginContexts(flink);
  if (contexts.includes(name)) return [];
  const listed = contexts.length === 0 ? 'is not set' : `is '${contexts.join(',')}'`;
  return [
    diagnostic(
      'error',
      'ZK_SASL_CONTEXT_MISSING',
      `Kerberos is configured and ZooKeeper SASL is on, but security.kerberos.login.contexts ${listed}, without '${name}' (zookeeper.sasl.login-context-name). Flink will not create that JAAS section and the ZooKeeper client fails with "No JAAS configuration section named '${name}'". Add ${name} to security.kerberos.login.contexts, or set zookeeper.sasl.disable: true if ZooKeeper is not secured.`,
      at(ctx, OPTIONS.kerberosLoginContexts),
    ),
  ];
}
