import { CONNECTION_FLAGS, DYNAMIC_PROPERTIES, FLINK_CONF_DIR, OUTPUT } from '../flags.js';
import type { CommandSpec, OptionsOf } from '../spec.js';

export const ha = {
  name: 'ha',
  describe: 'The ZooKeeper side of HA',
  /** What `flink-yarn ha` alone says. */
  demand: 'Name an ha command: status, ls or clean.',
} as const;

export const haStatus = {
  name: 'status',
  describe: "A cluster's leaders (decoded addresses and session ids) and its jobs, from ZooKeeper",
  flags: [
    {
      name: 'applicationId',
      type: 'string',
      positional: 'optional',
      describe: 'the YARN application (its HA namespace)',
    },
    OUTPUT,
    { name: 'cluster-id', type: 'string', describe: 'the HA cluster-id, instead of an application id' },
    FLINK_CONF_DIR,
    DYNAMIC_PROPERTIES,
  ],
} as const satisfies CommandSpec;

export const haList = {
  name: 'ls',
  describe: 'Every HA namespace under the root, with its YARN state, its jobs, and whether it is orphaned',
  flags: [...CONNECTION_FLAGS, FLINK_CONF_DIR, DYNAMIC_PROPERTIES],
} as const satisfies CommandSpec;

export const haClean = {
  name: 'clean',
  describe: 'Remove an HA namespace and its recovery data on HDFS (--orphans: every orphaned one)',
  flags: [
    {
      name: 'clusterId',
      type: 'string',
      positional: 'optional',
      describe: 'the cluster-id (on YARN: the application id)',
    },
    ...haList.flags,
    { name: 'orphans', type: 'boolean', default: false, describe: 'every namespace whose application has ended' },
    { name: 'force', type: 'boolean', default: false, describe: "even a running application's namespace" },
    { name: 'dry-run', type: 'boolean', default: false, describe: 'list what would go' },
  ],
} as const satisfies CommandSpec;

export type HaStatusArgs = OptionsOf<typeof haStatus.flags>;
export type HaListArgs = OptionsOf<typeof haList.flags>;
export type HaCleanArgs = OptionsOf<typeof haClean.flags>;
