import { ClusterContext, type ConnectionOptions } from '../context/index.js';
import { FlinkYarnError } from '../errors/index.js';
import type { HdfsFileStatus } from '../hdfs/model.js';
import type { WebHdfsClient } from '../hdfs/webhdfs-client.js';
import { TERMINAL_STATES } from '../yarn/model.js';
import { applicationStates } from './applications.js';
import { mapConcurrently } from './concurrently.js';
import { DEFAULT_GC_GRACE_MS, listOrEmpty } from './gc.js';
import {
  CACHE_ENTRIES_FILE,
  cacheBaseOf,
  cacheDirOf,
  PARTIAL_UPLOAD,
  stagingBaseOf,
  stagingRootOf,
} from './staging-dir.js';
import { APPLICATION_ID } from './yarn-context.js';

export interface CacheOptions extends ConnectionOptions {
  /**
   * A staging directory YARN does not know (yet) counts as a deploy in progress while younger
   * than this, as in `gc`. @default 15 minutes
   */
  readonly graceMs?: number;
}

export interface CachePruneOptions extends CacheOptions {
  /** Entries used within this period stay. @default 7 days */
  readonly olderThanMs?: number;
  /** List what would go; remove nothing. @default false */
  readonly dryRun?: boolean;
}

/** One file of the content-addressed cache, `<base>/.flink-yarn/cache/<digest>/<name>` (base: staging-dir.ts). */
export interface CacheEntry {
  readonly digest: string;
  readonly name: string;
  readonly path: string;
  readonly bytes: number;
  /** Milliseconds since the epoch: the HDFS access time when HDFS recorded a read, else the modification time. */
  readonly lastUsed: number;
  /** Which of the two `lastUsed` is. */
  readonly lastUsedFrom: 'access-time' | 'modification-time';
  /** Running (or starting) applications whose containers localize this entry. */
  readonly applications: readonly string[];
}

/** A running application whose staging directory does not say which entries it uses. */
export interface UnknownUse {
  readonly applicationId: string;
  readonly reason: string;
}

export interface CacheListing {
  readonly entries: readonly CacheEntry[];
  /** While any is here, `prune` removes nothing: what it uses cannot be told. */
  readonly unknown: readonly UnknownUse[];
  /** Every digest directory, with how many names it holds (entries, partial uploads, anything). */
  readonly digestDirs: readonly { readonly path: string; readonly children: number }[];
}

export interface CacheItem {
  readonly kind: 'cache-entry' | 'cache-dir';
  readonly path: string;
  /** Why it goes, or why it stays. */
  readonly reason: string;
}

export interface CachePruneResult {
  readonly removed: readonly CacheItem[];
  readonly kept: readonly CacheItem[];
  readonly dryRun: boolean;
}

export const DEFAULT_CACHE_PRUNE_AGE_MS = 7 * 86_400_000;
const ENTRY = /^[^/\s]+\/[^/\s]+$/;

/** `flink-yarn cache ls`: every entry of the jar cache, its size, last use and the applications using it. */
export async function cacheList(options: CacheOptions): Promise<CacheListing> {
  const context = ClusterContext.open(options, { flink: 'optional', hdfs: true });
  await context.resolveUser();
  context.requireRmConfigured();
  return listCache(context, options.graceMs ?? DEFAULT_GC_GRACE_MS);
}

/**
 * `flink-yarn cache prune`: removes entries no running application uses and none used within
 * `olderThanMs`, then the digest directories left empty. Partial uploads are `gc`'s.
 */
export async function cachePrune(options: CachePruneOptions): Promise<CachePruneResult> {
  const context = ClusterContext.open(options, { flink: 'optional', hdfs: true });
  await context.resolveUser();
  context.requireRmConfigured();
  const listing = await listCache(context, options.graceMs ?? DEFAULT_GC_GRACE_MS);
  const dryRun = options.dryRun === true;
  const decisions = decidePrune(listing, context.clock.now(), options.olderThanMs ?? DEFAULT_CACHE_PRUNE_AGE_MS);
  const hdfs = context.webHdfs();
  const removed: CacheItem[] = [];
  const kept: CacheItem[] = [...decisions.kept];
  for (const item of decisions.removed) {
    if (dryRun || (await hdfs.delete(item.path, false))) removed.push(item);
  }
  // A digest directory goes when nothing is left in it (a partial upload counts as something).
  const remaining = new Map(listing.digestDirs.map((d) => [d.path, d.children]));
  for (const r of removed) remaining.set(parentOf(r.path), (remaining.get(parentOf(r.path)) ?? 0) - 1);
  for (const [dir, left] of remaining) {
    if (left > 0) continue;
    const item: CacheItem = { kind: 'cache-dir', path: dir, reason: 'an empty digest directory' };
    if (dryRun) removed.push(item);
    else if (await deleteIfEmpty(hdfs, dir)) removed.push(item);
  }
  return { removed, kept, dryRun };
}

/**
 * The prune decision, without I/O: used by a running application, or by one whose use cannot be
 * told, or used within `olderThanMs`, it stays.
 */
export function decidePrune(
  listing: CacheListing,
  now: number,
  olderThanMs: number,
): { removed: CacheItem[]; kept: CacheItem[] } {
  const removed: CacheItem[] = [];
  const kept: CacheItem[] = [];
  const unknown = listing.unknown.map((u) => `${u.applicationId} (${u.reason})`).join(', ');
  for (const e of listing.entries) {
    const item = (reason: string): CacheItem => ({ kind: 'cache-entry', path: e.path, reason });
    const age = now - e.lastUsed;
    const when = `last used ${ago(age)} ago (${e.lastUsedFrom})`;
    if (e.applications.length > 0) kept.push(item(`used by ${e.applications.join(', ')}`));
    else if (unknown !== '') kept.push(item(`cannot tell what ${unknown} uses`));
    else if (age < olderThanMs) kept.push(item(when));
    else removed.push(item(`${when}, used by no running application`));
  }
  return { removed, kept };
}

async function listCache(context: ClusterContext, graceMs: number): Promise<CacheListing> {
  const hdfs = context.webHdfs();
  // yarn.staging-directory moves the staging directories, and the cache when it is the user's own.
  const home = await hdfs.homeDirectory();
  const stagingBase = await stagingBaseOf(context);
  const cacheBase = await cacheBaseOf(context, stagingBase);
  // Users first, then the cache: an entry a deploy stages after this listing began is then
  // either seen as used or not seen at all. Deploys may have staged under either base.
  const users = new Map<string, Set<string>>();
  const unknown: UnknownUse[] = [];
  for (const base of new Set([stagingBase, home])) {
    const found = await cacheUsers(context, hdfs, base, graceMs);
    for (const [entry, apps] of found.users) users.set(entry, new Set([...(users.get(entry) ?? []), ...apps]));
    unknown.push(...found.unknown);
  }
  const digests = (await listOrEmpty(hdfs, cacheDirOf(cacheBase))).filter((s) => s.type === 'DIRECTORY');
  const perDigest = await mapConcurrently(digests, 8, (d) => listOrEmpty(hdfs, d.path));
  const entries: CacheEntry[] = [];
  const digestDirs = digests.map((dir, i) => ({ path: dir.path, children: perDigest[i]?.length ?? 0 }));
  digests.forEach((dir, i) => {
    const children = perDigest[i] ?? [];
    for (const f of children) {
      if (f.type !== 'FILE' || PARTIAL_UPLOAD.test(baseName(f.path))) continue;
      const key = `${baseName(dir.path)}/${baseName(f.path)}`;
      entries.push({
        digest: baseName(dir.path),
        name: baseName(f.path),
        path: f.path,
        bytes: f.length,
        ...lastUse(f),
        applications: [...(users.get(key) ?? [])].sort(),
      });
    }
  });
  return { entries, unknown, digestDirs };
}

/**
 * A read after the write moves the access time past the modification time (HDFS records reads
 * to within dfs.namenode.accesstime.precision, default 1 h; a NameNode with 0 records none, and
 * then the upload is the last use known).
 */
function lastUse(f: HdfsFileStatus): Pick<CacheEntry, 'lastUsed' | 'lastUsedFrom'> {
  const access = f.accessTime ?? 0;
  return access > f.modificationTime
    ? { lastUsed: access, lastUsedFrom: 'access-time' }
    : { lastUsed: f.modificationTime, lastUsedFrom: 'modification-time' };
}

/**
 * Which running applications use which entries (`<digest>/<name>` -> application ids), from the
 * `cache-entries.txt` a deploy writes into `<base>/.flink/<appId>`: the RM's application report
 * does not carry the AM's local resources. A staging directory of an application that is not
 * running, or that YARN does not know and is older than the grace period, uses nothing; one
 * that holds jars of its own (Flink's client, `--no-reuse-uploads`) uses nothing either.
 */
async function cacheUsers(
  context: ClusterContext,
  hdfs: WebHdfsClient,
  base: string,
  graceMs: number,
): Promise<{ users: Map<string, Set<string>>; unknown: UnknownUse[] }> {
  const dirs = (await listOrEmpty(hdfs, stagingRootOf(base))).filter(
    (s) => s.type === 'DIRECTORY' && APPLICATION_ID.test(baseName(s.path)),
  );
  const states = await applicationStates(
    context.resourceManager(),
    dirs.map((d) => baseName(d.path)),
  );
  const now = context.clock.now();
  const live = dirs.filter((d) => {
    const state = states.get(baseName(d.path));
    return state === undefined ? now - d.modificationTime < graceMs : !TERMINAL_STATES.includes(state);
  });
  const users = new Map<string, Set<string>>();
  const unknown: UnknownUse[] = [];
  await mapConcurrently(live, 8, async (dir) => {
    const id = baseName(dir.path);
    const files = await listOrEmpty(hdfs, dir.path);
    if (!files.some((f) => baseName(f.path) === CACHE_ENTRIES_FILE)) {
      if (files.some((f) => f.path.endsWith('.jar'))) return;
      const state = states.get(id);
      unknown.push({
        applicationId: id,
        reason:
          state === undefined
            ? 'a deploy may be staging it'
            : `${state}, staged without ${CACHE_ENTRIES_FILE} (by an older flink-yarn?)`,
      });
      return;
    }
    const text = (await openOrNull(hdfs, `${dir.path}/${CACHE_ENTRIES_FILE}`)) ?? '';
    for (const line of text.split('\n')) {
      const key = line.trim();
      if (!ENTRY.test(key)) continue;
      const set = users.get(key) ?? new Set<string>();
      set.add(id);
      users.set(key, set);
    }
  });
  unknown.sort((a, b) => a.applicationId.localeCompare(b.applicationId));
  return { users, unknown };
}

async function openOrNull(hdfs: WebHdfsClient, path: string): Promise<string | null> {
  try {
    return (await hdfs.open(path)).toString('utf8');
  } catch (e) {
    if (e instanceof FlinkYarnError && e.code === 'HDFS_NOT_FOUND') return null;
    throw e;
  }
}

/** Removes a directory only when it is still empty: a deploy may have just uploaded into it. */
async function deleteIfEmpty(hdfs: WebHdfsClient, dir: string): Promise<boolean> {
  if ((await listOrEmpty(hdfs, dir)).length > 0) return false;
  return hdfs.delete(dir, false);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

/** `40 s`, `12 min`, `5 h`, `3 d`. */
export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}
