import type { FlinkConfiguration } from '../config/flink/configuration.js';
import { describeEntry } from '../config/flink/entries.js';
import { OPTIONS, type FlinkOption } from '../config/flink/options.js';
import { parseList } from '../config/values/lists.js';

/**
 * Reads a boolean option. Flink stops on anything but true or false; each caller decides whether
 * such a value throws here or is reported elsewhere.
 */
export type FlagReader = (flink: FlinkConfiguration, option: FlinkOption) => boolean;

/** Flink's reading: true or false, else InvalidValueError naming the key. */
export const strictFlag: FlagReader = (flink, option) => flink.boolean(option) ?? false;

/** Only 'true' is true: for validation rules, where typedValuesParse reports a bad value. */
export const lenientFlag: FlagReader = (flink, option) => flink.string(option)?.trim().toLowerCase() === 'true';

/** A keytab or a principal is set: the configuration means to log in with Kerberos. */
export function kerberosConfigured(flink: FlinkConfiguration): boolean {
  return flink.isSet(OPTIONS.kerberosKeytab) || flink.isSet(OPTIONS.kerberosPrincipal);
}

/** What Flink's JaasModule logs the listed contexts in with, and the key that decides it. */
export type KerberosCredentials =
  | { readonly kind: 'keytab'; readonly keytab: string; readonly option: FlinkOption }
  | { readonly kind: 'ticket-cache'; readonly option: FlinkOption };

/** The keytab when one is set (not blank), else the ticket cache unless switched off (it is on by default). */
export function kerberosCredentials(
  flink: FlinkConfiguration,
  readFlag: FlagReader = strictFlag,
): KerberosCredentials | undefined {
  const keytab = flink.string(OPTIONS.kerberosKeytab)?.trim();
  if (keytab !== undefined && keytab !== '') return { kind: 'keytab', keytab, option: OPTIONS.kerberosKeytab };
  if (readFlag(flink, OPTIONS.kerberosUseTicketCache)) {
    return { kind: 'ticket-cache', option: OPTIONS.kerberosUseTicketCache };
  }
  return undefined;
}

/** The JAAS sections Flink fills with Kerberos credentials (security.kerberos.login.contexts). */
export function kerberosLoginContexts(flink: FlinkConfiguration): string[] {
  return parseList(flink.string(OPTIONS.kerberosLoginContexts) ?? '');
}

/** The JAAS section Flink's ZooKeeper client logs in with (zookeeper.sasl.login-context-name). */
export function zooKeeperLoginContext(flink: FlinkConfiguration): string {
  return (flink.string(OPTIONS.zkSaslLoginContextName) ?? 'Client').trim();
}

/** Whether Flink fills the ZooKeeper client's JAAS section with Kerberos credentials. */
export function zooKeeperLoginContextListed(flink: FlinkConfiguration): boolean {
  return kerberosLoginContexts(flink).includes(zooKeeperLoginContext(flink));
}

export function zooKeeperSaslDisabled(flink: FlinkConfiguration, readFlag: FlagReader = strictFlag): boolean {
  return readFlag(flink, OPTIONS.zkSaslDisable);
}

/** Whether Flink's own ZooKeeper client would log in with SASL (Kerberos) under this configuration. */
export type SaslDecision =
  | { readonly required: false }
  | {
      readonly required: true;
      /** Which keys make Flink use SASL, with where they are set. */
      readonly reason: string;
      readonly keys: readonly string[];
    };

/**
 * Flink's ZooKeeper client logs in with Kerberos exactly when SASL is not disabled and its JAAS
 * login context is one Flink fills with Kerberos credentials: listed in
 * security.kerberos.login.contexts, with a keytab or the ticket cache (JaasModule). Without that
 * section the ZooKeeper client connects without SASL.
 */
export function zooKeeperSasl(flink: FlinkConfiguration, readFlag: FlagReader = strictFlag): SaslDecision {
  if (zooKeeperSaslDisabled(flink, readFlag)) return { required: false };
  if (!zooKeeperLoginContextListed(flink)) return { required: false };
  const credentials = kerberosCredentials(flink, readFlag);
  if (credentials === undefined) return { required: false };
  const where = (option: FlinkOption) => describeEntry(flink.lookup(option)?.entry);
  const source = credentials.kind === 'keytab' ? `the keytab ${credentials.keytab}` : 'the Kerberos ticket cache';
  return {
    required: true,
    reason:
      `${OPTIONS.kerberosLoginContexts.key} lists '${zooKeeperLoginContext(flink)}' (${where(OPTIONS.kerberosLoginContexts)}), the JAAS section ` +
      `Flink's ZooKeeper client logs in with (${OPTIONS.zkSaslLoginContextName.key}); Flink fills it with Kerberos ` +
      `credentials from ${source} (${credentials.option.key}, ${where(credentials.option)}), ` +
      `and ${OPTIONS.zkSaslDisable.key} is false (${where(OPTIONS.zkSaslDisable)})`,
    keys: [
      OPTIONS.kerberosLoginContexts.key,
      OPTIONS.zkSaslLoginContextName.key,
      credentials.option.key,
      OPTIONS.zkSaslDisable.key,
    ],
  };
}
