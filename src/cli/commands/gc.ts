import type { Leftover } from '../../operations/gc.js';
import { style, writeJson, type Io } from '../output.js';
import type { GcArgs } from '../specs/gc.js';

export async function runGc(args: GcArgs, io: Io): Promise<void> {
  const { gc } = await import('../../operations/gc.js');
  const result = await gc({ ...args, env: io.env, cwd: io.cwd });
  if (args.output === 'json') return writeJson(io, { removed: result.removed, kept: result.kept });
  const s = style(io.stdout, io.env);
  const line = (l: Leftover) => `  ${l.kind.padEnd(13)} ${l.path}  ${s.dim(l.reason)}`;
  const verb = result.dryRun ? 'Would remove' : 'Removed';
  io.stdout.write(
    [
      result.removed.length === 0 ? 'Nothing left behind.' : `${verb} ${result.removed.length}:`,
      ...result.removed.map(line),
      ...(result.kept.length > 0 ? [`Kept ${result.kept.length}:`, ...result.kept.map(line)] : []),
    ].join('\n') + '\n',
  );
}
