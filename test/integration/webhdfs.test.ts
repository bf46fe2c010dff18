import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { defaultFsUri, hdfsEndpoints } from '../../src/hdfs/endpoints.js';
import { HdfsError } from '../../src/hdfs/errors.js';
import { WebHdfsClient, type HdfsEvent } from '../../src/hdfs/webhdfs-client.js';

const cluster = inject('minicluster');
/** The NameNode runs as this user, which makes it the HDFS superuser. */
const user = process.env.HADOOP_USER_NAME ?? process.env.USER ?? 'root';
const fast = { retries: 2, minDelayMs: 10, maxDelayMs: 50, factor: 2 };

const client = (as = user, events?: HdfsEvent[]) =>
  new WebHdfsClient({
    endpoints: [cluster.webhdfs],
    user: as,
    retry: fast,
    ...(events ? { onEvent: (e: HdfsEvent) => events.push(e) } : {}),
  });

async function expectHdfsError(promise: Promise<unknown>): Promise<HdfsError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(HdfsError);
    return e as HdfsError;
  }
  throw new Error('expected an HdfsError');
}

describe('WebHdfsClient against the minicluster NameNode', () => {
  const base = `/tmp/flink-yarn-webhdfs-it-${Date.now()}`;
  let local: string;

  beforeAll(async () => {
    local = mkdtempSync(join(tmpdir(), 'webhdfs-it-'));
    // A shared parent other users can write into, like /tmp on a real cluster.
    await client().mkdirs(base);
    await client().setPermission(base, '777');
  });

  afterAll(async () => {
    rmSync(local, { recursive: true, force: true });
    await client().delete(base, true);
  });

  it('finds the home directory of the user', async () => {
    expect(await client().homeDirectory()).toBe(`/user/${user}`);
    expect(await client('alice').homeDirectory()).toBe('/user/alice');
  });

  it('creates a directory with mode 700', async () => {
    const dir = `${base}/private/nested`;
    await client().mkdirs(dir, '700');
    const status = await client().status(dir);
    expect(status).toMatchObject({ path: dir, type: 'DIRECTORY', permission: '700', owner: user, length: 0 });
    // MKDIRS of an existing directory is not an error.
    await client().mkdirs(dir, '700');
    await client().setPermission(dir, '750');
    expect((await client().status(dir))?.permission).toBe('750');
  });

  it('uploads a local file of a few MB and reports what GETFILESTATUS reports', async () => {
    const file = join(local, 'job.jar');
    writeFileSync(file, randomBytes(3 * 1024 * 1024 + 17));
    const events: HdfsEvent[] = [];
    const target = `${base}/staging/job.jar`;
    const uploaded = await client(user, events).upload(file, target, { permission: '644' });
    expect(uploaded).toMatchObject({ path: target, type: 'FILE', length: statSync(file).size, permission: '644' });
    expect(uploaded.modificationTime).toBeGreaterThan(Date.now() - 120_000);
    expect(await client().status(target)).toEqual(uploaded);
    expect(events.find((e) => e.kind === 'hdfs-upload')).toMatchObject({ path: target, bytes: statSync(file).size });
  });

  it('refuses to replace a file unless asked to overwrite, and overwrites when asked', async () => {
    const target = `${base}/overwrite.txt`;
    const first = await client().upload(Buffer.from('first version\n'), target);
    expect(first.length).toBe(14);
    const error = await expectHdfsError(client().upload(Buffer.from('second\n'), target));
    expect(error.code).toBe('HDFS_EXISTS');
    expect(error.message).toContain(target);
    expect((await client().open(target)).toString()).toBe('first version\n');
    const second = await client().upload(Buffer.from('second\n'), target, { overwrite: true });
    expect(second.length).toBe(7);
    expect(second.modificationTime).toBeGreaterThanOrEqual(first.modificationTime);
    expect((await client().open(target)).toString()).toBe('second\n');
  });

  it('reads back a text file with open()', async () => {
    const text = 'jobmanager.rpc.port: 6123\nnon-ascii: \u00e9\u00e8\u4e2d\n';
    const target = `${base}/conf/config.yaml`;
    await client().upload(Buffer.from(text), target);
    expect((await client().open(target)).toString('utf8')).toBe(text);
  });

  it('computes equal checksums for equal contents and different ones otherwise', async () => {
    const bytes = randomBytes(100_000);
    const a = await client().upload(bytes, `${base}/sum/a.bin`);
    await client().upload(bytes, `${base}/sum/b.bin`);
    await client().upload(randomBytes(100_000), `${base}/sum/c.bin`);
    const [sa, sb, sc] = await Promise.all(['a', 'b', 'c'].map((n) => client().checksum(`${base}/sum/${n}.bin`)));
    expect(sa!.algorithm).toMatch(/MD5-of-\d+MD5-of-\d+CRC32C?/);
    expect(sa!.bytes).toMatch(/^[0-9a-f]+$/);
    expect(sa!.bytes).toBe(sb!.bytes);
    expect(sa!.bytes).not.toBe(sc!.bytes);
    expect(a.length).toBe(100_000);
  });

  it('lists a directory with full paths', async () => {
    await client().upload(Buffer.from('x'), `${base}/listing/one`);
    await client().mkdirs(`${base}/listing/two`);
    const entries = await client().list(`${base}/listing`);
    expect(entries.map((e) => [e.path, e.type]).sort()).toEqual([
      [`${base}/listing/one`, 'FILE'],
      [`${base}/listing/two`, 'DIRECTORY'],
    ]);
    // LISTSTATUS of a file lists the file itself.
    expect((await client().list(`${base}/listing/one`)).map((e) => e.path)).toEqual([`${base}/listing/one`]);
  });

  it('deletes recursively, and says false when nothing was there', async () => {
    await client().upload(Buffer.from('x'), `${base}/doomed/a/b/c.txt`);
    const notEmpty = await expectHdfsError(client().delete(`${base}/doomed`, false));
    expect(notEmpty.code).toBe('HDFS_BAD_REQUEST');
    expect(await client().delete(`${base}/doomed`, true)).toBe(true);
    expect(await client().status(`${base}/doomed`)).toBeNull();
    expect(await client().delete(`${base}/doomed`, true)).toBe(false);
  });

  it('reports a missing path as HDFS_NOT_FOUND with the path and the NameNode', async () => {
    const missing = `${base}/no/such/file`;
    expect(await client().status(missing)).toBeNull();
    for (const attempt of [
      () => client().list(missing),
      () => client().open(missing),
      () => client().checksum(missing),
    ]) {
      const error = await expectHdfsError(attempt());
      expect(error.code).toBe('HDFS_NOT_FOUND');
      expect(error.path).toBe(missing);
      expect(error.message).toContain(missing);
      expect(error.retriable).toBe(false);
    }
  });

  it("refuses bob in alice's 700 directory, naming the user", async () => {
    const aliceDir = `${base}/alice`;
    await client('alice').mkdirs(aliceDir, '700');
    expect(await client('alice').status(aliceDir)).toMatchObject({ owner: 'alice', permission: '700' });
    await client('alice').upload(Buffer.from('secret'), `${aliceDir}/secret.txt`);

    const write = await expectHdfsError(client('bob').upload(Buffer.from('intruder'), `${aliceDir}/bob.txt`));
    expect(write.code).toBe('HDFS_PERMISSION');
    expect(write.exception).toBe('AccessControlException');
    expect(write.message).toContain("'bob'");
    expect(write.message).toContain(`${aliceDir}/bob.txt`);
    // The DataNode, not the NameNode, refuses it (CREATE's first step checks nothing), and its
    // message carries a Java stack trace that must not reach users.
    expect(write.endpoint).not.toBe(cluster.webhdfs);
    expect(write.message).not.toMatch(/\tat org\.apache/);

    const list = await expectHdfsError(client('bob').list(aliceDir));
    expect(list.code).toBe('HDFS_PERMISSION');
    const read = await expectHdfsError(client('bob').open(`${aliceDir}/secret.txt`));
    expect(read.code).toBe('HDFS_PERMISSION');
    const mkdir = await expectHdfsError(client('bob').mkdirs(`${aliceDir}/sub`));
    expect(mkdir.code).toBe('HDFS_PERMISSION');
    // The superuser is not bound by modes.
    expect((await client().open(`${aliceDir}/secret.txt`)).toString()).toBe('secret');
  });

  it('fails over past a NameNode that refuses connections', async () => {
    const events: HdfsEvent[] = [];
    const c = new WebHdfsClient({
      endpoints: ['http://127.0.0.1:1', cluster.webhdfs],
      user,
      retry: fast,
      onEvent: (e) => events.push(e),
    });
    expect(await c.homeDirectory()).toBe(`/user/${user}`);
    expect(c.activeEndpoint).toBe(cluster.webhdfs);
    expect(events.map((e) => e.kind)).toEqual(['hdfs-failover', 'hdfs-active']);
    // The next request goes straight to the NameNode that answered.
    const uploaded = await c.upload(Buffer.from('via failover'), `${base}/failover.txt`);
    expect(uploaded.length).toBe(12);
    expect(events.filter((e) => e.kind === 'hdfs-failover')).toHaveLength(1);
  });

  it('names every NameNode tried when none answers', async () => {
    const c = new WebHdfsClient({
      endpoints: ['http://127.0.0.1:1', 'http://127.0.0.1:2'],
      user,
      retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1, factor: 1 },
    });
    const error = await expectHdfsError(c.status('/'));
    expect(error.code).toBe('HDFS_UNREACHABLE');
    expect(error.message).toContain('http://127.0.0.1:1');
    expect(error.message).toContain('http://127.0.0.1:2');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('resolves the WebHDFS endpoint and the default FS from the real configuration files', async () => {
    const config = loadConfig({
      flinkConfDir: undefined,
      yarnConfDir: cluster.confDir,
      hdfs: true,
      expansion: { env: {}, systemProperties: {} },
    });
    const endpoints = hdfsEndpoints(config.hadoop, 'localhost');
    expect(endpoints).toEqual([cluster.webhdfs.replace(/\/+$/, '')]);
    expect(defaultFsUri(config.hadoop)).toMatch(/^hdfs:\/\/[^/]+:\d+$/);
    // The endpoints found from the files serve requests.
    const c = new WebHdfsClient({ endpoints, user });
    expect((await c.status('/'))?.type).toBe('DIRECTORY');
  });
});
