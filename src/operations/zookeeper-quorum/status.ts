import { loadPlan } from './load-plan.js';
import { withDefaults, type ZooKeeperQuorumOptions } from './options.js';
import { probe } from './probe.js';
import { isOurs, readState, type ZooKeeperServerState } from './state.js';

export interface ZooKeeperServerStatus {
  readonly id: number;
  readonly host: string;
  readonly line: number;
  readonly role: 'participant' | 'observer';
  readonly local: boolean;
  readonly clientPort: number;
  /** Whether the process `start` recorded runs; null for servers on other hosts. */
  readonly running: boolean | null;
  readonly pid: number | null;
  /** It answered `srvr` on its client port. */
  readonly answering: boolean;
  readonly serving: boolean;
  readonly mode: string | null;
  /** Why it does not answer or serve. */
  readonly reason: string | null;
}

export interface ZooKeeperQuorumStatus {
  readonly zooCfg: string;
  readonly stateDir: string;
  /** Every server answers and serves. */
  readonly healthy: boolean;
  readonly servers: readonly ZooKeeperServerStatus[];
  /** What `start` recorded on this machine, if anything. */
  readonly started: ZooKeeperServerState | null;
}

/** Every server of zoo.cfg: here or elsewhere, running, answering, and in which mode. */
export async function zooKeeperQuorumStatus(options: ZooKeeperQuorumOptions = {}): Promise<ZooKeeperQuorumStatus> {
  const o = withDefaults(options);
  const plan = await loadPlan(o);
  const recorded = readState(o.stateDir) ?? null;
  const servers = await Promise.all(
    plan.servers.map(async (s): Promise<ZooKeeperServerStatus> => {
      const mine = s.local && recorded !== null && recorded.id === s.id ? recorded : undefined;
      const running = s.local ? mine !== undefined && isOurs(mine.pid, o.stateDir) : null;
      const address = s.local && plan.local !== undefined ? plan.local.clientAddress : s.host;
      const answer = await probe(address, s.clientPort, o.probeTimeoutMs);
      return {
        id: s.id,
        host: s.host,
        line: s.line,
        role: s.role,
        local: s.local,
        clientPort: s.clientPort,
        running,
        pid: running === true ? mine!.pid : null,
        answering: answer.answered,
        serving: answer.serving,
        mode: answer.mode,
        reason: answer.reason,
      };
    }),
  );
  return {
    zooCfg: plan.file,
    stateDir: o.stateDir,
    healthy: servers.every((s) => s.serving),
    servers,
    started: recorded,
  };
}
