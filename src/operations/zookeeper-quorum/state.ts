import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine, isAlive } from '../minicluster/processes.js';

/** On the server's command line: marks the process as started from this state dir. */
export const MARKER = 'flink.yarn.zookeeper';

/** What `start` records in `<stateDir>/state.json`: enough for `stop` to end exactly this process. */
export interface ZooKeeperServerState {
  readonly pid: number;
  readonly id: number;
  readonly host: string;
  readonly clientAddress: string;
  readonly clientPort: number;
  /** The user's zoo.cfg it was started from. */
  readonly zooCfg: string;
  /** The generated zoo.cfg ZooKeeper runs with. */
  readonly config: string;
  readonly dataDir: string;
  readonly logs: readonly string[];
  /** Where ZooKeeper was found. */
  readonly installation: string;
  readonly startedAt: string;
}

/** Recorded before waiting, so an interrupted start can still be stopped. */
export function writeState(stateDir: string, state: ZooKeeperServerState): void {
  writeFileSync(stateFile(stateDir), `${JSON.stringify(state, null, 2)}\n`);
}

/** A recorded pid is signalled only while its command line still names this state dir. */
export function isOurs(pid: number, stateDir: string): boolean {
  return isAlive(pid) && (commandLine(pid)?.includes(`-D${MARKER}=${stateDir} `) ?? false);
}

export function readState(stateDir: string): ZooKeeperServerState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(stateDir), 'utf8')) as ZooKeeperServerState;
  } catch {
    return undefined;
  }
}

export function clearState(stateDir: string): void {
  rmSync(stateFile(stateDir), { force: true });
  rmSync(join(stateDir, 'zoo.cfg'), { force: true });
}

function stateFile(stateDir: string): string {
  return join(stateDir, 'state.json');
}
