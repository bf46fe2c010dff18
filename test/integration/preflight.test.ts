import { connect, createServer, Socket } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { quorumReachability } from '../../src/zookeeper/reachability.js';

const cluster = inject('minicluster');

describe('pre-flight: which quorum members answer', () => {
  it('reports each member, and neither an unknown host nor a silent address holds the check up', async () => {
    // A port that refuses: bound, then closed.
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const port = (server.address() as { port: number }).port;
        server.close(() => resolve(port));
      });
    });
    const quorum = [cluster.zookeeper, `127.0.0.1:${closed}`, 'no-such-host.invalid:2181'].join(',');
    const started = Date.now();
    const results = await quorumReachability(quorum, 2_000);
    const elapsed = Date.now() - started;
    expect(results).toEqual([
      { member: cluster.zookeeper, up: true, reason: null },
      { member: `127.0.0.1:${closed}`, up: false, reason: 'refused' },
      { member: 'no-such-host.invalid:2181', up: false, reason: expect.stringMatching(/unresolvable|timeout/) },
    ]);
    expect(elapsed).toBeLessThan(2_000 + 1_500);
  });

  it('gives up on a member that never answers after the timeout, while the others are tried', async () => {
    // This sandbox's network answers even unroutable addresses, so a silent host is a socket that never connects.
    const silent = () => Object.assign(new Socket(), { connect: () => undefined });
    const dial = (o: { host: string; port: number }) => (o.host === 'silent.example' ? silent() : connect(o));
    const started = Date.now();
    const results = await quorumReachability(`${cluster.zookeeper},silent.example:2181`, 1_000, dial);
    expect(results.map((r) => [r.up, r.reason])).toEqual([
      [true, null],
      [false, 'timeout'],
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });
});
