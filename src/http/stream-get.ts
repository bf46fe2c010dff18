import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type AgentOptions } from 'node:https';
import { tlsFailure } from './tls.js';
import { bareCause, TransportError, withoutQuery } from './transport.js';

/**
 * A GET whose body is read as it arrives, for answers too big to hold (a container's log). The
 * HttpTransport seam returns whole bodies; this is its streaming sibling, kept small on purpose:
 * no redirects, no retries, no authentication.
 */
export interface StreamGetRequest {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Milliseconds without a byte (connecting included) until the request is abandoned. */
  readonly timeoutMs: number;
  /** Aborting ends the request and the body. */
  readonly signal?: AbortSignal | undefined;
}

export interface StreamGetResponse {
  readonly status: number;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body, chunk by chunk; read it to the end or call `discard`. */
  readonly body: AsyncIterable<Buffer>;
  /** Drops the rest of the body and frees the connection. */
  discard(): void;
}

/** Opens a streaming GET; rejects only when nothing usable came back (network, timeout, abort). */
export type StreamGet = (request: StreamGetRequest) => Promise<StreamGetResponse>;

export interface StreamGetOptions {
  /** TLS settings for https servers (see trustOptions). @default Node's */
  readonly tls?: AgentOptions;
}

/** A streaming GET over Node's http(s); a certificate problem rejects with TlsError. */
export function streamGetWith(options: StreamGetOptions = {}): StreamGet {
  return (req) => nodeGet(req, options);
}

export const nodeStreamGet: StreamGet = streamGetWith();

const nodeGet = (req: StreamGetRequest, options: StreamGetOptions): Promise<StreamGetResponse> =>
  new Promise<StreamGetResponse>((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch (e) {
      reject(new TransportError(`GET ${req.url}: not a URL`, 'EINVAL', { cause: e }));
      return;
    }
    if (req.signal?.aborted === true) {
      reject(new TransportError(`GET ${withoutQuery(req.url)}: aborted`, 'ABORT_ERR'));
      return;
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const tls = url.protocol === 'https:' ? options.tls : undefined;
    const call = send(url, { method: 'GET', headers: { ...req.headers }, ...tls });
    // Why the request was ended by us, reported instead of the reset it causes.
    const ended: { failure?: TransportError } = {};
    let response: IncomingMessage | undefined;
    const end = (failure: TransportError): void => {
      ended.failure ??= failure;
      // Before the answer the request fails with it; during the body, the body's reader reports it.
      if (response === undefined) call.destroy(failure);
      else if (!response.complete) response.destroy();
    };
    const onAbort = (): void => end(new TransportError(`GET ${withoutQuery(req.url)}: aborted`, 'ABORT_ERR'));
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => req.signal?.removeEventListener('abort', onAbort);
    // An idle socket, before or during the body: the same timer covers both.
    call.setTimeout(req.timeoutMs, () => {
      end(new TransportError(`GET ${withoutQuery(req.url)}: no answer within ${req.timeoutMs} ms`, 'ETIMEDOUT'));
    });
    call.on('error', (e) => {
      done();
      reject(tlsFailure(req.url, e) ?? (e instanceof TransportError ? e : transportError(req.url, e)));
    });
    call.on('response', (res: IncomingMessage) => {
      response = res;
      res.on('close', done);
      res.on('end', done);
      // The body's reader sees errors through its iterator; one after it stopped reading is no crash.
      res.on('error', () => undefined);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      resolve({
        status: res.statusCode ?? 0,
        headers,
        body: bodyOf(res, req.url, ended),
        discard: () => {
          res.resume();
          call.destroy();
        },
      });
    });
    call.end();
  });

/** The response's chunks; an error mid-body (a reset, the timeout, an abort) becomes a TransportError. */
async function* bodyOf(
  res: IncomingMessage,
  url: string,
  ended: { readonly failure?: TransportError },
): AsyncIterable<Buffer> {
  try {
    for await (const chunk of res) yield chunk as Buffer;
  } catch (e) {
    throw ended.failure ?? (e instanceof TransportError ? e : transportError(url, e));
  }
  if (ended.failure !== undefined) throw ended.failure;
  // A body cut short by destroy() ends without an error from the iterator on some Node versions.
  if (!res.complete) throw new TransportError(`GET ${withoutQuery(url)}: the answer was cut short`, 'ECONNRESET');
}

function transportError(url: string, e: unknown): TransportError {
  const errno = (e as NodeJS.ErrnoException).code ?? 'EIO';
  return new TransportError(`GET ${withoutQuery(url)}: ${(e as Error).message}`, errno, { cause: bareCause(e) });
}
