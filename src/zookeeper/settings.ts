import type { FlinkConfiguration } from '../config/flink/configuration.js';
import { describeEntry, type FlinkEntry } from '../config/flink/entries.js';
import { OPTIONS, type FlinkOption } from '../config/flink/options.js';
import { Secret } from '../config/secrets.js';
import { parseDuration } from '../config/values/duration.js';
import { parseHostPort, parseList } from '../config/values/lists.js';
import { FlinkYarnError, InvalidValueError, UsageError } from '../errors/index.js';
import { zooKeeperSasl, type SaslDecision } from '../policy/kerberos.js';
import { FlinkMapSyntaxError, parseFlinkMap } from './flink-map.js';
import { invalidPathReason, zkPath } from './paths.js';

export type { SaslDecision };
// The authorization data is held as a Secret, which never prints.
export { Secret };

/** `high-availability.zookeeper.client.acl`: what nodes this product creates are protected with. */
export type AclMode = 'open' | 'creator';

/** One `scheme:auth` entry of `high-availability.zookeeper.client.authorization`. */
export interface ZooKeeperAuthInfo {
  readonly scheme: string;
  /** Sent as UTF-8 bytes, as Flink does. */
  readonly auth: Secret;
  /** Who this identity is, safe to print: the user of a digest `user:password`, else null. */
  readonly identity: string | null;
  /** Where it was set, for messages: `set in flink-conf.yaml:7` or `given with -D ...`. */
  readonly origin: string;
}

/** How to reach and use ZooKeeper, derived from the Flink configuration exactly as Flink does. */
export interface ZooKeeperSettings {
  /** `high-availability.zookeeper.quorum` without whitespace: `host:port[,host:port...][/chroot]`. */
  readonly connectString: string;
  /** `high-availability.zookeeper.path.root`, normalised (`/flink`). */
  readonly root: string;
  readonly connectionTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  /** The base of the exponential backoff between retries. */
  readonly retryWaitMs: number;
  /** Cap on one backoff (Flink 2.2's max-retry-wait); null means uncapped, as in Flink 1.x. */
  readonly maxRetryWaitMs: number | null;
  /** Retries after the first attempt, pinned to 29 as Curator does. */
  readonly maxRetryAttempts: number;
  readonly acl: AclMode;
  readonly authorization: readonly ZooKeeperAuthInfo[];
  readonly sasl: SaslDecision;
}

/** A ZooKeeper client option with a value Flink (or this client) cannot use. Names the key and its place. */
export class ZooKeeperSettingsError extends FlinkYarnError {
  readonly key: string;
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor(key: string, entry: FlinkEntry | undefined, message: string) {
    super('INVALID_VALUE', message);
    this.key = key;
    this.file = entry?.source === 'file' ? entry.file : undefined;
    this.line = entry?.source === 'file' ? entry.line : undefined;
  }
}

// Curator's ExponentialBackoffRetry pins larger counts to this.
const MAX_RETRIES_LIMIT = 29;

export interface SettingsContext {
  /** The Flink configuration file, to say where a missing key should go. */
  readonly flinkFile?: string | undefined;
}

/**
 * Reads the ZooKeeper client settings from a Flink configuration, as Flink's
 * ZooKeeperUtils.startCuratorFramework and its security modules read them. Pure. Throws
 * ZooKeeperSettingsError for a bad value (naming key, file and line, never a secret) and
 * UsageError when there is no quorum at all.
 */
export function zooKeeperSettings(flink: FlinkConfiguration, context: SettingsContext = {}): ZooKeeperSettings {
  const maxRetryWait = flink.lookup(OPTIONS.zkMaxRetryWait);
  return {
    connectString: connectString(flink, context),
    root: root(flink),
    connectionTimeoutMs: duration(flink, OPTIONS.zkConnectionTimeout, 1),
    sessionTimeoutMs: duration(flink, OPTIONS.zkSessionTimeout, 1),
    retryWaitMs: duration(flink, OPTIONS.zkRetryWait, 0),
    maxRetryWaitMs: maxRetryWait === undefined ? null : duration(flink, OPTIONS.zkMaxRetryWait, 0),
    maxRetryAttempts: retryAttempts(flink),
    acl: aclMode(flink),
    authorization: authorization(flink),
    // A bad boolean names its key and file here, as every other setting does.
    sasl: zooKeeperSasl(flink, booleanOf),
  };
}

function entryOf(flink: FlinkConfiguration, option: FlinkOption): FlinkEntry | undefined {
  return flink.lookup(option)?.entry;
}

function connectString(flink: FlinkConfiguration, context: SettingsContext): string {
  const option = OPTIONS.zkQuorum;
  const entry = entryOf(flink, option);
  // Flink strips all whitespace from the quorum (ZooKeeperUtils.getZooKeeperEnsemble).
  const text = (entry?.value ?? '').replace(/\s+/g, '');
  if (text === '') {
    const where =
      entry !== undefined ? ` (${describeEntry(entry)})` : context.flinkFile ? ` in ${context.flinkFile}` : '';
    throw new UsageError(
      `${option.key} is not set${where}. Set it to the ZooKeeper servers (host:port,host:port), or pass -D ${option.key}=host:port.`,
    );
  }
  const slash = text.indexOf('/');
  const hosts = parseList(slash < 0 ? text : text.slice(0, slash));
  const bad = (why: string) =>
    new ZooKeeperSettingsError(option.key, entry, `${option.key} is '${text}' (${describeEntry(entry)}): ${why}`);
  for (const host of hosts) {
    if (host.startsWith('[')) {
      throw bad(`${host} is an IPv6 literal, which this ZooKeeper client cannot connect to. Use a host name.`);
    }
    // A server without a port means 2181, for ZooKeeper's own client too.
    if (parseHostPort(host) === undefined && !/^[^:[\]/]+$/.test(host)) {
      throw bad(`'${host}' is not host:port. Write each server as host:port, separated by commas.`);
    }
  }
  if (hosts.length === 0) throw bad('it names no server. Write each server as host:port, separated by commas.');
  if (slash >= 0 && slash < text.length - 1) {
    const why = invalidPathReason(text.slice(slash));
    if (why !== undefined) throw bad(`its chroot ${text.slice(slash)} is not a valid ZooKeeper path: ${why}.`);
  }
  return text;
}

function root(flink: FlinkConfiguration): string {
  const option = OPTIONS.zkRoot;
  const path = zkPath(flink.string(option) ?? '/flink', '');
  const why = invalidPathReason(path);
  if (why === undefined) return path;
  const entry = entryOf(flink, option);
  throw new ZooKeeperSettingsError(
    option.key,
    entry,
    `${option.key} is '${entry?.value ?? ''}' (${describeEntry(entry)}), which is not a valid ZooKeeper path: ${why}. Use a path like /flink.`,
  );
}

function duration(flink: FlinkConfiguration, option: FlinkOption, min: number): number {
  const entry = entryOf(flink, option);
  const text = entry?.value ?? option.defaultValue ?? '';
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (e) {
    if (!(e instanceof InvalidValueError)) throw e;
    throw new ZooKeeperSettingsError(
      option.key,
      entry,
      `${option.key} (${describeEntry(entry)}): ${e.message}. Write a duration like '15 s' or a number of milliseconds.`,
    );
  }
  // Flink converts these with Math.toIntExact: more than 2^31-1 ms fails there too.
  if (ms < min || ms > 2_147_483_647) {
    throw new ZooKeeperSettingsError(
      option.key,
      entry,
      `${option.key} is '${text}' (${describeEntry(entry)}), which is ${ms < min ? `below ${min} ms` : 'more than 2147483647 ms'}. Write a duration like '15 s'.`,
    );
  }
  return ms;
}

function retryAttempts(flink: FlinkConfiguration): number {
  const option = OPTIONS.zkMaxRetryAttempts;
  const entry = entryOf(flink, option);
  let n: number | undefined;
  try {
    n = flink.integer(option);
  } catch (e) {
    if (!(e instanceof InvalidValueError)) throw e;
  }
  if (n === undefined || n < 0) {
    throw new ZooKeeperSettingsError(
      option.key,
      entry,
      `${option.key} is '${entry?.value ?? ''}' (${describeEntry(entry)}), which is not a number of retries. Write a whole number, 0 or more (Flink's default is 3).`,
    );
  }
  return Math.min(n, MAX_RETRIES_LIMIT);
}

function aclMode(flink: FlinkConfiguration): AclMode {
  const option = OPTIONS.zkAcl;
  const value = (flink.string(option) ?? 'open').trim().toLowerCase();
  if (value === 'open' || value === 'creator') return value;
  const entry = entryOf(flink, option);
  throw new ZooKeeperSettingsError(
    option.key,
    entry,
    `${option.key} is '${entry?.value ?? ''}' (${describeEntry(entry)}). Flink accepts only open or creator, and its JobManager fails with "Unsupported ACL option". Use open, or creator to protect the HA nodes with the creator's identity.`,
  );
}

function authorization(flink: FlinkConfiguration): ZooKeeperAuthInfo[] {
  const key = OPTIONS.zkAuthorization.key;
  const exact = flink.raw(key);
  // Like Flink's Configuration, the key itself wins; otherwise `<key>.<scheme>` keys form the map.
  const pairs: { scheme: string; value: string; entry: FlinkEntry }[] = [];
  if (exact !== undefined) {
    let parsed: [string, string][];
    try {
      parsed = parseFlinkMap(exact.value);
    } catch (e) {
      if (!(e instanceof FlinkMapSyntaxError)) throw e;
      throw new ZooKeeperSettingsError(
        key,
        exact,
        `${key} (${describeEntry(exact)}) is not a map Flink can read: ${e.message}. Write scheme:'data' pairs separated by commas, e.g. digest:'user:password', or one key per scheme (${key}.digest: user:password).`,
      );
    }
    for (const [scheme, value] of parsed) pairs.push({ scheme, value, entry: exact });
  } else {
    for (const entry of flink.entries()) {
      if (entry.key.startsWith(`${key}.`))
        pairs.push({ scheme: entry.key.slice(key.length + 1), value: entry.value, entry });
    }
  }
  return pairs.map(({ scheme, value, entry }) => {
    if (scheme.trim() === '') {
      throw new ZooKeeperSettingsError(
        key,
        entry,
        `${key} (${describeEntry(entry)}) has an entry without a scheme. Name it, e.g. digest:'user:password'.`,
      );
    }
    const colon = value.indexOf(':');
    if (scheme === 'digest' && colon < 0) {
      throw new ZooKeeperSettingsError(
        key,
        entry,
        `${key} (${describeEntry(entry)}): the digest entry must be user:password, quoted because of the colon: digest:'user:password'.`,
      );
    }
    return {
      scheme,
      auth: new Secret(value),
      identity: scheme === 'digest' ? value.slice(0, colon) : null,
      origin: describeEntry(entry),
    };
  });
}

function booleanOf(flink: FlinkConfiguration, option: FlinkOption): boolean {
  try {
    return flink.boolean(option) ?? false;
  } catch (e) {
    if (!(e instanceof InvalidValueError)) throw e;
    const entry = entryOf(flink, option);
    throw new ZooKeeperSettingsError(option.key, entry, `${e.message} (${describeEntry(entry)}). Write true or false.`);
  }
}
