import type { Readable } from 'node:stream';

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
