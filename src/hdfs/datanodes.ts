import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { FlinkYarnError } from '../errors/index.js';
import { TransportError, type HttpResponse, type HttpTransport } from '../http/transport.js';
import { HdfsError, translateHdfsError } from './errors.js';
import type { HdfsEvent } from './events.js';

/** A failure at the DataNode step: the only kind an overwriting upload repeats. */
export class DataNodeError extends HdfsError {}

export interface DataNodesOptions {
  readonly transport: HttpTransport;
  /** Per read. */
  readonly timeoutMs: number;
  /** For one file's bytes, start to end. */
  readonly uploadTimeoutMs: number;
  readonly user: string | undefined;
  readonly onEvent: ((event: HdfsEvent) => void) | undefined;
}

/** The second step of CREATE, OPEN and GETFILECHECKSUM: the DataNode a NameNode named. */
export class DataNodes {
  constructor(private readonly o: DataNodesOptions) {}

  /** Sends a file's bytes to `location`; a failure is a DataNodeError. */
  async send(location: string, path: string, size: number, body: Buffer | Readable): Promise<void> {
    const datanode = originOf(location);
    this.o.onEvent?.({ kind: 'hdfs-upload', path, bytes: size, datanode });
    let res: HttpResponse;
    try {
      // The DataNode sends an unasked "100 Continue" before its answer; Node's http skips it.
      res = await this.o.transport.request({
        method: 'PUT',
        url: location,
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) },
        body,
        timeoutMs: this.o.uploadTimeoutMs,
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
      user: this.o.user,
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

  /** Reads what `location` answers (file bytes, a checksum). */
  async read(location: string, op: 'OPEN' | 'GETFILECHECKSUM', path: string): Promise<HttpResponse> {
    const datanode = originOf(location);
    let res: HttpResponse;
    try {
      res = await this.o.transport.request({
        method: 'GET',
        url: location,
        headers: { Accept: '*/*' },
        timeoutMs: this.o.timeoutMs,
      });
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      throw new DataNodeError(
        'HDFS_UNREACHABLE',
        `${op} ${path}: DataNode ${datanode} failed (${e.errno}): ${e.message}`,
        {
          path,
          endpoint: datanode,
          op,
          retriable: true,
          cause: e,
        },
      );
    }
    if (res.status >= 200 && res.status < 300) return res;
    throw translateHdfsError(res.status, res.body, { endpoint: datanode, op, path, user: this.o.user });
  }
}

/** A local file (streamed, never read into memory) or a buffer, with its size. */
export async function openSource(source: string | Buffer): Promise<{ size: number; body: () => Buffer | Readable }> {
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

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
