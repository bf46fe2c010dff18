import type { Readable } from 'node:stream';
import { FlinkYarnError } from '../errors/index.js';

/**
 * The largest response body a request accepts unless it says otherwise: 256 MiB. The RM's
 * application list of a busy cluster runs to tens of MB; held as text and then as parsed JSON,
 * a body much bigger than this would exhaust a default Node heap, and bodies of 512 MiB and more
 * cannot be held as one string at all.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/**
 * The HTTP seam: the REST clients speak only this interface, so tests, TLS options and SPNEGO
 * can plug in without touching them.
 */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Sent as is: callers serialise JSON themselves. A stream is piped (big uploads); it can be
   * sent only once, so a caller that retries must open a new one per attempt.
   */
  readonly body?: string | Uint8Array | Readable;
  /** Milliseconds until the request is abandoned. */
  readonly timeoutMs: number;
  /** Largest request body in bytes; `Infinity` for uploads of any size. @default the transport's own */
  readonly maxBodyLength?: number;
  /**
   * Largest response body in bytes; a bigger one fails with ResponseTooLargeError (never retried).
   * @default the transport's own, DEFAULT_MAX_RESPONSE_BYTES for axiosTransport
   */
  readonly maxResponseBytes?: number;
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface HttpTransport {
  /** Resolves for every HTTP status (redirects are not followed); rejects only on network failure. */
  request(request: HttpRequest): Promise<HttpResponse>;
}

/** A network-level failure: nothing usable came back. */
export class TransportError extends Error {
  /** ECONNREFUSED, ETIMEDOUT, ENOTFOUND ... */
  readonly errno: string;
  constructor(message: string, errno: string, options?: { cause?: unknown }) {
    super(message, options);
    this.errno = errno;
  }
}

/**
 * A response body beyond the request's limit. Not a TransportError: repeating the request would
 * download the same bytes again, so no client retries it.
 */
export class ResponseTooLargeError extends FlinkYarnError {
  readonly url: string;
  readonly limit: number;

  constructor(method: string, url: string, limit: number, announced: number | undefined) {
    super(
      'RESPONSE_TOO_LARGE',
      `${method} ${withoutQuery(url)} answered with ${announced !== undefined ? `${formatBytes(announced)}` : `more than ${formatBytes(limit)}`}, above the limit of ${formatBytes(limit)} per response; the answer was abandoned. Ask for less (a filter such as --states or a limit), or raise the limit (HttpRequest.maxResponseBytes, or the transport's maxResponseBytes).`,
    );
    this.url = url;
    this.limit = limit;
  }
}

/** The query may carry tokens (a DataNode redirect's `delegation=`); messages leave it out. */
export function withoutQuery(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function formatBytes(n: number): string {
  const mib = n / (1024 * 1024);
  return mib >= 1 ? `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB (${n} bytes)` : `${n} bytes`;
}

/**
 * What of a failure may travel as an error's `cause`: its message and code only. An axios error
 * keeps the request (Authorization and Cookie headers, a body with delegation tokens, a URL with
 * `delegation=`), which `util.inspect` and Node's report of an unhandled rejection would print.
 */
export function bareCause(error: unknown): Error {
  const e = error as { code?: unknown; message?: unknown };
  const bare = new Error(typeof e?.message === 'string' ? e.message : String(error));
  if (typeof e?.code === 'string') Object.assign(bare, { code: e.code });
  return bare;
}
