import { DEPLOYMENT_FLAGS } from '../flags.js';
import type { CommandSpec, OptionsOf } from '../spec.js';

/**
 * `run [options] JAR [program args]`. The program's arguments are not flags: splitRunArgs takes
 * them off before parsing, using this list to tell a flag's value from the jar.
 */
export const run = {
  name: 'run',
  describe:
    'Run one job on its own Flink cluster on YARN (application mode): flink-yarn run [options] JAR [program args]',
  flags: [
    { name: 'jarFile', type: 'string', positional: 'required', describe: "the job's jar" },
    ...DEPLOYMENT_FLAGS,
    {
      name: 'class',
      property: 'mainClass',
      alias: 'c',
      type: 'string',
      describe: "the job's main class (default: the jar's manifest)",
    },
    { name: 'parallelism', alias: 'p', type: 'number', describe: 'the default parallelism of the job' },
    {
      name: 'job-graph',
      type: 'string',
      describe: 'a serialized JobGraph: run the legacy per-job entrypoint (Flink 1.x) instead',
    },
    {
      name: 'detached',
      alias: 'd',
      type: 'boolean',
      default: false,
      describe: 'return once the application is RUNNING',
    },
    {
      name: 'cancel-on-interrupt',
      type: 'boolean',
      default: false,
      describe: 'Ctrl-C cancels the job without asking',
    },
    { name: 'applicationId', type: 'string', describe: 'with --dry-run: the id to plan for' },
  ],
} as const satisfies CommandSpec;

export type RunArgs = OptionsOf<typeof run.flags> & { readonly programArgs: readonly string[] };
