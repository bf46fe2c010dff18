import axios, { type AxiosInstance } from 'axios';
import { constants } from 'node:buffer';
import { Agent as HttpAgent } from 'node:http';
import type { Readable } from 'node:stream';
import { Agent as HttpsAgent, type AgentOptions } from 'node:https';
import { tlsFailure } from './tls.js';
import {
  bareCause,
  DEFAULT_MAX_RESPONSE_BYTES,
  ResponseTooLargeError,
  TransportError,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  withoutQuery,
} from './transport.js';

export interface AxiosTransportOptions {
  /** TLS settings for https endpoints (CA: see trustOptions, client certificates, rejectUnauthorized). @default {} */
  readonly tls?: AgentOptions;
  /** Largest response body of a request that sets no `maxResponseBytes`. @default DEFAULT_MAX_RESPONSE_BYTES */
  readonly maxResponseBytes?: number;
}

/** A body beyond the limit, found while reading; the request turns it into ResponseTooLargeError. */
class BodyTooLarge extends Error {
  constructor(readonly announced: number | undefined) {
    super('response body too large');
  }
}

/**
 * The body as text, at most `limit` bytes. A Content-Length above the limit fails before a byte
 * is read; without one the count stops the download as soon as it passes the limit. With a
 * Content-Length the bytes go straight into one buffer of that size, so a 100 MB answer is not
 * also held as chunks and their concatenation when it is decoded.
 */
async function readBody(stream: Readable, contentLength: number | undefined, limit: number): Promise<string> {
  const known = contentLength !== undefined && Number.isSafeInteger(contentLength) && contentLength > 0;
  if (known && contentLength > limit) {
    stream.destroy();
    throw new BodyTooLarge(contentLength);
  }
  let whole: Buffer | undefined = known ? Buffer.allocUnsafe(contentLength) : undefined;
  let chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    // Leaving the loop destroys the stream: the rest is never downloaded.
    if (size + b.length > limit) throw new BodyTooLarge(undefined);
    if (whole !== undefined && size + b.length <= whole.length) b.copy(whole, size);
    else {
      // More than announced (or no length): fall back to collecting the chunks.
      if (whole !== undefined) chunks.push(whole.subarray(0, size));
      whole = undefined;
      chunks.push(b);
    }
    size += b.length;
  }
  if (whole === undefined) whole = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  chunks = [];
  return whole.toString('utf8', 0, size);
}

function lengthOf(value: unknown): number | undefined {
  const n = typeof value === 'string' || typeof value === 'number' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** The default transport: axios with keep-alive, no redirects followed, every status resolved. */
export function axiosTransport(options: AxiosTransportOptions = {}): HttpTransport {
  const client: AxiosInstance = axios.create({
    maxRedirects: 0,
    validateStatus: () => true,
    // The body is read here rather than by axios, which holds its chunks, their concatenation and
    // the string at once: three copies of a 100 MB application list.
    responseType: 'stream',
    httpAgent: new HttpAgent({ keepAlive: true }),
    httpsAgent: new HttpsAgent({ keepAlive: true, ...options.tls }),
    proxy: false,
  });
  const defaultLimit = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  return {
    async request(req: HttpRequest): Promise<HttpResponse> {
      // A body must fit one string, whatever the request allows.
      const limit = Math.min(req.maxResponseBytes ?? defaultLimit, constants.MAX_STRING_LENGTH);
      try {
        const res = await client.request<Readable>({
          method: req.method,
          url: req.url,
          headers: req.headers ?? {},
          data: req.body,
          ...(req.maxBodyLength !== undefined ? { maxBodyLength: req.maxBodyLength } : {}),
          timeout: req.timeoutMs,
          signal: AbortSignal.timeout(req.timeoutMs + 1_000),
        });
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (v !== undefined && v !== null) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
        }
        const body = await readBody(res.data, lengthOf(res.headers['content-length']), limit);
        return { status: res.status, headers, body };
      } catch (e) {
        if (e instanceof BodyTooLarge) throw new ResponseTooLargeError(req.method, req.url, limit, e.announced);
        // A certificate problem is no network failure: repeating the request, or another server, gets the same.
        const tls = tlsFailure(req.url, e);
        if (tls !== undefined) throw tls;
        const err = e as { code?: string; message?: string };
        const errno =
          err.code === 'ECONNABORTED' || err.code === 'ERR_CANCELED' ? 'ETIMEDOUT' : (err.code ?? 'EUNKNOWN');
        const what = errno === 'ETIMEDOUT' ? `timed out after ${req.timeoutMs} ms` : (err.message ?? String(e));
        // Not the query: it may carry a delegation token.
        throw new TransportError(`${req.method} ${withoutQuery(req.url)}: ${what}`, errno, { cause: bareCause(e) });
      }
    },
  };
}
