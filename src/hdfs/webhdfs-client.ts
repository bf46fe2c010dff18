import type { RestClientOptions } from '../http/client-options.js';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { FlinkYarnError } from '../errors/index.js';
import { axiosTransport } from '../http/axios-transport.js';
import { DEFAULT_RETRY_POLICY, retry, type RetryPolicy } from '../http/retry.js';
import { failureReason, NOT_SENT, safeJson } from '../http/responses.js';
import { TransportError, type HttpResponse, type HttpTransport } from '../http/transport.js';
import { HdfsError, HdfsUnreachableError, translateHdfsError, type NameNodeFailure } from './errors.js';
export { defaultFsUri, hdfsEndpoints } from './endpoints.js';
export { HdfsError, HdfsUnreachableError } from './errors.js';
export type { HdfsChecksum, HdfsFileStatus, HdfsFileType } from './model.js';
import { normalizeChecksum, normalizeFileStatus, type HdfsChecksum, type HdfsFileStatus } from './model.js';

/**
 * NameNode web base URLs (`http://namenode:9870`, see `hdfsEndpoints`); requests time out after
 * 30 s by default, per NameNode request and per DataNode read.
 */
export interface WebHdfsClientOptions extends RestClientOptions<HdfsEvent> {
  /** For sending one file's bytes to a DataNode, start to end. @default 600000 */
  readonly uploadTimeoutMs?: number;
}

export type HdfsEvent =
  | { readonly kind: 'hdfs-failover'; readonly from: string; readonly reason: string }
  | { readonly kind: 'hdfs-active'; readonly endpoint: string }
  | {
      readonly kind: 'hdfs-retry';
      readonly op: string;
      readonly attempt: number;
      readonly delayMs: number;
      readonly reason: string;
    }
  | { readonly kind: 'hdfs-upload'; readonly path: string; readonly bytes: number; readonly datanode: string };

export interface UploadOptions {
  /** Replace an existing file. Also allows repeating a failed DataNode transfer. @default false */
  readonly overwrite?: boolean;
  /** Octal, e.g. `644`. @default the NameNode's (644 less the umask) */
  readonly permission?: string;
  /** @default dfs.replication of the cluster */
  readonly replication?: number;
}

type Method = 'GET' | 'PUT' | 'DELETE';
type Query = Readonly<Record<string, string | undefined>>;

interface NameNodeCall {
  readonly method: Method;
  readonly op: string;
  readonly path?: string;
  readonly query?: Query;
  /** Safe to send twice: the NameNode's answer does not depend on whether it saw it before. */
  readonly idempotent: boolean;
  /** The op answers with a redirect to a DataNode (a 307 counts as success). */
  readonly redirect?: boolean;
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
  private readonly endpoints: readonly string[];
  private readonly transport: HttpTransport;
  private readonly timeoutMs: number;
  private readonly uploadTimeoutMs: number;
  private readonly policy: RetryPolicy;
  private readonly options: WebHdfsClientOptions;
  private active = 0;

  constructor(options: WebHdfsClientOptions) {
    if (options.endpoints.length === 0) {
      throw new FlinkYarnError('USAGE', 'No NameNode endpoint is configured (dfs.namenode.http-address).');
    }
    this.options = options;
    this.endpoints = options.endpoints.map((e) => e.replace(/\/+$/, ''));
    this.transport = options.transport ?? axiosTransport();
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
    this.uploadTimeoutMs = options.uploadTimeoutMs ?? DEFAULTS.uploadTimeoutMs;
    this.policy = options.retry ?? DEFAULT_RETRY_POLICY;
  }

  /** The NameNode that answered last. */
  get activeEndpoint(): string {
    return this.endpoints[this.active]!;
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
        this.locate({ method: 'PUT', op: 'CREATE', path, query, idempotent: false, redirect: true }),
      );
      await this.sendToDataNode(location, path, size, body());
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

  private async sendToDataNode(location: string, path: string, size: number, body: Buffer | Readable): Promise<void> {
    const datanode = originOf(location);
    this.options.onEvent?.({ kind: 'hdfs-upload', path, bytes: size, datanode });
    let res: HttpResponse;
    try {
      // The DataNode sends an unasked "100 Continue" before its answer; Node's http skips it.
      res = await this.transport.request({
        method: 'PUT',
        url: location,
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) },
        body,
        timeoutMs: this.uploadTimeoutMs,
        maxBodyLength: Infinity,
      });
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      throw new DataNodeError(
        'HDFS_UNREACHABLE',
        `Sending ${size} bytes of ${path} to DataNode ${datanode} failed (${e.errno}): ${e.message}. The file may be missing or incomplete; upload it again with overwrite.`,
        { path, endpoint: datanode, op: 'CREATE', retriable: true, cause: e },
      );
    } finally {
      // A file stream the transport gave up on would keep its descriptor open.
      if (!Buffer.isBuffer(body)) body.destroy();
    }
    if (res.status === 201 || res.status === 200) return;
    const error = translateHdfsError(res.status, res.body, {
      endpoint: datanode,
      op: 'CREATE',
      path,
      user: this.options.user,
    });
    throw new DataNodeError(error.code, error.message, {
      path,
      endpoint: datanode,
      op: 'CREATE',
      status: res.status,
      retriable: error.retriable,
      ...(error.exception !== undefined ? { exception: error.exception } : {}),
    });
  }

  /** OPEN and GETFILECHECKSUM: the NameNode names a DataNode, which answers. Repeated as a whole. */
  private async fromDataNode(op: 'OPEN' | 'GETFILECHECKSUM', path: string): Promise<HttpResponse> {
    return this.withRetry(op, true, async () => {
      const location = await this.locate({ method: 'GET', op, path, idempotent: true, redirect: true });
      const datanode = originOf(location);
      let res: HttpResponse;
      try {
        res = await this.transport.request({
          method: 'GET',
          url: location,
          headers: { Accept: '*/*' },
          timeoutMs: this.timeoutMs,
        });
      } catch (e) {
        if (!(e instanceof TransportError)) throw e;
        throw new DataNodeError(
          'HDFS_UNREACHABLE',
          `${op} ${path}: DataNode ${datanode} failed (${e.errno}): ${e.message}`,
          { path, endpoint: datanode, op, retriable: true, cause: e },
        );
      }
      if (res.status >= 200 && res.status < 300) return res;
      throw translateHdfsError(res.status, res.body, { endpoint: datanode, op, path, user: this.options.user });
    });
  }

  /** A NameNode request that answers with a DataNode URL: in the body (noredirect) or as a 307. */
  private async locate(call: NameNodeCall): Promise<string> {
    const { res, endpoint } = await this.walk({ ...call, query: { ...call.query, noredirect: 'true' } });
    const header = res.status === 307 || res.status === 302 ? res.headers.location : undefined;
    const location = header ?? (safeJson(res.body) as { Location?: unknown } | undefined)?.Location;
    if (typeof location !== 'string' || location === '') {
      throw this.unexpected(call.op, call.path, `no DataNode "Location" (HTTP ${res.status})`, endpoint);
    }
    return new URL(location, `${endpoint}/`).toString();
  }

  private async json(call: NameNodeCall): Promise<unknown> {
    const res = await this.call(call);
    const parsed = safeJson(res.body);
    if (parsed === undefined || parsed === null || typeof parsed !== 'object') {
      throw this.unexpected(call.op, call.path, `'${res.body.trim().slice(0, 120)}' where JSON was expected`);
    }
    return parsed;
  }

  private async call(call: NameNodeCall): Promise<HttpResponse> {
    return this.withRetry(call.op, call.idempotent, async () => (await this.walk(call)).res);
  }

  private async withRetry<T>(op: string, idempotent: boolean, attempt: () => Promise<T>): Promise<T> {
    return retry(attempt, this.policy, {
      retriable: (e) => isRetriable(e, idempotent),
      onRetry: (e, n, delayMs) =>
        this.options.onEvent?.({ kind: 'hdfs-retry', op, attempt: n, delayMs, reason: failureReason(e) }),
    });
  }

  /**
   * One pass over the NameNodes, from the one that answered last. A standby, or one that cannot
   * be reached, hands over to the next; any other answer ends the walk.
   */
  private async walk(call: NameNodeCall): Promise<{ res: HttpResponse; endpoint: string }> {
    const failures: NameNodeFailure[] = [];
    let onlyStandby = true;
    for (let i = 0; i < this.endpoints.length; i++) {
      const index = (this.active + i) % this.endpoints.length;
      const endpoint = this.endpoints[index]!;
      let res: HttpResponse;
      try {
        res = await this.transport.request({
          method: call.method,
          url: this.url(endpoint, call),
          headers: { Accept: 'application/json' },
          timeoutMs: this.timeoutMs,
        });
      } catch (e) {
        if (!(e instanceof TransportError)) throw e;
        if (!call.idempotent && !NOT_SENT.has(e.errno)) {
          throw new HdfsError(
            'HDFS_UNREACHABLE',
            `${call.op}${call.path !== undefined ? ` ${call.path}` : ''} on ${endpoint} lost its connection (${e.errno}); the NameNode may or may not have acted on it.`,
            { path: call.path, endpoint, op: call.op, cause: e },
          );
        }
        onlyStandby = false;
        failures.push({ endpoint, reason: e.message });
        this.failover(endpoint, e.errno);
        continue;
      }
      const ok = (res.status >= 200 && res.status < 300) || (call.redirect === true && res.status === 307);
      if (ok) {
        if (index !== this.active) {
          this.active = index;
          this.options.onEvent?.({ kind: 'hdfs-active', endpoint });
        }
        return { res, endpoint };
      }
      const error = translateHdfsError(res.status, res.body, {
        endpoint,
        op: call.op,
        path: call.path,
        user: this.options.user,
      });
      if (error.code !== 'HDFS_STANDBY') throw error;
      failures.push({ endpoint, reason: `standby: ${error.message}` });
      this.failover(endpoint, 'standby');
    }
    throw new HdfsUnreachableError(failures, {
      op: call.op,
      standby: onlyStandby,
      ...(call.path !== undefined ? { path: call.path } : {}),
    });
  }

  private failover(from: string, reason: string): void {
    if (this.endpoints.length > 1) this.options.onEvent?.({ kind: 'hdfs-failover', from, reason });
  }

  private url(endpoint: string, call: NameNodeCall): string {
    const params = new URLSearchParams({ op: call.op });
    for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined && v !== '') params.set(k, v);
    if (this.options.user !== undefined) params.set('user.name', this.options.user);
    return `${endpoint}/webhdfs/v1${encodePath(call.path ?? '/')}?${params.toString()}`;
  }

  private unexpected(op: string, path: string | undefined, what: string, endpoint = this.activeEndpoint): HdfsError {
    return new HdfsError(
      'HDFS_UNEXPECTED_RESPONSE',
      `${op}${path !== undefined ? ` ${path}` : ''} on ${endpoint} answered with ${what}; is this a NameNode web address (dfs.namenode.http-address)?`,
      { path, endpoint, op },
    );
  }
}

/** A failure at the DataNode step: the only kind an overwriting upload repeats. */
class DataNodeError extends HdfsError {}

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

async function openSource(source: string | Buffer): Promise<{ size: number; body: () => Buffer | Readable }> {
  if (Buffer.isBuffer(source)) return { size: source.length, body: () => source };
  let info;
  try {
    info = await stat(source);
  } catch (e) {
    throw new FlinkYarnError('USAGE', `Cannot upload ${source}: ${(e as Error).message}`, { cause: e });
  }
  if (!info.isFile()) throw new FlinkYarnError('USAGE', `Cannot upload ${source}: not a regular file.`);
  return { size: info.size, body: () => createReadStream(source) };
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

function encodePath(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
