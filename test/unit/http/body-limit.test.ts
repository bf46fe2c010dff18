import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFlinkYarnError } from '../../../src/errors/index.js';
import { axiosTransport } from '../../../src/http/axios-transport.js';
import { DEFAULT_MAX_RESPONSE_BYTES, ResponseTooLargeError } from '../../../src/http/transport.js';
import { WebHdfsClient } from '../../../src/hdfs/webhdfs-client.js';
import { ResourceManagerClient } from '../../../src/yarn/rm-client.js';

/**
 * A real server, so the real transport streams: paths under `/announced` claim 5 GiB and trickle
 * bytes, under `/chunked` send 64 KiB chunks without a length until the client hangs up, and
 * anything else is a small JSON answer.
 */
let server: Server;
let base: string;
const hits = new Map<string, number>();
const sent = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const count = (n: number): void => void sent.set(path, (sent.get(path) ?? 0) + n);
    if (path.startsWith('/announced')) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(5 * 1024 ** 3) });
      const timer = setInterval(() => {
        res.write('[');
        count(1);
      }, 10);
      res.on('close', () => clearInterval(timer));
      return;
    }
    if (path.startsWith('/chunked')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        for (let more = true; more && !res.destroyed;) {
          more = res.write(chunk);
          count(chunk.length);
        }
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ apps: { app: [{ id: 'application_1_0001', state: 'RUNNING' }] } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const retries = { retries: 3, minDelayMs: 1, maxDelayMs: 2, factor: 1 };

describe('every HTTP body has a byte limit', () => {
  it('defaults to 256 MiB', () => {
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(256 * 1024 * 1024);
  });

  it('fails at once on a Content-Length above the limit, without reading or allocating it', async () => {
    const t = axiosTransport();
    const started = Date.now();
    const e = await t
      .request({ method: 'GET', url: `${base}/announced/x?token=s3cret`, timeoutMs: 10_000 })
      .catch((x: unknown) => x);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(e).toBeInstanceOf(ResponseTooLargeError);
    expect((e as ResponseTooLargeError).code).toBe('RESPONSE_TOO_LARGE');
    expect((e as ResponseTooLargeError).retriable).toBe(false);
    expect((e as Error).message).toMatch(/answered with 5120 MiB \(5368709120 bytes\), above the limit of 256 MiB/);
    expect((e as Error).message).not.toContain('s3cret');
  });

  it('stops a body without a length as soon as it passes the limit, per request or per transport', async () => {
    const perRequest = await axiosTransport()
      .request({ method: 'GET', url: `${base}/chunked/a`, timeoutMs: 10_000, maxResponseBytes: 1024 * 1024 })
      .catch((x: unknown) => x);
    expect(perRequest).toBeInstanceOf(ResponseTooLargeError);
    expect((perRequest as Error).message).toMatch(/more than 1 MiB/);
    const perTransport = await axiosTransport({ maxResponseBytes: 100_000 })
      .request({ method: 'GET', url: `${base}/chunked/b`, timeoutMs: 10_000 })
      .catch((x: unknown) => x);
    expect(perTransport).toBeInstanceOf(ResponseTooLargeError);
    // The server was cut off near the limit, not left to send its endless body.
    await new Promise((r) => setTimeout(r, 200));
    expect(sent.get('/chunked/b')!).toBeLessThan(20 * 1024 * 1024);
  });

  it('a body within the limit is read as before', async () => {
    const r = await axiosTransport({ maxResponseBytes: 1024 }).request({
      method: 'GET',
      url: `${base}/small`,
      timeoutMs: 10_000,
    });
    expect(JSON.parse(r.body)).toMatchObject({ apps: { app: [{ state: 'RUNNING' }] } });
  });

  it('is not retried by the ResourceManager client: the big body is fetched once', async () => {
    const rm = new ResourceManagerClient({
      endpoints: [base],
      transport: axiosTransport({ maxResponseBytes: 64 * 1024 }),
      retry: retries,
    });
    const e = await rm.json('GET', '/chunked/rm', { idempotent: true }).catch((x: unknown) => x);
    expect(isFlinkYarnError(e) && e.code).toBe('RESPONSE_TOO_LARGE');
    expect(hits.get('/chunked/rm')).toBe(1);
  });

  it('is not retried by the WebHDFS client either', async () => {
    const hdfs = new WebHdfsClient({
      endpoints: [`${base}/announced/nn`],
      transport: axiosTransport(),
      retry: retries,
    });
    const e = await hdfs.homeDirectory().catch((x: unknown) => x);
    expect(isFlinkYarnError(e) && e.code).toBe('RESPONSE_TOO_LARGE');
    expect(hits.get('/announced/nn/webhdfs/v1/')).toBe(1);
  });
});
