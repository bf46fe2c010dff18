import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WebHdfsClient } from '../../src/hdfs/webhdfs-client.js';
import { writeSessionConfDir } from '../../src/operations/minicluster/index.js';
import { ResourceManagerClient } from '../../src/yarn/rm-client.js';
import { cli } from '../cli/run.js';
import { deployArgs, hdfsExists, home, user } from './helpers.js';

// The jar cache against the real cluster: a session deployed with -d fills it and uses its entries.
const cluster = inject('minicluster');
const rm = new ResourceManagerClient({ endpoints: [cluster.rm], user });
const hdfs = new WebHdfsClient({ endpoints: [cluster.webhdfs], user });
const conf = ['--yarn-conf-dir', cluster.confDir];
const UNUSED_DIGEST = 'f'.repeat(64);
let base: string;
let sessionId: string;
const unusedDir = () => `${base}/.flink-yarn/cache/${UNUSED_DIGEST}`;

interface Entry {
  digest: string;
  name: string;
  path: string;
  bytes: number;
  lastUsed: number;
  lastUsedFrom: string;
  applications: string[];
}
interface Item {
  kind: string;
  path: string;
  reason: string;
}
const json = <T>(args: string[]): T => {
  const r = cli([...args, ...conf, '-o', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
};

beforeAll(async () => {
  base = await home();
  await hdfs.upload(Buffer.from('nobody uses me'), `${unusedDir()}/unused.jar`, { overwrite: true });
  const flinkConf = writeSessionConfDir(cluster, mkdtempSync(join(tmpdir(), 'flink-yarn-it-cache-')), ['']);
  const r = cli(['session', ...deployArgs(flinkConf), '-d', '-nm', 'it-cache'], {}, 'flink-yarn', 240_000);
  expect(r.code, r.stderr).toBe(0);
  sessionId = (JSON.parse(r.stdout) as { applicationId: string }).applicationId;
}, 300_000);

afterAll(async () => {
  if (sessionId !== undefined) await rm.kill(sessionId).catch(() => undefined);
  await hdfs.delete(unusedDir(), true).catch(() => false);
});

/** The dist jar the cluster's Flink distribution ships. */
const distName = () => readdirSync(join(cluster.flinkHome, 'lib')).find((f) => /^flink-dist.*\.jar$/.test(f))!;

describe('cache ls and prune on the real cluster', () => {
  it('ls shows every entry, the running session using its dist jar, and the unused entry used by none', () => {
    const entries = json<Entry[]>(['cache', 'ls']);
    // The session's own dist jar: other Flink lines' dists may be cached too (the fidelity harness runs 2.x).
    const dist = entries.find((e) => e.name === distName());
    expect(dist?.applications).toContain(sessionId);
    expect(dist?.bytes).toBeGreaterThan(1_000_000);
    expect(dist?.path).toBe(`${base}/.flink-yarn/cache/${dist?.digest}/${dist?.name}`);
    const unused = entries.find((e) => e.name === 'unused.jar');
    expect(unused).toMatchObject({ digest: UNUSED_DIGEST, bytes: 14, applications: [] });
    expect(['access-time', 'modification-time']).toContain(unused?.lastUsedFrom);
    expect(Math.abs(Date.now() - (unused?.lastUsed ?? 0))).toBeLessThan(600_000);
  });

  it('prune --older-than 0s --dry-run lists the unused entry and removes nothing', async () => {
    const r = json<{ removed: Item[]; kept: Item[] }>(['cache', 'prune', '--older-than', '0s', '--dry-run']);
    expect(r.removed.map((i) => i.path)).toEqual(expect.arrayContaining([`${unusedDir()}/unused.jar`, unusedDir()]));
    expect(r.kept.find((i) => i.path.endsWith(`/${distName()}`))?.reason).toBe(`used by ${sessionId}`);
    expect(await hdfsExists(`${unusedDir()}/unused.jar`)).toBe(true);
  });

  it('prune --older-than 0s removes the unused entry and its digest directory, keeps what the session uses', async () => {
    const r = json<{ removed: Item[]; kept: Item[] }>(['cache', 'prune', '--older-than', '0s']);
    expect(r.removed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'cache-entry', path: `${unusedDir()}/unused.jar` }),
        expect.objectContaining({ kind: 'cache-dir', path: unusedDir() }),
      ]),
    );
    expect(await hdfsExists(unusedDir())).toBe(false);
    const entries = json<Entry[]>(['cache', 'ls']);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.applications.includes(sessionId))).toBe(true);
    // The session still runs on what it localized.
    expect((await rm.app(sessionId)).state).toBe('RUNNING');
  });

  it('a bad --older-than is bad usage', () => {
    const r = cli(['cache', 'prune', '--older-than', 'soon', ...conf]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--older-than soon/);
  });
});
