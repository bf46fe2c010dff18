import { describe, expect, it } from 'vitest';
import {
  TransportError,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
} from '../../../src/http/transport.js';
import type { YarnError } from '../../../src/yarn/errors.js';
import { RmUnreachableError } from '../../../src/yarn/errors.js';
import { ResourceManagerClient, type RmEvent } from '../../../src/yarn/rm-client.js';
import { json } from '../http/responses.js';

/** A transport that answers from a script per URL prefix and records what was sent. */
function scripted(
  routes: Record<string, (req: HttpRequest, n: number) => HttpResponse | Error>,
): HttpTransport & { sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  const counts = new Map<string, number>();
  return {
    sent,
    async request(req) {
      sent.push(req);
      const key = Object.keys(routes)
        .filter((k) => req.url.startsWith(k))
        .sort((a, b) => b.length - a.length)[0];
      if (key === undefined) throw new TransportError(`connect ECONNREFUSED ${req.url}`, 'ECONNREFUSED');
      const n = counts.get(key) ?? 0;
      counts.set(key, n + 1);
      const r = routes[key]!(req, n);
      if (r instanceof Error) throw r;
      return r;
    },
  };
}

const info = (haState: string) =>
  json({ clusterInfo: { id: 1, state: 'STARTED', haState, hadoopVersion: '3.4.1', resourceManagerVersion: '3.4.1' } });
const fast = { retries: 2, minDelayMs: 1, maxDelayMs: 2, factor: 1 };

describe('ResourceManagerClient', () => {
  it('finds the active RM of an HA pair and sends user.name', async () => {
    const t = scripted({
      'http://rm1:8088/ws/v1/cluster/info': () => info('STANDBY'),
      'http://rm2:8088/ws/v1/cluster/info': () => info('ACTIVE'),
      'http://rm2:8088/ws/v1/cluster/apps': () => json({ apps: null }),
    });
    const client = new ResourceManagerClient({
      endpoints: ['http://rm1:8088', 'http://rm2:8088'],
      transport: t,
      user: 'alice',
      retry: fast,
    });
    expect(await client.apps()).toEqual([]);
    expect(client.activeEndpoint).toBe('http://rm2:8088');
    expect(t.sent.at(-1)?.url).toBe('http://rm2:8088/ws/v1/cluster/apps?user.name=alice');
  });

  it("follows a standby's 307 keeping method and body", async () => {
    let posted: HttpRequest | undefined;
    const t = scripted({
      'http://rm1:8088/ws/v1/cluster/info': () => info('ACTIVE'),
      'http://rm1:8088/ws/v1/cluster/apps': () => ({
        status: 307,
        headers: { location: 'http://rm2:8088/ws/v1/cluster/apps' },
        body: 'This is standby RM.',
      }),
      'http://rm2:8088/ws/v1/cluster/apps': (req) => {
        posted = req;
        return { status: 202, headers: { location: 'http://rm2:8088/ws/v1/cluster/apps/app_1' }, body: '' };
      },
    });
    const client = new ResourceManagerClient({ endpoints: ['http://rm1:8088'], transport: t, retry: fast });
    await client.submit({ 'application-id': 'application_1_0001', 'application-name': 'x' });
    expect(posted?.method).toBe('POST');
    expect(JSON.parse(String(posted?.body))).toMatchObject({ 'application-id': 'application_1_0001' });
    expect(client.activeEndpoint).toBe('http://rm2:8088');
  });

  it('treats "There is no active RM right now." as retriable, never as success', async () => {
    const t = scripted({
      'http://rm1:8088/ws/v1/cluster/info': () => info('ACTIVE'),
      'http://rm1:8088/ws/v1/cluster/apps/app_1': (_req, n) =>
        n === 0
          ? { status: 200, headers: { 'content-type': 'text/plain' }, body: 'There is no active RM right now.' }
          : json({ app: { id: 'app_1', state: 'RUNNING' } }),
    });
    const events: RmEvent[] = [];
    const client = new ResourceManagerClient({
      endpoints: ['http://rm1:8088'],
      transport: t,
      retry: fast,
      onEvent: (e) => events.push(e),
    });
    expect((await client.app('app_1')).state).toBe('RUNNING');
    expect(events.map((e) => e.kind)).toContain('rm-retry');
  });

  it('fails over when an RM stops answering, and reports every RM with the last error', async () => {
    const t = scripted({});
    const client = new ResourceManagerClient({
      endpoints: ['http://rm1:8088', 'http://rm2:8088'],
      transport: t,
      retry: fast,
    });
    const err = await client.clusterInfo().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RmUnreachableError);
    expect((err as RmUnreachableError).code).toBe('RM_UNREACHABLE');
    expect((err as Error).message).toMatch(/rm1:8088.*rm2:8088.*Last error: ECONNREFUSED/);
  });

  it('never re-sends a submission whose outcome is unknown', async () => {
    let posts = 0;
    const t = scripted({
      'http://rm1:8088/ws/v1/cluster/info': () => info('ACTIVE'),
      'http://rm1:8088/ws/v1/cluster/apps': () => {
        posts++;
        return new TransportError('socket hang up', 'ECONNRESET');
      },
    });
    const client = new ResourceManagerClient({ endpoints: ['http://rm1:8088'], transport: t, retry: fast });
    await expect(client.submit({ 'application-id': 'a' })).rejects.toThrow(
      /lost its connection \(ECONNRESET\); the ResourceManager may or may not have applied it/,
    );
    expect(posts).toBe(1);
  });

  it('translates RemoteException bodies and statuses into typed errors', async () => {
    const remote = (status: number, exception: string, message: string) =>
      json({ RemoteException: { exception, message, javaClassName: `org.x.${exception}` } }, status);
    const t = scripted({
      'http://rm1:8088/ws/v1/cluster/info': () => info('ACTIVE'),
      'http://rm1:8088/ws/v1/cluster/apps/application_9_9': () =>
        remote(404, 'NotFoundException', 'app with id: application_9_9 not found'),
      'http://rm1:8088/ws/v1/cluster/apps/forbidden': () => remote(403, 'ForbiddenException', 'no'),
      'http://rm1:8088/ws/v1/cluster/apps/html': () => ({
        status: 200,
        headers: { 'content-type': 'text/html' },
        body: '<html><body>hi</body></html>',
      }),
    });
    const client = new ResourceManagerClient({ endpoints: ['http://rm1:8088'], transport: t, retry: fast });
    const notFound = (await client.app('application_9_9').catch((e: unknown) => e)) as YarnError;
    expect(notFound.code).toBe('RM_NOT_FOUND');
    expect(notFound.message).toMatch(/Application application_9_9 not found/);
    const forbidden = (await client.app('forbidden').catch((e: unknown) => e)) as YarnError;
    expect(forbidden.code).toBe('RM_FORBIDDEN');
    expect(forbidden.message).toMatch(/--user/);
    const html = (await client.app('html').catch((e: unknown) => e)) as YarnError;
    expect(html.code).toBe('RM_UNEXPECTED_RESPONSE');
    expect(html.message).toMatch(/HTML page where JSON was expected/);
  });

  it('gives an auth hint on 401 while probing', async () => {
    const t = scripted({
      'http://rm1:8088/ws/v1/cluster/info': () => ({ status: 401, headers: {}, body: 'Authentication required' }),
    });
    const client = new ResourceManagerClient({ endpoints: ['http://rm1:8088'], transport: t, retry: fast });
    await expect(client.clusterInfo()).rejects.toMatchObject({ code: 'RM_AUTH' });
  });
});
