import { DEPLOYMENT, GLOBAL_FLAGS, withoutAlias } from '../flags.js';
import type { CommandSpec, OptionsOf } from '../spec.js';

// `flink run`'s spellings win where they collide with yarn-session.sh's: -s is the savepoint,
// -t the target, -j the job's jar. The YARN flags take Flink's -y forms (-ys, -yt, -yj), and
// yarn-session.sh's two-letter forms stay where nothing else means them.
const slots = withoutAlias(DEPLOYMENT.slots);
const ship = withoutAlias(DEPLOYMENT.ship);
const distJar = withoutAlias(DEPLOYMENT.jar);

export const RUN_TARGETS = ['yarn-application', 'yarn-per-job', 'yarn-session'] as const;
export type RunTarget = (typeof RUN_TARGETS)[number];

/**
 * `run [options] JAR [program args]`: Flink's `flink run`. The program's arguments are not flags:
 * splitRunArgs takes them off before parsing, using this list to tell a flag's value from the jar.
 */
export const run = {
  name: 'run',
  describe:
    "Run a job on YARN, as Flink's flink run: on its own cluster (application mode, the default) or in a running session (-yid, -t yarn-session)",
  flags: [
    { name: 'jarFile', type: 'string', positional: 'required', describe: "the job's jar" },
    ...GLOBAL_FLAGS,
    { ...DEPLOYMENT.jobManagerMemory, short: ['-jm', '-yjm'] },
    { ...DEPLOYMENT.taskManagerMemory, short: ['-tm', '-ytm'] },
    { ...slots, short: '-ys' },
    { ...DEPLOYMENT.name, short: ['-nm', '-ynm'] },
    { ...DEPLOYMENT.queue, short: ['-qu', '-yqu'] },
    { ...DEPLOYMENT.nodeLabel, short: ['-nl', '-ynl'] },
    { ...DEPLOYMENT.applicationType, short: ['-at', '-yat'] },
    { ...ship, short: '-yt' },
    { ...distJar, short: '-yj' },
    { ...DEPLOYMENT.zookeeperNamespace, short: '-yz' },
    DEPLOYMENT.noWait,
    DEPLOYMENT.timeout,
    DEPLOYMENT.flinkHome,
    DEPLOYMENT.reuseUploads,
    DEPLOYMENT.dryRun,
    DEPLOYMENT.hadoopVersion,
    {
      name: 'jarfile',
      alias: 'j',
      type: 'string',
      describe: "the job's jar, as a flag: then every argument after the options is the program's",
    },
    {
      name: 'class',
      property: 'mainClass',
      alias: 'c',
      type: 'string',
      describe: "the job's main class (default: the jar's manifest)",
    },
    {
      name: 'classpath',
      property: 'classpaths',
      alias: 'C',
      type: 'string',
      array: true,
      describe: "a URL added to the job's class loader on every node (file://, http://); repeatable",
    },
    { name: 'parallelism', alias: 'p', type: 'number', describe: 'the default parallelism of the job' },
    {
      name: 'detached',
      alias: 'd',
      short: '-yd',
      type: 'boolean',
      default: false,
      describe: 'return once the job is submitted (session) or its cluster is RUNNING',
    },
    {
      name: 'fromSavepoint',
      alias: 's',
      type: 'string',
      describe: 'restore the job from this savepoint or retained checkpoint (hdfs:///...)',
    },
    {
      name: 'allowNonRestoredState',
      alias: 'n',
      type: 'boolean',
      default: false,
      describe: 'with -s: skip savepoint state that maps to no operator of the job',
    },
    {
      name: 'claimMode',
      short: '-cm',
      choices: ['claim', 'no_claim', 'legacy'],
      describe: 'with -s: whether the job takes ownership of the savepoint (default no_claim)',
    },
    {
      name: 'shutdownOnAttachedExit',
      short: '-sae',
      type: 'boolean',
      default: false,
      describe: 'attached, Ctrl-C cancels the job (and shuts its own cluster down) without asking',
    },
    {
      name: 'target',
      alias: 't',
      choices: RUN_TARGETS,
      describe:
        'yarn-application (default): a cluster for the job; yarn-session: into a running session; yarn-per-job: with --job-graph',
    },
    {
      name: 'applicationId',
      type: 'string',
      short: '-yid',
      describe: 'the session to submit into (with --dry-run in application mode: the id to plan for)',
    },
    {
      name: 'job-graph',
      type: 'string',
      describe: 'a serialized JobGraph: run the legacy per-job entrypoint (Flink 1.x) instead',
    },
  ],
} as const satisfies CommandSpec;

export type RunArgs = OptionsOf<typeof run.flags> & { readonly programArgs: readonly string[] };
