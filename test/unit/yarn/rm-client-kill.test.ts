import { describe, expect, it } from 'vitest';
import { manualClock, type Clock } from '../../../src/async/poll.js';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../../src/http/transport.js';
import { YarnError } from '../../../src/yarn/errors.js';
import { ResourceManagerClient } from '../../../src/yarn/rm-client.js';
import { json } from '../http/responses.js';

const ID = 'application_1_0001';
const APP = `http://rm1:8088/ws/v1/cluster/apps/${ID}`;

/** One RM: GET of the app answers `state()`, the PUT of its state answers `put(n)`. */
function rm(state: () => string, put: (n: number) => HttpResponse): HttpTransport & { sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  let puts = 0;
  return {
    sent,
    async request(req) {
      sent.push(req);
      if (req.method === 'PUT' && req.url.startsWith(`${APP}/state`)) return put(puts++);
      if (req.method === 'GET' && req.url.startsWith(APP)) return json({ app: { id: ID, state: state() } });
      return json({}, 404);
    },
  };
}

function recording(): Clock & { pauses: number[] } {
  const clock = manualClock();
  const pauses: number[] = [];
  return {
    pauses,
    now: clock.now,
    sleep: async (ms) => {
      pauses.push(ms);
      await clock.sleep(ms);
    },
  };
}

const client = (transport: HttpTransport, clock: Clock) =>
  new ResourceManagerClient({
    endpoints: ['http://rm1:8088'],
    transport,
    clock,
    retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1, factor: 1 },
  });

describe('ResourceManagerClient.kill', () => {
  it('repeats the PUT every pollMs while the RM answers 202, until it answers KILLED', async () => {
    const clock = recording();
    const t = rm(
      () => 'RUNNING',
      (n) => (n < 2 ? json({ state: 'RUNNING' }, 202) : json({ state: 'KILLED' })),
    );
    expect(await client(t, clock).kill(ID, { diagnostics: 'stop', pollMs: 250 })).toBe('KILLED');
    expect(t.sent.filter((r) => r.method === 'PUT')).toHaveLength(3);
    expect(JSON.parse(String(t.sent.find((r) => r.method === 'PUT')?.body))).toEqual({
      state: 'KILLED',
      diagnostics: 'stop',
    });
    expect(clock.pauses).toEqual([250, 250]);
  });

  it('sends nothing to an application that has already ended', async () => {
    const t = rm(
      () => 'FINISHED',
      () => json({}, 500),
    );
    expect(await client(t, recording()).kill(ID)).toBe('FINISHED');
    expect(t.sent.map((r) => r.method)).toEqual(['GET']);
  });

  it('gives up with a TIMEOUT naming the application, without waiting for real', async () => {
    const clock = recording();
    const started = Date.now();
    const t = rm(
      () => 'RUNNING',
      () => json({ state: 'RUNNING' }, 202),
    );
    const err = await client(t, clock)
      .kill(ID, { timeoutMs: 1_000, pollMs: 250 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(YarnError);
    expect(err).toMatchObject({
      code: 'TIMEOUT',
      applicationId: ID,
      message: `Application ${ID} was not KILLED within 1000 ms.`,
    });
    expect(clock.now()).toBe(1_000);
    expect(clock.pauses).toEqual([250, 250, 250, 250]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
