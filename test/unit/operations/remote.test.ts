import { describe, expect, it } from 'vitest';
import { FlinkYarnError, UsageError } from '../../../src/errors/index.js';
import type { HdfsFileStatus } from '../../../src/hdfs/model.js';
import type { WebHdfsClient } from '../../../src/hdfs/webhdfs-client.js';
import { registerRemote, type RemoteSource } from '../../../src/operations/session/remote.js';

const FS = 'hdfs://nn:8020';

/**
 * A NameNode holding `files` (path → permission, or [permission, length]); every ancestor
 * directory exists, 755 unless listed in `dirs`. Records what was asked.
 */
function fakeHdfs(
  files: Record<string, string | [string, number]>,
  dirs: Record<string, string> = {},
): WebHdfsClient & { asked: string[] } {
  const entries = new Map<string, HdfsFileStatus>();
  const put = (path: string, type: 'FILE' | 'DIRECTORY', permission: string, length = 0) =>
    entries.set(path, {
      path,
      type,
      length,
      modificationTime: 1_700_000_000_000 + entries.size,
      permission,
      owner: 'hdfs',
      group: 'supergroup',
      replication: type === 'FILE' ? 3 : 0,
      blockSize: type === 'FILE' ? 134217728 : 0,
    });
  for (const [path, spec] of Object.entries(files)) {
    const parts = path.split('/').filter((p) => p !== '');
    for (let i = 0; i < parts.length - 1; i++) {
      const dir = `/${parts.slice(0, i + 1).join('/')}`;
      if (!entries.has(dir)) put(dir, 'DIRECTORY', dirs[dir] ?? '755');
    }
    const [permission, length] = typeof spec === 'string' ? [spec, 100] : spec;
    put(path, 'FILE', permission, length);
  }
  for (const [dir, permission] of Object.entries(dirs)) if (!entries.has(dir)) put(dir, 'DIRECTORY', permission);
  put('/', 'DIRECTORY', dirs['/'] ?? '755');
  const asked: string[] = [];
  const fake = {
    asked,
    async status(path: string) {
      asked.push(`status ${path}`);
      return entries.get(path) ?? null;
    },
    async list(path: string) {
      asked.push(`list ${path}`);
      return [...entries.values()].filter(
        (e) =>
          e.path !== path &&
          e.path.startsWith(path === '/' ? '/' : `${path}/`) &&
          !e.path.slice(path.length + 1).includes('/'),
      );
    },
  };
  return fake as unknown as WebHdfsClient & { asked: string[] };
}

const DIST = {
  '/flink/dist/lib/flink-dist-1.20.1.jar': ['644', 120_000] as [string, number],
  '/flink/dist/lib/a.jar': '644',
  '/flink/dist/plugins/p/x.jar': '644',
  '/flink/dist/log4j.properties': '644',
};

const lib = (path: string): RemoteSource => ({ kind: 'provided-lib', option: 'yarn.provided.lib.dirs', path });
const home = async () => '/user/alice';

async function usageError(p: Promise<unknown>): Promise<UsageError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('registerRemote: yarn.provided.lib.dirs', () => {
  it("registers every file, keyed relative to the directory's parent, PUBLIC, with the dist, plugin and ship roles", async () => {
    const hdfs = fakeHdfs(DIST);
    const { resources, diagnostics } = await registerRemote(hdfs, FS, home, [lib('/flink/dist')]);
    expect(diagnostics).toEqual([]);
    expect(resources.map((r) => [r.key, r.role])).toEqual([
      ['dist/lib/a.jar', 'ship'],
      ['dist/lib/flink-dist-1.20.1.jar', 'dist'],
      ['dist/log4j.properties', 'ship'],
      ['dist/plugins/p/x.jar', 'plugin'],
    ]);
    expect(resources.every((r) => r.visibility === 'PUBLIC' && r.type === 'FILE')).toBe(true);
    const dist = resources.find((r) => r.role === 'dist')!;
    const status = (await hdfs.status('/flink/dist/lib/flink-dist-1.20.1.jar'))!;
    expect(dist).toEqual({
      key: 'dist/lib/flink-dist-1.20.1.jar',
      uri: 'hdfs://nn:8020/flink/dist/lib/flink-dist-1.20.1.jar',
      size: 120_000,
      modificationTime: status.modificationTime,
      visibility: 'PUBLIC',
      type: 'FILE',
      role: 'dist',
    });
  });

  it('keys lib/ and plugins/ given as two dirs as Flink does: lib/..., plugins/...', async () => {
    const hdfs = fakeHdfs(DIST);
    const { resources } = await registerRemote(hdfs, FS, home, [lib('/flink/dist/lib'), lib('/flink/dist/plugins')]);
    expect(resources.map((r) => r.key)).toEqual(['lib/a.jar', 'lib/flink-dist-1.20.1.jar', 'plugins/p/x.jar']);
  });

  it('warns about a missing provided dir (PROVIDED_LIB_DIR_MISSING) and deploys with the others', async () => {
    const hdfs = fakeHdfs(DIST);
    const { resources, diagnostics } = await registerRemote(hdfs, FS, home, [lib('/flink/gone'), lib('/flink/dist')]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      severity: 'warning',
      code: 'PROVIDED_LIB_DIR_MISSING',
      key: 'yarn.provided.lib.dirs',
    });
    expect(diagnostics[0]!.message).toContain('hdfs://nn:8020/flink/gone');
    expect(resources.some((r) => r.role === 'dist')).toBe(true);
  });

  it('treats a provided "dir" that is a file as missing', async () => {
    const hdfs = fakeHdfs(DIST);
    const { diagnostics } = await registerRemote(hdfs, FS, home, [
      lib('/flink/dist/log4j.properties'),
      lib('/flink/dist'),
    ]);
    expect(diagnostics.map((d) => d.code)).toEqual(['PROVIDED_LIB_DIR_MISSING']);
  });

  it('refuses provided dirs without a flink-dist jar, a missing dir alone included', async () => {
    const hdfs = fakeHdfs({ '/flink/lib/a.jar': '644' });
    expect((await usageError(registerRemote(hdfs, FS, home, [lib('/flink/lib')]))).message).toMatch(
      /yarn\.provided\.lib\.dirs \(\/flink\/lib\) holds no flink-dist\*\.jar/,
    );
    expect((await usageError(registerRemote(hdfs, FS, home, [lib('/flink/gone')]))).message).toContain('no flink-dist');
  });

  it('refuses the same key in two provided dirs, naming both files', async () => {
    const hdfs = fakeHdfs({ ...DIST, '/other/dist/lib/a.jar': '644' });
    const e = await usageError(registerRemote(hdfs, FS, home, [lib('/flink/dist'), lib('/other/dist')]));
    expect(e.message).toContain('dist/lib/a.jar twice');
    expect(e.message).toContain('hdfs://nn:8020/flink/dist/lib/a.jar');
    expect(e.message).toContain('hdfs://nn:8020/other/dist/lib/a.jar');
  });

  it('refuses a provided file others cannot read, and says how to fix it', async () => {
    const hdfs = fakeHdfs({ ...DIST, '/flink/dist/lib/secret.jar': '700' });
    const e = await usageError(registerRemote(hdfs, FS, home, [lib('/flink/dist')]));
    expect(e.message).toContain('/flink/dist/lib/secret.jar');
    expect(e.message).toContain('permission 700');
    expect(e.message).toContain('hdfs dfs -chmod -R o+rX /flink/dist');
  });

  it('refuses a provided subdirectory others cannot pass through (750), and takes one they only pass (711)', async () => {
    const e = await usageError(
      registerRemote(fakeHdfs(DIST, { '/flink/dist/plugins': '750' }), FS, home, [lib('/flink/dist')]),
    );
    expect(e.message).toContain('/flink/dist/plugins');
    expect(e.message).toContain('chmod');
    // YARN's FSDownload.isPublic asks only o+x of the directories above a file.
    const { resources } = await registerRemote(fakeHdfs(DIST, { '/flink/dist/plugins': '711' }), FS, home, [
      lib('/flink/dist'),
    ]);
    expect(resources).toHaveLength(4);
  });

  it('refuses a provided dir under an ancestor others cannot pass through', async () => {
    const hdfs = fakeHdfs(DIST, { '/flink': '750' });
    const e = await usageError(registerRemote(hdfs, FS, home, [lib('/flink/dist')]));
    expect(e.message).toContain('/flink (permission 750)');
    expect(e.message).toContain('hdfs dfs -chmod o+x /flink');
  });

  it('accepts ancestors others may only pass through (711) and a sticky 1777 one', async () => {
    const hdfs = fakeHdfs(DIST, { '/flink': '711', '/': '1777' });
    const { resources } = await registerRemote(hdfs, FS, home, [lib('/flink/dist')]);
    expect(resources).toHaveLength(4);
  });

  it('refuses the provided dir itself when others cannot pass through it (700)', async () => {
    const hdfs = fakeHdfs(DIST, { '/flink/dist': '700' });
    const e = await usageError(registerRemote(hdfs, FS, home, [lib('/flink/dist')]));
    expect(e.message).toContain('/flink/dist (permission 700)');
  });

  it('stops a listing that never ends: a directory that lists itself, or directories nested without end', async () => {
    const endless = {
      async status(path: string) {
        return { path, type: 'DIRECTORY', length: 0, modificationTime: 1, permission: '755', owner: 'o', group: 'g' };
      },
      // Every directory holds itself (an empty name) and one more level.
      async list(path: string) {
        return [
          { path, type: 'DIRECTORY', length: 0, modificationTime: 1, permission: '755', owner: 'o', group: 'g' },
          {
            path: `${path}/d`,
            type: 'DIRECTORY',
            length: 0,
            modificationTime: 1,
            permission: '755',
            owner: 'o',
            group: 'g',
          },
        ];
      },
    } as unknown as WebHdfsClient;
    const e = await usageError(registerRemote(endless, FS, home, [lib('/flink/dist')]));
    expect(e.message).toContain('deeper than 64 levels');
    expect(e.message).toContain('yarn.provided.lib.dirs');
  });

  it('refuses a usrlib/ directory among the provided lib dirs', async () => {
    const hdfs = fakeHdfs({ ...DIST, '/flink/usrlib/udf.jar': '644' });
    const e = await usageError(registerRemote(hdfs, FS, home, [lib('/flink/dist'), lib('/flink/usrlib')]));
    expect(e.message).toContain('yarn.provided.usrlib.dir');
  });

  it('takes a relative provided dir under the home directory, asking for it only then', async () => {
    const hdfs = fakeHdfs({ '/user/alice/flink/lib/flink-dist-2.0.0.jar': '644' });
    let asked = 0;
    const counted = async () => {
      asked++;
      return '/user/alice';
    };
    const { resources } = await registerRemote(hdfs, FS, counted, [lib('flink/lib')]);
    expect(resources.map((r) => [r.key, r.uri])).toEqual([
      ['lib/flink-dist-2.0.0.jar', 'hdfs://nn:8020/user/alice/flink/lib/flink-dist-2.0.0.jar'],
    ]);
    expect(asked).toBe(1);
    await registerRemote(hdfs, FS, counted, [lib('/user/alice/flink/lib')]);
    expect(asked).toBe(1);
  });
});

describe('registerRemote: yarn.provided.usrlib.dir', () => {
  const usrlib = (path: string): RemoteSource => ({
    kind: 'provided-usrlib',
    option: 'yarn.provided.usrlib.dir',
    path,
  });

  it("registers its files as the user's, APPLICATION, keyed usrlib/..., without flink-dist jars", async () => {
    const hdfs = fakeHdfs({
      '/jobs/usrlib/udf.jar': '600',
      '/jobs/usrlib/more/lookup.csv': '600',
      '/jobs/usrlib/flink-dist-1.20.1.jar': '600',
    });
    const { resources } = await registerRemote(hdfs, FS, home, [usrlib('/jobs/usrlib')]);
    expect(resources.map((r) => [r.key, r.role, r.visibility, r.type])).toEqual([
      ['usrlib/more/lookup.csv', 'user', 'APPLICATION', 'FILE'],
      ['usrlib/udf.jar', 'user', 'APPLICATION', 'FILE'],
    ]);
  });

  it('refuses a directory not named usrlib, and a missing one', async () => {
    const hdfs = fakeHdfs({ '/jobs/lib/udf.jar': '644' });
    const e = await usageError(registerRemote(hdfs, FS, home, [usrlib('/jobs/lib')]));
    expect(e.message).toContain('yarn.provided.usrlib.dir: hdfs://nn:8020/jobs/lib');
    expect(e.message).toContain('named usrlib');
    await usageError(registerRemote(hdfs, FS, home, [usrlib('/jobs/usrlib')]));
  });
});

describe('registerRemote: hdfs:// ship files and archives', () => {
  const ship = (path: string): RemoteSource => ({ kind: 'ship', option: 'yarn.ship-files', path });
  const archive = (path: string): RemoteSource => ({ kind: 'archive', option: 'yarn.ship-archives', path });

  it("registers a directory's files keyed under its name, skipping flink-dist jars", async () => {
    const hdfs = fakeHdfs({
      '/data/conf/sub/f': '600',
      '/data/conf/top.txt': '600',
      '/data/conf/flink-dist-1.20.1.jar': '600',
    });
    const { resources } = await registerRemote(hdfs, FS, home, [ship('/data/conf')]);
    expect(resources.map((r) => [r.key, r.uri, r.role, r.visibility, r.type])).toEqual([
      ['conf/sub/f', 'hdfs://nn:8020/data/conf/sub/f', 'ship', 'APPLICATION', 'FILE'],
      ['conf/top.txt', 'hdfs://nn:8020/data/conf/top.txt', 'ship', 'APPLICATION', 'FILE'],
    ]);
  });

  it('registers a single file under its name, with its size and modification time', async () => {
    const hdfs = fakeHdfs({ '/data/extra.properties': ['600', 42] });
    const status = (await hdfs.status('/data/extra.properties'))!;
    const { resources } = await registerRemote(hdfs, FS, home, [ship('/data/extra.properties')]);
    expect(resources).toEqual([
      {
        key: 'extra.properties',
        uri: 'hdfs://nn:8020/data/extra.properties',
        size: 42,
        modificationTime: status.modificationTime,
        visibility: 'APPLICATION',
        type: 'FILE',
        role: 'ship',
      },
    ]);
  });

  it('refuses a ship path that does not exist', async () => {
    const e = await usageError(registerRemote(fakeHdfs({}), FS, home, [ship('/data/none')]));
    expect(e.message).toBe('yarn.ship-files: hdfs://nn:8020/data/none does not exist.');
  });

  it('registers an archive as an ARCHIVE the NodeManager unpacks', async () => {
    const hdfs = fakeHdfs({ '/envs/py.tar.gz': ['644', 7] });
    const { resources } = await registerRemote(hdfs, FS, home, [archive('/envs/py.tar.gz')]);
    expect(resources).toMatchObject([
      { key: 'py.tar.gz', uri: 'hdfs://nn:8020/envs/py.tar.gz', size: 7, type: 'ARCHIVE', role: 'archive' },
    ]);
    expect(resources[0]!.visibility).toBe('APPLICATION');
  });

  it.each(['/envs/notes.txt', '/envs', '/envs/missing.zip'])('refuses %s as an archive', async (path) => {
    const hdfs = fakeHdfs({ '/envs/notes.txt': '644', '/envs/py.tgz': '644' });
    const e = await usageError(registerRemote(hdfs, FS, home, [archive(path)]));
    expect(e.message).toContain(`yarn.ship-archives: hdfs://nn:8020${path} is not an archive file`);
  });

  it('needs no dist when no provided lib dir is given', async () => {
    const hdfs = fakeHdfs({ '/data/a.txt': '600' });
    const { resources, diagnostics } = await registerRemote(hdfs, FS, home, [ship('/data/a.txt')]);
    expect(resources).toHaveLength(1);
    expect(diagnostics).toEqual([]);
  });
});

describe('registerRemote: an ancestor vanishing while checked', () => {
  it('is an HDFS_NOT_FOUND error, not a usage error', async () => {
    const hdfs = fakeHdfs(DIST);
    const status = hdfs.status.bind(hdfs);
    (hdfs as { status: (p: string) => Promise<HdfsFileStatus | null> }).status = async (p: string) =>
      p === '/flink' ? null : status(p);
    const e = await registerRemote(hdfs, FS, home, [lib('/flink/dist')]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FlinkYarnError);
    expect(e).not.toBeInstanceOf(UsageError);
    expect((e as FlinkYarnError).code).toBe('HDFS_NOT_FOUND');
  });
});
