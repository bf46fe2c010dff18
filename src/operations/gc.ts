import { ClusterContext, type ConnectionOptions } from '../context/index.js';
import { FlinkYarnError } from '../errors/index.js';
import type { HdfsFileStatus } from '../hdfs/model.js';
import type { WebHdfsClient } from '../hdfs/webhdfs-client.js';
import { TERMINAL_STATES, type YarnAppState } from '../yarn/model.js';
import { applicationStates } from './applications.js';
import { mapConcurrently } from './concurrently.js';
import { haClean } from './ha.js';
import { cacheDirOf, PARTIAL_UPLOAD, stagingBaseOf, stagingDirOf, stagingRootOf } from './staging-dir.js';
import { APPLICATION_ID } from './yarn-context.js';

export interface GcOptions extends ConnectionOptions {
  /** List what would go; remove nothing. @default false */
  readonly dryRun?: boolean;
  /** Orphaned HA namespaces (ZooKeeper and recovery data) too; needs the Flink configuration. @default false */
  readonly ha?: boolean;
  /**
   * What YARN does not know (yet) is left alone while younger than this: a deploy in progress
   * stages under an application id the RM lists only after submission. @default 15 minutes
   */
  readonly graceMs?: number;
}

export type LeftoverKind = 'staging' | 'cache-partial' | 'ha-namespace' | 'ha-storage';

export interface Leftover {
  readonly kind: LeftoverKind;
  readonly path: string;
  /** Why it goes, or why it stays. */
  readonly reason: string;
}

export interface GcResult {
  readonly removed: readonly Leftover[];
  readonly kept: readonly Leftover[];
  readonly dryRun: boolean;
}

export const DEFAULT_GC_GRACE_MS = 15 * 60_000;

/**
 * `flink-yarn gc`: removes what failed, killed or SIGKILLed runs left behind: staging directories
 * of applications that no longer run (this tool's and Flink's own client's), partial uploads in
 * the jar cache and, with `ha`, orphaned HA namespaces. A running application's files are never
 * touched.
 */
export async function gc(options: GcOptions): Promise<GcResult> {
  // The Flink configuration, when there is one, may move staging (yarn.staging-directory).
  const context = ClusterContext.open(options, { flink: options.ha === true ? true : 'optional', hdfs: true });
  await context.resolveUser();
  context.requireRmConfigured();
  const hdfs = context.webHdfs();
  const now = context.clock.now();
  const grace = options.graceMs ?? DEFAULT_GC_GRACE_MS;
  const found: Finding[] = [];
  for (const base of await stagingBases(context)) {
    found.push(...(await stagingLeftovers(context, hdfs, base, now, grace)));
    found.push(...(await cachePartials(hdfs, base, now, grace)));
  }
  const removed: Leftover[] = [];
  const kept: Leftover[] = [];
  for (const f of found) {
    if (!f.remove) kept.push(f.item);
    else if (options.dryRun === true || (await hdfs.delete(f.item.path, true))) removed.push(f.item);
  }
  if (options.ha === true) {
    for (const r of await haClean({ ...options, orphans: true, dryRun: options.dryRun === true })) {
      removed.push({ kind: 'ha-namespace', path: r.namespace, reason: `${r.zkNodes} ZooKeeper nodes, orphaned` });
      if (r.storage !== null && (r.storageRemoved || r.dryRun))
        removed.push({ kind: 'ha-storage', path: r.storage, reason: 'recovery data of an orphaned namespace' });
    }
  }
  return { removed, kept, dryRun: options.dryRun === true };
}

interface Finding {
  readonly item: Leftover;
  readonly remove: boolean;
}

/** The home directory, where Flink's client stages by default, and yarn.staging-directory when set. */
async function stagingBases(context: ClusterContext): Promise<string[]> {
  const home = await context.webHdfs().homeDirectory();
  const configured = await stagingBaseOf(context);
  return configured === home ? [home] : [home, configured];
}

/** `<base>/.flink/<appId>` of every application that has ended, or that YARN never knew and is old. */
async function stagingLeftovers(
  context: ClusterContext,
  hdfs: WebHdfsClient,
  base: string,
  now: number,
  grace: number,
): Promise<Finding[]> {
  const dirs = (await listOrEmpty(hdfs, stagingRootOf(base))).filter(
    (s) => s.type === 'DIRECTORY' && APPLICATION_ID.test(baseName(s.path)),
  );
  const ids = dirs.map((d) => baseName(d.path));
  const states = await applicationStates(context.resourceManager(), ids);
  return dirs.map((dir) => {
    const id = baseName(dir.path);
    const item = (reason: string): Leftover => ({ kind: 'staging', path: stagingDirOf(base, id), reason });
    const state: YarnAppState | undefined = states.get(id);
    if (state !== undefined && TERMINAL_STATES.includes(state))
      return { item: item(`${id} is ${state}`), remove: true };
    if (state !== undefined) return { item: item(`${id} is ${state}`), remove: false };
    const age = now - dir.modificationTime;
    return age >= grace
      ? { item: item(`YARN does not know ${id}, and it is ${minutes(age)} old`), remove: true }
      : { item: item(`YARN does not know ${id} yet; a deploy may be staging it (${minutes(age)} old)`), remove: false };
  });
}

/** Partial uploads (`.<random>.partial`) in the content-addressed cache that no upload will finish. */
async function cachePartials(hdfs: WebHdfsClient, base: string, now: number, grace: number): Promise<Finding[]> {
  const digests = (await listOrEmpty(hdfs, cacheDirOf(base))).filter((s) => s.type === 'DIRECTORY');
  const perDigest = await mapConcurrently(digests, 8, (d) => listOrEmpty(hdfs, d.path));
  return perDigest
    .flat()
    .filter((f) => f.type === 'FILE' && PARTIAL_UPLOAD.test(baseName(f.path)))
    .map((f) => {
      const age = now - f.modificationTime;
      const old = age >= grace;
      return {
        item: {
          kind: 'cache-partial' as const,
          path: f.path,
          reason: old ? `an upload abandoned ${minutes(age)} ago` : `an upload may still be writing it`,
        },
        remove: old,
      };
    });
}

/** A directory's entries; an absent directory is empty. */
export async function listOrEmpty(hdfs: WebHdfsClient, path: string): Promise<HdfsFileStatus[]> {
  try {
    return await hdfs.list(path);
  } catch (e) {
    if (e instanceof FlinkYarnError && e.code === 'HDFS_NOT_FOUND') return [];
    throw e;
  }
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function minutes(ms: number): string {
  return ms < 120_000 ? `${Math.max(0, Math.round(ms / 1000))} s` : `${Math.round(ms / 60_000)} min`;
}
