import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { hdfsEndpoints, WebHdfsClient } from '../../hdfs/webhdfs-client.js';
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
  const { client, hadoop, user } = connectYarn({ ...options, onEvent });
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
        const hdfs = new WebHdfsClient({ endpoints: hdfsEndpoints(hadoop, hostname()), user });
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

  type Wake = { kind: 'line'; line: string | null } | { kind: 'interrupt' } | { kind: 'tick' };
  const lines = options.commands[Symbol.asyncIterator]();
  let pendingLine: Promise<Wake> | null = null;
  const nextLine = (): Promise<Wake> =>
    (pendingLine ??= lines.next().then((r) => ({ kind: 'line' as const, line: r.done === true ? null : r.value })));
  const interrupt = options.interrupted.then(() => ({ kind: 'interrupt' as const }));
  let stdinOpen = true;

  for (;;) {
    const tick = new Promise<Wake>((r) => setTimeout(() => r({ kind: 'tick' }), options.pollMs ?? 3_000));
    const wake = await Promise.race([interrupt, tick, ...(stdinOpen ? [nextLine()] : [])]);
    if (wake.kind === 'interrupt') {
      if (!options.owned) return { kind: 'interrupted', shutDown: false, state: last };
      return { kind: 'interrupted', shutDown: true, state: await shutDown('interrupt') };
    }
    if (wake.kind === 'line') {
      pendingLine = null;
      if (wake.line === null) {
        stdinOpen = false;
        continue;
      }
      const command = wake.line.trim().toLowerCase();
      if (command === 'stop' || command === 'quit' || command === 'exit')
        return { kind: 'stopped', state: await shutDown('stop') };
      if (command === 'help' || command === '?') onEvent({ kind: 'help' });
      else if (command !== '') onEvent({ kind: 'unknown-command', command });
      continue;
    }
    const app = await client.app(id);
    if (app.state !== last) {
      last = app.state;
      onEvent({ kind: 'state', state: last });
    }
    if (TERMINAL_STATES.includes(app.state)) {
      if (options.propertiesFile) rmSync(options.propertiesFile, { force: true });
      return { kind: 'ended', state: app.state, diagnostics: app.diagnostics };
    }
  }
}
