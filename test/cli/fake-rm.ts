import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixture } from './run.js';

/** A recorded ResourceManager answer (fixtures/rm/hadoop-3.4.2), parsed. */
export function recorded(name: string): Record<string, unknown> {
  const file = JSON.parse(readFileSync(fixture('rm', 'hadoop-3.4.2', `${name}.json`), 'utf8')) as { body: string };
  return JSON.parse(file.body) as Record<string, unknown>;
}

export interface Answer {
  readonly status?: number;
  readonly body: unknown;
}

export interface FakeRm {
  readonly url: string;
  close(): Promise<void>;
}

/** A loopback ResourceManager that answers each request from `route` (by path, query left off). */
export async function fakeRm(route: (path: string) => Answer): Promise<FakeRm> {
  const server = createServer((req, res) => {
    const { status = 200, body } = route(new URL(req.url ?? '/', 'http://rm').pathname);
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
