import { OPTIONS } from '../../config/flink/options.js';
import { diagnostic, type Diagnostic } from '../../diagnostics/index.js';
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
