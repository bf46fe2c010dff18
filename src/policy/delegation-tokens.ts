import type { ConfigModel } from '../config/assemble.js';
import type { FlinkConfiguration } from '../config/flink/configuration.js';
import { describeEntry } from '../config/flink/entries.js';
import { OPTIONS, type FlinkOption } from '../config/flink/options.js';
import type { ExpandedValue, HadoopConfiguration } from '../config/hadoop/configuration.js';
import { isBuiltinFile } from '../config/hadoop/defaults.js';
import { maskDiagnostic, maskSecretsIn } from '../config/secrets.js';
import { flinkList, parseList } from '../config/values/lists.js';
import { hadoopSecurityOn } from '../config/hadoop/security.js';
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';

/**
 * Which HDFS delegation tokens a deploy on a Kerberos-secured cluster puts into the AM
 * container's credentials, as Flink's client decides it (YarnClusterDescriptor.setTokensFor with
 * flink-runtime's HadoopFSDelegationTokenProvider), and how Hadoop's clients name them. Pure: the
 * caller resolves host names and asks the NameNodes.
 */

/** The file systems a token is fetched for here: WebHDFS reaches only HDFS. */
export type TokenFsScheme = 'hdfs' | 'webhdfs' | 'swebhdfs';

/**
 * A token's service: the alias it is filed under in the credentials, and what the container's
 * Hadoop client looks it up by.
 */
export type TokenService =
  /** `ha-hdfs:<nameservice>` (HAUtilClient.buildTokenServiceForLogicalUri): a logical HA URI. */
  | { readonly kind: 'logical'; readonly service: string }
  /**
   * SecurityUtil.buildTokenService of the URI's address: `ip:port` when
   * hadoop.security.token.service.use_ip is true (the default; resolving needs DNS), else
   * `host:port` with the host lower-cased.
   */
  | { readonly kind: 'address'; readonly host: string; readonly port: number; readonly useIp: boolean };

/** Which NameNodes issue the token: this client reaches them over WebHDFS. */
export type TokenIssuer =
  /** fs.defaultFS's NameNodes, the ones every other request goes to. */
  | { readonly kind: 'default' }
  /** Another nameservice of hdfs-site.xml, through its NameNodes' web addresses. */
  | { readonly kind: 'nameservice'; readonly nameservice: string; readonly scheme: 'http' | 'https' }
  /** The web address a webhdfs:// or swebhdfs:// URI names itself. */
  | { readonly kind: 'address'; readonly url: string };

export interface PlannedToken {
  /** `scheme://authority`, as written (the default port left out where it was), for messages. */
  readonly filesystem: string;
  readonly scheme: TokenFsScheme;
  /** The keys that name the file system (fs.defaultFS, security.kerberos.access.hadoopFileSystems ...). */
  readonly requestedBy: readonly string[];
  readonly service: TokenService;
  readonly issuer: TokenIssuer;
}

/** Who may renew the tokens. */
export interface TokenRenewer {
  /**
   * Sent as GETDELEGATIONTOKEN's `renewer`; the NameNode keeps its short name (auth_to_local).
   * Empty: nobody, as Flink's null renewer (the ResourceManager then leaves the token alone).
   */
  readonly principal: string;
  /**
   * `option`: security.kerberos.token.provider.hadoopfs.renewer; `rm-principal`:
   * yarn.resourcemanager.principal with _HOST replaced, as Hadoop's YARN clients choose
   * (Master.getMasterPrincipal); `none`: neither is set.
   */
  readonly source: 'option' | 'rm-principal' | 'none';
}

export type DelegationTokenPlan =
  | {
      readonly fetch: false;
      /** Why not, for messages; empty when Hadoop security is off (nothing to say). */
      readonly reason: string;
      readonly diagnostics: readonly Diagnostic[];
    }
  | {
      readonly fetch: true;
      readonly renewer: TokenRenewer;
      /** One per token service, in Flink's order: fs.defaultFS, the listed file systems, the staging directory. */
      readonly tokens: readonly PlannedToken[];
      readonly diagnostics: readonly Diagnostic[];
    };

/** Flink's DelegationTokenProvider.serviceName() of the Hadoop file system provider. */
export const HADOOP_FS_PROVIDER = 'hadoopfs';

const DEFAULT_PORTS: Record<TokenFsScheme, number> = { hdfs: 8020, webhdfs: 9870, swebhdfs: 9871 };
const DEFAULT_RM_PORT = 8032;

export interface DelegationTokenOptions {
  /** For `_HOST` in the RM principal when the RM's address is a wildcard: this machine's name. */
  readonly localHost: string;
}

/**
 * Whether and which tokens to fetch:
 * - only when Hadoop security is on (core-site `hadoop.security.authentication` kerberos), as
 *   Flink's KerberosLoginProvider.isLoginPossible requires;
 * - `security.delegation.tokens.enabled` (default true), the `hadoopfs` provider's
 *   `security.delegation.token.provider.hadoopfs.enabled` (default true), and `hadoopfs` listed
 *   in `yarn.security.appmaster.delegation.token.services` (default hadoopfs);
 * - for fs.defaultFS, each of `security.kerberos.access.hadoopFileSystems`, and
 *   `yarn.staging-directory`, one token per service;
 * - renewed by `security.kerberos.token.provider.hadoopfs.renewer` when set, else by the
 *   ResourceManager's principal (a deliberate difference: Flink's null renewer gives a token the
 *   RM never renews, see README).
 *
 * File systems this client cannot reach over WebHDFS get no token and a warning.
 */
export function planDelegationTokens(config: ConfigModel, options: DelegationTokenOptions): DelegationTokenPlan {
  const { flink, hadoop } = config;
  if (!hadoopSecurityOn(hadoop)) return { fetch: false, reason: '', diagnostics: [] };
  const off = (reason: string, option: FlinkOption): DelegationTokenPlan => ({
    fetch: false,
    reason,
    diagnostics: [
      diagnostic(
        'info',
        'DELEGATION_TOKENS_OFF',
        `No HDFS delegation tokens go to the ApplicationMaster: ${reason}. The JobManager must log in with a keytab to reach HDFS.`,
        where(flink, option),
      ),
    ],
  });
  if (!flag(flink, OPTIONS.delegationTokensEnabled)) {
    return off(
      `${OPTIONS.delegationTokensEnabled.key} turns them off (${describeEntry(entryOf(flink, OPTIONS.delegationTokensEnabled))})`,
      OPTIONS.delegationTokensEnabled,
    );
  }
  if (!flag(flink, OPTIONS.hadoopFsTokenProviderEnabled)) {
    return off(
      `${OPTIONS.hadoopFsTokenProviderEnabled.key} turns the ${HADOOP_FS_PROVIDER} provider off (${describeEntry(entryOf(flink, OPTIONS.hadoopFsTokenProviderEnabled))})`,
      OPTIONS.hadoopFsTokenProviderEnabled,
    );
  }
  if (!flinkList(flink.string(OPTIONS.appMasterTokenServices) ?? '').includes(HADOOP_FS_PROVIDER)) {
    return off(
      `${OPTIONS.appMasterTokenServices.key} does not list ${HADOOP_FS_PROVIDER} (${describeEntry(entryOf(flink, OPTIONS.appMasterTokenServices))})`,
      OPTIONS.appMasterTokenServices,
    );
  }
  const diagnostics: Diagnostic[] = [];
  const { renewer, problem } = tokenRenewer(config, options.localHost);
  if (problem !== undefined) diagnostics.push(problem);
  const tokens = new Map<string, { token: PlannedToken; requestedBy: string[] }>();
  const add = (text: string, requestedBy: string, at: { file?: string; line?: number; key: string }) => {
    const found = tokenFileSystem(text, config);
    if (found.kind === 'none') return;
    if (found.kind === 'skipped') {
      diagnostics.push(
        diagnostic(
          'warning',
          'DELEGATION_TOKEN_FS_SKIPPED',
          `No delegation token for ${text} (${requestedBy}): ${found.why}. The JobManager reaches it only if it logs in with a keytab (security.kerberos.login.keytab), and then gets its own tokens.`,
          at,
        ),
      );
      return;
    }
    const earlier = tokens.get(found.key);
    if (earlier === undefined) tokens.set(found.key, { token: found.token, requestedBy: [requestedBy] });
    else if (!earlier.requestedBy.includes(requestedBy)) earlier.requestedBy.push(requestedBy);
  };
  const fs = defaultFsValue(hadoop);
  add(fs?.value ?? 'file:///', 'fs.defaultFS', hadoopWhere('fs.defaultFS', fs));
  const listed = entryOf(flink, OPTIONS.hadoopFileSystems);
  for (const path of flinkList(flink.string(OPTIONS.hadoopFileSystems) ?? ''))
    add(path, OPTIONS.hadoopFileSystems.key, where(flink, OPTIONS.hadoopFileSystems, listed));
  // Flink adds it whenever the target is yarn-*: always, for a deploy on YARN.
  const staging = flink.string(OPTIONS.stagingDirectory)?.trim() ?? '';
  if (staging !== '') add(staging, OPTIONS.stagingDirectory.key, where(flink, OPTIONS.stagingDirectory));
  const planned = [...tokens.values()].map(({ token, requestedBy }) => ({ ...token, requestedBy }));
  const keyProvider = ['hadoop.security.key.provider.path', 'dfs.encryption.key.provider.uri'].find(
    (k) => value(hadoop, k) !== undefined,
  );
  if (keyProvider !== undefined && planned.length > 0) {
    // Hadoop's client asks the key provider (KMS) for a token alongside HDFS's (getAdditionalTokenIssuers).
    diagnostics.push(
      diagnostic(
        'warning',
        'DELEGATION_TOKEN_KMS_SKIPPED',
        `${keyProvider} names a key provider (KMS), but this client fetches no KMS delegation token: the JobManager reads encryption zones only if it logs in with a keytab (security.kerberos.login.keytab).`,
        hadoopWhere(keyProvider, hadoop.getTrimmed(keyProvider)),
      ),
    );
  }
  if (planned.length > 0) {
    diagnostics.push(
      diagnostic(
        'info',
        'DELEGATION_TOKENS_PLANNED',
        `The ApplicationMaster gets HDFS delegation tokens for ${planned.map((t) => `${t.filesystem} (${t.requestedBy.join(', ')})`).join(', ')}, ${describeRenewer(renewer)}.`,
        renewer.source === 'rm-principal'
          ? { key: 'yarn.resourcemanager.principal' }
          : where(flink, OPTIONS.hadoopFsTokenRenewer),
      ),
    );
  }
  // They quote configured paths, which may carry a secret (`scheme://user:password@host`).
  return { fetch: true, renewer, tokens: planned, diagnostics: diagnostics.map(maskDiagnostic) };
}

/**
 * Who renews the tokens, for messages. A renewer from security.kerberos.token.provider.hadoopfs.renewer
 * is not repeated: the key looks sensitive ("token"), and such values are never shown.
 */
export function describeRenewer(renewer: TokenRenewer): string {
  switch (renewer.source) {
    case 'rm-principal':
      return `renewed by the ResourceManager (${renewer.principal}, yarn.resourcemanager.principal)`;
    case 'option':
      return renewer.principal === ''
        ? `renewed by nobody (${OPTIONS.hadoopFsTokenRenewer.key} is empty, so the ResourceManager leaves them to expire)`
        : `renewed by the principal in ${OPTIONS.hadoopFsTokenRenewer.key}`;
    case 'none':
      return 'renewed by nobody';
  }
}

/**
 * The renewer: the option when set (even empty, which asks for none, as Flink reads it), else the
 * RM's principal with `_HOST` replaced as YarnClientUtils.getRmPrincipal replaces it.
 */
export function tokenRenewer(config: ConfigModel, localHost: string): { renewer: TokenRenewer; problem?: Diagnostic } {
  const configured = config.flink.lookup(OPTIONS.hadoopFsTokenRenewer);
  if (configured !== undefined) return { renewer: { principal: configured.entry.value.trim(), source: 'option' } };
  const rm = config.hadoop.getTrimmed('yarn.resourcemanager.principal');
  if (rm !== undefined && rm.value !== '') {
    return {
      renewer: { principal: serverPrincipal(rm.value, rmHost(config.hadoop, localHost)), source: 'rm-principal' },
    };
  }
  return {
    renewer: { principal: '', source: 'none' },
    problem: diagnostic(
      'warning',
      'DELEGATION_TOKEN_RENEWER_UNKNOWN',
      `yarn-site.xml names no yarn.resourcemanager.principal, so the HDFS delegation tokens get no renewer, as Flink's client gives them: the ResourceManager will not renew them, and they expire after dfs.namenode.delegation.token.renew-interval (1 day by default) unless the JobManager logs in with a keytab. Set yarn.resourcemanager.principal (the cluster's yarn-site.xml has it), or ${OPTIONS.hadoopFsTokenRenewer.key}.`,
      { key: 'yarn.resourcemanager.principal' },
    ),
  };
}

/** SecurityUtil.getServerPrincipal: `_HOST` in `name/_HOST@REALM` becomes the lower-cased host. */
export function serverPrincipal(principal: string, host: string): string {
  const parts = principal.split(/[/@]/);
  if (parts.length !== 3 || parts[1] !== '_HOST') return principal;
  return `${parts[0]}/${host.toLowerCase()}@${parts[2]}`;
}

/**
 * The host of the RM's RPC address as YarnClientUtils.getRmPrincipal reads it: with RM HA,
 * `yarn.resourcemanager.address.<rm-id>` of yarn.resourcemanager.ha.id or the first rm-id
 * (YARN's default 0.0.0.0 when unset); else yarn.resourcemanager.address, by default
 * `${yarn.resourcemanager.hostname}:8032`. A wildcard becomes `localHost`, as Hadoop uses the
 * local host name there.
 */
export function rmHost(hadoop: HadoopConfiguration, localHost: string): string {
  const get = (key: string) => {
    const v = hadoop.getTrimmed(key)?.value;
    return v === undefined || v === '' ? undefined : v;
  };
  let address: string;
  if (get('yarn.resourcemanager.ha.enabled')?.toLowerCase() === 'true') {
    const rmId = get('yarn.resourcemanager.ha.id') ?? parseList(get('yarn.resourcemanager.ha.rm-ids') ?? '')[0];
    address = (rmId !== undefined ? get(`yarn.resourcemanager.address.${rmId}`) : undefined) ?? '0.0.0.0';
  } else {
    address =
      get('yarn.resourcemanager.address') ?? `${get('yarn.resourcemanager.hostname') ?? '0.0.0.0'}:${DEFAULT_RM_PORT}`;
  }
  const { host } = splitAuthority(address);
  return host === '' || host === '0.0.0.0' ? localHost : host;
}

type FoundFileSystem =
  /** A file system that takes no token (the local one), as in Flink. */
  | { readonly kind: 'none' }
  | { readonly kind: 'skipped'; readonly why: string }
  | { readonly kind: 'token'; readonly key: string; readonly token: PlannedToken };

/**
 * Where a path of the configuration is, and its token, as Hadoop's Path.getFileSystem and the
 * file system's getCanonicalServiceName decide: a path without a scheme, or with the default
 * scheme and no authority, is on fs.defaultFS.
 */
function tokenFileSystem(text: string, config: ConfigModel): FoundFileSystem {
  const hadoop = config.hadoop;
  const path = splitUri(text.trim());
  const fs = splitUri(defaultFsValue(hadoop)?.value ?? 'file:///');
  const onDefault = path.scheme === undefined || (path.scheme === fs.scheme && path.authority === '');
  const target = onDefault ? fs : path;
  if (target.scheme === undefined || target.scheme === 'file') return { kind: 'none' };
  if (target.scheme !== 'hdfs' && target.scheme !== 'webhdfs' && target.scheme !== 'swebhdfs') {
    return {
      kind: 'skipped',
      why: `this client fetches tokens from HDFS over WebHDFS only, not from ${target.scheme}://`,
    };
  }
  const scheme: TokenFsScheme = target.scheme;
  const { host, port } = splitAuthority(target.authority);
  if (host === '') return { kind: 'skipped', why: 'it names no NameNode (no host after //)' };
  const effectivePort = port ?? DEFAULT_PORTS[scheme];
  // For messages only: an authority with a password in it shows MASK.
  const filesystem = maskSecretsIn(`${scheme}://${target.authority}`);
  const key = `${scheme}://${host.toLowerCase()}:${effectivePort}`;
  const nameservices = parseList(value(hadoop, 'dfs.nameservices') ?? '');
  const isNameservice = nameservices.includes(host);
  // A logical URI: a nameservice with a failover proxy provider. HDFS asks the provider
  // (useLogicalURI: false only for IP failover, NameNodeProxiesClient); WebHDFS does not (WebHdfsFileSystem).
  const provider = isNameservice ? value(hadoop, `dfs.client.failover.proxy.provider.${host}`) : undefined;
  const logical = provider !== undefined && (scheme !== 'hdfs' || !provider.endsWith('.IPFailoverProxyProvider'));
  const service: TokenService = logical
    ? { kind: 'logical', service: `ha-${scheme}:${host}` }
    : { kind: 'address', host, port: effectivePort, useIp: useIpForTokenService(hadoop) };
  const issuer = tokenIssuer(scheme, host, effectivePort, config);
  if (issuer === undefined) {
    return {
      kind: 'skipped',
      why: `this client reaches only fs.defaultFS's NameNodes and the nameservices of hdfs-site.xml over WebHDFS, and ${host}:${effectivePort} is none of them; add it to hdfs-site.xml (dfs.nameservices, dfs.namenode.rpc-address.<ns>, dfs.namenode.http-address.<ns>)`,
    };
  }
  return { kind: 'token', key, token: { filesystem, scheme, requestedBy: [], service, issuer } };
}

/** Which WebHDFS server can issue the token, or undefined when this client knows none. */
function tokenIssuer(scheme: TokenFsScheme, host: string, port: number, config: ConfigModel): TokenIssuer | undefined {
  const hadoop = config.hadoop;
  const nameservices = parseList(value(hadoop, 'dfs.nameservices') ?? '');
  const web: 'http' | 'https' = scheme === 'swebhdfs' ? 'https' : 'http';
  if (scheme !== 'hdfs') {
    return nameservices.includes(host)
      ? { kind: 'nameservice', nameservice: host, scheme: web }
      : { kind: 'address', url: `${web}://${host.includes(':') ? `[${host}]` : host}:${port}` };
  }
  const fs = splitUri(defaultFsValue(hadoop)?.value ?? '');
  if (fs.scheme === 'hdfs') {
    const d = splitAuthority(fs.authority);
    if (d.host.toLowerCase() === host.toLowerCase() && (d.port ?? DEFAULT_PORTS.hdfs) === port)
      return { kind: 'default' };
  }
  const httpsOnly = (value(hadoop, 'dfs.http.policy') ?? '').toUpperCase() === 'HTTPS_ONLY';
  const policyScheme: 'http' | 'https' = httpsOnly ? 'https' : 'http';
  if (nameservices.includes(host)) return { kind: 'nameservice', nameservice: host, scheme: policyScheme };
  // A NameNode named by its RPC address that hdfs-site.xml lists under a nameservice.
  for (const ns of nameservices) {
    const namenodes = parseList(value(hadoop, `dfs.ha.namenodes.${ns}`) ?? '');
    const keys = [`dfs.namenode.rpc-address.${ns}`, ...namenodes.map((nn) => `dfs.namenode.rpc-address.${ns}.${nn}`)];
    for (const key of keys) {
      const address = value(hadoop, key);
      if (address === undefined) continue;
      const a = splitAuthority(address);
      if (a.host.toLowerCase() === host.toLowerCase() && (a.port ?? DEFAULT_PORTS.hdfs) === port) {
        return { kind: 'nameservice', nameservice: ns, scheme: policyScheme };
      }
    }
  }
  return undefined;
}

/** hadoop.security.token.service.use_ip, true unless false (Configuration.getBoolean). */
function useIpForTokenService(hadoop: HadoopConfiguration): boolean {
  return value(hadoop, 'hadoop.security.token.service.use_ip')?.toLowerCase() !== 'false';
}

/** Scheme (lower-cased) and authority, read as Hadoop's Path reads a string. */
function splitUri(text: string): { scheme: string | undefined; authority: string } {
  const colon = text.indexOf(':');
  const slash = text.indexOf('/');
  if (colon <= 0 || (slash !== -1 && slash < colon)) return { scheme: undefined, authority: '' };
  const scheme = text.slice(0, colon).toLowerCase();
  const rest = text.slice(colon + 1);
  if (!rest.startsWith('//')) return { scheme, authority: '' };
  const end = rest.indexOf('/', 2);
  return { scheme, authority: end === -1 ? rest.slice(2) : rest.slice(2, end) };
}

/** `host[:port]`, `[v6]:port`; a port that is not a number is left in the host (and fails later). */
function splitAuthority(authority: string): { host: string; port: number | undefined } {
  const text = authority.replace(/^[^@]*@/, '');
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(text);
  if (m === null) return { host: text, port: undefined };
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: m[2] === undefined ? undefined : Number(m[2]) };
}

/** fs.defaultFS; the pre-2.x fs.default.name when only the built-in default sets the new one. */
function defaultFsValue(hadoop: HadoopConfiguration): ExpandedValue | undefined {
  const current = hadoop.getTrimmed('fs.defaultFS');
  const legacy = hadoop.getTrimmed('fs.default.name');
  if (legacy !== undefined && (current === undefined || isBuiltinFile(current.file))) return legacy;
  return current;
}

function value(hadoop: HadoopConfiguration, key: string): string | undefined {
  const v = hadoop.getTrimmed(key)?.value;
  return v === undefined || v === '' ? undefined : v;
}

function flag(flink: FlinkConfiguration, option: FlinkOption): boolean {
  // A value that is neither true nor false is the typed-values rule's error; read as the default here.
  const text = flink.string(option)?.trim().toLowerCase();
  return text === 'false' ? false : text === 'true' ? true : option.defaultValue !== 'false';
}

function entryOf(flink: FlinkConfiguration, option: FlinkOption) {
  return flink.lookup(option)?.entry;
}

function where(
  flink: FlinkConfiguration,
  option: FlinkOption,
  entry = entryOf(flink, option),
): { key: string; file?: string; line?: number } {
  if (entry === undefined || entry.source === 'dynamic') return { key: option.key };
  return {
    key: option.key,
    ...(entry.file !== undefined ? { file: entry.file } : {}),
    ...(entry.line !== undefined ? { line: entry.line } : {}),
  };
}

function hadoopWhere(key: string, v: ExpandedValue | undefined): { key: string; file?: string; line?: number } {
  if (v === undefined || isBuiltinFile(v.file)) return { key };
  return { key, file: v.file, ...(v.line !== undefined ? { line: v.line } : {}) };
}
