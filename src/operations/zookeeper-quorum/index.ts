/**
 * `flink-yarn zookeeper start|stop|status`: Flink's start-zookeeper-quorum.sh for this machine.
 * It starts the one zoo.cfg server that lives here, on an installed ZooKeeper; servers on other
 * hosts are started there (Flink's script would ssh to them).
 */

import { FlinkYarnError } from '../../errors/index.js';
import type { FilledDefault, LocalServerPlan, PlannedServer } from '../../zookeeper/quorum-plan.js';
import { terminate } from '../minicluster/processes.js';
import { locateJava, locateZooKeeper } from './installation.js';
import { loadPlan, thisMachine } from './load-plan.js';
import { withDefaults, type ZooKeeperQuorumOptions } from './options.js';
import { refuseBusyPort, type Probe } from './probe.js';
import { awaitAnswer, runServer, writeServerFiles } from './server.js';
import { clearState, isOurs, readState, writeState, type ZooKeeperServerState } from './state.js';

export { locateZooKeeper, DEBIAN_ZOOKEEPER, type ZooKeeperInstallation } from './installation.js';
export {
  DEFAULT_ZOOKEEPER_QUORUM_OPTIONS,
  resolveZooKeeperStateDir,
  type ZooKeeperQuorumEvent,
  type ZooKeeperQuorumOptions,
} from './options.js';
export type { ZooKeeperServerState } from './state.js';
export { zooKeeperQuorumStatus, type ZooKeeperQuorumStatus, type ZooKeeperServerStatus } from './status.js';

export interface RemoteServer {
  readonly id: number;
  readonly host: string;
  readonly clientPort: number;
  readonly line: number;
}

export interface ZooKeeperStartResult {
  readonly stateDir: string;
  readonly alreadyRunning: boolean;
  readonly server: ZooKeeperServerState & {
    /** standalone, leader, follower ...; null until a quorum serves. */
    readonly mode: string | null;
    readonly serving: boolean;
  };
  /** Voting members that must run before a distributed quorum serves. */
  readonly majority: number;
  readonly filled: readonly FilledDefault[];
  /** Servers of zoo.cfg on other hosts: start them there. */
  readonly remote: readonly RemoteServer[];
}

export interface ZooKeeperStopResult {
  readonly stateDir: string;
  readonly stopped: readonly { readonly id: number; readonly pid: number; readonly forced: boolean }[];
}

/** Starts this machine's server of zoo.cfg and waits until it answers. Idempotent. */
export async function startZooKeeperQuorum(options: ZooKeeperQuorumOptions = {}): Promise<ZooKeeperStartResult> {
  const o = withDefaults(options);
  const plan = await loadPlan(o);
  const remote = plan.servers.filter((s) => !s.local).map(remoteOf);
  const local = plan.local;
  if (local === undefined) {
    const machine = o.machine ?? thisMachine();
    throw new FlinkYarnError(
      'ZOOKEEPER_START_FAILED',
      `None of the servers in ${plan.file} (${plan.servers.map((s) => `server.${s.id}=${s.host}`).join(', ')}) is on this machine (${machine.hostname}), so there is nothing to start here. Run flink-yarn zookeeper start on each of those hosts.`,
    );
  }
  for (const r of remote) o.onEvent({ kind: 'remote-server', id: r.id, host: r.host, line: r.line });

  const existing = readState(o.stateDir);
  if (existing !== undefined) {
    if (isOurs(existing.pid, o.stateDir)) {
      if (existing.id !== local.id || existing.clientPort !== local.clientPort || existing.zooCfg !== plan.file) {
        throw new FlinkYarnError(
          'ZOOKEEPER_START_FAILED',
          `A ZooKeeper server started by flink-yarn already runs here: server.${existing.id} on port ${existing.clientPort} from ${existing.zooCfg} (pid ${existing.pid}), and only one can run per machine. Stop it first: flink-yarn zookeeper stop${o.stateDirFlag}.`,
        );
      }
      o.onEvent({ kind: 'already-running', id: existing.id, pid: existing.pid });
      // It may still be starting (another start, moments ago): wait as a fresh start would.
      const answer = await awaitAnswer(existing, local, o, { stopOnTimeout: false });
      return startResult(o.stateDir, existing, answer, false, local, remote);
    }
    o.onEvent({ kind: 'stale-state', reason: `server.${existing.id} (pid ${existing.pid}) is no longer running` });
    clearState(o.stateDir);
  }

  await refuseBusyPort(local, plan);
  const installation = locateZooKeeper({ zookeeperHome: o.zookeeperHome, env: o.env, cwd: o.cwd });
  const java = locateJava(o.env);
  for (const f of local.filled) o.onEvent({ kind: 'default-filled', ...f });

  const files = writeServerFiles(local, o.stateDir);
  o.onEvent({ kind: 'server-starting', id: local.id, clientPort: local.clientPort, via: installation.via });
  const began = Date.now();
  const pid = runServer(java, installation, files, o);
  const state: ZooKeeperServerState = {
    pid,
    id: local.id,
    host: local.host,
    clientAddress: local.clientAddress,
    clientPort: local.clientPort,
    zooCfg: plan.file,
    config: files.config,
    dataDir: local.dataDir,
    logs: files.logs,
    installation: `${installation.home} (${installation.via})`,
    startedAt: new Date().toISOString(),
  };
  writeState(o.stateDir, state);

  const answer = await awaitAnswer(state, local, o, { stopOnTimeout: true });
  if (answer.serving) {
    o.onEvent({ kind: 'server-ready', id: local.id, ms: Date.now() - began, mode: answer.mode ?? 'unknown' });
  } else {
    o.onEvent({
      kind: 'waiting-for-quorum',
      id: local.id,
      majority: local.majority,
      of: plan.servers.filter((s) => s.role === 'participant').length,
    });
  }
  return startResult(o.stateDir, state, answer, true, local, remote);
}

/** Ends exactly the process `start` recorded, if it still runs. */
export async function stopZooKeeperQuorum(
  options: Pick<ZooKeeperQuorumOptions, 'stateDir' | 'stopGraceMs' | 'env' | 'cwd' | 'onEvent'> = {},
): Promise<ZooKeeperStopResult> {
  const o = withDefaults(options);
  const state = readState(o.stateDir);
  if (state === undefined) return { stateDir: o.stateDir, stopped: [] };
  const stopped: { id: number; pid: number; forced: boolean }[] = [];
  if (isOurs(state.pid, o.stateDir)) {
    o.onEvent({ kind: 'server-stopping', id: state.id, pid: state.pid });
    const forced = await terminate(state.pid, o.stopGraceMs);
    o.onEvent({ kind: 'server-stopped', id: state.id, pid: state.pid, forced });
    stopped.push({ id: state.id, pid: state.pid, forced });
  } else {
    o.onEvent({ kind: 'stale-state', reason: `server.${state.id} (pid ${state.pid}) was no longer running` });
  }
  clearState(o.stateDir);
  return { stateDir: o.stateDir, stopped };
}

function startResult(
  stateDir: string,
  state: ZooKeeperServerState,
  answer: Probe,
  started: boolean,
  local: LocalServerPlan,
  remote: readonly RemoteServer[],
): ZooKeeperStartResult {
  return {
    stateDir,
    alreadyRunning: !started,
    server: { ...state, mode: answer.mode, serving: answer.serving },
    majority: local.majority,
    filled: local.filled,
    remote,
  };
}

function remoteOf(s: PlannedServer): RemoteServer {
  return { id: s.id, host: s.host, clientPort: s.clientPort, line: s.line };
}
