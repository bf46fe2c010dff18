import { describe, expect, it } from 'vitest';
import type { HttpResponse, HttpTransport } from '../../../src/http/transport.js';
import { parseRemoteException, translateRmError, YarnError } from '../../../src/yarn/errors.js';
import {
  normalizeAppResponse,
  normalizeApps,
  normalizeAttempts,
  normalizeClusterInfo,
  normalizeNewApplication,
} from '../../../src/yarn/model.js';
import { ResourceManagerClient } from '../../../src/yarn/rm-client.js';

function rmError(f: () => unknown): YarnError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(YarnError);
    expect((e as YarnError).code).toBe('RM_UNEXPECTED_RESPONSE');
    return e as YarnError;
  }
  throw new Error('expected RM_UNEXPECTED_RESPONSE');
}

const app = { id: 'application_1_0001', state: 'RUNNING', startedTime: 1_700_000_000_000 };

describe('RM JSON that no ResourceManager sends is refused with RM_UNEXPECTED_RESPONSE', () => {
  it('a null (or a number) inside the app list, naming the element', () => {
    expect(rmError(() => normalizeApps({ apps: { app: [app, null] } })).message).toMatch(
      /apps\.app\[1\] is null, where an object was expected/,
    );
    rmError(() => normalizeApps({ apps: { app: 5 } }));
    rmError(() => normalizeApps({ apps: 'x' }));
    rmError(() => normalizeApps([null]));
    rmError(() => normalizeApps('apps'));
    rmError(() => normalizeAttempts({ appAttempts: { appAttempt: [null] } }));
  });

  it('numbers beyond 2^53 or not numbers at all, instead of a rounded value, NaN or 0', () => {
    expect(
      rmError(() => normalizeApps(JSON.parse('{"apps":{"app":[{"id":"a","startedTime":90071992547409930}]}}'))).message,
    ).toMatch(
      /application a: "startedTime" is beyond 2\^53 \(about 9\.007e\+16\), where a whole number below 2\^53 was expected/,
    );
    expect(rmError(() => normalizeApps({ apps: { app: [{ id: 'a', elapsedTime: 'soon' }] } })).message).toMatch(
      /"elapsedTime" is 'soon', where a number was expected/,
    );
    rmError(() => normalizeApps({ apps: { app: [{ id: 'a', progress: {} }] } }));
    rmError(() => normalizeClusterInfo({ clusterInfo: { id: 1e300 } }));
    rmError(() =>
      normalizeNewApplication({
        'application-id': 'application_1_1',
        'maximum-resource-capability': { memory: 'lots' },
      }),
    );
    // Numeric text is read exactly; absent is 0.
    expect(normalizeApps({ apps: { app: [{ id: 'a', startedTime: '12', progress: '12.5' }] } })[0]).toMatchObject({
      startedTime: 12,
      progress: 12.5,
      finishedTime: 0,
    });
  });

  it('wrappers and single objects that are not objects', () => {
    rmError(() => normalizeAppResponse(null));
    rmError(() => normalizeAppResponse({ app: [app] }));
    rmError(() => normalizeClusterInfo('ACTIVE'));
    rmError(() => normalizeNewApplication({}));
    rmError(() => normalizeApps({ apps: { app: [{ id: 'a', name: { nested: true } }] } }));
  });

  it('keeps long texts out of messages', () => {
    const e = rmError(() =>
      normalizeApps({ apps: { app: [{ id: 'x'.repeat(100_000), startedTime: 'y'.repeat(100_000) }] } }),
    );
    expect(e.message.length).toBeLessThan(600);
  });

  it('error bodies with odd RemoteException fields do not crash the translation', () => {
    expect(parseRemoteException('null')).toBeUndefined();
    expect(parseRemoteException('{"RemoteException":{"message":42,"exception":["x"]}}')).toEqual({});
    const e = translateRmError(500, JSON.stringify({ RemoteException: { message: 'm'.repeat(1_000_000) } }), {
      endpoint: 'http://rm:8088',
      method: 'GET',
      path: '/ws/v1/cluster/apps',
    });
    expect(e.message.length).toBeLessThan(600);
  });
});

describe('the RM client turns a malformed answer into a typed error', () => {
  const answering = (body: string): HttpTransport => ({
    request: async (): Promise<HttpResponse> => ({ status: 200, headers: {}, body }),
  });
  const client = (body: string): ResourceManagerClient =>
    new ResourceManagerClient({
      endpoints: ['http://rm:8088'],
      transport: answering(body),
      retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1, factor: 1 },
    });

  it('200,000 nested brackets', async () => {
    const e = await client(`{"apps":{"app":${'['.repeat(200_000)}${']'.repeat(200_000)}}}`)
      .apps()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(YarnError);
    expect((e as YarnError).code).toBe('RM_UNEXPECTED_RESPONSE');
    expect((e as YarnError).message).toMatch(/JSON nested deeper than 512 levels/);
  });

  it('a null in the list', async () => {
    const e = await client('{"apps":{"app":[null]}}')
      .apps()
      .catch((x: unknown) => x);
    expect((e as YarnError).code).toBe('RM_UNEXPECTED_RESPONSE');
  });

  it('a malformed cluster info from one RM of an HA pair fails over to the next', async () => {
    const transport: HttpTransport = {
      request: async (req): Promise<HttpResponse> => {
        if (req.url.startsWith('http://rm1')) return { status: 200, headers: {}, body: '{"clusterInfo":[1,2]}' };
        if (req.url.includes('/info')) {
          return { status: 200, headers: {}, body: JSON.stringify({ clusterInfo: { id: 1, haState: 'ACTIVE' } }) };
        }
        return { status: 200, headers: {}, body: '{"apps":null}' };
      },
    };
    const rm = new ResourceManagerClient({
      endpoints: ['http://rm1:8088', 'http://rm2:8088'],
      transport,
      retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1, factor: 1 },
    });
    expect(await rm.apps()).toEqual([]);
    expect(rm.activeEndpoint).toBe('http://rm2:8088');
  });
});
