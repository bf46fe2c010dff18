import { StringDecoder } from 'node:string_decoder';
import { FlinkYarnError, InterruptedError, type ErrorCode } from '../errors/index.js';
import type { StreamGet } from '../http/stream-get.js';
import type { HttpTransport } from '../http/transport.js';
import { TransportError } from '../http/transport.js';

// Container logs from a NodeManager's REST API (NMWebServices) or a log server (AHSWebServices,
// `yarn.log.server.web-service.url`): both serve `.../containerlogs/<containerId>/<file>` as
// text/plain. Neither takes a byte offset (Hadoop 3.4 has only `size`, a head or tail length),
// so a follow re-reads the file and skips what it has already shown.

/** An error from a NodeManager or log server while reading a container's log. */
export class ContainerLogError extends FlinkYarnError {
  readonly containerId: string;
  readonly url: string | undefined;
  constructor(code: ErrorCode, message: string, context: { containerId: string; url?: string; cause?: unknown }) {
    super(code, message, { cause: context.cause });
    this.containerId = context.containerId;
    this.url = context.url;
  }
}

/** `http://host:port` from the RM's `nodeHttpAddress` (`host:port`, or already a URL). */
export function nodeBaseUrl(nodeHttpAddress: string, scheme: 'http' | 'https' = 'http'): string {
  const base = /^https?:\/\//.test(nodeHttpAddress) ? nodeHttpAddress : `${scheme}://${nodeHttpAddress}`;
  return base.replace(/\/+$/, '');
}

/** NMWebServices: one log file of a container the NodeManager still holds. */
export function nodeLogUrl(nodeBase: string, containerId: string, file: string): string {
  return `${nodeBase}/ws/v1/node/containerlogs/${encodeURIComponent(containerId)}/${encodeURIComponent(file)}`;
}

/** AHSWebServices (or a compatible log server): one file of a container's aggregated logs. */
export function logServerUrl(webServiceUrl: string, containerId: string, file: string, nodeId?: string): string {
  const base = webServiceUrl.replace(/\/+$/, '');
  const query = nodeId !== undefined ? `?nm.id=${encodeURIComponent(nodeId)}` : '';
  return `${base}/containerlogs/${encodeURIComponent(containerId)}/${encodeURIComponent(file)}${query}`;
}

export interface ReadLogOptions {
  readonly streamGet: StreamGet;
  readonly containerId: string;
  /** Bytes of the file already shown: they are read past, not written. @default 0 */
  readonly skipBytes?: number;
  /**
   * Write only up to the last line break, so a follow never cuts a line (or a UTF-8 character)
   * in two; the rest is read again next time. A line longer than 1 MiB is written as it is.
   * @default false
   */
  readonly wholeLines?: boolean;
  /** Called with each piece of text; awaited, so a slow reader slows the download. */
  readonly write: (text: string) => void | Promise<void>;
  /** @default 30000 */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal | undefined;
}

export type ReadLogResult =
  /** `shownBytes`: where the next read starts; less than `skipBytes` when the file was replaced. */
  | { readonly kind: 'read'; readonly shownBytes: number; readonly fileBytes: number }
  | { readonly kind: 'missing'; readonly status: number; readonly detail: string }
  | { readonly kind: 'redirect'; readonly location: string };

const LONGEST_HELD_LINE = 1 << 20;

/** Streams one log file to `write`. A 404 (or other refusal) is a result, not an error: the caller knows where to look next. */
export async function readContainerLog(url: string, options: ReadLogOptions): Promise<ReadLogResult> {
  let response;
  try {
    response = await options.streamGet({
      url,
      headers: { Accept: 'text/plain' },
      timeoutMs: options.timeoutMs ?? 30_000,
      signal: options.signal,
    });
  } catch (e) {
    throw unreachable(url, options.containerId, e);
  }
  if (response.status >= 300 && response.status < 400 && response.headers.location !== undefined) {
    response.discard();
    return { kind: 'redirect', location: new URL(response.headers.location, url).toString() };
  }
  if (response.status !== 200) {
    const detail = await firstBytes(response.body, 2000).catch(() => '');
    response.discard();
    return { kind: 'missing', status: response.status, detail: remoteMessage(detail) };
  }
  const skip = options.skipBytes ?? 0;
  const decoder = new StringDecoder('utf8');
  let position = 0;
  let shown = skip;
  let held: Buffer[] = [];
  let heldBytes = 0;
  /** The file's own bytes, past the header a Hadoop 3.x NodeManager puts around them. */
  const feed = async (chunk: Buffer): Promise<void> => {
    const start = position;
    position += chunk.length;
    if (position <= skip) return;
    const fresh = start < skip ? chunk.subarray(skip - start) : chunk;
    if (options.wholeLines !== true) {
      shown += fresh.length;
      await options.write(decoder.write(fresh));
      return;
    }
    const newline = fresh.lastIndexOf(10);
    if (newline < 0 && heldBytes + fresh.length <= LONGEST_HELD_LINE) {
      held.push(fresh);
      heldBytes += fresh.length;
      return;
    }
    const cut = newline < 0 ? fresh.length : newline + 1;
    const text = decoder.write(Buffer.concat([...held, fresh.subarray(0, cut)]));
    shown += heldBytes + cut;
    held = cut < fresh.length ? [fresh.subarray(cut)] : [];
    heldBytes = fresh.length - cut;
    await options.write(text);
  };
  const frame = new LogFrame();
  try {
    for await (const chunk of response.body) {
      const contents = frame.push(chunk);
      // The header says how long the file is: no longer than what was shown, nothing new to read.
      if (frame.length !== undefined && frame.length <= skip && skip > 0) {
        response.discard();
        return { kind: 'read', shownBytes: frame.length < skip ? 0 : skip, fileBytes: frame.length };
      }
      for (const content of contents) await feed(content);
      if (frame.done) break;
    }
    for (const content of frame.end()) await feed(content);
  } catch (e) {
    response.discard();
    throw unreachable(url, options.containerId, e);
  }
  response.discard();
  if (options.wholeLines !== true) {
    const rest = decoder.end();
    if (rest !== '') await options.write(rest);
  }
  // A file shorter than what was shown was replaced (rolled over): start again from its top.
  return { kind: 'read', shownBytes: position < skip ? 0 : shown, fileBytes: position };
}

/** The longest header looked for before the body is taken as the bare file (Hadoop 2.x). */
const LONGEST_HEADER = 16 * 1024;
const HEADER_START = Buffer.from('Container: ');
const CONTENTS = Buffer.from('LogContents:\n');

/**
 * A Hadoop 3.x NodeManager (and log server) frames a file: `Container: <id> on <node>`,
 * `LogAggregationType:`, `LogType:`, `LogLength: N`, `LogContents:`, then the N bytes of the
 * file, then `End of LogType:<file>.` and a row of stars. Hadoop 2.x sends the bare file. This
 * passes on exactly the file's bytes in either case, without holding more than the header.
 */
export class LogFrame {
  #head: Buffer[] = [];
  #headBytes = 0;
  /** Bytes of content still to pass; Infinity for a bare file; undefined while reading the header. */
  #left: number | undefined;

  /** The file's length as the header gives it, once the header is read; undefined for a bare file. */
  length: number | undefined;

  /** Whether everything the file has was passed on: the rest is the footer. */
  get done(): boolean {
    return this.#left === 0;
  }

  /** The content bytes in `chunk`. */
  push(chunk: Buffer): Buffer[] {
    if (this.#left === undefined) {
      this.#head.push(chunk);
      this.#headBytes += chunk.length;
      const head = Buffer.concat(this.#head);
      const framed = head
        .subarray(0, HEADER_START.length)
        .equals(HEADER_START.subarray(0, Math.min(head.length, HEADER_START.length)));
      if (!framed) return this.#bare(head);
      const at = head.indexOf(CONTENTS);
      if (at < 0) return this.#headBytes > LONGEST_HEADER ? this.#bare(head) : [];
      const length = /^LogLength: ?(\d+)\s*$/m.exec(head.subarray(0, at).toString('latin1'));
      this.#head = [];
      this.#left = length !== null ? Number(length[1]) : Infinity;
      if (length !== null) this.length = this.#left;
      return this.#take(head.subarray(at + CONTENTS.length));
    }
    return this.#take(chunk);
  }

  /** What is left when the body ends: a short bare file still held as a possible header. */
  end(): Buffer[] {
    if (this.#left !== undefined) return [];
    return this.#bare(Buffer.concat(this.#head));
  }

  #bare(head: Buffer): Buffer[] {
    this.#head = [];
    this.#left = Infinity;
    return head.length > 0 ? [head] : [];
  }

  #take(chunk: Buffer): Buffer[] {
    const left = this.#left!;
    if (chunk.length === 0 || left === 0) return [];
    const part = chunk.length <= left ? chunk : chunk.subarray(0, left);
    this.#left = left - part.length;
    return [part];
  }
}

/** Whether a container still runs, by its NodeManager; `false` once it ended or the NodeManager forgot it. */
export async function containerRunning(
  transport: HttpTransport,
  nodeBase: string,
  containerId: string,
  timeoutMs = 10_000,
): Promise<boolean> {
  const url = `${nodeBase}/ws/v1/node/containers/${encodeURIComponent(containerId)}`;
  let r;
  try {
    r = await transport.request({ method: 'GET', url, headers: { Accept: 'application/json' }, timeoutMs });
  } catch (e) {
    throw unreachable(url, containerId, e);
  }
  if (r.status === 404) return false;
  if (r.status !== 200) {
    throw new ContainerLogError('LOG_SERVER_FAILED', `GET ${url} answered HTTP ${r.status}.`, { containerId, url });
  }
  let state: unknown;
  try {
    state = (JSON.parse(r.body) as { container?: { state?: unknown } }).container?.state;
  } catch {
    state = undefined;
  }
  // NodeManager container states (ContainerState of the NM, or the public COMPLETE).
  return typeof state !== 'string' || !/EXITED|DONE|COMPLETE|KILL|CLEAN|FAILED/.test(state);
}

function unreachable(url: string, containerId: string, e: unknown): FlinkYarnError {
  if (e instanceof InterruptedError) return e;
  // Already typed (Kerberos, TLS): said as it is, with its own code.
  if (e instanceof FlinkYarnError) return e;
  if (e instanceof TransportError && e.errno === 'ABORT_ERR') return new InterruptedError('Interrupted.');
  const reason = e instanceof TransportError ? e.message : String((e as Error)?.message ?? e);
  return new ContainerLogError('LOG_SERVER_FAILED', `Could not read ${url}: ${reason}`, { containerId, url, cause: e });
}

async function firstBytes(body: AsyncIterable<Buffer>, max: number): Promise<string> {
  let out = '';
  for await (const chunk of body) {
    out += chunk.toString('utf8');
    if (out.length >= max) break;
  }
  return out.slice(0, max);
}

/** The message of a RemoteException body, or the start of a text body, on one line. */
function remoteMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { RemoteException?: { message?: unknown } };
    if (typeof parsed.RemoteException?.message === 'string') return parsed.RemoteException.message;
  } catch {
    // not JSON
  }
  return body
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}
