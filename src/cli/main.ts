import yargs, { type Argv } from 'yargs';
import { normaliseArgs, splitRunArgs } from './args.js';
import { EXIT, exitCodeFor } from './exit.js';
import { GLOBAL_FLAGS } from './flags.js';
import { commandLine, ownFlags, yargsOption, type Flag } from './spec.js';
import type { Io } from './output.js';
import { COMMANDS, type Command, type CommandGroup } from './table.js';

export { normaliseArgs, splitRunArgs } from './args.js';
export { dynamicProperties } from './spec.js';

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
  const top = yargs(parsed)
    .scriptName('flink-yarn')
    .usage('$0 <command> [options]\n\nLaunch and operate highly available Flink clusters on YARN.');
  const parser = declareCommands(declareFlags(top, GLOBAL_FLAGS), COMMANDS, (chosen, args) => {
    command = () => chosen.run(args, { io, programArgs });
  })
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

/** The commands, from the table; yargs calls a builder only for the command being parsed. */
function declareCommands(
  y: Argv,
  commands: readonly (Command | CommandGroup)[],
  choose: (command: Command, args: Readonly<Record<string, unknown>>) => void,
): Argv {
  for (const c of commands) {
    if ('commands' in c) {
      y.command(c.spec.name, c.spec.describe, (sub) =>
        declareCommands(sub, c.commands, choose).demandCommand(1, c.spec.demand),
      );
      continue;
    }
    y.command(
      commandLine(c.spec),
      c.spec.describe,
      (sub) => declareFlags(sub, ownFlags(c.spec)),
      (args) => choose(c, args),
    );
  }
  return y;
}

function declareFlags(y: Argv, flags: readonly Flag[]): Argv {
  for (const flag of flags) {
    if (flag.positional !== undefined) y.positional(flag.name, yargsOption(flag));
    else y.option(flag.name, yargsOption(flag));
  }
  return y;
}

function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
