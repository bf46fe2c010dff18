/**
 * The HTTP seam: the REST clients speak only this interface, so tests, TLS options and SPNEGO
 * can plug in without touching them.
 */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as is: callers serialise JSON themselves. */
  readonly body?: string | Uint8Array;
  /** Milliseconds until the request is abandoned. */
  readonly timeoutMs: number;
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
