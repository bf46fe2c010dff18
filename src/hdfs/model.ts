/** What WebHDFS says about a file or directory, in our shape. */
export interface HdfsFileStatus {
  /** Absolute HDFS path. */
  readonly path: string;
  readonly type: HdfsFileType;
  /** Bytes; 0 for a directory. A YARN local resource's `size` must equal this. */
  readonly length: number;
  /** Milliseconds since the epoch. A YARN local resource's `timestamp` must equal this. */
  readonly modificationTime: number;
  /** Octal, as WebHDFS writes it: `755`, `1777` (sticky bit). */
  readonly permission: string;
  readonly owner: string;
  readonly group: string;
  /** 0 for a directory. */
  readonly replication: number;
  /** 0 for a directory. */
  readonly blockSize: number;
}

export type HdfsFileType = 'FILE' | 'DIRECTORY' | 'SYMLINK';

/** GETFILECHECKSUM: comparable between two files only when algorithm and block size agree. */
export interface HdfsChecksum {
  /** For example `MD5-of-0MD5-of-512CRC32C`. */
  readonly algorithm: string;
  /** Hex. */
  readonly bytes: string;
  readonly length: number;
}

interface RawFileStatus {
  readonly pathSuffix?: unknown;
  readonly type?: unknown;
  readonly length?: unknown;
  readonly modificationTime?: unknown;
  readonly permission?: unknown;
  readonly owner?: unknown;
  readonly group?: unknown;
  readonly replication?: unknown;
  readonly blockSize?: unknown;
}

/**
 * One WebHDFS FileStatus object, placed under `parent`: GETFILESTATUS answers with an empty
 * `pathSuffix` (the path itself), LISTSTATUS with the child's name.
 */
export function normalizeFileStatus(raw: unknown, parent: string): HdfsFileStatus | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as RawFileStatus;
  const type = r.type === 'FILE' || r.type === 'DIRECTORY' || r.type === 'SYMLINK' ? r.type : undefined;
  if (type === undefined) return undefined;
  const suffix = typeof r.pathSuffix === 'string' ? r.pathSuffix : '';
  return {
    path: suffix === '' ? parent : joinPath(parent, suffix),
    type,
    length: num(r.length),
    modificationTime: num(r.modificationTime),
    permission: typeof r.permission === 'string' ? r.permission : String(r.permission ?? ''),
    owner: typeof r.owner === 'string' ? r.owner : '',
    group: typeof r.group === 'string' ? r.group : '',
    replication: num(r.replication),
    blockSize: num(r.blockSize),
  };
}

export function normalizeChecksum(raw: unknown): HdfsChecksum | undefined {
  const c = (raw as { FileChecksum?: { algorithm?: unknown; bytes?: unknown; length?: unknown } } | null)?.FileChecksum;
  if (c === undefined || typeof c.algorithm !== 'string' || typeof c.bytes !== 'string') return undefined;
  return { algorithm: c.algorithm, bytes: c.bytes, length: num(c.length) };
}

export function joinPath(parent: string, child: string): string {
  return parent.endsWith('/') ? `${parent}${child}` : `${parent}/${child}`;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : 0;
}
