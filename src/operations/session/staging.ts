import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { FlinkYarnError } from '../../errors/index.js';
import type { WebHdfsClient } from '../../hdfs/webhdfs-client.js';
import type { StagedResource } from '../../session/am-container.js';
import { mapConcurrently } from '../concurrently.js';

const UPLOAD_CONCURRENCY = 4;

/** A local file to stage, under the key it will have in the container. */
export interface StageFile {
  readonly key: string;
  readonly path: string;
  readonly size: number;
  readonly role: StagedResource['role'];
  /** Its name in the application's directory when not the key (Flink uploads the keytab under its own name). */
  readonly uploadAs?: string;
}

export interface StageOptions {
  readonly hdfs: WebHdfsClient;
  /** `hdfs://authority` of fs.defaultFS. */
  readonly defaultFs: string;
  /** The application's staging directory (path only): Flink deletes it when the cluster ends. */
  readonly appDir: string;
  /**
   * Where content-addressed copies live across deployments (path only), or null to upload
   * everything into appDir, as Flink's client does.
   */
  readonly cacheDir: string | null;
  /** Files that differ per deployment (the configuration) always go to appDir. */
  readonly perDeployment: ReadonlySet<string>;
  readonly digests?: DigestMemo;
  readonly checkAborted?: () => void;
  /** yarn.file-replication: the uploads' replication factor. @default the cluster's dfs.replication */
  readonly replication?: number | undefined;
}

export interface StageResult {
  readonly resources: StagedResource[];
  /** Bytes sent to HDFS by this deployment. */
  readonly uploadedBytes: number;
  /** Files (and their bytes) found already on HDFS by their content. */
  readonly reusedFiles: number;
  readonly reusedBytes: number;
}

/**
 * Stages files for the AM. With a cache, each file is stored once under the SHA-256 of its
 * content and registered from there (PRIVATE, so NodeManagers also keep their localized copy
 * across applications); an unchanged distribution is then not uploaded again.
 */
export async function stageFiles(files: readonly StageFile[], options: StageOptions): Promise<StageResult> {
  const { hdfs, defaultFs } = options;
  let uploadedBytes = 0;
  let reusedFiles = 0;
  let reusedBytes = 0;
  const digests = options.digests ?? new DigestMemo(null);
  const replication = options.replication !== undefined ? { replication: options.replication } : {};
  const stageOne = async (f: StageFile): Promise<StagedResource> => {
    options.checkAborted?.();
    if (options.cacheDir === null || options.perDeployment.has(f.key)) {
      const target = `${options.appDir}/${f.uploadAs ?? f.key}`;
      const status = await hdfs.upload(f.path, target, { overwrite: true, ...replication });
      uploadedBytes += status.length;
      return resource(f, `${defaultFs}${target}`, status, 'APPLICATION');
    }
    const digest = await digests.sha256(f.path);
    const target = `${options.cacheDir}/${digest}/${basename(f.path)}`;
    let status = await hdfs.status(target);
    if (status !== null && status.type === 'FILE' && status.length === f.size) {
      reusedFiles++;
      reusedBytes += status.length;
    } else {
      // Written under a private name, then renamed: a reader never sees half a file, and two
      // deployments racing for the same content both end with one complete copy.
      const partial = `${options.cacheDir}/${digest}/.${randomBytes(6).toString('hex')}.partial`;
      await hdfs.mkdirs(`${options.cacheDir}/${digest}`, '700');
      try {
        const written = await hdfs.upload(f.path, partial, { overwrite: true, ...replication });
        uploadedBytes += written.length;
        if (!(await hdfs.rename(partial, target))) await hdfs.delete(partial, false);
      } catch (e) {
        await hdfs.delete(partial, false).catch(() => false);
        throw e;
      }
      status = await hdfs.status(target);
      if (status === null || status.length !== f.size) {
        throw new FlinkYarnError(
          'HDFS_REMOTE',
          `${target} is not the ${f.size} bytes just uploaded; another writer changed it.`,
        );
      }
    }
    return resource(f, `${defaultFs}${target}`, status, 'PRIVATE');
  };
  // A few files at a time: one WebHDFS stream leaves the NameNode and DataNode round trips idle.
  const resources = await mapConcurrently(files, UPLOAD_CONCURRENCY, stageOne);
  return { resources, uploadedBytes, reusedFiles, reusedBytes };
}

function resource(
  f: StageFile,
  uri: string,
  status: { length: number; modificationTime: number },
  visibility: StagedResource['visibility'],
): StagedResource {
  return {
    key: f.key,
    uri,
    size: status.length,
    modificationTime: status.modificationTime,
    visibility,
    type: f.role === 'archive' ? 'ARCHIVE' : 'FILE',
    role: f.role,
  };
}

/**
 * SHA-256 of local files, remembered by path, size and modification time in a small JSON file,
 * so that a redeploy does not read the whole distribution again.
 */
export class DigestMemo {
  private readonly file: string | null;
  private entries: Record<string, string> | undefined;
  private dirty = false;

  /** @param file where to remember digests; null remembers nothing. */
  constructor(file: string | null = defaultDigestFile()) {
    this.file = file;
  }

  async sha256(path: string): Promise<string> {
    const stat = statSync(path);
    const key = `${path}\u0000${stat.size}\u0000${stat.mtimeMs}`;
    const known = this.load()[key];
    if (known !== undefined) return known;
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    const digest = hash.digest('hex');
    this.load()[key] = digest;
    this.dirty = true;
    return digest;
  }

  /** Writes what was learned; a memo that cannot be written only costs time on the next run. */
  save(): void {
    if (this.file === null || !this.dirty) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.entries));
      renameSync(tmp, this.file);
      this.dirty = false;
    } catch {
      // best effort
    }
  }

  private load(): Record<string, string> {
    if (this.entries !== undefined) return this.entries;
    this.entries = {};
    if (this.file === null) return this.entries;
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
        for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') this.entries[k] = v;
      }
    } catch {
      // missing or unreadable: start afresh
    }
    return this.entries;
  }
}

function defaultDigestFile(): string {
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'flink-yarn', 'digests.json');
}
