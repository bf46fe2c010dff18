import { FlinkYarnError, UsageError } from '../../errors/index.js';
import type { HdfsFileStatus } from '../../hdfs/model.js';
import { absoluteOn } from '../../hdfs/uris.js';
import type { WebHdfsClient } from '../../hdfs/webhdfs-client.js';
import type { Diagnostic } from '../../diagnostics/index.js';
import type { StagedResource } from '../../session/am-container.js';
import { mapConcurrently } from '../concurrently.js';
import { ARCHIVE_NAME, isFlinkDistJar } from './dist.js';

/**
 * A file or directory already on the default file system that the AM gets where it is, as Flink's
 * YarnApplicationFileUploader registers remote paths: nothing is uploaded.
 * - `provided-lib`: yarn.provided.lib.dirs, every file PUBLIC (shared by all applications on a node);
 * - `provided-usrlib`: yarn.provided.usrlib.dir, in place of the local usrlib/;
 * - `ship` / `archive`: hdfs:// entries of yarn.ship-files / yarn.ship-archives.
 */
export interface RemoteSource {
  readonly kind: 'provided-lib' | 'provided-usrlib' | 'ship' | 'archive';
  /** The option that names it, for messages. */
  readonly option: string;
  /** On fs.defaultFS: absolute, or relative to the home directory. */
  readonly path: string;
}

export interface RemoteRegistration {
  readonly resources: StagedResource[];
  readonly diagnostics: Diagnostic[];
}

const LIST_CONCURRENCY = 8;
/** Beyond these a listing is not a Flink distribution but a mistake or a hostile server. */
const MAX_DEPTH = 64;
const MAX_FILES = 100_000;

/**
 * Lists and registers the remote sources, with Flink's resource keys (a directory's files relative
 * to its parent), visibility and roles. Errors are the ones Flink's client raises, plus one it
 * does not: a provided file that YARN cannot localize as PUBLIC (not world-readable) would fail
 * the AM's container, so it is refused before anything is submitted.
 */
export async function registerRemote(
  hdfs: WebHdfsClient,
  defaultFs: string,
  homeDir: () => Promise<string>,
  sources: readonly RemoteSource[],
): Promise<RemoteRegistration> {
  const resources: StagedResource[] = [];
  const diagnostics: Diagnostic[] = [];
  const providedKeys = new Map<string, string>();
  const provided = sources.filter((s) => s.kind === 'provided-lib');
  for (const source of sources) {
    const path = source.path.startsWith('/') ? source.path : absoluteOn(source.path, await homeDir());
    const status = await hdfs.status(path);
    const where = `${source.option}: ${defaultFs}${path}`;
    const resource = (f: HdfsFileStatus, key: string, role: StagedResource['role']): StagedResource => ({
      key,
      uri: `${defaultFs}${f.path}`,
      size: f.length,
      modificationTime: f.modificationTime,
      visibility: source.kind === 'provided-lib' ? 'PUBLIC' : 'APPLICATION',
      type: source.kind === 'archive' ? 'ARCHIVE' : 'FILE',
      role,
    });
    switch (source.kind) {
      case 'provided-lib': {
        if (status === null || status.type !== 'DIRECTORY') {
          // Flink's client ignores it with a warning, and deploys without it.
          diagnostics.push({
            severity: 'warning',
            code: 'PROVIDED_LIB_DIR_MISSING',
            key: source.option,
            message: `${where} does not exist or is not a directory; ignored, as Flink's client ignores it.`,
          });
          break;
        }
        if (baseName(path) === 'usrlib') {
          throw new UsageError(
            `${where} is a usrlib/ directory; Flink's client refuses it among the provided lib dirs. Name it in yarn.provided.usrlib.dir instead.`,
          );
        }
        await checkPublic(hdfs, path, where);
        for (const f of await listFiles(hdfs, path, where, true)) {
          const key = relativeToParent(path, f.path);
          const earlier = providedKeys.get(key);
          if (earlier !== undefined) {
            throw new UsageError(
              `yarn.provided.lib.dirs holds ${key} twice: ${earlier} and ${defaultFs}${f.path}. Flink's client refuses it too; remove one.`,
            );
          }
          providedKeys.set(key, `${defaultFs}${f.path}`);
          const role = isFlinkDistJar(baseName(f.path)) ? 'dist' : isPlugin(f.path) ? 'plugin' : 'ship';
          resources.push(resource(f, key, role));
        }
        break;
      }
      case 'provided-usrlib': {
        if (status === null || status.type !== 'DIRECTORY' || baseName(path) !== 'usrlib') {
          throw new UsageError(`${where} must be an existing directory named usrlib, as Flink's client requires.`);
        }
        for (const f of await listFiles(hdfs, path, where, false))
          if (!isFlinkDistJar(baseName(f.path))) resources.push(resource(f, relativeToParent(path, f.path), 'user'));
        break;
      }
      case 'ship': {
        if (status === null) throw new UsageError(`${where} does not exist.`);
        const files = status.type === 'DIRECTORY' ? await listFiles(hdfs, path, where, false) : [status];
        for (const f of files) {
          if (isFlinkDistJar(baseName(f.path))) continue;
          resources.push(
            resource(f, status.type === 'DIRECTORY' ? relativeToParent(path, f.path) : baseName(path), 'ship'),
          );
        }
        break;
      }
      case 'archive': {
        if (status === null || status.type !== 'FILE' || !ARCHIVE_NAME.test(path)) {
          throw new UsageError(
            `${where} is not an archive file (.tar.gz, .tgz, .tar, .dst, .jar or .zip); Flink's client refuses directories and other files there.`,
          );
        }
        resources.push(resource(status, baseName(path), 'archive'));
        break;
      }
    }
  }
  if (provided.length > 0 && !resources.some((r) => r.role === 'dist' && r.visibility === 'PUBLIC')) {
    throw new UsageError(
      `yarn.provided.lib.dirs (${provided.map((p) => p.path).join(';')}) holds no flink-dist*.jar: the provided dirs must hold the dist jar with lib/ and plugins/, as Flink's client requires; nothing local is shipped in their place. Upload the distribution's flink-dist jar there, or remove the option.`,
    );
  }
  return { resources, diagnostics };
}

/** Every file under a directory, depth first, as Hadoop's listFiles(path, recursive) finds them. */
async function listFiles(
  hdfs: WebHdfsClient,
  dir: string,
  where: string,
  mustBePublic: boolean,
): Promise<HdfsFileStatus[]> {
  const out: HdfsFileStatus[] = [];
  let level = [dir];
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > MAX_DEPTH) {
      throw new UsageError(
        `${where}: directories nest deeper than ${MAX_DEPTH} levels under ${dir}; name a smaller tree.`,
      );
    }
    const listed = await mapConcurrently(level, LIST_CONCURRENCY, async (d) => ({ d, entries: await hdfs.list(d) }));
    level = [];
    for (const { d, entries } of listed) {
      for (const e of entries) {
        // A directory that lists itself (an empty name) would be walked forever.
        if (e.path === d) continue;
        if (out.length >= MAX_FILES) {
          throw new UsageError(`${where}: more than ${MAX_FILES} files under ${dir}; name a smaller tree.`);
        }
        if (mustBePublic && !publicPermission(e)) {
          throw new UsageError(
            `${where}: ${e.path} is not readable by everyone (permission ${e.permission}). YARN localizes provided lib files as PUBLIC only from world-readable paths, so the AM's container would fail. Run: hdfs dfs -chmod -R o+rX ${dir}`,
          );
        }
        if (e.type === 'DIRECTORY') level.push(e.path);
        else if (e.type === 'FILE') out.push(e);
      }
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Every ancestor of a provided file must let others through (x): YARN's FSDownload.isPublic. */
async function checkPublic(hdfs: WebHdfsClient, dir: string, where: string): Promise<void> {
  const parts = dir.split('/').filter((p) => p !== '');
  const paths = ['/', ...parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`)];
  const statuses = await mapConcurrently(paths, LIST_CONCURRENCY, (p) => hdfs.status(p));
  statuses.forEach((s, i) => {
    if (s === null) throw new FlinkYarnError('HDFS_NOT_FOUND', `${where}: ${paths[i]} vanished while it was checked.`);
    const others = Number.parseInt(s.permission.slice(-1), 8);
    if ((others & 1) !== 1) {
      throw new UsageError(
        `${where}: ${paths[i]} (permission ${s.permission}) does not let everyone through. YARN localizes provided lib files as PUBLIC only from world-readable paths, so the AM's container would fail. Run: hdfs dfs -chmod o+x ${paths[i]}`,
      );
    }
  });
}

/** Others may read a file, or pass through a directory (YARN's FSDownload.isPublic asks no more). */
function publicPermission(s: HdfsFileStatus): boolean {
  const others = Number.parseInt(s.permission.slice(-1), 8);
  return s.type === 'DIRECTORY' ? (others & 1) === 1 : (others & 4) === 4;
}

/** A file's resource key: its path relative to the registered directory's parent, as Flink keys it. */
function relativeToParent(dir: string, file: string): string {
  const parent = dir.slice(0, dir.lastIndexOf('/'));
  return file.slice(parent.length + 1);
}

/** Flink's YarnApplicationFileUploader.isPlugin: any ancestor directory named plugins. */
function isPlugin(path: string): boolean {
  return path.split('/').slice(0, -1).includes('plugins');
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
