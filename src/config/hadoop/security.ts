import type { HadoopConfiguration } from './configuration.js';

/** core-site `hadoop.security.authentication` is kerberos (UserGroupInformation.isSecurityEnabled). */
export function hadoopSecurityOn(hadoop: HadoopConfiguration): boolean {
  return hadoop.getTrimmed('hadoop.security.authentication')?.value.toLowerCase() === 'kerberos';
}
