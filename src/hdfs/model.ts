import { clip } from '../diagnostics/index.js';
import { HdfsError } from './errors.js';

/** What WebHDFS says about a file or directory, in our shape. */
export interface HdfsFileStatus {
  /** Absolute HDFS path. */
  readonly path: string;
  readonly type: HdfsFileType;
  /** Bytes; 0 for a directory. A YARN local resource's `size` must equal this. */
  readonly length: number;
  /** Milliseconds since the epoch. A YARN local resource's `timestamp` must equal this. */
  readonly modificationTime: number;
  /**
   * Milliseconds since the epoch of the last read the NameNode recorded (to within
   * dfs.namenode.accesstime.precision, default 1 h; never updated when that is 0). Absent when WebHDFS does not say.
   */
  readonly accessTime?: number;
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
  readonly accessTime?: unknown;
  readonly permission?: unknown;
  readonly owner?: unknown;
  readonly group?: unknown;
  readonly replication?: unknown;
  readonly blockSize?: unknown;
}

/**
 * One WebHDFS FileStatus object, placed under `parent`: GETFILESTATUS answers with an empty
 * `pathSuffix` (the path itself), LISTSTATUS with the child's name. Undefined for what is no
 * FileStatus at all (not an object, no known type); a number that is not an exact whole number,
 * or a name that is not one, is HDFS_UNEXPECTED_RESPONSE: sizes and times must match YARN's
 * local resources exactly, and names are joined into paths that may be deleted.
 */
export function normalizeFileStatus(raw: unknown, parent: string): HdfsFileStatus | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as RawFileStatus;
  const type = r.type === 'FILE' || r.type === 'DIRECTORY' || r.type === 'SYMLINK' ? r.type : undefined;
  if (type === undefined) return undefined;
  const suffix = typeof r.pathSuffix === 'string' ? r.pathSuffix : '';
  if (suffix.includes('/') || suffix === '.' || suffix === '..') {
    throw malformed(`a FileStatus under ${parent} names '${clip(suffix, 80)}', which is not a file name`);
  }
  const path = suffix === '' ? parent : joinPath(parent, suffix);
  const field = (name: keyof RawFileStatus): number => num(r[name], `the FileStatus of ${path}`, name);
  return {
    path,
    type,
    length: field('length'),
    modificationTime: field('modificationTime'),
    ...(r.accessTime === undefined ? {} : { accessTime: field('accessTime') }),
    permission:
      typeof r.permission === 'string' ? r.permission : typeof r.permission === 'number' ? String(r.permission) : '',
    owner: typeof r.owner === 'string' ? r.owner : '',
    group: typeof r.group === 'string' ? r.group : '',
    replication: field('replication'),
    blockSize: field('blockSize'),
  };
}

export function normalizeChecksum(raw: unknown): HdfsChecksum | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const c = (raw as { FileChecksum?: { algorithm?: unknown; bytes?: unknown; length?: unknown } | null }).FileChecksum;
  if (typeof c !== 'object' || c === null || typeof c.algorithm !== 'string' || typeof c.bytes !== 'string') {
    return undefined;
  }
  return { algorithm: c.algorithm, bytes: c.bytes, length: num(c.length, 'the FileChecksum', 'length') };
}

export function joinPath(parent: string, child: string): string {
  return parent.endsWith('/') ? `${parent}${child}` : `${parent}/${child}`;
}

/** Absent is 0; a number or numeric text must be a whole number below 2^53, never NaN or rounded. */
function num(v: unknown, where: string, field: string): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?[0-9]+\s*$/.test(v) ? Number(v) : NaN;
  if (Number.isSafeInteger(n)) return n;
  // Past 2^53 the parsed number is already rounded: showing it would show a value never sent.
  const shown =
    typeof v === 'string'
      ? `'${clip(v, 80)}'`
      : typeof v === 'object'
        ? 'an object'
        : Math.abs(n) >= 2 ** 53
          ? `beyond 2^53 (about ${n.toExponential(3)})`
          : String(v);
  throw malformed(`${where} has "${field}" ${shown}, where a whole number below 2^53 was expected`);
}

function malformed(what: string): HdfsError {
  return new HdfsError(
    'HDFS_UNEXPECTED_RESPONSE',
    `The NameNode's answer is malformed: ${what}. Is this a NameNode's web address (dfs.namenode.http-address)?`,
  );
}
