import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ZooKeeperReader } from '../../../src/zookeeper/client.js';
import { readHaNamespace } from '../../../src/zookeeper/ha-layout.js';
import { zkPath } from '../../../src/zookeeper/paths.js';

/** Leader records a real JVM wrote (fixtures/zookeeper). */
const [record] = readFileSync(
  join(import.meta.dirname, '..', '..', '..', 'fixtures', 'zookeeper', 'leader-records.tsv'),
  'utf8',
)
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => Buffer.from(l.split('\t')[2]!, 'hex'));

/** An in-memory ZooKeeper tree: path -> data. Parents exist implicitly. */
function tree(nodes: Record<string, Buffer>): ZooKeeperReader {
  const paths = new Set<string>();
  for (const p of Object.keys(nodes)) {
    const parts = p.split('/').filter((x) => x !== '');
    for (let i = 1; i <= parts.length; i++) paths.add(`/${parts.slice(0, i).join('/')}`);
  }
  return {
    exists: async (p) => paths.has(p),
    children: async (p) =>
      [...paths]
        .filter((x) => x.startsWith(`${p}/`) && !x.slice(p.length + 1).includes('/'))
        .map((x) => x.slice(p.length + 1)),
    data: async (p) => (paths.has(p) ? (nodes[p] ?? Buffer.alloc(0)) : null),
  };
}

const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

describe('reading an HA namespace in every Flink layout', () => {
  const ns = '/flink/application_1_0001';
  const job = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

  it('joins root and cluster-id as Flink does', () => {
    expect(zkPath('/flink', 'application_1_0001')).toBe(ns);
    expect(zkPath('/flink/', '/cluster_one')).toBe('/flink/cluster_one');
  });

  it('1.15+: one latch, connection_info per component, jobgraphs and jobs/<id>', async () => {
    const r = await readHaNamespace(
      tree({
        [`${ns}/leader/latch/_c_x-latch-0000000000`]: Buffer.alloc(0),
        [`${ns}/leader/rest_server/connection_info`]: record!,
        [`${ns}/leader/dispatcher/connection_info`]: record!,
        [`${ns}/leader/resource_manager/connection_info`]: Buffer.alloc(0),
        [`${ns}/jobgraphs/${job}`]: Buffer.from('pointer'),
        [`${ns}/jobs/${job}/checkpoint_id_counter`]: int32(7),
        [`${ns}/jobs/${job}/checkpoints/0000000000000000006`]: Buffer.from('x'),
      }),
      ns,
    );
    expect(r.layout).toBe('1.15+');
    expect(r.leaders.map((l) => [l.component, l.leader?.address ?? null])).toEqual([
      ['resource_manager', null],
      ['dispatcher', 'pekko.tcp://flink@localhost:6123/user/rpc/dispatcher_1'],
      ['rest_server', 'pekko.tcp://flink@localhost:6123/user/rpc/dispatcher_1'],
    ]);
    expect(r.jobs).toEqual([{ jobId: job, hasJobGraph: true, checkpointCounter: 7, checkpoints: 1 }]);
  });

  it('2.x: execution-plans instead of jobgraphs', async () => {
    const r = await readHaNamespace(
      tree({ [`${ns}/leader/latch/l`]: Buffer.alloc(0), [`${ns}/execution-plans/${job}`]: Buffer.from('p') }),
      ns,
    );
    expect(r.jobs).toEqual([{ jobId: job, hasJobGraph: true, checkpointCounter: null, checkpoints: 0 }]);
  });

  it('1.14: a latch per component', async () => {
    const r = await readHaNamespace(
      tree({
        [`${ns}/leader/dispatcher/latch/l`]: Buffer.alloc(0),
        [`${ns}/leader/dispatcher/connection_info`]: record!,
      }),
      ns,
    );
    expect(r.layout).toBe('1.14');
    expect(r.leaders[0]?.leader?.sessionId).toBe('5d1e7c2a-3b4f-4a6e-9c1d-0f2e3d4c5b6a');
  });

  it('1.3-1.13: lock nodes hold the leader, counters under checkpoint-counter', async () => {
    const r = await readHaNamespace(
      tree({
        [`${ns}/leader/dispatcher_lock`]: record!,
        [`${ns}/leader/${job}/job_manager_lock`]: record!,
        [`${ns}/checkpoint-counter/${job}`]: int32(3),
        [`${ns}/jobgraphs/${job}`]: Buffer.from('g'),
      }),
      ns,
    );
    expect(r.layout).toBe('1.3-1.13');
    expect(r.leaders.map((l) => l.component)).toEqual(['dispatcher', job]);
    expect(r.jobs[0]).toMatchObject({ jobId: job, checkpointCounter: 3, hasJobGraph: true });
  });

  it('reports a missing namespace, and a node that is not a leader record', async () => {
    expect((await readHaNamespace(tree({}), ns)).layout).toBe('missing');
    const r = await readHaNamespace(
      tree({
        [`${ns}/leader/latch/l`]: Buffer.alloc(0),
        [`${ns}/leader/dispatcher/connection_info`]: Buffer.from('garbage'),
      }),
      ns,
    );
    expect(r.leaders[0]).toMatchObject({
      component: 'dispatcher',
      leader: null,
      problem: expect.stringMatching(/malformed/),
    });
  });
});
