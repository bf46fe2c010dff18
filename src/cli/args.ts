import { GLOBAL_FLAGS } from './flags.js';
import { camelCase, twoLetterFlags, valueFlags } from './spec.js';
import { run } from './specs/run.js';
import { everyFlag } from './table.js';

/** yarn-session.sh's two-letter short flags, which a standard parser would read as letter groups. */
const TWO_LETTER_FLAGS: Readonly<Record<string, string>> = twoLetterFlags(everyFlag());

/** `-Dkey=value` (Flink's spelling) becomes `-D key=value`, and `-jm` becomes `--jobManagerMemory`. */
export function normaliseArgs(argv: readonly string[]): string[] {
  return argv.flatMap((a) => {
    if (a.startsWith('-D') && a.length > 2) return ['-D', a.slice(2)];
    return [TWO_LETTER_FLAGS[a] ?? a];
  });
}

/**
 * `run [options] JAR [program args]`, as `flink run` reads it: everything after the jar belongs
 * to the program. The jar moves right after `run` so that no list option can swallow it.
 */
export function splitRunArgs(argv: readonly string[]): { argv: string[]; programArgs: string[] } {
  if (argv[0] !== 'run') return { argv: [...argv], programArgs: [] };
  // Options `run` accepts (the global ones too) that take a value: what follows them is not the jar.
  const valued = valueFlags([...GLOBAL_FLAGS, ...run.flags]);
  const takesValue = (flag: string): boolean => !flag.includes('=') && valued.has(camelCase(flag.replace(/^-+/, '')));
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
