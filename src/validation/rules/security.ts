import { OPTIONS } from '../../config/flink/options.js';
import { diagnostic, type Diagnostic } from '../../diagnostics/index.js';
import { hadoopSecurityOn } from '../../config/hadoop/security.js';
import { flinkList } from '../../config/values/lists.js';
import { at, type RuleContext } from '../context.js';

/**
 * Flink's SecurityConfiguration refuses a keytab without a principal, and a principal without a
 * keytab: its client stops before deploying, and a JobManager given one would stop at start-up.
 */
export function keytabWithPrincipal(ctx: RuleContext): Diagnostic[] {
  const flink = ctx.config.flink;
  const keytab = (flink.string(OPTIONS.kerberosKeytab) ?? '').trim();
  const principal = (flink.string(OPTIONS.kerberosPrincipal) ?? '').trim();
  if ((keytab === '') === (principal === '')) return [];
  const [set, missing] =
    keytab === ''
      ? [OPTIONS.kerberosPrincipal, OPTIONS.kerberosKeytab]
      : [OPTIONS.kerberosKeytab, OPTIONS.kerberosPrincipal];
  return [
    diagnostic(
      'error',
      'KERBEROS_KEYTAB_PRINCIPAL_PAIR',
      `${set.key} is set but ${missing.key} is not: Flink logs in from a keytab with its principal, so it needs both or neither. Set ${missing.key}, or remove ${set.key} to use the ticket cache.`,
      at(ctx, set),
    ),
  ];
}

/**
 * Flink's client refuses to deploy on a Kerberos-secured cluster when delegation tokens are off
 * but security.kerberos.access.hadoopFileSystems lists file systems: "When
 * security.delegation.tokens.enabled is disabled, security.kerberos.access.hadoopFileSystems must
 * be disabled as well" (YarnClusterDescriptor.deployInternal).
 */
export function hadoopFileSystemsNeedTokens(ctx: RuleContext): Diagnostic[] {
  const flink = ctx.config.flink;
  if (!ctx.yarnInPlay || !hadoopSecurityOn(ctx.config.hadoop)) return [];
  if (flink.string(OPTIONS.delegationTokensEnabled)?.trim().toLowerCase() !== 'false') return [];
  if (flinkList(flink.string(OPTIONS.hadoopFileSystems) ?? '').length === 0) return [];
  return [
    diagnostic(
      'error',
      'DELEGATION_TOKENS_OFF_WITH_FILESYSTEMS',
      `${OPTIONS.delegationTokensEnabled.key} turns delegation tokens off, but ${OPTIONS.hadoopFileSystems.key} lists file systems; Flink's client refuses that on a Kerberos-secured cluster ("When ${OPTIONS.delegationTokensEnabled.key} is disabled, ${OPTIONS.hadoopFileSystems.key} must be disabled as well"). Remove ${OPTIONS.hadoopFileSystems.key}, or turn delegation tokens on.`,
      at(ctx, OPTIONS.hadoopFileSystems),
    ),
  ];
}

/**
 * Without a keytab on a Kerberos-secured cluster, Flink's JobManager and TaskManagers live on the
 * HDFS delegation tokens the client gives them. The ResourceManager renews those, but no token
 * outlives dfs.namenode.delegation.token.max-lifetime (7 days by default): a session that runs
 * longer loses HDFS (checkpoints, HA data) then. Flink's client says nothing of it.
 */
export function ticketCacheOnly(ctx: RuleContext): Diagnostic[] {
  if (!ctx.yarnInPlay || !hadoopSecurityOn(ctx.config.hadoop)) return [];
  if ((ctx.config.flink.string(OPTIONS.kerberosKeytab) ?? '').trim() !== '') return [];
  return [
    diagnostic(
      'info',
      'KERBEROS_NO_KEYTAB',
      `No keytab (${OPTIONS.kerberosKeytab.key}) on a Kerberos-secured cluster: the JobManager and TaskManagers run on the HDFS delegation tokens obtained at deploy time, which the ResourceManager renews but never past dfs.namenode.delegation.token.max-lifetime (7 days by default). For a cluster that runs longer, set ${OPTIONS.kerberosKeytab.key} and ${OPTIONS.kerberosPrincipal.key}.`,
      at(ctx, OPTIONS.kerberosKeytab),
    ),
  ];
}
