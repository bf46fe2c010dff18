import { CONNECTION_FLAGS } from '../flags.js';
import type { CommandSpec, Flag, OptionsOf } from '../spec.js';

// Day-2 operations on a running cluster's jobs, through its JobManager's REST API.

const APPLICATION_ID = {
  name: 'applicationId',
  type: 'string',
  positional: 'required',
  describe: 'the RUNNING YARN application (its JobManager)',
} as const satisfies Flag;
const JOB_ID = {
  name: 'jobId',
  type: 'string',
  positional: 'required',
  describe: 'the Flink job id (32 hex digits; see flink-yarn jobs APPID)',
} as const satisfies Flag;
const timeout = (seconds: number) =>
  ({ name: 'timeout', type: 'number', describe: `seconds to wait (default ${seconds})` }) as const satisfies Flag;

export const jobs = {
  name: 'jobs',
  describe: "A running cluster's Flink jobs: id, name, state, start, duration",
  flags: [APPLICATION_ID, ...CONNECTION_FLAGS],
} as const satisfies CommandSpec;

export const savepoint = {
  name: 'savepoint',
  describe: "Take a savepoint of a job and print its location (default directory: the cluster's state.savepoints.dir)",
  flags: [
    APPLICATION_ID,
    JOB_ID,
    { name: 'directory', type: 'string', positional: 'optional', describe: 'where to write the savepoint' },
    ...CONNECTION_FLAGS,
    { name: 'type', choices: ['canonical', 'native'], default: 'canonical', describe: 'the savepoint format' },
    timeout(300),
  ],
} as const satisfies CommandSpec;

export const stop = {
  name: 'stop',
  describe: 'Stop a job with a savepoint and print its location',
  flags: [
    APPLICATION_ID,
    JOB_ID,
    ...CONNECTION_FLAGS,
    { name: 'savepoint-dir', type: 'string', describe: "default: the cluster's state.savepoints.dir" },
    { name: 'drain', type: 'boolean', default: false, describe: 'emit MAX_WATERMARK first (event-time timers fire)' },
    timeout(300),
  ],
} as const satisfies CommandSpec;

export const cancel = {
  name: 'cancel',
  describe: 'Cancel a job (no savepoint) and wait until Flink says CANCELED',
  flags: [APPLICATION_ID, JOB_ID, ...CONNECTION_FLAGS, timeout(60)],
} as const satisfies CommandSpec;

export type JobsArgs = OptionsOf<typeof jobs.flags>;
export type SavepointArgs = OptionsOf<typeof savepoint.flags>;
export type StopArgs = OptionsOf<typeof stop.flags>;
export type CancelArgs = OptionsOf<typeof cancel.flags>;
