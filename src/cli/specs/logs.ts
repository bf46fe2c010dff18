import { CONNECTION_FLAGS } from '../flags.js';
import type { CommandSpec, OptionsOf } from '../spec.js';

export const logs = {
  name: 'logs',
  describe: "A container's log: the JobManager's by default, from its NodeManager or the aggregated logs",
  flags: [
    { name: 'applicationId', type: 'string', positional: 'required' },
    ...CONNECTION_FLAGS,
    {
      name: 'container',
      type: 'string',
      describe: "another container of the application (a TaskManager's id); default: the JobManager's",
    },
    {
      name: 'file',
      type: 'string',
      describe: 'the log file: jobmanager.out, taskmanager.err ... (default: jobmanager.log or taskmanager.log)',
    },
    {
      name: 'follow',
      alias: 'f',
      type: 'boolean',
      default: false,
      describe: 'keep printing what the log gains until the container ends (or Ctrl-C)',
    },
  ],
} as const satisfies CommandSpec;

export type LogsArgs = OptionsOf<typeof logs.flags>;
