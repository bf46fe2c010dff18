import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Env } from '../../config/load.js';
import type { MachineIdentity } from '../../zookeeper/quorum-plan.js';

export interface ZooKeeperQuorumOptions {
  /** --flink-conf-dir, holding zoo.cfg. @default $FLINK_CONF_DIR, $FLINK_HOME/conf, ./conf */
  readonly flinkConfDir?: string | undefined;
  /** Pid, generated zoo.cfg, logs. @default $FLINK_YARN_STATE_DIR/zookeeper, else ~/.flink-yarn/zookeeper */
  readonly stateDir?: string | undefined;
  /** The ZooKeeper installation. @default $ZOOKEEPER_HOME, else Debian's zookeeper package */
  readonly zookeeperHome?: string | undefined;
  /** How long start waits for the server to answer. @default 60000 */
  readonly startTimeoutMs?: number;
  /** How long stop waits after SIGTERM before SIGKILL. @default 15000 */
  readonly stopGraceMs?: number;
  /** One `srvr` probe, and one DNS lookup of a zoo.cfg host. @default 2000 */
  readonly probeTimeoutMs?: number;
  /** @default process.env */
  readonly env?: Env;
  /** @default process.cwd() */
  readonly cwd?: string;
  /** Which hosts are this machine. @default os.hostname() and the interface addresses */
  readonly machine?: MachineIdentity;
  readonly onEvent?: (event: ZooKeeperQuorumEvent) => void;
  /** Aborting a start that is waiting stops the server it started (Ctrl-C). */
  readonly signal?: AbortSignal;
}

export const DEFAULT_ZOOKEEPER_QUORUM_OPTIONS = {
  startTimeoutMs: 60_000,
  stopGraceMs: 15_000,
  probeTimeoutMs: 2_000,
} as const;

/** What the operations report while they work; the CLI decides how to show it. */
export type ZooKeeperQuorumEvent =
  | { readonly kind: 'default-filled'; readonly key: string; readonly value: string; readonly why: string }
  | { readonly kind: 'remote-server'; readonly id: number; readonly host: string; readonly line: number }
  | { readonly kind: 'already-running'; readonly id: number; readonly pid: number }
  | { readonly kind: 'stale-state'; readonly reason: string }
  | { readonly kind: 'server-starting'; readonly id: number; readonly clientPort: number; readonly via: string }
  | { readonly kind: 'server-ready'; readonly id: number; readonly ms: number; readonly mode: string }
  | { readonly kind: 'waiting-for-quorum'; readonly id: number; readonly majority: number; readonly of: number }
  | { readonly kind: 'server-stopping'; readonly id: number; readonly pid: number }
  | { readonly kind: 'server-stopped'; readonly id: number; readonly pid: number; readonly forced: boolean };

/** The options with their defaults applied. */
export interface Resolved {
  readonly stateDir: string;
  /** ` --state-dir DIR` when one was given, for the commands we suggest. */
  readonly stateDirFlag: string;
  readonly flinkConfDir: string | undefined;
  readonly zookeeperHome: string | undefined;
  readonly startTimeoutMs: number;
  readonly stopGraceMs: number;
  readonly probeTimeoutMs: number;
  readonly env: Env;
  readonly cwd: string;
  readonly machine: MachineIdentity | undefined;
  readonly onEvent: (event: ZooKeeperQuorumEvent) => void;
  readonly signal: AbortSignal | undefined;
}

export function withDefaults(options: ZooKeeperQuorumOptions): Resolved {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  return {
    stateDir: resolveZooKeeperStateDir(options.stateDir, env, cwd),
    stateDirFlag: options.stateDir !== undefined ? ` --state-dir ${options.stateDir}` : '',
    flinkConfDir: options.flinkConfDir,
    zookeeperHome: options.zookeeperHome,
    startTimeoutMs: options.startTimeoutMs ?? DEFAULT_ZOOKEEPER_QUORUM_OPTIONS.startTimeoutMs,
    stopGraceMs: options.stopGraceMs ?? DEFAULT_ZOOKEEPER_QUORUM_OPTIONS.stopGraceMs,
    probeTimeoutMs: options.probeTimeoutMs ?? DEFAULT_ZOOKEEPER_QUORUM_OPTIONS.probeTimeoutMs,
    env,
    cwd,
    machine: options.machine,
    onEvent: options.onEvent ?? (() => undefined),
    signal: options.signal,
  };
}

export function resolveZooKeeperStateDir(stateDir: string | undefined, env: Env, cwd: string): string {
  if (stateDir !== undefined) return resolve(cwd, stateDir);
  if (env.FLINK_YARN_STATE_DIR) return resolve(cwd, env.FLINK_YARN_STATE_DIR, 'zookeeper');
  return join(homedir(), '.flink-yarn', 'zookeeper');
}
