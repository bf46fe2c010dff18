import type { ClusterContext } from '../context/index.js';
import { defaultFsUri } from '../hdfs/webhdfs-client.js';

/** Where Flink's client (and this one) stages an application's files: `<home>/.flink/<appId>`. */
export function stagingDirOf(homeDir: string, applicationId: string): string {
  return `${homeDir}/.flink/${applicationId}`;
}

/** The content-addressed jar cache: `<home>/.flink-yarn/cache/<sha256>/<name>`. */
export function cacheDirOf(homeDir: string): string {
  return `${homeDir}/.flink-yarn/cache`;
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
    path = stagingDirOf(await hdfs.homeDirectory(), applicationId);
    return { path, removed: await hdfs.delete(path, true) };
  } catch (e) {
    return { path, removed: false, problem: e instanceof Error ? e.message : String(e) };
  }
}

/** A cache upload in progress, or one a killed run left: `.<random>.partial` next to its entry (session/staging.ts). */
export const PARTIAL_UPLOAD = /^\..*\.partial$/;
