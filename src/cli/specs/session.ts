import { DEPLOYMENT_FLAGS } from '../flags.js';
import type { CommandSpec, OptionsOf } from '../spec.js';

export const session = {
  name: 'session',
  describe: "Deploy a Flink session cluster on YARN (yarn-session: the same flags as Flink's yarn-session.sh)",
  flags: [
    ...DEPLOYMENT_FLAGS,
    {
      name: 'applicationId',
      type: 'string',
      short: '-id',
      describe: 'an existing session (with --dry-run: the id to plan for)',
    },
    {
      name: 'detached',
      alias: 'd',
      // yarn-session.sh's deprecated spellings of -d.
      short: ['-yd', '--yarndetached'],
      type: 'boolean',
      default: false,
      describe: 'return once the session is RUNNING',
    },
    {
      name: 'jobmanager',
      short: '-m',
      type: 'string',
      optional: true,
      describe: 'accepted as yarn-session.sh accepts it (yarn-cluster); a session is deployed either way',
    },
    {
      name: 'query',
      alias: 'q',
      type: 'boolean',
      default: false,
      optional: true,
      describe: "print the cluster's NodeManagers (memory, vcores) and queues, and deploy nothing",
    },
  ],
} as const satisfies CommandSpec;

export type SessionArgs = OptionsOf<typeof session.flags>;
