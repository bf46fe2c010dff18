import yargs from 'yargs';
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
  const parser = yargs(normaliseArgs(argv))
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

/** `-Dkey=value` (Flink's spelling) becomes `-D key=value` for the parser. */
export function normaliseArgs(argv: readonly string[]): string[] {
  return argv.flatMap((a) => (a.startsWith('-D') && a.length > 2 ? ['-D', a.slice(2)] : [a]));
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
