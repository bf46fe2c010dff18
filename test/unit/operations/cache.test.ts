import { describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../../src/http/transport.js';
import { cacheList, cachePrune, decidePrune, type CacheListing } from '../../../src/operations/cache.js';
import { json } from '../http/responses.js';
import { fakeInstallation } from './fake-cluster.js';

const HOME = '/user/alice';
const CACHE = `${HOME}/.flink-yarn/cache`;
const NOW = 1_800_000_000_000;
const DAY = 86_400_000;

interface Node {
  readonly type: 'FILE' | 'DIRECTORY';
  readonly content: string;
  readonly modificationTime: number;
  readonly accessTime: number;
}

/** A NameNode (a tree of paths; OPEN answered at the NameNode's redirect) and an RM that knows some applications. */
class FakeNameNodeAndRm implements HttpTransport {
  readonly nodes = new Map<string, Node>();
  readonly deleted: string[] = [];
  constructor(readonly states: Record<string, string>) {}

  file(path: string, content = 'x', modificationTime = NOW - 30 * DAY, accessTime = modificationTime): this {
    this.nodes.set(path, { type: 'FILE', content, modificationTime, accessTime });
    for (let p = path.slice(0, path.lastIndexOf('/')); p.length > 0; p = p.slice(0, p.lastIndexOf('/')))
      if (!this.nodes.has(p)) this.dir(p);
    return this;
  }

  dir(path: string, modificationTime = NOW - 30 * DAY): this {
    this.nodes.set(path, { type: 'DIRECTORY', content: '', modificationTime, accessTime: 0 });
    return this;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.url);
    if (url.host === 'rm:8088') {
      const id = /\/ws\/v1\/cluster\/apps\/([^/?]+)$/.exec(url.pathname)?.[1];
      const state = id === undefined ? undefined : this.states[id];
      if (state === undefined)
        return json({ RemoteException: { exception: 'NotFoundException', message: `app ${id} not found` } }, 404);
      return json({ app: { id, state, finalStatus: 'UNDEFINED', diagnostics: '' } });
    }
    if (url.host === 'dn:9864') {
      const path = decodeURIComponent(url.pathname.slice('/webhdfs/v1'.length));
      return { status: 200, headers: {}, body: this.nodes.get(path)?.content ?? '' };
    }
    const path = decodeURIComponent(url.pathname.slice('/webhdfs/v1'.length));
    const op = url.searchParams.get('op');
    const status = (p: string, n: Node, suffix: string) => ({
      pathSuffix: suffix,
      type: n.type,
      length: n.content.length,
      modificationTime: n.modificationTime,
      accessTime: n.accessTime,
      permission: '700',
      owner: 'alice',
      group: 'g',
      replication: n.type === 'FILE' ? 1 : 0,
      blockSize: n.type === 'FILE' ? 1 : 0,
    });
    const children = [...this.nodes].filter(
      ([p]) => p.startsWith(`${path}/`) && !p.slice(path.length + 1).includes('/'),
    );
    const notFound = json({ RemoteException: { exception: 'FileNotFoundException', message: `${path}` } }, 404);
    switch (op) {
      case 'GETHOMEDIRECTORY':
        return json({ Path: HOME });
      case 'LISTSTATUS':
        if (!this.nodes.has(path)) return notFound;
        return json({
          FileStatuses: { FileStatus: children.map(([p, n]) => status(p, n, p.slice(path.length + 1))) },
        });
      case 'OPEN':
        if (!this.nodes.has(path)) return notFound;
        return { status: 307, headers: { location: `http://dn:9864/webhdfs/v1${path}?op=OPEN` }, body: '' };
      case 'DELETE': {
        if (children.length > 0 && url.searchParams.get('recursive') !== 'true')
          return json({ RemoteException: { exception: 'PathIsNotEmptyDirectoryException', message: path } }, 403);
        const existed = this.nodes.delete(path);
        if (existed) this.deleted.push(path);
        return json({ boolean: existed });
      }
    }
    return json({}, 400);
  }
}

function options(fake: FakeNameNodeAndRm) {
  const { yarnConfDir } = fakeInstallation({});
  return { yarnConfDir, env: {}, cwd: '/', transport: fake, clock: { now: () => NOW, sleep: async () => {} } };
}

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);

/** dist used by the running app; lib old and unused; young accessed recently; an empty digest dir. */
function cluster(): FakeNameNodeAndRm {
  return new FakeNameNodeAndRm({ application_1_0001: 'RUNNING', application_1_0002: 'KILLED' })
    .file(`${CACHE}/${A}/flink-dist.jar`, 'dist')
    .file(`${CACHE}/${B}/old-lib.jar`, 'lib')
    .file(`${CACHE}/${C}/young.jar`, 'young', NOW - 30 * DAY, NOW - 3_600_000)
    .file(`${CACHE}/${C}/.abc.partial`, '')
    .dir(`${CACHE}/${'d'.repeat(64)}`)
    .file(`${HOME}/.flink/application_1_0001/flink-conf.yaml`)
    .file(`${HOME}/.flink/application_1_0001/cache-entries.txt`, `${A}/flink-dist.jar\n`)
    .file(`${HOME}/.flink/application_1_0002/flink-conf.yaml`)
    .file(`${HOME}/.flink/application_1_0002/cache-entries.txt`, `${B}/old-lib.jar\n`);
}

describe('cache ls', () => {
  it('lists entries with size, last use (and from where) and the running applications using them', async () => {
    const listing = await cacheList(options(cluster()));
    expect(listing.entries.map((e) => [e.name, e.bytes, e.lastUsedFrom, e.applications])).toEqual([
      ['flink-dist.jar', 4, 'modification-time', ['application_1_0001']],
      ['old-lib.jar', 3, 'modification-time', []],
      ['young.jar', 5, 'access-time', []],
    ]);
    expect(listing.entries[2]).toMatchObject({ digest: C, path: `${CACHE}/${C}/young.jar`, lastUsed: NOW - 3_600_000 });
    expect(listing.unknown).toEqual([]);
    expect(listing.digestDirs).toEqual([
      { path: `${CACHE}/${A}`, children: 1 },
      { path: `${CACHE}/${B}`, children: 1 },
      { path: `${CACHE}/${C}`, children: 2 },
      { path: `${CACHE}/${'d'.repeat(64)}`, children: 0 },
    ]);
  });

  it('a running application staged without a record is unknown; one with jars of its own uses nothing', async () => {
    const fake = cluster()
      .file(`${HOME}/.flink/application_1_0003/flink-conf.yaml`)
      .file(`${HOME}/.flink/application_1_0004/flink-dist.jar`);
    fake.states['application_1_0003'] = 'RUNNING';
    fake.states['application_1_0004'] = 'RUNNING';
    const listing = await cacheList(options(fake));
    expect(listing.unknown.map((u) => u.applicationId)).toEqual(['application_1_0003']);
  });

  it('a staging directory YARN does not know yet is a deploy in progress while young, a leftover when old', async () => {
    const fake = cluster()
      .dir(`${HOME}/.flink/application_1_0005`, NOW - 60_000)
      .dir(`${HOME}/.flink/application_1_0006`);
    const listing = await cacheList(options(fake));
    expect(listing.unknown).toEqual([{ applicationId: 'application_1_0005', reason: 'a deploy may be staging it' }]);
  });
});

describe('cache prune', () => {
  it('removes what no running application uses and nothing used within the period, then empty digest dirs', async () => {
    const fake = cluster();
    const result = await cachePrune({ ...options(fake), olderThanMs: 7 * DAY });
    expect(result.removed.map((r) => [r.kind, r.path])).toEqual([
      ['cache-entry', `${CACHE}/${B}/old-lib.jar`],
      ['cache-dir', `${CACHE}/${B}`],
      ['cache-dir', `${CACHE}/${'d'.repeat(64)}`],
    ]);
    expect(result.kept.map((k) => [k.path, k.reason])).toEqual([
      [`${CACHE}/${A}/flink-dist.jar`, 'used by application_1_0001'],
      [`${CACHE}/${C}/young.jar`, 'last used 60 min ago (access-time)'],
    ]);
    expect(fake.deleted).toEqual([`${CACHE}/${B}/old-lib.jar`, `${CACHE}/${B}`, `${CACHE}/${'d'.repeat(64)}`]);
    // The partial upload is gc's, and keeps its digest directory.
    expect(fake.nodes.has(`${CACHE}/${C}/.abc.partial`)).toBe(true);
  });

  it('--older-than 0s removes every unused entry, the used one stays', async () => {
    const result = await cachePrune({ ...options(cluster()), olderThanMs: 0 });
    expect(result.removed.filter((r) => r.kind === 'cache-entry').map((r) => r.path)).toEqual([
      `${CACHE}/${B}/old-lib.jar`,
      `${CACHE}/${C}/young.jar`,
    ]);
    expect(result.kept.map((k) => k.path)).toEqual([`${CACHE}/${A}/flink-dist.jar`]);
  });

  it('--dry-run lists and removes nothing', async () => {
    const fake = cluster();
    const result = await cachePrune({ ...options(fake), olderThanMs: 0, dryRun: true });
    expect(result.dryRun).toBe(true);
    expect(result.removed.map((r) => r.path)).toEqual([
      `${CACHE}/${B}/old-lib.jar`,
      `${CACHE}/${C}/young.jar`,
      `${CACHE}/${B}`,
      `${CACHE}/${'d'.repeat(64)}`,
    ]);
    // C keeps its partial upload, so its directory stays even in the listing.
    expect(fake.deleted).toEqual([]);
  });
});

describe('decidePrune', () => {
  const entry = (name: string, lastUsed: number, applications: string[] = []) => ({
    digest: A,
    name,
    path: `${CACHE}/${A}/${name}`,
    bytes: 1,
    lastUsed,
    lastUsedFrom: 'access-time' as const,
    applications,
  });
  const listing = (unknown: CacheListing['unknown'] = []): CacheListing => ({
    entries: [
      entry('used.jar', 0, ['application_1_0001']),
      entry('old.jar', NOW - 8 * DAY),
      entry('young.jar', NOW - DAY),
    ],
    unknown,
    digestDirs: [],
  });

  it('used stays, young stays, old and unused goes', () => {
    const d = decidePrune(listing(), NOW, 7 * DAY);
    expect(d.removed.map((r) => r.path)).toEqual([`${CACHE}/${A}/old.jar`]);
    expect(d.removed[0]?.reason).toBe('last used 8 d ago (access-time), used by no running application');
    expect(d.kept.map((k) => k.reason)).toEqual(['used by application_1_0001', 'last used 24 h ago (access-time)']);
  });

  it('nothing goes while a running application does not say what it uses', () => {
    const d = decidePrune(listing([{ applicationId: 'application_1_0009', reason: 'RUNNING' }]), NOW, 0);
    expect(d.removed).toEqual([]);
    expect(d.kept[1]?.reason).toBe('cannot tell what application_1_0009 (RUNNING) uses');
  });
});

describe('cache ls and prune as text', () => {
  const io = () => {
    let out = '';
    return {
      io: { stdout: { write: (t: string) => ((out += t), true) }, stderr: { write: () => true }, env: {}, cwd: '/' },
      out: () => out,
    };
  };

  it('ls: one line per entry, the applications using it, and which last-use time it shows', async () => {
    const { runCacheList } = await import('../../../src/cli/commands/cache.js');
    const t = io();
    // The handler passes what it is given on to the operation: here, the fake transport and clock.
    await runCacheList({ ...options(cluster()), output: 'text' } as never, t.io);
    const lines = t.out().split('\n');
    expect(lines[0]).toMatch(/^DIGEST\s+NAME\s+BYTES\s+LAST USED\s+USED BY$/);
    expect(lines.find((l) => l.includes('flink-dist.jar'))).toMatch(
      /^a{12}\s+flink-dist\.jar\s+4 .*application_1_0001$/,
    );
    expect(t.out()).toMatch(/\* no read recorded after the upload/);
  });

  it('prune --dry-run: what would go and what stays, with reasons', async () => {
    const { runCachePrune } = await import('../../../src/cli/commands/cache.js');
    const t = io();
    await runCachePrune({ ...options(cluster()), output: 'text', olderThanMs: 7 * DAY, dryRun: true } as never, t.io);
    expect(t.out()).toMatch(
      /^Would remove 3 paths:\n {2}\/user\/alice\/\.flink-yarn\/cache\/b{64}\/old-lib\.jar {2}last used 30 d ago/,
    );
    expect(t.out()).toMatch(/Kept 2 entries:\n.*flink-dist\.jar {2}used by application_1_0001/);
  });
});
