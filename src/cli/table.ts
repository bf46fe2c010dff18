import { optionsOf, type CommandSpec, type OptionsOf } from './spec.js';
import type { Io } from './output.js';
import { attempts, kill, list, status } from './specs/applications.js';
import { cache, cacheList, cachePrune } from './specs/cache.js';
import { gc } from './specs/gc.js';
import { ha, haClean, haList, haStatus } from './specs/ha.js';
import { cancel, jobs, savepoint, stop } from './specs/jobs.js';
import { logs } from './specs/logs.js';
import { minicluster } from './specs/minicluster.js';
import { run } from './specs/run.js';
import { session } from './specs/session.js';
import { validate } from './specs/validate.js';
import { zookeeper } from './specs/zookeeper.js';

/** What a command runs with besides its options. */
export interface Invocation {
  readonly io: Io;
  /** `run`'s program arguments: everything after the jar, never parsed. */
  readonly programArgs: readonly string[];
}

/** A command and its handler. */
export interface Command {
  readonly spec: CommandSpec;
  run(parsed: Readonly<Record<string, unknown>>, invocation: Invocation): Promise<void>;
}

/** Commands under one word (`ha status`), which alone says `demand`. */
export interface CommandGroup {
  readonly spec: { readonly name: string; readonly describe: string; readonly demand: string };
  readonly commands: readonly Command[];
}

/** Binds a spec to its handler, typed by the spec's flags; the handler maps and runs. */
function command<const S extends CommandSpec>(
  spec: S,
  handler: (options: OptionsOf<S['flags']>, invocation: Invocation) => Promise<void>,
): Command {
  return { spec, run: (parsed, invocation) => handler(optionsOf<S['flags']>(spec.flags, parsed), invocation) };
}

/**
 * Every command, in `--help` order. A handler's module is imported when its command runs and
 * not before: `validate` never loads HTTP or ZooKeeper code.
 */
export const COMMANDS: readonly (Command | CommandGroup)[] = [
  command(validate, async (o, { io }) => (await import('./commands/validate.js')).runValidate(o, io)),
  command(minicluster, async (o, { io }) => (await import('./commands/minicluster.js')).runMinicluster(o, io)),
  command(zookeeper, async (o, { io }) => (await import('./commands/zookeeper.js')).runZooKeeper(o, io)),
  command(list, async (o, { io }) => (await import('./commands/applications.js')).runList(o, io)),
  command(status, async (o, { io }) => (await import('./commands/applications.js')).runStatus(o, io)),
  command(attempts, async (o, { io }) => (await import('./commands/applications.js')).runAttempts(o, io)),
  command(kill, async (o, { io }) => (await import('./commands/applications.js')).runKill(o, io)),
  command(session, async (o, { io }) => (await import('./commands/session.js')).runSession(o, io)),
  command(run, async (o, { io, programArgs }) => (await import('./commands/run.js')).runJob({ ...o, programArgs }, io)),
  command(gc, async (o, { io }) => (await import('./commands/gc.js')).runGc(o, io)),
  command(logs, async (o, { io }) => (await import('./commands/logs.js')).runLogs(o, io)),
  command(jobs, async (o, { io }) => (await import('./commands/jobs.js')).runJobs(o, io)),
  command(savepoint, async (o, { io }) => (await import('./commands/jobs.js')).runSavepoint(o, io)),
  command(stop, async (o, { io }) => (await import('./commands/jobs.js')).runStop(o, io)),
  command(cancel, async (o, { io }) => (await import('./commands/jobs.js')).runCancel(o, io)),
  {
    spec: ha,
    commands: [
      command(haStatus, async (o, { io }) => (await import('./commands/ha.js')).runHaStatus(o, io)),
      command(haList, async (o, { io }) => (await import('./commands/ha.js')).runHaList(o, io)),
      command(haClean, async (o, { io }) => (await import('./commands/ha.js')).runHaClean(o, io)),
    ],
  },
  {
    spec: cache,
    commands: [
      command(cacheList, async (o, { io }) => (await import('./commands/cache.js')).runCacheList(o, io)),
      command(cachePrune, async (o, { io }) => (await import('./commands/cache.js')).runCachePrune(o, io)),
    ],
  },
];

/** Every command's flags, groups' included. */
export function everyFlag(commands: readonly (Command | CommandGroup)[] = COMMANDS): CommandSpec['flags'] {
  return commands.flatMap((c) => ('commands' in c ? everyFlag(c.commands) : c.spec.flags));
}
