import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { WebHdfsClient, type HdfsEvent } from '../../../src/hdfs/webhdfs-client.js';
import {
  TransportError,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
} from '../../../src/http/transport.js';
import { json } from '../http/responses.js';
import { hdfsError } from './expect-hdfs-error.js';

/** Answers each request from `answer(host, op, req)`; records what was sent. */
function scripted(
  answer: (host: string, op: string, req: HttpRequest) => HttpResponse | Error,
): HttpTransport & { sent: HttpRequest[]; ops: () => string[] } {
  const sent: HttpRequest[] = [];
  return {
    sent,
    ops: () => sent.map((r) => `${new URL(r.url).host} ${new URL(r.url).searchParams.get('op')}`),
    async request(req) {
      sent.push(req);
      const url = new URL(req.url);
      if (req.body instanceof Readable) for await (const chunk of req.body) void chunk; // consume like a socket would
      const r = answer(url.host, url.searchParams.get('op') ?? '', req);
      if (r instanceof Error) throw r;
      return r;
    },
  };
}

const remote = (exception: string, message: string, status = 403) =>
  json({ RemoteException: { exception, javaClassName: `org.apache.hadoop.${exception}`, message } }, status);
const refused = (host: string) => new TransportError(`connect ECONNREFUSED ${host}`, 'ECONNREFUSED');
const reset = (host: string) => new TransportError(`socket hang up ${host}`, 'ECONNRESET');
const fileStatus = (length: number) =>
  json({
    FileStatus: {
      pathSuffix: '',
      type: 'FILE',
      length,
      modificationTime: 1_700_000_000_123,
      permission: '644',
      owner: 'alice',
      group: 'supergroup',
      replication: 1,
      blockSize: 134217728,
    },
  });
const located = (path: string) => json({ Location: `http://dn1:9864/webhdfs/v1${path}?op=CREATE&user.name=alice` });
const fast = { retries: 2, minDelayMs: 1, maxDelayMs: 2, factor: 1 };

function client(transport: HttpTransport, endpoints = ['http://nn1:9870', 'http://nn2:9870'], events?: HdfsEvent[]) {
  return new WebHdfsClient({
    endpoints,
    user: 'alice',
    transport,
    retry: fast,
    ...(events ? { onEvent: (e: HdfsEvent) => events.push(e) } : {}),
  });
}

describe('WebHdfsClient requests', () => {
  it('builds WebHDFS URLs with an encoded path, the op and user.name', async () => {
    const t = scripted(() => json({ boolean: true }));
    await client(t).mkdirs('/user/alice/with space/ü', '700');
    expect(t.sent[0]).toMatchObject({
      method: 'PUT',
      url: 'http://nn1:9870/webhdfs/v1/user/alice/with%20space/%C3%BC?op=MKDIRS&permission=700&user.name=alice',
    });
  });

  it('normalises GETFILESTATUS and answers null for a missing path', async () => {
    const t = scripted((_, op, req) =>
      req.url.includes('/missing')
        ? remote('FileNotFoundException', 'File does not exist: /missing', 404)
        : fileStatus(5),
    );
    expect(await client(t).status('/f')).toEqual({
      path: '/f',
      type: 'FILE',
      length: 5,
      modificationTime: 1_700_000_000_123,
      permission: '644',
      owner: 'alice',
      group: 'supergroup',
      replication: 1,
      blockSize: 134217728,
    });
    expect(await client(t).status('/missing')).toBeNull();
  });

  it('gives LISTSTATUS entries full paths', async () => {
    const t = scripted(() =>
      json({
        FileStatuses: {
          FileStatus: [
            { pathSuffix: 'a.jar', type: 'FILE', length: 1, modificationTime: 1 },
            { pathSuffix: 'lib', type: 'DIRECTORY', length: 0, modificationTime: 2 },
          ],
        },
      }),
    );
    expect((await client(t).list('/staging/')).map((s) => s.path)).toEqual(['/staging/a.jar', '/staging/lib']);
  });

  it('rejects relative paths and symbolic permissions before sending anything', async () => {
    const t = scripted(() => json({ boolean: true }));
    await expect(client(t).mkdirs('user/alice')).rejects.toMatchObject({ code: 'USAGE' });
    await expect(client(t).delete('/a/../b', true)).rejects.toMatchObject({ code: 'USAGE' });
    await expect(client(t).mkdirs('/a', 'u+rwx')).rejects.toMatchObject({ code: 'INVALID_VALUE' });
    expect(t.sent).toHaveLength(0);
  });

  it('follows the DataNode Location for OPEN and GETFILECHECKSUM', async () => {
    const t = scripted((host, op) => {
      if (host === 'nn1:9870') return json({ Location: `http://dn1:9864/webhdfs/v1/f?op=${op}&offset=0` });
      if (op === 'OPEN') return { status: 200, headers: {}, body: 'hello' };
      return json({ FileChecksum: { algorithm: 'MD5-of-0MD5-of-512CRC32C', bytes: 'abcd', length: 28 } });
    });
    expect((await client(t).open('/f')).toString()).toBe('hello');
    expect(await client(t).checksum('/f')).toEqual({
      algorithm: 'MD5-of-0MD5-of-512CRC32C',
      bytes: 'abcd',
      length: 28,
    });
    expect(t.sent[0]!.url).toContain('noredirect=true');
    expect(t.ops()).toEqual(['nn1:9870 OPEN', 'dn1:9864 OPEN', 'nn1:9870 GETFILECHECKSUM', 'dn1:9864 GETFILECHECKSUM']);
  });

  it('says so when an endpoint does not answer like a NameNode', async () => {
    const t = scripted(() => ({ status: 200, headers: {}, body: '<html>ResourceManager</html>' }));
    await expect(client(t).homeDirectory()).rejects.toMatchObject({ code: 'HDFS_UNEXPECTED_RESPONSE' });
  });
});

describe('WebHdfsClient failover', () => {
  it('fails over to the next NameNode on StandbyException, and stays there', async () => {
    const events: HdfsEvent[] = [];
    const t = scripted((host) =>
      host === 'nn1:9870'
        ? remote('StandbyException', 'Operation category READ is not supported in state standby')
        : json({ Path: '/user/alice' }),
    );
    const c = client(t, undefined, events);
    expect(await c.homeDirectory()).toBe('/user/alice');
    expect(await c.homeDirectory()).toBe('/user/alice');
    expect(t.ops()).toEqual(['nn1:9870 GETHOMEDIRECTORY', 'nn2:9870 GETHOMEDIRECTORY', 'nn2:9870 GETHOMEDIRECTORY']);
    expect(c.activeEndpoint).toBe('http://nn2:9870');
    expect(events).toEqual([
      { kind: 'hdfs-failover', from: 'http://nn1:9870', reason: 'standby' },
      { kind: 'hdfs-active', endpoint: 'http://nn2:9870' },
    ]);
  });

  it('fails over on connection refused', async () => {
    const t = scripted((host) => (host === 'nn1:9870' ? refused(host) : json({ boolean: true })));
    expect(await client(t).delete('/x', true)).toBe(true);
    expect(t.ops()).toEqual(['nn1:9870 DELETE', 'nn2:9870 DELETE']);
  });

  it('names every NameNode tried and the last error when none can be reached', async () => {
    const t = scripted((host) => refused(host));
    const error = await hdfsError(client(t).status('/x'));
    expect(error.code).toBe('HDFS_UNREACHABLE');
    expect(error.message).toMatch(/http:\/\/nn1:9870 \(connect ECONNREFUSED nn1:9870\), http:\/\/nn2:9870/);
    expect(error.message).toContain('Last error: connect ECONNREFUSED nn2:9870');
    expect(error.path).toBe('/x');
    // Walked both, three times (the first try and two retries).
    expect(t.sent).toHaveLength(6);
  });

  it('retries while every NameNode is standby, until one becomes active', async () => {
    let round = 0;
    const t = scripted((host) => {
      if (host === 'nn2:9870') round++;
      return round < 2 ? remote('StandbyException', 'standby') : json({ Path: '/user/alice' });
    });
    const events: HdfsEvent[] = [];
    expect(await client(t, undefined, events).homeDirectory()).toBe('/user/alice');
    expect(events.filter((e) => e.kind === 'hdfs-retry')).toHaveLength(1);
  });

  it('reports a failover in progress when every NameNode is standby', async () => {
    const t = scripted(() => remote('StandbyException', 'standby'));
    const error = await hdfsError(client(t).status('/x'));
    expect(error.code).toBe('HDFS_STANDBY');
    expect(error.message).toContain('No active NameNode among http://nn1:9870');
  });

  it('does not fail over on other errors', async () => {
    const t = scripted(() => remote('AccessControlException', 'Permission denied: user=alice'));
    const error = await hdfsError(client(t).list('/secret'));
    expect(error.code).toBe('HDFS_PERMISSION');
    expect(t.sent).toHaveLength(1);
  });

  it('retries an idempotent read after a reset connection, but not a permission error', async () => {
    let n = 0;
    const t = scripted((host) => (n++ === 0 ? reset(host) : json({ Path: '/user/alice' })));
    expect(await client(t, ['http://nn1:9870']).homeDirectory()).toBe('/user/alice');
    expect(t.sent).toHaveLength(2);
  });
});

describe('WebHdfsClient upload', () => {
  const dir = mkdtempSync(join(tmpdir(), 'webhdfs-unit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streams a local file to the DataNode named by the NameNode, then reads its status', async () => {
    const file = join(dir, 'job.jar');
    writeFileSync(file, Buffer.alloc(70_000, 7));
    let received = 0;
    const t = scripted((host, op, req) => {
      if (op === 'GETFILESTATUS') return fileStatus(70_000);
      if (host === 'nn1:9870') return located('/staging/job.jar');
      received = Number(req.headers?.['Content-Length']);
      return { status: 201, headers: { location: 'hdfs://nn1:8020/staging/job.jar' }, body: '' };
    });
    const events: HdfsEvent[] = [];
    const status = await client(t, undefined, events).upload(file, '/staging/job.jar', {
      overwrite: true,
      permission: '644',
      replication: 2,
    });
    expect(status).toMatchObject({ length: 70_000, modificationTime: 1_700_000_000_123 });
    const [create, put] = t.sent;
    expect(create!.url).toBe(
      'http://nn1:9870/webhdfs/v1/staging/job.jar?op=CREATE&overwrite=true&permission=644&replication=2&noredirect=true&user.name=alice',
    );
    expect(put!.url).toBe('http://dn1:9864/webhdfs/v1/staging/job.jar?op=CREATE&user.name=alice');
    expect(put!.body).toBeInstanceOf(Readable);
    expect(put!.maxBodyLength).toBe(Infinity);
    expect(received).toBe(70_000);
    expect(events).toContainEqual({
      kind: 'hdfs-upload',
      path: '/staging/job.jar',
      bytes: 70_000,
      datanode: 'http://dn1:9864',
    });
  });

  it('follows a 307 with a Location header from older NameNodes', async () => {
    const t = scripted((host, op) => {
      if (op === 'GETFILESTATUS') return fileStatus(3);
      if (host === 'nn1:9870')
        return { status: 307, headers: { location: 'http://dn2:9864/webhdfs/v1/f?op=CREATE' }, body: '' };
      return { status: 201, headers: {}, body: '' };
    });
    await client(t).upload(Buffer.from('abc'), '/f');
    expect(t.ops()).toEqual(['nn1:9870 CREATE', 'dn2:9864 CREATE', 'nn1:9870 GETFILESTATUS']);
  });

  it('does not repeat CREATE after a connection that may have reached the NameNode', async () => {
    const t = scripted((host) => reset(host));
    const error = await hdfsError(client(t).upload(Buffer.from('abc'), '/f', { overwrite: true }));
    expect(error.code).toBe('HDFS_UNREACHABLE');
    expect(error.retriable).toBe(false);
    expect(error.message).toContain('may or may not');
    expect(t.ops()).toEqual(['nn1:9870 CREATE']);
  });

  it('sends CREATE to the next NameNode when the first refused the connection', async () => {
    const t = scripted((host, op) => {
      if (host === 'nn1:9870') return refused(host);
      if (op === 'GETFILESTATUS') return fileStatus(3);
      if (host === 'nn2:9870') return located('/f');
      return { status: 201, headers: {}, body: '' };
    });
    await client(t).upload(Buffer.from('abc'), '/f');
    expect(t.ops()).toEqual(['nn1:9870 CREATE', 'nn2:9870 CREATE', 'dn1:9864 CREATE', 'nn2:9870 GETFILESTATUS']);
  });

  it('retries CREATE while the NameNode is in safe mode: it refused before acting', async () => {
    let n = 0;
    const t = scripted((host, op) => {
      if (op === 'GETFILESTATUS') return fileStatus(3);
      if (host === 'nn1:9870')
        return n++ === 0 ? remote('SafeModeException', 'Name node is in safe mode.') : located('/f');
      return { status: 201, headers: {}, body: '' };
    });
    await client(t, ['http://nn1:9870']).upload(Buffer.from('abc'), '/f');
    expect(t.ops()).toEqual(['nn1:9870 CREATE', 'nn1:9870 CREATE', 'dn1:9864 CREATE', 'nn1:9870 GETFILESTATUS']);
  });

  it('does not repeat a failed DataNode transfer unless overwriting is allowed', async () => {
    const t = scripted((host) => (host === 'nn1:9870' ? located('/f') : reset(host)));
    const error = await hdfsError(client(t).upload(Buffer.from('abc'), '/f'));
    expect(error.code).toBe('HDFS_UNREACHABLE');
    expect(error.endpoint).toBe('http://dn1:9864');
    expect(error.message).toContain('upload it again with overwrite');
    expect(t.ops()).toEqual(['nn1:9870 CREATE', 'dn1:9864 CREATE']);
  });

  it('repeats the whole CREATE after a failed DataNode transfer when overwriting, with a fresh stream', async () => {
    const file = join(dir, 'retry.jar');
    writeFileSync(file, 'twelve bytes');
    let puts = 0;
    const bodies: unknown[] = [];
    const t = scripted((host, op, req) => {
      if (op === 'GETFILESTATUS') return fileStatus(12);
      if (host === 'nn1:9870') return located('/f');
      bodies.push(req.body);
      return puts++ === 0 ? reset(host) : { status: 201, headers: {}, body: '' };
    });
    const events: HdfsEvent[] = [];
    await client(t, ['http://nn1:9870'], events).upload(file, '/f', { overwrite: true });
    expect(t.ops()).toEqual([
      'nn1:9870 CREATE',
      'dn1:9864 CREATE',
      'nn1:9870 CREATE',
      'dn1:9864 CREATE',
      'nn1:9870 GETFILESTATUS',
    ]);
    expect(bodies[0]).not.toBe(bodies[1]);
    expect(events.filter((e) => e.kind === 'hdfs-retry')).toMatchObject([{ op: 'CREATE', attempt: 1 }]);
  });

  it('does not repeat a transfer the DataNode refused', async () => {
    const t = scripted((host) =>
      host === 'nn1:9870' ? located('/f') : remote('AccessControlException', 'Permission denied: user=alice'),
    );
    const error = await hdfsError(client(t).upload(Buffer.from('abc'), '/f', { overwrite: true }));
    expect(error.code).toBe('HDFS_PERMISSION');
    expect(error.endpoint).toBe('http://dn1:9864');
    expect(error.message).toContain("as user 'alice'");
    expect(t.sent).toHaveLength(2);
  });

  it('reports an existing file found by the DataNode as HDFS_EXISTS', async () => {
    const t = scripted((host) =>
      host === 'nn1:9870'
        ? located('/f')
        : remote('FileAlreadyExistsException', '/f for client 127.0.0.1 already exists'),
    );
    await expect(client(t).upload(Buffer.from('abc'), '/f')).rejects.toMatchObject({ code: 'HDFS_EXISTS', path: '/f' });
  });

  it('checks that HDFS holds as many bytes as were sent', async () => {
    const t = scripted((host, op) => {
      if (op === 'GETFILESTATUS') return fileStatus(2);
      return host === 'nn1:9870' ? located('/f') : { status: 201, headers: {}, body: '' };
    });
    await expect(client(t).upload(Buffer.from('abc'), '/f')).rejects.toThrow(/Uploaded 3 bytes .* 2 bytes/);
  });

  it('refuses a local source that is not a file', async () => {
    const t = scripted(() => json({}));
    await expect(client(t).upload(dir, '/f')).rejects.toMatchObject({ code: 'USAGE' });
    await expect(client(t).upload(join(dir, 'absent'), '/f')).rejects.toMatchObject({ code: 'USAGE' });
    expect(t.sent).toHaveLength(0);
  });
});
