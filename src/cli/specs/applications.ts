import { parseList } from '../../config/values/lists.js';
import { CONNECTION_FLAGS, DYNAMIC_PROPERTIES, FLINK_CONF_DIR } from '../flags.js';
import type { CommandSpec, Flag, OptionsOf } from '../spec.js';

const APPLICATION_ID = { name: 'applicationId', type: 'string', positional: 'required' } as const satisfies Flag;

export const list = {
  name: 'list',
  describe: 'Flink applications on YARN (--all-types for every type)',
  flags: [
    ...CONNECTION_FLAGS,
    { name: 'all-types', type: 'boolean', default: false, describe: 'every application type, not only Apache Flink' },
    {
      name: 'states',
      type: 'string',
      array: true,
      describe: 'RUNNING, ACCEPTED, FINISHED, FAILED, KILLED ...',
      map: (states: string[] | undefined) => states?.flatMap((s) => parseList(s)),
    },
    { name: 'limit', type: 'number', describe: 'at most this many (newest first)' },
  ],
} as const satisfies CommandSpec;

export const status = {
  name: 'status',
  describe: 'An application: state, AM host, REST address, attempts, diagnostics',
  flags: [APPLICATION_ID, ...CONNECTION_FLAGS],
} as const satisfies CommandSpec;

export const attempts = {
  name: 'attempts',
  describe: "An application's AM attempts: when, where, why they ended, and how many are left",
  flags: [APPLICATION_ID, ...CONNECTION_FLAGS],
} as const satisfies CommandSpec;

export const kill = {
  name: 'kill',
  describe: 'Kill an application and wait until YARN says KILLED',
  flags: [
    APPLICATION_ID,
    ...CONNECTION_FLAGS,
    { name: 'yes', alias: 'y', type: 'boolean', default: false, describe: 'do not ask for confirmation' },
    {
      name: 'cleanup-ha',
      type: 'boolean',
      default: false,
      describe: "then remove its ZooKeeper HA namespace and recovery data (needs the Flink conf's quorum)",
    },
    FLINK_CONF_DIR,
    DYNAMIC_PROPERTIES,
  ],
} as const satisfies CommandSpec;

export type ConnectionArgs = OptionsOf<typeof CONNECTION_FLAGS>;
export type ListArgs = OptionsOf<typeof list.flags>;
export type StatusArgs = OptionsOf<typeof status.flags>;
export type KillArgs = OptionsOf<typeof kill.flags>;
