import yargs, { type Argv } from 'yargs';
import { FlinkYarnError } from '../errors/index.js';
import { splitRunArgs } from './args.js';
import { EXIT, exitCodeFor } from './exit.js';
import { GLOBAL_FLAGS } from './flags.js';
import { checkGiven, commandLine, ownFlags, yargsOption, type Flag } from './spec.js';
import { terminalIo, type Io, type TerminalOutput } from './output.js';
import { COMMANDS, type Command, type CommandGroup } from './table.js';
import { oneLine } from './text.js';

export { normaliseArgs, splitRunArgs } from './args.js';
export { dynamicProperties } from './spec.js';

/** The binaries: `yarn-session [flags]` is exactly `flink-yarn session [flags]`, and says so in its help. */
export type Program = 'flink-yarn' | 'yarn-session';

type GuardedIo = Io & { readonly stdout: TerminalOutput; readonly stderr: TerminalOutput };

/**
 * The CLI: a thin adapter. It parses flags, calls one typed operation per command (loaded
 * lazily, so `validate` never loads HTTP or ZooKeeper code) and maps errors to exit codes.
 */
export async function main(
  argv: readonly string[],
  given: Io = processIo(),
  program: Program = 'flink-yarn',
): Promise<number> {
  const io = terminalIo(given);
  const code = await dispatch(program === 'yarn-session' ? ['session', ...argv] : argv, io, program);
  return finish(io, code);
}

async function dispatch(argv: readonly string[], io: GuardedIo, program: Program): Promise<number> {
  let usageFailure: string | undefined;
  // Handlers only pick the command; it runs after parsing. An async handler would make yargs
  // render and cache the whole help text first, which costs a third of `validate`'s run time.
  let chosen: { command: Command; args: Readonly<Record<string, unknown>> } | undefined;
  try {
    const { argv: parsed, programArgs } = splitRunArgs(argv);
    const top = yargs(parsed)
      .scriptName(program)
      .usage('$0 <command> [options]\n\nLaunch and operate highly available Flink clusters on YARN.');
    const usage: Record<string, string> = program === 'yarn-session' ? { session: '$0 [options]' } : {};
    const parser = declareCommands(declareFlags(top, GLOBAL_FLAGS), COMMANDS, usage, (command, args) => {
      chosen = { command, args };
    })
      .demandCommand(1, 'Name a command; see --help.')
      .strict()
      .help()
      .alias('h', 'help')
      .version(false)
      .wrap(null)
      .exitProcess(false)
      .fail((message: string | undefined, error: Error | undefined) => {
        // yargs' own errors (a flag without its value) are usage; anything else is ours to map.
        if (error !== undefined && error.name !== 'YError') throw error;
        usageFailure = message ?? error?.message ?? 'invalid usage';
      });
    parser.parseSync();
    if (usageFailure !== undefined) {
      io.stderr.write(`flink-yarn: ${oneLine(usageMessage(usageFailure))} (see ${program} --help)\n`);
      return EXIT.usage;
    }
    if (chosen === undefined) return EXIT.ok;
    checkGiven([...GLOBAL_FLAGS, ...chosen.command.spec.flags], chosen.args);
    await chosen.command.run(chosen.args, { io, programArgs });
  } catch (e) {
    return report(io, e);
  }
  return EXIT.ok;
}

/** yargs' words for a flag without its value, in ours. */
function usageMessage(message: string): string {
  const dangling = /^Not enough arguments following: (\S+)$/.exec(message);
  if (dangling === null) return message;
  const name = dangling[1]!;
  return `${name.length === 1 ? '-' : '--'}${name} needs a value`;
}

/** The one line a failure prints, and its exit code. */
function report(io: GuardedIo, e: unknown): number {
  const { code, message } = exitCodeFor(e);
  if (message !== '') io.stderr.write(`flink-yarn: ${oneLine(message)}\n`);
  if (io.env.FLINK_YARN_DEBUG && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
  return code;
}

/**
 * A stdout that could not be written (a full disk) fails the run with one line; a reader that
 * went away (`| head`) does not. Stream errors arrive a tick after the write that met them.
 */
async function finish(io: GuardedIo, code: number): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  const failure = io.stdout.failure;
  if (failure === undefined) return code;
  const reported = report(io, new FlinkYarnError('OUTPUT_FAILED', `cannot write output: ${failure.message}`));
  return code === EXIT.ok ? reported : code;
}

/** The commands, from the table; yargs calls a builder only for the command being parsed. */
function declareCommands(
  y: Argv,
  commands: readonly (Command | CommandGroup)[],
  usage: Readonly<Record<string, string>>,
  choose: (command: Command, args: Readonly<Record<string, unknown>>) => void,
): Argv {
  for (const c of commands) {
    if ('commands' in c) {
      y.command(c.spec.name, c.spec.describe, (sub) =>
        declareCommands(sub, c.commands, {}, choose).demandCommand(1, c.spec.demand),
      );
      continue;
    }
    const line = usage[c.spec.name];
    y.command(
      commandLine(c.spec),
      c.spec.describe,
      (sub) => declareFlags(line === undefined ? sub : sub.usage(`${line}\n\n${c.spec.describe}`), ownFlags(c.spec)),
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
