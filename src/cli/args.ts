import { UsageError } from '../errors/index.js';
import { GLOBAL_FLAGS } from './flags.js';
import { camelCase, switchNames, twoLetterFlags, valueFlags } from './spec.js';
import { run } from './specs/run.js';
import { everyFlag } from './table.js';

const FLAGS = everyFlag();
/** yarn-session.sh's two-letter short flags, which a standard parser would read as letter groups. */
const TWO_LETTER_FLAGS: Readonly<Record<string, string>> = twoLetterFlags(FLAGS);
/** yargs reads `--strict=maybe` as false; a switch takes true or false or nothing. */
const SWITCHES = switchNames(FLAGS);
/** Options before the command word that take a value: what follows them is not the command. */
const GLOBAL_VALUED = valueFlags(GLOBAL_FLAGS);
/** Options `run` accepts (the global ones too) that take a value: what follows them is not the jar. */
const RUN_VALUED = valueFlags([...GLOBAL_FLAGS, ...run.flags]);

/** One option as yargs should read it: `-Dkey=value` (Flink's spelling) becomes `-D key=value`, `-jm` becomes `--jobManagerMemory`. */
function normaliseOption(token: string): string[] {
  // Flink's `flink run` spells the YARN session's -D as -yD.
  if (token.startsWith('-yD')) return token.length > 3 ? ['-D', token.slice(3)] : ['-D'];
  if (token.startsWith('-D') && token.length > 2) return ['-D', token.slice(2)];
  const eq = token.indexOf('=');
  if (token.startsWith('-') && eq > 0) {
    const flag = token.slice(0, eq);
    const value = token.slice(eq + 1);
    if (SWITCHES.has(flag.replace(/^--?/, '')) && value !== 'true' && value !== 'false') {
      throw new UsageError(`${token}: ${flag} is a switch; give it alone, or ${flag}=true or ${flag}=false.`);
    }
  }
  return [TWO_LETTER_FLAGS[token] ?? token];
}

/** The options normalised (see normaliseOption); what follows `--` is left as it is. */
export function normaliseArgs(argv: readonly string[]): string[] {
  const end = argv.indexOf('--');
  if (end === -1) return argv.flatMap(normaliseOption);
  return [...argv.slice(0, end).flatMap(normaliseOption), ...argv.slice(end)];
}

const isOption = (token: string): boolean => token.startsWith('-') && token !== '-' && token !== '--';

/** Whether an option takes the next token as its value (`-p 2`, `-jm 1g`, `-dp 2`), not `-p2` or `--x=1`. */
function takesValue(token: string, valued: ReadonlySet<string>): boolean {
  const normalised = normaliseOption(token);
  const flag = normalised[0]!;
  if (normalised.length > 1 || flag.includes('=')) return false;
  if (flag.startsWith('--')) return valued.has(camelCase(flag.slice(2)));
  // A letter group (`-dp`): the last letter may take the next token; `-p2` carries its value.
  const letters = flag.slice(1);
  return /^[A-Za-z]+$/.test(letters) && valued.has(letters.slice(-1));
}

/** Where the command word is: the first token that is neither a global option nor its value. */
function commandAt(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (!isOption(token)) return i;
    if (takesValue(token, GLOBAL_VALUED)) i++;
  }
  return argv.length;
}

/** `-j JAR`, `-jJAR`, `-j=JAR`, `--jarfile JAR`, `--jarfile=JAR`: the jar given as a flag, and how many tokens it took. */
function jarFlag(argv: readonly string[], i: number): { jar: string | undefined; tokens: number } | null {
  const token = argv[i]!;
  if (token === '-j' || token === '--jarfile') return { jar: argv[i + 1], tokens: 2 };
  if (token.startsWith('--jarfile=')) return { jar: token.slice('--jarfile='.length), tokens: 1 };
  // `-j=JAR` as commons-cli (Flink's parser) and yargs read `-p=2`: the value after the `=`.
  if (/^-j[^a-z-]/i.test(token) && !token.startsWith('-jm'))
    return { jar: token.slice(token[2] === '=' ? 3 : 2), tokens: 1 };
  return null;
}

/**
 * What yargs parses, and `run`'s program arguments, which it must not. `run [options] JAR [args]`
 * reads as `flink run` reads it: everything after the jar is the program's, byte for byte (`--`,
 * `-h`, `-jm`, `-Dk=v`, empty strings), so it is taken off before anything is normalised. A `--`
 * before the jar ends the options (the next token is the jar). With `-j JAR` the options end at
 * the first argument that is not one, and all that follows is the program's. The jar moves right
 * after `run` so that no list option can swallow it.
 */
export function splitRunArgs(argv: readonly string[]): { argv: string[]; programArgs: string[] } {
  const at = commandAt(argv);
  if (argv[at] !== 'run') return { argv: normaliseArgs(argv), programArgs: [] };
  const options = [...argv.slice(0, at)];
  let jarFromFlag: string | undefined;
  const done = (jar: string, programArgs: string[]) => ({
    argv: ['run', jar, ...normaliseArgs(options)],
    programArgs,
  });
  for (let i = at + 1; i < argv.length; i++) {
    const token = argv[i]!;
    const separator = token === '--';
    const flagged = separator ? null : jarFlag(argv, i);
    if (flagged !== null) {
      if (flagged.jar === undefined) throw new UsageError("-j (--jarfile) takes the path of the job's jar.");
      if (jarFromFlag !== undefined) throw new UsageError('-j (--jarfile) was given 2 times; it takes one value.');
      jarFromFlag = flagged.jar;
      i += flagged.tokens - 1;
      continue;
    }
    if (!separator && isOption(token)) {
      options.push(token);
      if (takesValue(token, RUN_VALUED) && i + 1 < argv.length) options.push(argv[++i]!);
      continue;
    }
    if (jarFromFlag !== undefined) return done(jarFromFlag, argv.slice(separator ? i + 1 : i));
    const jar = separator ? argv[i + 1] : token;
    // No jar after `--`: yargs says that it is missing.
    if (jar === undefined) break;
    return done(jar, argv.slice(separator ? i + 2 : i + 1));
  }
  if (jarFromFlag !== undefined) return done(jarFromFlag, []);
  return { argv: ['run', ...normaliseArgs(options)], programArgs: [] };
}
