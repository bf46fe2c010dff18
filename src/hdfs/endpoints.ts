import { hostname } from 'node:os';
import type { HadoopConfiguration } from '../config/hadoop/configuration.js';
import { isBuiltinFile } from '../config/hadoop/defaults.js';
import { maskSecretsIn } from '../config/secrets.js';
import { parseList } from '../config/values/lists.js';
import { FlinkYarnError } from '../errors/index.js';

/**
 * Hadoop's own defaults for the keys read here, for a configuration layered without
 * hdfs-default (the loader layers it, a hand-built configuration may not).
 */
const HDFS_FALLBACKS = {
  'dfs.namenode.http-address': '0.0.0.0:9870',
  'dfs.namenode.https-address': '0.0.0.0:9871',
  'dfs.http.policy': 'HTTP_ONLY',
} as const;

const DEFAULT_PORT = { http: 9870, https: 9871 } as const;

/**
 * The WebHDFS base URLs (`http://namenode:9870`) of the file system named by fs.defaultFS, in
 * failover order, read the way an HDFS client reads hdfs-site.xml:
 *
 * - `dfs.http.policy` HTTPS_ONLY selects `dfs.namenode.https-address` and https://;
 * - HA (`dfs.nameservices` + `dfs.ha.namenodes.<ns>`): `dfs.namenode.http-address.<ns>.<nn>`
 *   for each NameNode; otherwise `dfs.namenode.http-address[.<ns>]`;
 * - a wildcard host (0.0.0.0, the bind-everything default) becomes fs.defaultFS's host, or
 *   `localHost` (default: this machine's name) when fs.defaultFS names none.
 *
 * Throws HDFS_NOT_CONFIGURED when WebHDFS is switched off or an HA NameNode has no address.
 */
export function hdfsEndpoints(conf: HadoopConfiguration, localHost: string = hostname()): string[] {
  const get = (key: string): string | undefined => {
    const v = conf.getTrimmed(key)?.value;
    return v === undefined || v === '' ? undefined : v;
  };
  const enabled = conf.getTrimmed('dfs.webhdfs.enabled');
  if (enabled !== undefined && enabled.value.toLowerCase() === 'false') {
    throw new FlinkYarnError(
      'HDFS_NOT_CONFIGURED',
      `WebHDFS is switched off (dfs.webhdfs.enabled=false in ${where(enabled)}); flink-yarn uploads through WebHDFS. Set it to true and restart the NameNodes.`,
    );
  }
  const policy = (get('dfs.http.policy') ?? HDFS_FALLBACKS['dfs.http.policy']).toUpperCase();
  const scheme = policy === 'HTTPS_ONLY' ? 'https' : 'http';
  const key = scheme === 'https' ? 'dfs.namenode.https-address' : 'dfs.namenode.http-address';

  const fsHost = defaultFsHost(conf);
  const nameservice = chooseNameservice(get('dfs.nameservices'), fsHost);
  const wildcardHost = fsHost !== undefined && fsHost !== nameservice ? fsHost : undefined;
  const wildcardTarget = wildcardHost ?? localHost;

  const namenodes = nameservice === undefined ? [] : parseList(get(`dfs.ha.namenodes.${nameservice}`) ?? '');
  if (nameservice !== undefined && namenodes.length > 0) {
    return haEndpoints(get, nameservice, namenodes, scheme, wildcardTarget);
  }
  const address =
    (nameservice !== undefined ? get(`${key}.${nameservice}`) : undefined) ?? get(key) ?? HDFS_FALLBACKS[key];
  return [url(scheme, address, wildcardTarget)];
}

/**
 * The web base URLs of one nameservice of hdfs-site.xml (another than fs.defaultFS's, for
 * delegation tokens): `dfs.namenode.http(s)-address.<ns>.<nn>` of each NameNode under HA, else
 * `dfs.namenode.http(s)-address.<ns>`. `scheme` https reads the https addresses (swebhdfs://, or
 * dfs.http.policy HTTPS_ONLY). A wildcard host becomes `localHost`. Throws HDFS_NOT_CONFIGURED when
 * the nameservice names no web address.
 */
export function nameserviceEndpoints(
  conf: HadoopConfiguration,
  nameservice: string,
  scheme: 'http' | 'https',
  localHost: string = hostname(),
): string[] {
  const get = (key: string): string | undefined => {
    const v = conf.getTrimmed(key)?.value;
    return v === undefined || v === '' ? undefined : v;
  };
  const key = scheme === 'https' ? 'dfs.namenode.https-address' : 'dfs.namenode.http-address';
  const namenodes = parseList(get(`dfs.ha.namenodes.${nameservice}`) ?? '');
  if (namenodes.length > 0) return haEndpoints(get, nameservice, namenodes, scheme, localHost);
  const address = get(`${key}.${nameservice}`);
  if (address === undefined) {
    throw new FlinkYarnError(
      'HDFS_NOT_CONFIGURED',
      `Nameservice ${nameservice} has no web address: set ${key}.${nameservice} in hdfs-site.xml.`,
    );
  }
  return [url(scheme, address, localHost)];
}

/** The web base URLs of an HA nameservice's NameNodes, in dfs.ha.namenodes order. */
function haEndpoints(
  get: (key: string) => string | undefined,
  nameservice: string,
  namenodes: readonly string[],
  scheme: 'http' | 'https',
  wildcardTarget: string,
): string[] {
  const key = scheme === 'https' ? 'dfs.namenode.https-address' : 'dfs.namenode.http-address';
  return namenodes.map((nn) => {
    const address =
      get(`${key}.${nameservice}.${nn}`) ??
      // No web address for this NameNode: its RPC host on the default web port, as a client would guess.
      withPort(hostOf(get(`dfs.namenode.rpc-address.${nameservice}.${nn}`)), DEFAULT_PORT[scheme]);
    if (address === undefined) {
      throw new FlinkYarnError(
        'HDFS_NOT_CONFIGURED',
        `NameNode ${nn} of nameservice ${nameservice} has no address: set ${key}.${nameservice}.${nn} in hdfs-site.xml.`,
      );
    }
    return url(scheme, address, wildcardTarget);
  });
}

/**
 * The `hdfs://authority` that YARN local resources must name (`resource` is
 * `hdfs://<authority>/<path>`), from fs.defaultFS (or the deprecated fs.default.name).
 * Throws HDFS_NOT_CONFIGURED when the default file system is not HDFS.
 */
export function defaultFsUri(conf: HadoopConfiguration): string {
  const value = defaultFsValue(conf);
  const text = value?.value ?? 'file:///';
  let parsed: URL | undefined;
  try {
    parsed = new URL(text);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || parsed.protocol !== 'hdfs:' || parsed.host === '') {
    throw new FlinkYarnError(
      'HDFS_NOT_CONFIGURED',
      `fs.defaultFS is '${maskSecretsIn(text)}'${value !== undefined ? ` (${where(value)})` : ''}, not an hdfs:// URI; YARN containers fetch the Flink jars from HDFS. Set fs.defaultFS to hdfs://<namenode>:8020 (or hdfs://<nameservice>) in core-site.xml, or pass --yarn-conf-dir with the cluster's configuration.`,
    );
  }
  return `hdfs://${parsed.host}`;
}

/** fs.defaultFS; the pre-2.x name fs.default.name when only the built-in default sets the new one. */
function defaultFsValue(
  conf: HadoopConfiguration,
): { value: string; file: string; line: number | undefined } | undefined {
  const current = conf.getTrimmed('fs.defaultFS');
  const legacy = conf.getTrimmed('fs.default.name');
  if (legacy !== undefined && (current === undefined || isBuiltinFile(current.file))) return legacy;
  return current;
}

function defaultFsHost(conf: HadoopConfiguration): string | undefined {
  const text = defaultFsValue(conf)?.value;
  if (text === undefined) return undefined;
  try {
    const u = new URL(text);
    return u.protocol === 'hdfs:' && u.hostname !== '' && !isWildcard(u.hostname) ? u.hostname : undefined;
  } catch {
    return undefined;
  }
}

/** The nameservice fs.defaultFS names, or the only one configured. */
function chooseNameservice(nameservices: string | undefined, fsHost: string | undefined): string | undefined {
  const all = parseList(nameservices ?? '');
  if (fsHost !== undefined && all.includes(fsHost)) return fsHost;
  return all.length === 1 ? all[0] : undefined;
}

function url(scheme: 'http' | 'https', address: string, localHost: string): string {
  const colon = address.lastIndexOf(':');
  const host = colon < 0 ? address : address.slice(0, colon);
  const port = colon < 0 ? String(DEFAULT_PORT[scheme]) : address.slice(colon + 1);
  const bare = host.replace(/^\[|\]$/g, '');
  const resolved = isWildcard(bare) || bare === '' ? localHost : host;
  const bracketed = resolved.includes(':') && !resolved.startsWith('[') ? `[${resolved}]` : resolved;
  return `${scheme}://${bracketed}:${port}`;
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

function hostOf(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  const colon = address.lastIndexOf(':');
  return colon < 0 ? address : address.slice(0, colon);
}

function withPort(host: string | undefined, port: number): string | undefined {
  return host === undefined ? undefined : `${host}:${port}`;
}

function where(v: { file: string; line: number | undefined }): string {
  return v.line ? `${v.file}:${v.line}` : v.file;
}
