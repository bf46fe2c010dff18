import { parseDuration } from '../../config/values/duration.js';
import { UsageError } from '../../errors/index.js';
import { CONNECTION_FLAGS, DYNAMIC_PROPERTIES, FLINK_CONF_DIR } from '../flags.js';
import type { CommandSpec, OptionsOf } from '../spec.js';

export const cache = {
  name: 'cache',
  describe: 'The content-addressed jar cache on HDFS (<home or yarn.staging-directory>/.flink-yarn/cache)',
  /** What `flink-yarn cache` alone says. */
  demand: 'Name a cache command: ls or prune.',
} as const;

export const cacheList = {
  name: 'ls',
  describe: 'Every cache entry: its size, last use, and the running applications using it',
  // The Flink configuration only for yarn.staging-directory, which moves the cache.
  flags: [...CONNECTION_FLAGS, FLINK_CONF_DIR, DYNAMIC_PROPERTIES],
} as const satisfies CommandSpec;

/** `--older-than 7d`: a Flink duration, as a usage error when it is not one. */
function olderThanMs(given: string | undefined): number | undefined {
  if (given === undefined) return undefined;
  try {
    return parseDuration(given);
  } catch (e) {
    throw new UsageError(`--older-than ${given}: ${(e as Error).message}`);
  }
}

export const cachePrune = {
  name: 'prune',
  describe: 'Remove entries no running application uses and none used within --older-than',
  flags: [
    ...CONNECTION_FLAGS,
    FLINK_CONF_DIR,
    DYNAMIC_PROPERTIES,
    {
      name: 'older-than',
      property: 'olderThanMs',
      type: 'string',
      describe: 'keep what was used within this period (a Flink duration: 7d, 12h, 0s; default 7 d)',
      map: olderThanMs,
    },
    { name: 'dry-run', type: 'boolean', default: false, describe: 'list what would go; remove nothing' },
  ],
} as const satisfies CommandSpec;

export type CacheListArgs = OptionsOf<typeof cacheList.flags>;
export type CachePruneArgs = OptionsOf<typeof cachePrune.flags>;
