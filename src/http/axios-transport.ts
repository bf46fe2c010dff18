import axios, { type AxiosInstance } from 'axios';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions } from 'node:https';
import { TransportError, type HttpRequest, type HttpResponse, type HttpTransport } from './transport.js';

export interface AxiosTransportOptions {
  /** TLS settings for https endpoints (CA, client certificates, rejectUnauthorized). @default {} */
  readonly tls?: AgentOptions;
}

/** The default transport: axios with keep-alive, no redirects followed, every status resolved. */
export function axiosTransport(options: AxiosTransportOptions = {}): HttpTransport {
  const client: AxiosInstance = axios.create({
    maxRedirects: 0,
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    httpAgent: new HttpAgent({ keepAlive: true }),
    httpsAgent: new HttpsAgent({ keepAlive: true, ...options.tls }),
    proxy: false,
  });
  return {
    async request(req: HttpRequest): Promise<HttpResponse> {
      try {
        const res = await client.request<string>({
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
        return { status: res.status, headers, body: typeof res.data === 'string' ? res.data : String(res.data ?? '') };
      } catch (e) {
        const err = e as { code?: string; message?: string };
        const errno =
          err.code === 'ECONNABORTED' || err.code === 'ERR_CANCELED' ? 'ETIMEDOUT' : (err.code ?? 'EUNKNOWN');
        const what = errno === 'ETIMEDOUT' ? `timed out after ${req.timeoutMs} ms` : (err.message ?? String(e));
        throw new TransportError(`${req.method} ${req.url}: ${what}`, errno, { cause: e });
      }
    },
  };
}
