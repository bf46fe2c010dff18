import { inspect } from 'node:util';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlinkYarnError, UsageError, errorClassOf } from '../../../src/errors/index.js';
import { WebHdfsClient } from '../../../src/hdfs/webhdfs-client.js';
import { axiosTransport } from '../../../src/http/axios-transport.js';
import { streamGetWith } from '../../../src/http/stream-get.js';
import { parseCaBundle, readCaFile, tlsFailure, trustOptions } from '../../../src/http/tls.js';
import { TransportError } from '../../../src/http/transport.js';
import { ResourceManagerClient } from '../../../src/yarn/rm-client.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'tls');
/** A test CA, and a server certificate it signed for DNS:localhost only. */
const CA = join(FIXTURES, 'ca.pem');

let https: Server;
let plain: HttpServer;
let port: number;
let plainPort: number;
let handshakes = 0;

beforeAll(async () => {
  https = createServer(
    { key: readFileSync(join(FIXTURES, 'server-key.pem')), cert: readFileSync(join(FIXTURES, 'server.pem')) },
    (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"clusterInfo":{"haState":"ACTIVE"}}'),
  );
  // Every TLS connection attempt, failed ones included: a retry would show as another.
  https.on('connection', () => handshakes++);
  await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
  port = (https.address() as AddressInfo).port;
  plain = createHttpServer((_req, res) => res.end('{}'));
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  plainPort = (plain.address() as AddressInfo).port;
});

afterAll(async () => {
  https.closeAllConnections();
  plain.closeAllConnections();
  await Promise.all([new Promise((r) => https.close(r)), new Promise((r) => plain.close(r))]);
});

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

const get = (url: string) => ({ method: 'GET' as const, url, timeoutMs: 5000 });
const retries = { retries: 3, minDelayMs: 1, maxDelayMs: 2, factor: 1 };

describe('https with --ca', () => {
  it("trusts the file's CA besides Node's own roots", async () => {
    const t = axiosTransport({ tls: trustOptions(readCaFile(CA)) });
    expect((await t.request(get(`https://localhost:${port}/`))).status).toBe(200);
    const options = trustOptions(readCaFile(CA));
    expect((options.ca as string[]).length).toBeGreaterThan(100);
  });

  it('without it, TLS_UNTRUSTED naming host:port and the fix; the query never shows', async () => {
    const e = await failure(axiosTransport().request(get(`https://localhost:${port}/x?delegation=SECRETDT`)));
    expect(e).toBeInstanceOf(FlinkYarnError);
    expect(e).not.toBeInstanceOf(TransportError);
    expect((e as FlinkYarnError).code).toBe('TLS_UNTRUSTED');
    expect(errorClassOf('TLS_UNTRUSTED')).toBe('failure');
    expect(e.message).toContain(`localhost:${port}`);
    expect(e.message).toMatch(/--ca FILE.*NODE_EXTRA_CA_CERTS/);
    expect(e.message).toContain('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(e.message).not.toContain('SECRETDT');
  });

  it('a name the certificate is not for: TLS_UNTRUSTED saying which names it holds', async () => {
    const t = axiosTransport({ tls: trustOptions(readCaFile(CA)) });
    const e = (await failure(t.request(get(`https://127.0.0.1:${port}/`)))) as FlinkYarnError;
    expect(e.code).toBe('TLS_UNTRUSTED');
    expect(e.message).toContain(`127.0.0.1:${port}`);
    expect(e.message).toContain('DNS:localhost');
  });

  it('https to a plain HTTP port: TLS_FAILED asking whether it is an https port', async () => {
    const e = (await failure(axiosTransport().request(get(`https://127.0.0.1:${plainPort}/`)))) as FlinkYarnError;
    expect(e.code).toBe('TLS_FAILED');
    expect(e.message).toContain('https port');
  });

  it('is neither retried nor reported as unreachable by the RM and WebHDFS clients', async () => {
    handshakes = 0;
    const rm = new ResourceManagerClient({
      endpoints: [`https://localhost:${port}`, `https://localhost:${port}/`],
      transport: axiosTransport(),
      retry: retries,
    });
    const e1 = (await failure(rm.clusterInfo())) as FlinkYarnError;
    expect(e1.code).toBe('TLS_UNTRUSTED');
    expect(handshakes).toBe(1);
    const single = new ResourceManagerClient({
      endpoints: [`https://localhost:${port}`],
      transport: axiosTransport(),
      retry: retries,
    });
    expect(((await failure(single.apps())) as FlinkYarnError).code).toBe('TLS_UNTRUSTED');
    expect(handshakes).toBe(2);
    const hdfs = new WebHdfsClient({
      endpoints: [`https://localhost:${port}`],
      transport: axiosTransport(),
      retry: retries,
    });
    expect(((await failure(hdfs.status('/x'))) as FlinkYarnError).code).toBe('TLS_UNTRUSTED');
    expect(handshakes).toBe(3);
  });

  it('the streaming GET (container logs) trusts --ca too, and says TLS_UNTRUSTED without it', async () => {
    const trusted = await streamGetWith({ tls: trustOptions(readCaFile(CA)) })({
      url: `https://localhost:${port}/`,
      timeoutMs: 5000,
    });
    expect(trusted.status).toBe(200);
    trusted.discard();
    const e = (await failure(
      streamGetWith()({ url: `https://localhost:${port}/?delegation=SECRETDT`, timeoutMs: 5000 }),
    )) as FlinkYarnError;
    expect(e.code).toBe('TLS_UNTRUSTED');
    expect(e.message).not.toContain('SECRETDT');
  });

  it('tlsFailure leaves other network failures alone', () => {
    expect(
      tlsFailure('http://h:1/', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toBeUndefined();
    expect(tlsFailure('http://h:1/', Object.assign(new Error('x'), { code: 'EPROTO' }))).toBeUndefined();
    const wrapped = new Error('outer', {
      cause: Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }),
    });
    const e = tlsFailure('https://nn1:9871/webhdfs/v1/?op=X', wrapped)!;
    expect(e.code).toBe('TLS_UNTRUSTED');
    expect(e.message).toContain('nn1:9871');
    expect(e.message).toContain('renew');
  });
});

describe('--ca files that are bad usage (exit 2), naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flink-yarn-ca-'));

  const usage = (path: string, shown = path): UsageError => {
    try {
      readCaFile(path, shown);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      expect((e as UsageError).message).toContain(shown);
      expect(errorClassOf((e as UsageError).code)).toBe('usage');
      return e as UsageError;
    }
    throw new Error(`${path} was accepted`);
  };

  it('missing', () => {
    expect(usage(join(dir, 'nope.pem')).message).toContain('no such file');
  });

  it('a directory', () => {
    mkdirSync(join(dir, 'd.pem'));
    expect(usage(join(dir, 'd.pem')).message).toContain('not a regular file');
  });

  it.skipIf(process.platform === 'win32')('a FIFO, without blocking on it', () => {
    execFileSync('mkfifo', [join(dir, 'fifo.pem')]);
    expect(usage(join(dir, 'fifo.pem')).message).toContain('not a regular file');
  });

  it('not PEM, or a PEM block that is no certificate', () => {
    writeFileSync(join(dir, 'der.pem'), Buffer.from([0x30, 0x82, 0x01, 0x0a]));
    expect(usage(join(dir, 'der.pem'), 'der.pem').message).toContain('no PEM certificate');
    writeFileSync(join(dir, 'bad.pem'), '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n');
    expect(usage(join(dir, 'bad.pem')).message).toContain('certificate 1 of 1 cannot be read');
  });

  it('a bundle of several certificates, with text between them, is read whole', () => {
    const ca = readFileSync(CA, 'utf8');
    expect(parseCaBundle(`# ours\n${ca}\nsubject=...\n${ca}`, 'bundle.pem')).toHaveLength(2);
  });

  it('reads a hostile bundle in linear time: 50,000 BEGIN lines without an END', () => {
    const started = Date.now();
    expect(() => parseCaBundle('-----BEGIN CERTIFICATE-----\n'.repeat(50_000), 'x.pem')).toThrow(UsageError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses a --ca file larger than any CA bundle without reading it', () => {
    const big = join(mkdtempSync(join(tmpdir(), 'ca-big-')), 'big.pem');
    writeFileSync(big, Buffer.alloc(5 * 1024 * 1024, 0x41));
    expect(() => readCaFile(big)).toThrow(/bytes, more than any CA bundle/);
  });
});

describe('transport errors keep no request', () => {
  it("a failed request's error holds neither its headers nor its body", async () => {
    const t = axiosTransport();
    const e = await t
      .request({
        method: 'POST',
        url: 'http://127.0.0.1:9/ws?delegation=SECRETDT',
        headers: { Authorization: 'Negotiate SECRETTOKEN', Cookie: 'hadoop.auth=SECRETCOOKIE' },
        body: '{"credentials":"SECRETBODY"}',
        timeoutMs: 2_000,
      })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    const shown = inspect(e, { depth: 20 });
    for (const secret of ['SECRETDT', 'SECRETTOKEN', 'SECRETCOOKIE', 'SECRETBODY']) expect(shown).not.toContain(secret);
  });
});
