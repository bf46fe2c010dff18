import { describeEntry } from '../config/flink/entries.js';
import type { FlinkConfiguration } from '../config/flink/configuration.js';
import { OPTIONS } from '../config/flink/options.js';
import type { ClusterContext } from '../context/index.js';
import { UsageError } from '../errors/index.js';
import { absoluteOn, locatePath } from '../hdfs/uris.js';
import { defaultFsUri } from '../hdfs/webhdfs-client.js';

/** The directory of every application's staging directory: `<base>/.flink`. */
export function stagingRootOf(base: string): string {
  return `${base === '/' ? '' : base}/.flink`;
}

/** Where Flink's client (and this one) stages an application's files: `<base>/.flink/<appId>`. */
export function stagingDirOf(base: string, applicationId: string): string {
  return `${stagingRootOf(base)}/${applicationId}`;
}

/** The content-addressed jar cache: `<base>/.flink-yarn/cache/<sha256>/<name>`. */
export function cacheDirOf(base: string): string {
  return `${base === '/' ? '' : base}/.flink-yarn/cache`;
}

/**
 * The base of the staging directories and of the jar cache: yarn.staging-directory (a path on
 * fs.defaultFS, relative ones against the home directory, as Hadoop qualifies it), else the
 * user's HDFS home, as Flink's client decides.
 */
export async function stagingBaseOf(context: ClusterContext): Promise<string> {
  const hdfs = context.webHdfs();
  const configured = configuredStagingPath(context.config.flink, () => defaultFsUri(context.config.hadoop));
  if (configured === undefined) return hdfs.homeDirectory();
  return configured.startsWith('/') ? configured : absoluteOn(configured, await hdfs.homeDirectory());
}

/**
 * Where this user's jar cache lives: under yarn.staging-directory when that directory is the
 * user's own (or not made yet: the deploy makes it), else in the home directory. A staging
 * directory shared by several users (1777, like /tmp) must not hold one user's private cache,
 * which the others could then neither read nor write next to.
 */
export async function cacheBaseOf(context: ClusterContext, stagingBase: string): Promise<string> {
  const hdfs = context.webHdfs();
  const home = await hdfs.homeDirectory();
  if (stagingBase === home) return home;
  const status = await hdfs.status(stagingBase);
  return status === null || status.owner === context.user ? stagingBase : home;
}

/**
 * yarn.staging-directory as a path on the default file system (absolute, or relative to the home
 * directory); undefined when unset. Another file system is bad usage: only fs.defaultFS is reached.
 */
export function configuredStagingPath(flink: FlinkConfiguration, defaultFs: () => string): string | undefined {
  const configured = flink.lookup(OPTIONS.stagingDirectory);
  const value = configured?.entry.value.trim() ?? '';
  if (configured === undefined || value === '') return undefined;
  const fs = defaultFs();
  const at = locatePath(value, fs, 'hdfs');
  if (at.kind !== 'hdfs') {
    throw new UsageError(
      `${configured.entry.key} is '${value}' (${describeEntry(configured.entry)}), not on ${fs}: flink-yarn stages files through WebHDFS on fs.defaultFS only. Set it to a path there (e.g. /flink/staging) or remove it.`,
    );
  }
  return at.path;
}

/** In a staging directory: the cache entries (`<digest>/<name>`, one a line) that deployment uses. */
export const CACHE_ENTRIES_FILE = 'cache-entries.txt';

/** What became of an application's staging directory after it ended. */
export interface StagingCleanup {
  /** Null when it was not looked for: no HDFS configured, or HDFS could not say where it is. */
  readonly path: string | null;
  /** False when it was not there, or `problem` stood in the way. */
  readonly removed: boolean;
  readonly problem?: string;
}

/**
 * Removes an ended application's staging directory. Flink's JobManager removes it on a graceful
 * shutdown only; after a kill it stays for good. Never throws: the application has ended either
 * way, and `gc` finds what this could not remove.
 */
export async function removeStagingDir(context: ClusterContext, applicationId: string): Promise<StagingCleanup> {
  let path: string | null = null;
  try {
    // Without an hdfs:// file system there is no staging to look for (e.g. only --rm was given).
    defaultFsUri(context.config.hadoop);
  } catch (e) {
    return { path, removed: false, problem: `not checked: ${e instanceof Error ? e.message : String(e)}` };
  }
  try {
    const hdfs = context.webHdfs();
    // The configured base, and the home: the deploy may have run with another configuration.
    const home = await hdfs.homeDirectory();
    const bases = [...new Set([await stagingBaseOf(context).catch(() => home), home])];
    for (const base of bases) {
      path = stagingDirOf(base, applicationId);
      if (await hdfs.delete(path, true)) return { path, removed: true };
    }
    path = stagingDirOf(bases[0]!, applicationId);
    return { path, removed: false };
  } catch (e) {
    return { path, removed: false, problem: e instanceof Error ? e.message : String(e) };
  }
}

/** A cache upload in progress, or one a killed run left: `.<random>.partial` next to its entry (session/staging.ts). */
export const PARTIAL_UPLOAD = /^\..*\.partial$/;
