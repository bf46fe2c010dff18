import yargs, { type Argv } from 'yargs';
import { UsageError } from '../errors/index.js';
import { EXIT, exitCodeFor } from './exit.js';
import type { Io, OutputFormat } from './output.js';

/**
 * The CLI: a thin adapter. It parses flags, calls one typed operation per command (loaded
 * lazily, so `validate` never loads HTTP or ZooKeeper code) and maps errors to exit codes.
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let usageFailure: string | undefined;
  // Handlers only pick the command; it runs after parsing. An async handler would make yargs
  // render and cache the whole help text first, which costs a third of `validate`'s run time.
  let command: (() => Promise<void>) | undefined;
  const { argv: parsed, programArgs } = splitRunArgs(normaliseArgs(argv));
  const parser = yargs(parsed)
    .scriptName('flink-yarn')
    .usage('$0 <command> [options]\n\nLaunch and operate highly available Flink clusters on YARN.')
    .option('output', {
      alias: 'o',
      choices: ['text', 'json'] as const,
      default: 'text' as OutputFormat,
      describe: 'text for people; json prints one JSON document on stdout',
    })
    .option('flink-conf-dir', { type: 'string', describe: 'default: $FLINK_CONF_DIR, $FLINK_HOME/conf, ./conf' })
    .option('yarn-conf-dir', {
      type: 'string',
      describe: 'default: $YARN_CONF_DIR, $HADOOP_CONF_DIR, $HADOOP_HOME/etc/hadoop',
    })
    .option('D', { type: 'string', array: true, describe: 'key=value: override a Flink configuration key' })
    .option('user', { type: 'string', describe: 'Hadoop user (default: $HADOOP_USER_NAME, then the OS user)' })
    .option('rm', {
      type: 'string',
      describe: 'ResourceManager web address(es), comma-separated (default: from yarn-site.xml)',
    })
    .command(
      'validate',
      'Check the Flink configuration (+ masters, zoo.cfg) against yarn-site.xml before deploying',
      (y) => y.option('strict', { type: 'boolean', default: false, describe: 'fail on warnings too' }),
      (a) => {
        command = async () => {
          const { runValidate } = await import('./commands/validate.js');
          await runValidate(
            {
              output: a.output,
              strict: a.strict,
              flinkConfDir: a['flink-conf-dir'],
              yarnConfDir: a['yarn-conf-dir'],
              dynamicProperties: dynamicProperties(a.D),
              user: a.user,
            },
            io,
          );
        };
      },
    )
    .command(
      'minicluster <action>',
      'A real local YARN + HDFS + ZooKeeper with a Flink distribution, for trying the tool and for tests',
      (y) =>
        y
          .positional('action', { choices: ['start', 'stop', 'status'] as const, demandOption: true })
          .option('state-dir', {
            type: 'string',
            describe: 'where its state lives (default ~/.flink-yarn/minicluster)',
          })
          .option('am-max-attempts', { type: 'number', describe: 'yarn.resourcemanager.am.max-attempts (default 2)' })
          .option('rms', { type: 'number', choices: [1, 2], describe: 'ResourceManagers; 2 for RM HA (default 1)' })
          .option('hadoop-version', {
            type: 'string',
            describe: 'Hadoop of the minicluster (default 3.4.2; 3.5.0 works)',
          }),
      (a) => {
        command = async () => {
          const { runMinicluster } = await import('./commands/minicluster.js');
          await runMinicluster(
            {
              action: a.action,
              output: a.output,
              stateDir: a['state-dir'],
              amMaxAttempts: a['am-max-attempts'],
              rms: a.rms as 1 | 2 | undefined,
              hadoopVersion: a['hadoop-version'],
            },
            io,
          );
        };
      },
    )
    .command(
      'zookeeper <action>',
      "Start, stop or inspect this machine's ZooKeeper server of conf/zoo.cfg (Flink's start-zookeeper-quorum.sh)",
      (y) =>
        y
          .positional('action', { choices: ['start', 'stop', 'status'] as const, demandOption: true })
          .option('state-dir', {
            type: 'string',
            describe:
              'pid, generated zoo.cfg and logs (default $FLINK_YARN_STATE_DIR/zookeeper, ~/.flink-yarn/zookeeper)',
          })
          .option('zookeeper-home', {
            type: 'string',
            describe: "the ZooKeeper to run (default $ZOOKEEPER_HOME, then Debian's zookeeper package)",
          }),
      (a) => {
        command = async () => {
          const { runZooKeeper } = await import('./commands/zookeeper.js');
          await runZooKeeper(
            {
              action: a.action,
              output: a.output,
              flinkConfDir: a['flink-conf-dir'],
              stateDir: a['state-dir'],
              zookeeperHome: a['zookeeper-home'],
            },
            io,
          );
        };
      },
    )
    .command(
      'list',
      'Flink applications on YARN (--all-types for every type)',
      (y) =>
        y
          .option('all-types', {
            type: 'boolean',
            default: false,
            describe: 'every application type, not only Apache Flink',
          })
          .option('states', {
            type: 'string',
            array: true,
            describe: 'RUNNING, ACCEPTED, FINISHED, FAILED, KILLED ...',
          })
          .option('limit', { type: 'number', describe: 'at most this many (newest first)' }),
      (a) => {
        command = async () => {
          const { runList } = await import('./commands/applications.js');
          await runList(
            {
              ...connectionArgs(a),
              allTypes: a['all-types'],
              states: a.states?.flatMap((x) => x.split(',')),
              limit: a.limit,
            },
            io,
          );
        };
      },
    )
    .command(
      'status <applicationId>',
      'An application: state, AM host, REST address, attempts, diagnostics',
      (y) => y.positional('applicationId', { type: 'string', demandOption: true }),
      (a) => {
        command = async () => {
          const { runStatus } = await import('./commands/applications.js');
          await runStatus({ ...connectionArgs(a), applicationId: a.applicationId }, io);
        };
      },
    )
    .command(
      'attempts <applicationId>',
      "An application's AM attempts: when, where, why they ended, and how many are left",
      (y) => y.positional('applicationId', { type: 'string', demandOption: true }),
      (a) => {
        command = async () => {
          const { runAttempts } = await import('./commands/applications.js');
          await runAttempts({ ...connectionArgs(a), applicationId: a.applicationId }, io);
        };
      },
    )
    .command(
      'kill <applicationId>',
      'Kill an application and wait until YARN says KILLED',
      (y) =>
        y
          .positional('applicationId', { type: 'string', demandOption: true })
          .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'do not ask for confirmation' })
          .option('cleanup-ha', {
            type: 'boolean',
            default: false,
            describe: "then remove its ZooKeeper HA namespace and recovery data (needs the Flink conf's quorum)",
          }),
      (a) => {
        command = async () => {
          const { runKill } = await import('./commands/applications.js');
          await runKill(
            {
              ...connectionArgs(a),
              applicationId: a.applicationId,
              yes: a.yes,
              cleanupHa: a['cleanup-ha'],
              flinkConfDir: a['flink-conf-dir'],
              dynamicProperties: dynamicProperties(a.D),
            },
            io,
          );
        };
      },
    )
    .command(
      'session',
      "Deploy a Flink session cluster on YARN (yarn-session: the same flags as Flink's yarn-session.sh)",
      (y) =>
        sessionOptions(y)
          .option('applicationId', {
            type: 'string',
            describe: '-id: an existing session (with --dry-run: the id to plan for)',
          })
          .option('detached', {
            alias: 'd',
            type: 'boolean',
            default: false,
            describe: 'return once the session is RUNNING',
          }),
      (a) => {
        command = async () => {
          const { runSession } = await import('./commands/session.js');
          await runSession({ ...sessionArgs(a), applicationId: a.applicationId, detached: a.detached }, io);
        };
      },
    )
    .command(
      'run <jarFile>',
      'Run one job on its own Flink cluster on YARN (application mode): flink-yarn run [options] JAR [program args]',
      (y) =>
        sessionOptions(y)
          .positional('jarFile', { type: 'string', demandOption: true, describe: "the job's jar" })
          .option('class', {
            alias: 'c',
            type: 'string',
            describe: "the job's main class (default: the jar's manifest)",
          })
          .option('parallelism', { alias: 'p', type: 'number', describe: 'the default parallelism of the job' })
          .option('job-graph', {
            type: 'string',
            describe: 'a serialized JobGraph: run the legacy per-job entrypoint (Flink 1.x) instead',
          })
          .option('detached', {
            alias: 'd',
            type: 'boolean',
            default: false,
            describe: 'return once the application is RUNNING',
          })
          .option('cancel-on-interrupt', {
            type: 'boolean',
            default: false,
            describe: 'Ctrl-C cancels the job without asking',
          })
          .option('applicationId', { type: 'string', describe: 'with --dry-run: the id to plan for' }),
      (a) => {
        command = async () => {
          const { runJob } = await import('./commands/run.js');
          await runJob(
            {
              ...sessionArgs(a),
              applicationId: a.applicationId,
              detached: a.detached,
              jarFile: a.jarFile,
              programArgs,
              mainClass: a.class,
              parallelism: a.parallelism,
              jobGraph: a['job-graph'],
              cancelOnInterrupt: a['cancel-on-interrupt'],
            },
            io,
          );
        };
      },
    )
    .command('ha', 'The ZooKeeper side of HA', (y) =>
      y
        .command(
          'status [applicationId]',
          "A cluster's leaders (decoded addresses and session ids) and its jobs, from ZooKeeper",
          (z) =>
            z
              .positional('applicationId', { type: 'string', describe: 'the YARN application (its HA namespace)' })
              .option('cluster-id', { type: 'string', describe: 'the HA cluster-id, instead of an application id' }),
          (a) => {
            command = async () => {
              const { runHaStatus } = await import('./commands/ha.js');
              await runHaStatus(
                {
                  output: a.output,
                  applicationId: a.applicationId,
                  clusterId: a['cluster-id'],
                  flinkConfDir: a['flink-conf-dir'],
                  dynamicProperties: dynamicProperties(a.D),
                },
                io,
              );
            };
          },
        )
        .command(
          'ls',
          'Every HA namespace under the root, with its YARN state, its jobs, and whether it is orphaned',
          (z) => z,
          (a) => {
            command = async () => {
              const { runHaList } = await import('./commands/ha.js');
              await runHaList(
                { ...connectionArgs(a), flinkConfDir: a['flink-conf-dir'], dynamicProperties: dynamicProperties(a.D) },
                io,
              );
            };
          },
        )
        .command(
          'clean [clusterId]',
          'Remove an HA namespace and its recovery data on HDFS (--orphans: every orphaned one)',
          (z) =>
            z
              .positional('clusterId', { type: 'string', describe: 'the cluster-id (on YARN: the application id)' })
              .option('orphans', {
                type: 'boolean',
                default: false,
                describe: 'every namespace whose application has ended',
              })
              .option('force', { type: 'boolean', default: false, describe: "even a running application's namespace" })
              .option('dry-run', { type: 'boolean', default: false, describe: 'list what would go' }),
          (a) => {
            command = async () => {
              const { runHaClean } = await import('./commands/ha.js');
              await runHaClean(
                {
                  ...connectionArgs(a),
                  flinkConfDir: a['flink-conf-dir'],
                  dynamicProperties: dynamicProperties(a.D),
                  clusterId: a.clusterId,
                  orphans: a.orphans,
                  force: a.force,
                  dryRun: a['dry-run'],
                },
                io,
              );
            };
          },
        )
        .demandCommand(1, 'Name an ha command: status, ls or clean.'),
    )
    .demandCommand(1, 'Name a command; see --help.')
    .strict()
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(null)
    .exitProcess(false)
    .fail((message: string | undefined, error: Error | undefined) => {
      if (error !== undefined) throw error;
      usageFailure = message ?? 'invalid usage';
    });

  try {
    parser.parseSync();
    if (usageFailure !== undefined) {
      io.stderr.write(`flink-yarn: ${usageFailure}\nRun 'flink-yarn --help' for usage.\n`);
      return EXIT.usage;
    }
    await command?.();
  } catch (e) {
    const { code, message } = exitCodeFor(e);
    if (message !== '') io.stderr.write(`flink-yarn: ${message}\n`);
    if (io.env.FLINK_YARN_DEBUG && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
    return code;
  }
  return EXIT.ok;
}

/** The deployment flags `session` and `run` share (yarn-session.sh's, plus ours). */
function sessionOptions<T>(y: Argv<T>) {
  return y
    .option('jobManagerMemory', { type: 'string', describe: '-jm: JobManager process memory (MB without unit)' })
    .option('taskManagerMemory', { type: 'string', describe: '-tm: TaskManager process memory (MB without unit)' })
    .option('slots', { alias: 's', type: 'number', describe: 'task slots per TaskManager' })
    .option('name', { type: 'string', describe: '-nm: YARN application name' })
    .option('queue', { type: 'string', describe: '-qu: YARN queue' })
    .option('nodeLabel', { type: 'string', describe: '-nl: YARN node label' })
    .option('applicationType', { type: 'string', describe: '-at: YARN application type (default "Apache Flink")' })
    .option('ship', { alias: 't', type: 'string', array: true, describe: 'ship a file or directory to the cluster' })
    .option('jar', { alias: 'j', type: 'string', describe: "path to Flink's dist jar" })
    .option('zookeeperNamespace', {
      alias: 'z',
      type: 'string',
      describe: 'HA cluster-id (default: the application id)',
    })
    .option('wait', { type: 'boolean', default: true, describe: 'with -d, --no-wait returns right after submission' })
    .option('timeout', { type: 'number', describe: 'seconds to wait for RUNNING (default 300)' })
    .option('flink-home', { type: 'string', describe: 'the Flink distribution to ship (default $FLINK_HOME)' })
    .option('reuse-uploads', {
      type: 'boolean',
      default: true,
      describe:
        'register jars already on HDFS with the same content instead of uploading them again (--no-reuse-uploads)',
    })
    .option('dry-run', { type: 'boolean', default: false, describe: 'print the plan; submit and create nothing' })
    .option('hadoop-version', { type: 'string', describe: 'with --dry-run and --applicationId: plan offline' });
}

function sessionArgs(a: {
  output: OutputFormat;
  'flink-conf-dir'?: string | undefined;
  'yarn-conf-dir'?: string | undefined;
  'flink-home'?: string | undefined;
  rm?: string | undefined;
  user?: string | undefined;
  D?: string[] | undefined;
  jobManagerMemory?: string | undefined;
  taskManagerMemory?: string | undefined;
  slots?: number | undefined;
  name?: string | undefined;
  queue?: string | undefined;
  nodeLabel?: string | undefined;
  applicationType?: string | undefined;
  ship?: string[] | undefined;
  jar?: string | undefined;
  zookeeperNamespace?: string | undefined;
  wait: boolean;
  timeout?: number | undefined;
  'dry-run': boolean;
  'reuse-uploads': boolean;
  'hadoop-version'?: string | undefined;
}) {
  return {
    output: a.output,
    flinkConfDir: a['flink-conf-dir'],
    yarnConfDir: a['yarn-conf-dir'],
    flinkHome: a['flink-home'],
    rm: a.rm,
    user: a.user,
    dynamicProperties: dynamicProperties(a.D),
    jobManagerMemory: a.jobManagerMemory,
    taskManagerMemory: a.taskManagerMemory,
    slots: a.slots,
    name: a.name,
    queue: a.queue,
    nodeLabel: a.nodeLabel,
    applicationType: a.applicationType,
    ship: a.ship,
    jar: a.jar,
    zookeeperNamespace: a.zookeeperNamespace,
    noWait: !a.wait,
    timeout: a.timeout,
    dryRun: a['dry-run'],
    reuseUploads: a['reuse-uploads'],
    hadoopVersion: a['hadoop-version'],
  };
}

function connectionArgs(a: {
  output: OutputFormat;
  'yarn-conf-dir'?: string | undefined;
  rm?: string | undefined;
  user?: string | undefined;
}) {
  return { output: a.output, yarnConfDir: a['yarn-conf-dir'], rm: a.rm, user: a.user };
}

/** Options of `run` that take a value (camelCase, as yargs also accepts them kebab-cased): what follows is not the jar. */
const RUN_VALUE_FLAGS = new Set([
  'output',
  'o',
  'flinkConfDir',
  'yarnConfDir',
  'D',
  'user',
  'rm',
  'jobManagerMemory',
  'taskManagerMemory',
  'slots',
  's',
  'name',
  'queue',
  'nodeLabel',
  'applicationType',
  'ship',
  't',
  'jar',
  'j',
  'zookeeperNamespace',
  'z',
  'applicationId',
  'timeout',
  'flinkHome',
  'hadoopVersion',
  'class',
  'c',
  'parallelism',
  'p',
  'jobGraph',
]);

function takesValue(flag: string): boolean {
  if (flag.includes('=')) return false;
  return RUN_VALUE_FLAGS.has(flag.replace(/^-+/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()));
}

/**
 * `run [options] JAR [program args]`, as `flink run` reads it: everything after the jar belongs
 * to the program. The jar moves right after `run` so that no list option can swallow it.
 */
export function splitRunArgs(argv: readonly string[]): { argv: string[]; programArgs: string[] } {
  if (argv[0] !== 'run') return { argv: [...argv], programArgs: [] };
  for (let i = 1; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') return { argv: [...argv.slice(0, i)], programArgs: argv.slice(i + 1) };
    if (token.startsWith('-') && token !== '-') {
      if (takesValue(token)) i++;
      continue;
    }
    const rest = argv.slice(i + 1);
    return {
      argv: ['run', token, ...argv.slice(1, i)],
      programArgs: rest[0] === '--' ? rest.slice(1) : rest,
    };
  }
  return { argv: [...argv], programArgs: [] };
}

/** yarn-session.sh's two-letter short flags, which a standard parser would read as letter groups. */
const TWO_LETTER_FLAGS: Readonly<Record<string, string>> = {
  '-jm': '--jobManagerMemory',
  '-tm': '--taskManagerMemory',
  '-nm': '--name',
  '-qu': '--queue',
  '-nl': '--nodeLabel',
  '-at': '--applicationType',
  '-id': '--applicationId',
};

/** `-Dkey=value` (Flink's spelling) becomes `-D key=value`, and `-jm` becomes `--jobManagerMemory`. */
export function normaliseArgs(argv: readonly string[]): string[] {
  return argv.flatMap((a) => {
    if (a.startsWith('-D') && a.length > 2) return ['-D', a.slice(2)];
    return [TWO_LETTER_FLAGS[a] ?? a];
  });
}

export function dynamicProperties(values: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`-D ${item}: write it as -D key=value`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}

function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
