import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { FlinkConfiguration } from '../config/flink/configuration.js';
import type { HadoopConfiguration } from '../config/hadoop/configuration.js';
import { OPTIONS } from '../config/flink/options.js';
import { UsageError } from '../errors/index.js';
import { hadoopSecurityOn } from '../config/hadoop/security.js';

/** Where the client's Kerberos credentials come from, in the contract's order. */
export type KerberosLogin =
  | {
      readonly source: 'flags' | 'flink-conf';
      /** Absolute path; its contents are never read by this client (GSSAPI reads it). */
      readonly keytab: string;
      readonly principal: string;
    }
  | { readonly source: 'ticket-cache' };

/**
 * `--keytab FILE --principal NAME` (both or neither), else `security.kerberos.login.keytab` and
 * `.principal` of the Flink configuration when both are set, else the ticket cache. A keytab
 * given as a flag must exist here (bad usage otherwise); one from the configuration is checked
 * when a server first asks for Kerberos, as a command against an insecure cluster never uses it.
 */
export function kerberosLogin(
  given: { readonly keytab?: string | undefined; readonly principal?: string | undefined },
  flink: FlinkConfiguration,
  cwd: string,
): KerberosLogin {
  const keytab = blankToUndefined(given.keytab);
  const principal = blankToUndefined(given.principal);
  if ((keytab === undefined) !== (principal === undefined)) {
    throw new UsageError(
      keytab === undefined
        ? `--principal ${principal} needs --keytab FILE: without a keytab, run \`kinit ${principal}\` and pass neither.`
        : `--keytab ${keytab} needs --principal NAME, the principal whose keys it holds (klist -kt ${keytab} lists them).`,
    );
  }
  if (keytab !== undefined && principal !== undefined) {
    const path = absolute(keytab, cwd);
    checkKeytabFile(path, keytab);
    return { source: 'flags', keytab: path, principal };
  }
  // Flink's own client logs in only with both (validate reports a keytab without a principal).
  const confKeytab = blankToUndefined(flink.string(OPTIONS.kerberosKeytab));
  const confPrincipal = blankToUndefined(flink.string(OPTIONS.kerberosPrincipal));
  if (confKeytab !== undefined && confPrincipal !== undefined) {
    return { source: 'flink-conf', keytab: absolute(confKeytab, cwd), principal: confPrincipal };
  }
  return { source: 'ticket-cache' };
}

/**
 * The Hadoop user a login stands for: the principal's short name where the client logs in as it,
 * as Hadoop's UserGroupInformation does: always for --principal (asked for), and for the Flink
 * configuration's principal only where core-site turns Hadoop security on (Flink's client logs
 * in from its keytab only then). Undefined otherwise: the simple-auth user applies.
 */
export function kerberosUser(login: KerberosLogin, hadoop: HadoopConfiguration): string | undefined {
  if (login.source === 'flags') return principalShortName(login.principal);
  if (login.source === 'flink-conf' && hadoopSecurityOn(hadoop)) return principalShortName(login.principal);
  return undefined;
}

/**
 * The user a principal acts as under Hadoop's default auth_to_local rule for the default realm:
 * its first component, `alice` of `alice/host@REALM`.
 */
export function principalShortName(principal: string): string {
  return principal.split(/[/@]/, 1)[0]!;
}

function checkKeytabFile(path: string, given: string): void {
  let file: boolean;
  try {
    // Only a stat: the keytab is never read here, and a FIFO never blocks.
    file = statSync(path).isFile();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT'
        ? `--keytab ${given}: no such file.`
        : `--keytab ${given}: cannot be read (${code ?? 'error'}).`,
    );
  }
  if (!file) throw new UsageError(`--keytab ${given}: not a regular file; give the keytab of --principal.`);
}

function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

function blankToUndefined(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
