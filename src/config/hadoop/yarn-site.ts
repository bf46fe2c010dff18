import { clip, diagnostic, type Diagnostic } from '../../diagnostics/index.js';
import type { ExpandedValue, HadoopConfiguration, HadoopOrigin } from './configuration.js';
import { isBuiltinFile } from './defaults.js';
import { parseList } from '../values/lists.js';
import { JAVA_INT_MAX, JAVA_INT_MIN } from '../values/numbers.js';

/** A typed value and where it came from (a file, or the built-in default). */
export interface Sourced<T> {
  readonly value: T;
  readonly origin: HadoopOrigin;
  readonly key: string;
}

export type HttpPolicy = 'HTTP_ONLY' | 'HTTPS_ONLY' | 'HTTP_AND_HTTPS';

export interface RmWebapp {
  /** The HA rm-id, absent on a non-HA cluster. */
  readonly rmId?: string;
  /** `host:port` as configured (a wildcard host is left for the client to replace). */
  readonly address: string;
  readonly scheme: 'http' | 'https';
}

/** The checked, defaulted view of yarn-site.xml that the rest of the product uses. */
export interface YarnSite {
  /** yarn.resourcemanager.am.max-attempts: the cap YARN applies to every application. */
  readonly amMaxAttempts: Sourced<number>;
  readonly httpPolicy: Sourced<HttpPolicy>;
  readonly haEnabled: Sourced<boolean>;
  readonly rmIds: readonly string[];
  /** ResourceManager web endpoints in rm-id order (one entry without HA). */
  readonly webapps: readonly RmWebapp[];
  readonly minimumAllocationMb: Sourced<number>;
  readonly maximumAllocationMb: Sourced<number>;
  readonly minimumAllocationVcores: Sourced<number>;
  readonly maximumAllocationVcores: Sourced<number>;
}

export const YARN_KEYS = {
  amMaxAttempts: 'yarn.resourcemanager.am.max-attempts',
  httpPolicy: 'yarn.http.policy',
  haEnabled: 'yarn.resourcemanager.ha.enabled',
  rmIds: 'yarn.resourcemanager.ha.rm-ids',
  hostname: 'yarn.resourcemanager.hostname',
  webappAddress: 'yarn.resourcemanager.webapp.address',
  webappHttpsAddress: 'yarn.resourcemanager.webapp.https.address',
  minimumAllocationMb: 'yarn.scheduler.minimum-allocation-mb',
  maximumAllocationMb: 'yarn.scheduler.maximum-allocation-mb',
  minimumAllocationVcores: 'yarn.scheduler.minimum-allocation-vcores',
  maximumAllocationVcores: 'yarn.scheduler.maximum-allocation-vcores',
} as const;

const DEFAULT_WEBAPP_PORT = { http: 8088, https: 8090 } as const;

/**
 * Reads the keys we use from a layered yarn configuration. Values Hadoop could not parse are
 * reported as diagnostics and replaced by the yarn-default value, so callers always get a YarnSite.
 */
export function readYarnSite(conf: HadoopConfiguration): { site: YarnSite; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const int = (key: string, fallback: number, min: number): Sourced<number> => {
    const v = conf.getTrimmed(key);
    if (v === undefined) return { value: fallback, origin: { file: 'yarn-default.xml', line: undefined }, key };
    reportExpansion(v, diagnostics);
    const parsed = parseHadoopInt(v.value);
    if (parsed === undefined || parsed < min) {
      // Digits that do not fit are a different mistake from text that is no number at all.
      const what =
        parsed === undefined && /^[+-]?(0x[0-9a-f]+|[0-9]+)$/i.test(v.value.trim())
          ? `beyond ${JAVA_INT_MAX}, the largest number Hadoop reads here (a Java int)`
          : `not ${min > 0 ? 'a positive' : 'an'} integer`;
      diagnostics.push(
        diagnostic(
          'error',
          'YARN_SITE_INVALID_VALUE',
          `${key} is '${clip(v.value)}', which is ${what}; the ResourceManager will refuse to start with it. Use a whole number such as ${fallback}.`,
          { key, ...where(v) },
        ),
      );
      return { value: fallback, origin: where(v), key };
    }
    return { value: parsed, origin: where(v), key };
  };

  const policyValue = conf.getTrimmed(YARN_KEYS.httpPolicy);
  let httpPolicy: Sourced<HttpPolicy> = {
    value: 'HTTP_ONLY',
    origin: { file: 'yarn-default.xml', line: undefined },
    key: YARN_KEYS.httpPolicy,
  };
  if (policyValue !== undefined) {
    const upper = policyValue.value.toUpperCase();
    if (upper === 'HTTP_ONLY' || upper === 'HTTPS_ONLY' || upper === 'HTTP_AND_HTTPS') {
      httpPolicy = { value: upper, origin: where(policyValue), key: YARN_KEYS.httpPolicy };
    } else {
      diagnostics.push(
        diagnostic(
          'error',
          'YARN_SITE_INVALID_VALUE',
          `yarn.http.policy is '${clip(policyValue.value)}'; use HTTP_ONLY, HTTPS_ONLY or HTTP_AND_HTTPS.`,
          { key: YARN_KEYS.httpPolicy, ...where(policyValue) },
        ),
      );
    }
  }

  const haValue = conf.getTrimmed(YARN_KEYS.haEnabled);
  const haEnabled: Sourced<boolean> = {
    value: haValue?.value.toLowerCase() === 'true',
    origin: haValue === undefined ? { file: 'yarn-default.xml', line: undefined } : where(haValue),
    key: YARN_KEYS.haEnabled,
  };
  const rmIds = haEnabled.value ? parseList(conf.getTrimmed(YARN_KEYS.rmIds)?.value ?? '') : [];
  if (haEnabled.value && rmIds.length === 0) {
    diagnostics.push(
      diagnostic(
        'error',
        'YARN_SITE_HA_WITHOUT_RM_IDS',
        `${YARN_KEYS.haEnabled} is true but ${YARN_KEYS.rmIds} lists no ResourceManager ids; list them, e.g. rm1,rm2.`,
        { key: YARN_KEYS.rmIds, ...where(haValue) },
      ),
    );
  }

  const site: YarnSite = {
    amMaxAttempts: int(YARN_KEYS.amMaxAttempts, 2, 1),
    httpPolicy,
    haEnabled,
    rmIds,
    webapps: webappAddresses(conf, httpPolicy.value, rmIds),
    minimumAllocationMb: int(YARN_KEYS.minimumAllocationMb, 1024, 0),
    maximumAllocationMb: int(YARN_KEYS.maximumAllocationMb, 8192, 1),
    minimumAllocationVcores: int(YARN_KEYS.minimumAllocationVcores, 1, 0),
    maximumAllocationVcores: int(YARN_KEYS.maximumAllocationVcores, 4, 1),
  };
  return { site, diagnostics };
}

/**
 * The RM web addresses a client should try, as Hadoop's RMHAUtils finds them: per rm-id the
 * `.<rmid>` suffixed address, else `yarn.resourcemanager.hostname.<rmid>` with the default port.
 */
function webappAddresses(conf: HadoopConfiguration, policy: HttpPolicy, rmIds: readonly string[]): RmWebapp[] {
  const scheme = policy === 'HTTPS_ONLY' ? 'https' : 'http';
  const key = scheme === 'https' ? YARN_KEYS.webappHttpsAddress : YARN_KEYS.webappAddress;
  if (rmIds.length === 0) {
    const address = conf.getTrimmed(key)?.value ?? `0.0.0.0:${DEFAULT_WEBAPP_PORT[scheme]}`;
    return [{ address, scheme }];
  }
  const result: RmWebapp[] = [];
  for (const rmId of rmIds) {
    const explicit = conf.getTrimmed(`${key}.${rmId}`)?.value;
    const host = conf.getTrimmed(`${YARN_KEYS.hostname}.${rmId}`)?.value;
    const address = explicit ?? (host !== undefined ? `${host}:${DEFAULT_WEBAPP_PORT[scheme]}` : undefined);
    if (address !== undefined) result.push({ rmId, address, scheme });
  }
  return result;
}

/** Hadoop's getInt: decimal, or hexadecimal with a 0x prefix; optional sign. */
export function parseHadoopInt(text: string): number | undefined {
  const t = text.trim();
  const hex = /^(-?)0x([0-9a-fA-F]+)$/.exec(t);
  const n =
    hex !== null ? (hex[1] === '-' ? -1 : 1) * parseInt(hex[2]!, 16) : /^[+-]?[0-9]+$/.test(t) ? Number(t) : NaN;
  return Number.isSafeInteger(n) && n >= JAVA_INT_MIN && n <= JAVA_INT_MAX ? n : undefined;
}

function where(v: ExpandedValue | undefined): HadoopOrigin {
  if (v === undefined) return { file: 'yarn-default.xml', line: undefined };
  return { file: v.file, line: isBuiltinFile(v.file) ? undefined : v.line };
}

function reportExpansion(v: ExpandedValue, out: Diagnostic[]): void {
  if (v.problem !== undefined) {
    out.push(diagnostic('error', 'HADOOP_SUBSTITUTION_DEPTH', `${v.name}: ${v.problem}`, { key: v.name, ...where(v) }));
  }
}
