import { rmSync } from 'node:fs';
import { poll, type PollTick } from '../../async/poll.js';
import { InterruptedError } from '../../errors/index.js';
import type { YarnAppState } from '../../yarn/model.js';
import type { RmEvent } from '../../yarn/rm-client.js';
import { TERMINAL_STATES } from '../../yarn/model.js';
import { restAddressOf } from '../applications.js';
import { checkApplicationId, connectYarn, type YarnConnectionOptions } from '../yarn-context.js';

export interface SuperviseOptions extends Omit<YarnConnectionOptions, 'onEvent'> {
  readonly applicationId: string;
  /** This run deployed the session: `stop` and an interrupt shut it down. Otherwise an interrupt only detaches. */
  readonly owned: boolean;
  /** The session's staging directory (HDFS path), removed on shutdown when owned. */
  readonly stagingDir?: string | null;
  readonly propertiesFile?: string | null;
  /** Lines the user types (`stop`, `quit`, `help`). Ends when stdin closes; that does not stop the session. */
  readonly commands: AsyncIterable<string>;
  /** Resolves on Ctrl-C. */
  readonly interrupted: Promise<void>;
  /** How often to look at the application. @default 3000 */
  readonly pollMs?: number;
  readonly onEvent?: (event: SuperviseEvent) => void;
}

export type SuperviseEvent =
  | {
      readonly kind: 'attached';
      readonly applicationId: string;
      readonly restAddress: string | null;
      readonly owned: boolean;
    }
  | { readonly kind: 'state'; readonly state: YarnAppState }
  | { readonly kind: 'help' }
  | { readonly kind: 'unknown-command'; readonly command: string }
  | { readonly kind: 'stopping'; readonly reason: 'stop' | 'interrupt' }
  | { readonly kind: 'cleanup'; readonly detail: string }
  | RmEvent;

export type SuperviseOutcome =
  /** `stop`: the session was shut down. */
  | { readonly kind: 'stopped'; readonly state: YarnAppState }
  /** Ctrl-C on an owned session: shut down; on someone else's: detached, still running. */
  | { readonly kind: 'interrupted'; readonly shutDown: boolean; readonly state: YarnAppState }
  /** The application ended by itself. */
  | { readonly kind: 'ended'; readonly state: YarnAppState; readonly diagnostics: string };

/**
 * Stays attached to a session, as yarn-session.sh does without -d: watches the application,
 * takes `stop` from the user, and on Ctrl-C shuts down only a session this run created.
 */
export async function superviseSession(options: SuperviseOptions): Promise<SuperviseOutcome> {
  const id = checkApplicationId(options.applicationId);
  const onEvent = options.onEvent ?? (() => undefined);
  const { client, context } = connectYarn({ ...options, onEvent });
  const first = await client.app(id);
  onEvent({ kind: 'attached', applicationId: id, restAddress: restAddressOf(first), owned: options.owned });
  let last: YarnAppState = first.state;
  onEvent({ kind: 'state', state: last });

  const shutDown = async (reason: 'stop' | 'interrupt'): Promise<YarnAppState> => {
    onEvent({ kind: 'stopping', reason });
    const state = await client.kill(id, { diagnostics: `Stopped from the attached flink-yarn session (${reason})` });
    onEvent({ kind: 'cleanup', detail: `application ${id} is ${state}` });
    if (options.stagingDir) {
      try {
        const hdfs = context.webHdfs();
        await hdfs.delete(options.stagingDir, true);
        onEvent({ kind: 'cleanup', detail: `removed ${options.stagingDir}` });
      } catch (e) {
        onEvent({ kind: 'cleanup', detail: `could not remove ${options.stagingDir}: ${(e as Error).message}` });
      }
    }
    if (options.propertiesFile) {
      rmSync(options.propertiesFile, { force: true });
      onEvent({ kind: 'cleanup', detail: `removed ${options.propertiesFile}` });
    }
    return state;
  };

  const typed = typedLines(options.commands);
  const interrupt = new AbortController();
  void options.interrupted.then(() => interrupt.abort());

  const look = async ({ attempt }: PollTick): Promise<SuperviseOutcome | undefined> => {
    const line = typed.take();
    if (line === null) return undefined; // stdin closed: that does not stop the session
    if (line !== undefined) {
      const command = line.trim().toLowerCase();
      if (command === 'stop' || command === 'quit' || command === 'exit')
        return { kind: 'stopped', state: await shutDown('stop') };
      if (command === 'help' || command === '?') onEvent({ kind: 'help' });
      else if (command !== '') onEvent({ kind: 'unknown-command', command });
      return undefined;
    }
    if (attempt === 0) return undefined; // the attach above was this look
    const app = await client.app(id);
    if (app.state !== last) {
      last = app.state;
      onEvent({ kind: 'state', state: last });
    }
    if (!TERMINAL_STATES.includes(app.state)) return undefined;
    if (options.propertiesFile) rmSync(options.propertiesFile, { force: true });
    return { kind: 'ended', state: app.state, diagnostics: app.diagnostics };
  };

  try {
    return await poll(look, { intervalMs: options.pollMs ?? 3_000, signal: interrupt.signal, wake: typed.wake });
  } catch (e) {
    if (!(e instanceof InterruptedError && interrupt.signal.aborted)) throw e;
    if (!options.owned) return { kind: 'interrupted', shutDown: false, state: last };
    return { kind: 'interrupted', shutDown: true, state: await shutDown('interrupt') };
  }
}

/**
 * The user's lines, read one at a time. A line (or the end of input) ends the pause at once; the
 * look that follows takes it in place of asking the RM, and the next pause is a full one.
 */
function typedLines(commands: AsyncIterable<string>): {
  /** For poll: aborts when a line arrives; none once input has ended. */
  wake(): AbortSignal | undefined;
  /** The line that arrived, once; null once at the end of input; undefined when none. */
  take(): string | null | undefined;
} {
  const lines = commands[Symbol.asyncIterator]();
  let arrived: { line: string | null } | { error: unknown } | undefined;
  let reading: AbortController | undefined;
  let ended = false;
  return {
    wake() {
      if (ended) return undefined;
      if (reading === undefined && arrived === undefined) {
        const read = new AbortController();
        reading = read;
        const settle = (input: NonNullable<typeof arrived>): void => {
          arrived = input;
          reading = undefined;
          read.abort();
        };
        void lines.next().then(
          (r) => settle({ line: r.done === true ? null : r.value }),
          (error: unknown) => settle({ error }),
        );
        return read.signal;
      }
      return reading?.signal ?? AbortSignal.abort();
    },
    take() {
      const input = arrived;
      arrived = undefined;
      if (input === undefined) return undefined;
      if ('error' in input) throw input.error;
      if (input.line === null) ended = true;
      return input.line;
    },
  };
}
