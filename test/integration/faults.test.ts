import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zookeeper from 'node-zookeeper-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { writeSessionConfDir } from '../../src/operations/minicluster/index.js';
import { WebHdfsClient } from '../../src/hdfs/webhdfs-client.js';
import { TERMINAL_STATES } from '../../src/yarn/model.js';
import { ResourceManagerClient } from '../../src/yarn/rm-client.js';
import { cli, cliAsync } from '../cli/run.js';
import { deployArgs, home, live, user, waitFor } from './helpers.js';

// A deploy broken at each phase, then leak accounting through the RM, WebHDFS and ZooKeeper: after
// gc (and, where the session was already submitted, a kill) nothing this run created is left.
const cluster = inject('minicluster');
const rm = new ResourceManagerClient({ endpoints: [cluster.rm], user });
const hdfs = new WebHdfsClient({ endpoints: [cluster.webhdfs], user });
const scratch = mkdtempSync(join(tmpdir(), 'flink-yarn-faults-'));
let base: string;
let conf: string;

interface Leaks {
  running: number;
  staging: number;
  partials: number;
  znodes: number;
}

/** A file of its own content, so that the jar cache has to upload it. */
function uniqueFile(name: string, mb: number): { path: string; digest: string } {
  const path = join(scratch, name);
  writeFileSync(path, randomBytes(mb * 1024 * 1024));
  return { path, digest: createHash('sha256').update(readFileSync(path)).digest('hex') };
}

async function partialsIn(digest?: string): Promise<number> {
  const cache = `${base}/.flink-yarn/cache`;
  const dirs =
    digest !== undefined ? [`${cache}/${digest}`] : (await hdfs.list(cache).catch(() => [])).map((d) => d.path);
  let n = 0;
  for (const d of dirs) n += (await hdfs.list(d).catch(() => [])).filter((f) => f.path.endsWith('.partial')).length;
  return n;
}

async function znodesUnder(path: string): Promise<number> {
  const zk = zookeeper.createClient(cluster.zookeeper, { sessionTimeout: 10_000 });
  await new Promise<void>((resolve) => {
    zk.once('connected', resolve);
    zk.connect();
  });
  const count = async (p: string): Promise<number> => {
    const kids = await new Promise<string[]>((resolve, reject) =>
      zk.getChildren(p, (e, c) => (e ? (e.getCode() === -101 ? resolve([]) : reject(e)) : resolve(c))),
    );
    const exists = await new Promise<boolean>((resolve, reject) =>
      zk.exists(p, (e, s) => (e ? reject(e) : resolve(s !== null))),
    );
    let n = exists ? 1 : 0;
    for (const k of kids) n += await count(`${p}/${k}`);
    return n;
  };
  try {
    return await count(path);
  } finally {
    zk.close();
  }
}

async function leaks(name: string, id: string | undefined): Promise<Leaks> {
  const apps = (await rm.apps({})).filter((a) => a.name === name && !TERMINAL_STATES.includes(a.state));
  return {
    running: apps.length,
    staging: id !== undefined && (await hdfs.status(`${base}/.flink/${id}`)) !== null ? 1 : 0,
    partials: await partialsIn(),
    znodes: id !== undefined ? await znodesUnder(`/flink/${id}`) : 0,
  };
}

function jobManagerAlive(applicationId: string): boolean {
  try {
    execFileSync('pgrep', ['-f', `${applicationId}.*ClusterEntry[Pp]oint`]);
    return true;
  } catch {
    return false;
  }
}

const NONE: Leaks = { running: 0, staging: 0, partials: 0, znodes: 0 };

function gcEverything(): void {
  const r = cli([
    'gc',
    '--yarn-conf-dir',
    cluster.confDir,
    '--flink-conf-dir',
    conf,
    '--ha',
    '--grace',
    '0',
    '-o',
    'json',
  ]);
  expect(r.code, r.stderr).toBe(0);
}

beforeAll(async () => {
  base = await home();
  conf = writeSessionConfDir(cluster, join(scratch, 'conf'));
});

afterAll(async () => {
  for (const app of await rm.apps({}))
    if (app.name.startsWith('it-fault-') && !TERMINAL_STATES.includes(app.state)) await rm.kill(app.id).catch(() => '');
});

describe('faults at every phase of a deploy, and what gc leaves (nothing)', () => {
  it('the client SIGKILLed during the upload leaves staging and a partial cache file; gc removes both', async () => {
    const big = uniqueFile('upload.bin', 200);
    const s = live(['session', ...deployArgs(conf), '-d', '-nm', 'it-fault-upload', '-t', big.path]);
    const [, id] = await s.waitFor(/application id (application_\d+_\d+)/);
    expect(await waitFor(async () => (await partialsIn(big.digest)) > 0, 60_000, 50)).toBe(true);
    s.child.kill('SIGKILL');
    await s.exit;
    const before = await leaks('it-fault-upload', id);
    console.log(`[faults] SIGKILL during upload, before gc: ${JSON.stringify(before)}`);
    expect(before).toMatchObject({ running: 0, staging: 1 });
    expect(before.partials).toBeGreaterThan(0);
    gcEverything();
    expect(await leaks('it-fault-upload', id)).toEqual(NONE);
  });

  for (const [phase, pattern] of [
    ['after the submission', /submitted application_/],
    ['while waiting for RUNNING', /YARN state (ACCEPTED|RUNNING)/],
  ] as const) {
    it(`the client SIGKILLed ${phase} leaves a running session; kill and gc leave nothing`, async () => {
      const name = `it-fault-${phase.split(' ')[0]}`;
      const s = live(['session', ...deployArgs(conf), '-d', '-nm', name]);
      const [, id] = await s.waitFor(/application id (application_\d+_\d+)/);
      await s.waitFor(pattern);
      s.child.kill('SIGKILL');
      await s.exit;
      // Nobody stops the session now: it comes up and writes its HA data.
      expect(await waitFor(async () => (await znodesUnder(`/flink/${id!}`)) > 0, 120_000)).toBe(true);
      const before = await leaks(name, id);
      console.log(`[faults] SIGKILL ${phase}, before kill and gc: ${JSON.stringify(before)}`);
      expect(before).toMatchObject({ running: 1, staging: 1 });
      expect(cli(['kill', id!, '--yes', '--yarn-conf-dir', cluster.confDir]).code).toBe(0);
      // YARN says KILLED before the NodeManager has ended the JobManager, which may still write.
      expect(await waitFor(async () => !jobManagerAlive(id!), 60_000, 250)).toBe(true);
      gcEverything();
      expect(await leaks(name, id)).toEqual(NONE);
    });
  }

  it('ZooKeeper that does not answer stops the deploy before anything is created', async () => {
    const down = writeSessionConfDir(cluster, join(scratch, 'zk-down'), [
      'high-availability.zookeeper.quorum: 127.0.0.1:1',
    ]);
    const r = cli(['session', ...deployArgs(down), '-d', '-nm', 'it-fault-zk']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\[ZK_NO_QUORUM\]/);
    expect(r.stderr).not.toMatch(/application id/);
    expect(await leaks('it-fault-zk', undefined)).toEqual(NONE);
  });

  it('the NameNode going away mid-upload: the deploy fails, what it could not remove gc removes', async () => {
    const big = uniqueFile('namenode.bin', 64);
    const proxy = await goneMidUpload(new URL(cluster.webhdfs));
    try {
      const args = deployArgs(conf).map((a) => (a === cluster.confDir ? proxy.confDir : a));
      // Not spawnSync: the front runs in this process and must keep answering while the deploy runs.
      const r = await cliAsync(['session', ...args, '-d', '-nm', 'it-fault-namenode', '-t', big.path]);
      expect(r.code).toBe(1);
      expect(proxy.cut()).toBe(true);
      const id = /application id (application_\d+_\d+)/.exec(r.stderr)?.[1];
      expect(id).toBeDefined();
      const before = await leaks('it-fault-namenode', id);
      console.log(`[faults] NameNode gone mid-upload, before gc: ${JSON.stringify(before)}`);
      expect(before.running).toBe(0);
      gcEverything();
      expect(await leaks('it-fault-namenode', id)).toEqual(NONE);
    } finally {
      proxy.close();
    }
  });
});

/**
 * A WebHDFS front (NameNode and DataNode) that forwards to the real ones until the first MiB of a
 * file has gone to a DataNode, then goes away: every connection is cut and none is accepted.
 */
async function goneMidUpload(namenode: URL): Promise<{ confDir: string; cut(): boolean; close(): void }> {
  let cut = false;
  let dnPort = 0;
  const sockets = new Set<Socket>();
  const goAway = (): void => {
    cut = true;
    front.close();
    datanode.close();
    for (const s of sockets) s.destroy();
  };
  const forward = (req: IncomingMessage, res: ServerResponse, to: URL, answer: (a: IncomingMessage) => void) => {
    const upstream = request(
      {
        host: to.hostname,
        port: to.port,
        path: `${to.pathname}${to.search}`,
        method: req.method,
        headers: req.headers,
      },
      answer,
    );
    upstream.on('error', () => res.destroy());
    return upstream;
  };
  const datanode = createServer((req, res) => {
    const to = new URL(new URL(req.url ?? '/', 'http://proxy').searchParams.get('to') ?? '');
    const upstream = forward(req, res, to, (a) => {
      res.writeHead(a.statusCode ?? 502, a.headers);
      a.pipe(res);
    });
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes >= 1024 * 1024 && !cut) goAway();
    });
    req.pipe(upstream);
  });
  const front: Server = createServer((req, res) => {
    const upstream = forward(req, res, new URL(req.url ?? '/', namenode), (answer) => {
      const headers = { ...answer.headers };
      if (!req.url?.includes('op=CREATE')) {
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
        return;
      }
      // CREATE names its DataNode in a redirect or (noredirect=true) in a JSON body: send it here instead.
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        let body = Buffer.concat(chunks).toString('utf8');
        const via = (to: string) => `http://127.0.0.1:${dnPort}/?to=${encodeURIComponent(to)}`;
        if (headers.location !== undefined) headers.location = via(headers.location);
        const located = (JSON.parse(body.startsWith('{') ? body : '{}') as { Location?: string }).Location;
        if (located !== undefined) body = JSON.stringify({ Location: via(located) });
        delete headers['transfer-encoding'];
        headers['content-length'] = String(Buffer.byteLength(body));
        res.writeHead(answer.statusCode ?? 502, headers);
        res.end(body);
      });
    });
    req.pipe(upstream);
  });
  for (const server of [front, datanode]) server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => datanode.listen(0, '127.0.0.1', r));
  dnPort = (datanode.address() as AddressInfo).port;
  const confDir = mkdtempSync(join(scratch, 'hadoop-'));
  for (const f of ['core-site.xml', 'yarn-site.xml']) copyFileSync(join(cluster.confDir, f), join(confDir, f));
  writeFileSync(
    join(confDir, 'hdfs-site.xml'),
    readFileSync(join(cluster.confDir, 'hdfs-site.xml'), 'utf8').replace(
      /(<name>dfs\.namenode\.http-address<\/name><value>)[^<]*/,
      `$1127.0.0.1:${(front.address() as AddressInfo).port}`,
    ),
  );
  return {
    confDir,
    cut: () => cut,
    close: () => {
      if (!cut) goAway();
    },
  };
}
