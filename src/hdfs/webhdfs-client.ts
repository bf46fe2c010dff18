import type { RestClientOptions } from '../http/client-options.js';
import { FlinkYarnError } from '../errors/index.js';
import { axiosTransport } from '../http/axios-transport.js';
import { DEFAULT_RETRY_POLICY, retry, type RetryPolicy } from '../http/retry.js';
import { describeBody, failureReason, safeJson } from '../http/responses.js';
import type { HttpResponse } from '../http/transport.js';
import { DataNodeError, DataNodes, openSource } from './datanodes.js';
import { HdfsError, HdfsUnreachableError } from './errors.js';
import type { HdfsEvent } from './events.js';
import { normalizeChecksum, normalizeFileStatus, type HdfsChecksum, type HdfsFileStatus } from './model.js';
import { NameNodes, type NameNodeCall, type Query } from './namenodes.js';
import { HDFS_DELEGATION_KIND, TokenFormatError, withKindAndService } from './tokens.js';
export { defaultFsUri, hdfsEndpoints, nameserviceEndpoints } from './endpoints.js';
export { HdfsError, HdfsUnreachableError } from './errors.js';
export type { HdfsEvent } from './events.js';
export type { HdfsChecksum, HdfsFileStatus, HdfsFileType } from './model.js';

/**
 * NameNode web base URLs (`http://namenode:9870`, see `hdfsEndpoints`); requests time out after
 * 30 s by default, per NameNode request and per DataNode read.
 */
export interface WebHdfsClientOptions extends RestClientOptions<HdfsEvent> {
  /** For sending one file's bytes to a DataNode, start to end. @default 600000 */
  readonly uploadTimeoutMs?: number;
}

export interface UploadOptions {
  /** Replace an existing file. Also allows repeating a failed DataNode transfer. @default false */
  readonly overwrite?: boolean;
  /** Octal, e.g. `644`. @default the NameNode's (644 less the umask) */
  readonly permission?: string;
  /** @default dfs.replication of the cluster */
  readonly replication?: number;
}

/** GETDELEGATIONTOKEN: who may renew the token, and what it is filed under in the AM's credentials. */
export interface DelegationTokenRequest {
  /**
   * The principal that may renew it (the NameNode keeps its short name). An empty one asks for a
   * token nobody renews, as a Java client's null renewer does; the NameNode would otherwise make
   * the caller the renewer.
   */
  readonly renewer: string;
  /** The kind the container's client selects tokens by. @default HDFS_DELEGATION_TOKEN */
  readonly kind?: string;
  /** `ip:port` of the NameNode's RPC address, `ha-hdfs:<nameservice>` ... */
  readonly service: string;
}

const PERMISSION = /^[01]?[0-7]{3}$/;
const DEFAULTS = { requestTimeoutMs: 30_000, uploadTimeoutMs: 600_000 } as const;

/**
 * A WebHDFS client for what a YARN launcher needs: stage files for containers and read them back.
 *
 * NameNodes are walked in order, starting with the one that answered last; a standby or an
 * unreachable NameNode passes the request to the next. Only requests that are safe to repeat are
 * retried: reads, MKDIRS, SETPERMISSION and DELETE. CREATE's NameNode step is repeated only when
 * it never reached a server, and a failed DataNode transfer is repeated as a whole CREATE only
 * when the caller allowed overwriting.
 */
export class WebHdfsClient {
  private readonly policy: RetryPolicy;
  private readonly options: WebHdfsClientOptions;
  private readonly nameNodes: NameNodes;
  private readonly dataNodes: DataNodes;

  constructor(options: WebHdfsClientOptions) {
    if (options.endpoints.length === 0) {
      throw new FlinkYarnError('USAGE', 'No NameNode endpoint is configured (dfs.namenode.http-address).');
    }
    this.options = options;
    this.policy = options.retry ?? DEFAULT_RETRY_POLICY;
    const shared = {
      transport: options.transport ?? axiosTransport(),
      timeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
      user: options.user,
      onEvent: options.onEvent,
    };
    this.nameNodes = new NameNodes(
      options.endpoints.map((e) => e.replace(/\/+$/, '')),
      shared,
    );
    this.dataNodes = new DataNodes({ ...shared, uploadTimeoutMs: options.uploadTimeoutMs ?? DEFAULTS.uploadTimeoutMs });
  }

  /** The NameNode that answered last. */
  get activeEndpoint(): string {
    return this.nameNodes.activeEndpoint;
  }

  /** The user's home directory, e.g. `/user/alice`. */
  async homeDirectory(): Promise<string> {
    const json = await this.json({ method: 'GET', op: 'GETHOMEDIRECTORY', idempotent: true });
    const path = (json as { Path?: unknown }).Path;
    if (typeof path !== 'string') throw this.unexpected('GETHOMEDIRECTORY', undefined, 'no "Path"');
    return path;
  }

  /** The status of `path`, or null when it does not exist. */
  async status(path: string): Promise<HdfsFileStatus | null> {
    checkPath(path);
    try {
      const json = await this.json({ method: 'GET', op: 'GETFILESTATUS', path, idempotent: true });
      const status = normalizeFileStatus((json as { FileStatus?: unknown }).FileStatus, path);
      if (status === undefined) throw this.unexpected('GETFILESTATUS', path, 'no "FileStatus"');
      return status;
    } catch (e) {
      if (e instanceof HdfsError && e.code === 'HDFS_NOT_FOUND') return null;
      throw e;
    }
  }

  /** The entries of a directory (or the file itself, for a file). HDFS_NOT_FOUND when absent. */
  async list(path: string): Promise<HdfsFileStatus[]> {
    checkPath(path);
    const json = await this.json({ method: 'GET', op: 'LISTSTATUS', path, idempotent: true });
    const raw = (json as { FileStatuses?: { FileStatus?: unknown } }).FileStatuses?.FileStatus;
    if (!Array.isArray(raw)) throw this.unexpected('LISTSTATUS', path, 'no "FileStatuses"');
    return raw.map((r) => normalizeFileStatus(r, path)).filter((s): s is HdfsFileStatus => s !== undefined);
  }

  /** Creates a directory and its parents; nothing happens when it exists. */
  async mkdirs(path: string, permission?: string): Promise<void> {
    checkPath(path);
    const json = await this.json({
      method: 'PUT',
      op: 'MKDIRS',
      path,
      query: { permission: checkPermission(permission) },
      idempotent: true,
    });
    if ((json as { boolean?: unknown }).boolean !== true) {
      throw new HdfsError('HDFS_REMOTE', `MKDIRS ${path} on ${this.activeEndpoint} answered false.`, {
        path,
        endpoint: this.activeEndpoint,
        op: 'MKDIRS',
      });
    }
  }

  /** Deletes a file or directory. False when there was nothing to delete. */
  async delete(path: string, recursive: boolean): Promise<boolean> {
    checkPath(path);
    const json = await this.json({
      method: 'DELETE',
      op: 'DELETE',
      path,
      query: { recursive: String(recursive) },
      idempotent: true,
    });
    const result = (json as { boolean?: unknown }).boolean;
    if (typeof result !== 'boolean') throw this.unexpected('DELETE', path, 'no "boolean"');
    return result;
  }

  /** Moves `path` to `destination` (an absolute path). False when HDFS refused, e.g. the destination exists. */
  async rename(path: string, destination: string): Promise<boolean> {
    checkPath(path);
    checkPath(destination);
    const json = await this.json({ method: 'PUT', op: 'RENAME', path, query: { destination }, idempotent: false });
    const result = (json as { boolean?: unknown }).boolean;
    if (typeof result !== 'boolean') throw this.unexpected('RENAME', path, 'no "boolean"');
    return result;
  }

  async setPermission(path: string, permission: string): Promise<void> {
    checkPath(path);
    await this.call({
      method: 'PUT',
      op: 'SETPERMISSION',
      path,
      query: { permission: checkPermission(permission) },
      idempotent: true,
    });
  }

  /**
   * A delegation token for the file system of these NameNodes (`GET /webhdfs/v1/?op=GETDELEGATIONTOKEN`),
   * as Hadoop's `Token.urlString`, filed under `kind` and `service` whatever the NameNode set (a
   * NameNode before Hadoop 2.8 ignores both parameters). The token is a secret: no message, event
   * or error carries it or any part of the answer.
   */
  async getDelegationToken(request: DelegationTokenRequest): Promise<string> {
    const op = 'GETDELEGATIONTOKEN';
    const kind = request.kind ?? HDFS_DELEGATION_KIND;
    // A GET that creates a token: a repeat after a lost answer only leaves an unused one to expire.
    const res = await this.call({
      method: 'GET',
      op,
      query: { renewer: request.renewer, kind, service: request.service },
      idempotent: true,
    });
    const token = readTokenAnswer(res.body);
    if (typeof token !== 'string') {
      if (token.kind === 'none') {
        throw new HdfsError(
          'HDFS_REMOTE',
          `${op} on ${this.activeEndpoint} issued no token: the NameNode runs without Hadoop security (hadoop.security.authentication is simple in its core-site.xml), while this client's core-site.xml says kerberos. Use the cluster's own configuration (--yarn-conf-dir).`,
          { endpoint: this.activeEndpoint, op },
        );
      }
      throw this.unexpected(op, undefined, token.what);
    }
    try {
      return withKindAndService(token, kind, request.service);
    } catch (e) {
      if (!(e instanceof TokenFormatError)) throw e;
      throw this.unexpected(op, undefined, `a "urlString" that is not a Hadoop token (${e.message})`);
    }
  }

  /** The file's checksum, computed by a DataNode; equal checksums (same algorithm) mean equal bytes. */
  async checksum(path: string): Promise<HdfsChecksum> {
    checkPath(path);
    const res = await this.fromDataNode('GETFILECHECKSUM', path);
    const checksum = normalizeChecksum(safeJson(res.body));
    if (checksum === undefined) throw this.unexpected('GETFILECHECKSUM', path, 'no "FileChecksum"');
    return checksum;
  }

  /**
   * Reads a small file. The transport hands bodies over as text, so the bytes are exact for UTF-8
   * files (configurations, logs); compare binary files with `checksum`.
   */
  async open(path: string): Promise<Buffer> {
    checkPath(path);
    const res = await this.fromDataNode('OPEN', path);
    return Buffer.from(res.body, 'utf8');
  }

  /**
   * Writes a local file (streamed, never read into memory) or a buffer to `path`, then returns
   * its status: YARN wants a local resource's size and timestamp to equal HDFS's exactly.
   */
  async upload(source: string | Buffer, path: string, options: UploadOptions = {}): Promise<HdfsFileStatus> {
    checkPath(path);
    const overwrite = options.overwrite ?? false;
    const { size, body } = await openSource(source);
    const query: Query = {
      overwrite: String(overwrite),
      permission: checkPermission(options.permission),
      replication: options.replication !== undefined ? String(options.replication) : undefined,
    };
    const once = async (): Promise<void> => {
      const location = await this.withRetry('CREATE', false, () =>
        this.nameNodes.locate({ method: 'PUT', op: 'CREATE', path, query, idempotent: false, redirect: true }),
      );
      await this.dataNodes.send(location, path, size, body());
    };
    if (overwrite) {
      // The bytes may have half-arrived: only an overwriting CREATE can safely start again.
      await retry(once, this.policy, {
        retriable: (e) => e instanceof DataNodeError && e.retriable,
        onRetry: (e, attempt, delayMs) =>
          this.options.onEvent?.({ kind: 'hdfs-retry', op: 'CREATE', attempt, delayMs, reason: failureReason(e) }),
      });
    } else {
      await once();
    }
    const written = await this.status(path);
    if (written === null || written.type !== 'FILE' || written.length !== size) {
      throw new HdfsError(
        'HDFS_REMOTE',
        `Uploaded ${size} bytes to ${path}, but the NameNode ${this.activeEndpoint} then reports ${written === null ? 'no such file' : `a ${written.type} of ${written.length} bytes`}; another writer may have replaced it.`,
        { path, endpoint: this.activeEndpoint, op: 'CREATE' },
      );
    }
    return written;
  }

  /** OPEN and GETFILECHECKSUM: the NameNode names a DataNode, which answers. Repeated as a whole. */
  private async fromDataNode(op: 'OPEN' | 'GETFILECHECKSUM', path: string): Promise<HttpResponse> {
    return this.withRetry(op, true, async () => {
      const location = await this.nameNodes.locate({ method: 'GET', op, path, idempotent: true, redirect: true });
      return this.dataNodes.read(location, op, path);
    });
  }

  private async json(call: NameNodeCall): Promise<unknown> {
    const res = await this.call(call);
    const parsed = safeJson(res.body);
    if (parsed === undefined || parsed === null || typeof parsed !== 'object') {
      throw this.unexpected(call.op, call.path, `${describeBody(res.body)} where JSON was expected`);
    }
    return parsed;
  }

  private async call(call: NameNodeCall): Promise<HttpResponse> {
    return this.withRetry(call.op, call.idempotent, async () => (await this.nameNodes.walk(call)).res);
  }

  private async withRetry<T>(op: string, idempotent: boolean, attempt: () => Promise<T>): Promise<T> {
    return retry(attempt, this.policy, {
      retriable: (e) => isRetriable(e, idempotent),
      onRetry: (e, n, delayMs) =>
        this.options.onEvent?.({ kind: 'hdfs-retry', op, attempt: n, delayMs, reason: failureReason(e) }),
    });
  }

  private unexpected(op: string, path: string | undefined, what: string): HdfsError {
    return this.nameNodes.unexpected(op, path, what);
  }
}

/**
 * `{"Token":{"urlString":"..."}}`, or why the answer is not one. The descriptions never quote the
 * body: a token may be in it.
 */
function readTokenAnswer(body: string): string | { kind: 'none' } | { kind: 'malformed'; what: string } {
  const malformed = (what: string) => ({ kind: 'malformed' as const, what });
  if (/^\s*(<!DOCTYPE html|<html)/i.test(body)) return malformed('an HTML page');
  const parsed = safeJson(body);
  if (parsed === undefined)
    return malformed(body.trim() === '' ? 'nothing' : `${body.length} characters that are not JSON`);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !('Token' in parsed)) {
    return malformed('JSON without a "Token" object');
  }
  const token = (parsed as { Token: unknown }).Token;
  if (token === null) return { kind: 'none' };
  if (typeof token !== 'object' || Array.isArray(token)) return malformed('a "Token" that is not an object');
  const urlString = (token as { urlString?: unknown }).urlString;
  if (typeof urlString !== 'string') return malformed('a "Token" without a "urlString" text');
  return urlString;
}

function isRetriable(e: unknown, idempotent: boolean): boolean {
  // Collected only from NameNodes that never saw the request or were standby: safe to repeat.
  if (e instanceof HdfsUnreachableError) return true;
  if (e instanceof DataNodeError) return idempotent && e.retriable;
  if (e instanceof HdfsError) {
    // A NameNode in safe mode refused before acting.
    if (e.code === 'HDFS_SAFE_MODE') return true;
    return idempotent && e.retriable;
  }
  return false;
}

function checkPath(path: string): void {
  if (!path.startsWith('/') || path.split('/').some((s) => s === '.' || s === '..')) {
    throw new FlinkYarnError(
      'USAGE',
      `HDFS path '${path}' must be absolute and free of '.' and '..' segments (resolve it against homeDirectory() first).`,
    );
  }
}

function checkPermission(permission: string | undefined): string | undefined {
  if (permission === undefined) return undefined;
  if (!PERMISSION.test(permission)) {
    throw new FlinkYarnError(
      'INVALID_VALUE',
      `HDFS permission '${permission}' is not octal like 755 or 1777 (symbolic modes are not accepted by WebHDFS).`,
    );
  }
  return permission;
}
