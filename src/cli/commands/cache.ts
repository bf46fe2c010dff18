import { ago, type CacheItem } from '../../operations/cache.js';
import { plural, style, writeJson, type Io } from '../output.js';
import type { CacheListArgs, CachePruneArgs } from '../specs/cache.js';

export async function runCacheList(args: CacheListArgs, io: Io): Promise<void> {
  const { cacheList } = await import('../../operations/cache.js');
  const listing = await cacheList({ ...args, env: io.env, cwd: io.cwd });
  if (args.output === 'json') {
    return writeJson(
      io,
      listing.entries.map((e) => ({
        digest: e.digest,
        name: e.name,
        path: e.path,
        bytes: e.bytes,
        lastUsed: e.lastUsed,
        lastUsedFrom: e.lastUsedFrom,
        applications: e.applications,
      })),
    );
  }
  const s = style(io.stdout, io.env);
  const lines: string[] = [];
  if (listing.entries.length === 0) lines.push('The cache is empty.');
  else {
    const now = Date.now();
    const width = listing.entries.reduce((w, e) => Math.max(w, e.name.length), 4);
    lines.push(
      `${'DIGEST'.padEnd(12)}  ${'NAME'.padEnd(width)}  ${'BYTES'.padStart(11)}  ${'LAST USED'.padEnd(16)}  USED BY`,
    );
    for (const e of listing.entries) {
      const used = `${ago(now - e.lastUsed)} ago${e.lastUsedFrom === 'access-time' ? '' : '*'}`;
      lines.push(
        `${e.digest.slice(0, 12)}  ${e.name.padEnd(width)}  ${String(e.bytes).padStart(11)}  ${used.padEnd(16)}  ${e.applications.length === 0 ? s.dim('-') : e.applications.join(', ')}`,
      );
    }
    if (listing.entries.some((e) => e.lastUsedFrom === 'modification-time'))
      lines.push(
        s.dim(
          '* no read recorded after the upload: the upload time (HDFS access times: dfs.namenode.accesstime.precision)',
        ),
      );
  }
  for (const u of listing.unknown)
    lines.push(
      s.yellow(`Cannot tell which entries ${u.applicationId} uses: ${u.reason}; prune keeps everything while it runs.`),
    );
  io.stdout.write(`${lines.join('\n')}\n`);
}

export async function runCachePrune(args: CachePruneArgs, io: Io): Promise<void> {
  const { cachePrune } = await import('../../operations/cache.js');
  const result = await cachePrune({ ...args, env: io.env, cwd: io.cwd });
  if (args.output === 'json') return writeJson(io, { removed: result.removed, kept: result.kept });
  const s = style(io.stdout, io.env);
  const line = (i: CacheItem) => `  ${i.path}  ${s.dim(i.reason)}`;
  const verb = result.dryRun ? 'Would remove' : 'Removed';
  io.stdout.write(
    [
      result.removed.length === 0 ? 'Nothing to prune.' : `${verb} ${plural(result.removed.length, 'path')}:`,
      ...result.removed.map(line),
      ...(result.kept.length > 0
        ? [`Kept ${plural(result.kept.length, 'entry', 'entries')}:`, ...result.kept.map(line)]
        : []),
    ].join('\n') + '\n',
  );
}
