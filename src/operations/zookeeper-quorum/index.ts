import { lookup } from 'node:dns/promises';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { homedir, hostname, networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import { parseZooCfg } from '../../config/files/zoo-cfg.js';
import { resolveFlinkConfDir, type Env } from '../../config/load.js';
import { FlinkYarnError } from '../../errors/index.js';
import {
  planQuorum,
  type FilledDefault,
  type LocalServerPlan,
  type MachineIdentity,
  type PlannedServer,
  type QuorumPlan,
} from '../../zookeeper/quorum-plan.js';
import { parseSrvr, type SrvrAnswer } from '../../zookeeper/srvr.js';
import { commandLine, fourLetterWord, isAlive, sleep, spawnDetached, terminate } from '../minicluster/processes.js';
import { locateJava, locateZooKeeper } from './installation.js';

export { locateZooKeeper, DEBIAN_ZOOKEEPER, type ZooKeeperInstallation } from './installation.js';

/**
 * `flink-yarn zookeeper start|stop|status`: Flink's start-zookeeper-quorum.sh for this machine.
 * It starts the one zoo.cfg server that lives here, on an installed ZooKeeper; servers on other
 * hosts are started there (Flink's script would ssh to them).
 */

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

  // As Flink's quorum peer: the data directory exists and holds this server's id before it starts.
  mkdirSync(local.dataDir, { recursive: true });
  writeFileSync(join(local.dataDir, 'myid'), local.myid);
  const logDir = join(o.stateDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const config = join(o.stateDir, 'zoo.cfg');
  writeFileSync(config, local.config);
  const logs = [join(logDir, `zookeeper-server.${local.id}.out`), join(logDir, `zookeeper-server.${local.id}.err`)];

  o.onEvent({ kind: 'server-starting', id: local.id, clientPort: local.clientPort, via: installation.via });
  const began = Date.now();
  let pid: number;
  try {
    pid = spawnDetached(
      java,
      [
        `-D${MARKER}=${o.stateDir}`,
        `-Dzookeeper.log.dir=${logDir}`,
        '-cp',
        installation.classpath.join(':'),
        // ZooKeeper's own main, as zkServer.sh runs it: a quorum peer for several servers,
        // standalone for one, exactly the split Flink's wrapper makes.
        'org.apache.zookeeper.server.quorum.QuorumPeerMain',
        config,
      ],
      { cwd: o.stateDir, stdoutFile: logs[0]!, stderrFile: logs[1]!, env: o.env as NodeJS.ProcessEnv },
    );
  } catch (e) {
    throw new FlinkYarnError('ZOOKEEPER_START_FAILED', `Could not run ${java}: ${(e as Error).message}`, { cause: e });
  }
  const state: ZooKeeperServerState = {
    pid,
    id: local.id,
    host: local.host,
    clientAddress: local.clientAddress,
    clientPort: local.clientPort,
    zooCfg: plan.file,
    config,
    dataDir: local.dataDir,
    logs,
    installation: `${installation.home} (${installation.via})`,
    startedAt: new Date().toISOString(),
  };
  // Recorded before waiting, so an interrupted start can still be stopped.
  writeFileSync(stateFile(o.stateDir), `${JSON.stringify(state, null, 2)}\n`);

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

const MARKER = 'flink.yarn.zookeeper';

interface Resolved {
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

function withDefaults(options: ZooKeeperQuorumOptions): Resolved {
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

/** Reads conf/zoo.cfg and plans it for this machine. */
async function loadPlan(o: Resolved): Promise<QuorumPlan> {
  const confDir = resolveFlinkConfDir({ flinkConfDir: o.flinkConfDir, env: o.env, cwd: o.cwd });
  const file = join(confDir.dir, 'zoo.cfg');
  if (!existsSync(file)) {
    throw new FlinkYarnError(
      'ZOOKEEPER_CFG_INVALID',
      `No ZooKeeper configuration file ${file} (conf dir from ${confDir.via}). Create it with one server.X=host:peerPort:leaderPort line per server, as in Flink's conf/zoo.cfg, or pass --flink-conf-dir.`,
    );
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new FlinkYarnError('ZOOKEEPER_CFG_INVALID', `Cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  const zooCfg = parseZooCfg(text, file);
  const machine = o.machine ?? thisMachine();
  const resolved = await resolveHosts(
    zooCfg.servers.map((s) => s.host),
    machine,
    o.probeTimeoutMs,
  );
  return planQuorum({ zooCfg, machine, resolved, defaultDataDir: join(o.stateDir, 'data') });
}

function thisMachine(): MachineIdentity {
  const addresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
  return { hostname: hostname(), addresses };
}

/** The addresses of each host name, so `zk1.example.com` pointing at this machine counts as here. */
async function resolveHosts(
  hosts: readonly string[],
  machine: MachineIdentity,
  timeoutMs: number,
): Promise<Map<string, readonly string[]>> {
  const names = [...new Set(hosts)].filter(
    (h) => isIP(h) === 0 && h.toLowerCase() !== 'localhost' && h.toLowerCase() !== machine.hostname.toLowerCase(),
  );
  const entries = await Promise.all(
    names.map(async (h): Promise<[string, readonly string[]]> => {
      const timeout = new Promise<never[]>((r) => setTimeout(() => r([]), timeoutMs).unref());
      const found = lookup(h, { all: true }).then(
        (list) => list.map((a) => a.address),
        () => [] as string[],
      );
      return [h, await Promise.race([found, timeout])];
    }),
  );
  return new Map(entries);
}

interface Probe extends SrvrAnswer {
  readonly answered: boolean;
}

async function probe(host: string, port: number, timeoutMs: number): Promise<Probe> {
  try {
    return { answered: true, ...parseSrvr(await fourLetterWord(host, port, 'srvr', timeoutMs)) };
  } catch (e) {
    return { answered: false, serving: false, mode: null, version: null, reason: (e as Error).message };
  }
}

/** A port someone else listens on would answer our probes in place of our server: refuse it. */
async function refuseBusyPort(local: LocalServerPlan, plan: QuorumPlan): Promise<void> {
  let answer: string;
  try {
    answer = await fourLetterWord(local.clientAddress, local.clientPort, 'srvr', 2_000);
  } catch (e) {
    // A refused (or unroutable) connection: nothing listens. No code: it accepted and said nothing.
    if ((e as NodeJS.ErrnoException).code !== undefined) return;
    answer = '';
  }
  const srvr = parseSrvr(answer);
  const where =
    local.clientPortLine === undefined
      ? `the default clientPort; set clientPort in ${plan.file}`
      : `clientPort, ${plan.file}:${local.clientPortLine}`;
  const who = srvr.version !== null ? ` by ZooKeeper ${srvr.version}${srvr.mode ? ` (${srvr.mode})` : ''}` : '';
  throw new FlinkYarnError(
    'ZOOKEEPER_START_FAILED',
    `Port ${local.clientPort} on ${local.clientAddress} is already in use${who}, so server.${local.id} cannot listen there (${where}). Stop what runs there, or choose another clientPort.`,
  );
}

/**
 * Polls `srvr` until the server serves (or, in a quorum, at least answers). A server that exits
 * fails with its log; one that never answers is stopped too when this start started it.
 */
async function awaitAnswer(
  state: ZooKeeperServerState,
  local: LocalServerPlan,
  o: Pick<Resolved, 'startTimeoutMs' | 'probeTimeoutMs' | 'stateDir' | 'stateDirFlag' | 'signal'>,
  { stopOnTimeout }: { stopOnTimeout: boolean },
): Promise<Probe> {
  const deadline = Date.now() + o.startTimeoutMs;
  const logs = state.logs.join(' and ');
  for (;;) {
    if (!isAlive(state.pid)) {
      clearState(o.stateDir);
      const why = lastError(state.logs);
      throw new FlinkYarnError(
        'ZOOKEEPER_START_FAILED',
        `ZooKeeper (server.${state.id}) exited during start${why ? `: ${why}` : ''}. See ${logs}.`,
      );
    }
    if (o.signal?.aborted) {
      // Clean up what this run created; a server found running is left alone.
      if (stopOnTimeout) {
        await terminate(state.pid, 5_000);
        clearState(o.stateDir);
      }
      throw new FlinkYarnError(
        'INTERRUPTED',
        `Interrupted while waiting for ZooKeeper server.${state.id}${stopOnTimeout ? '; it was stopped' : ''}.`,
      );
    }
    const answer = await probe(state.clientAddress, state.clientPort, o.probeTimeoutMs);
    // A quorum member answers "not currently serving" until a majority runs; others start elsewhere.
    if (answer.serving || (answer.answered && local.distributed)) return answer;
    if (Date.now() > deadline) {
      const where = `on ${state.clientAddress}:${state.clientPort} within ${Math.round(o.startTimeoutMs / 1000)} s (last: ${answer.reason ?? 'no answer'})`;
      if (!stopOnTimeout) {
        throw new FlinkYarnError(
          'ZOOKEEPER_START_FAILED',
          `ZooKeeper server.${state.id} (pid ${state.pid}) runs but did not answer ${where}. See ${logs}; restart it with flink-yarn zookeeper stop${o.stateDirFlag}, then start.`,
        );
      }
      await terminate(state.pid, 5_000);
      clearState(o.stateDir);
      throw new FlinkYarnError(
        'ZOOKEEPER_START_FAILED',
        `ZooKeeper (server.${state.id}) did not answer ${where}; it was stopped. See ${logs}.`,
      );
    }
    await sleep(250);
  }
}

/** The last error a failed JVM logged, for the message; the logs keep the rest. */
function lastError(logs: readonly string[]): string | undefined {
  const lines = logs.flatMap((f) => {
    try {
      return readFileSync(f, 'utf8').split('\n');
    } catch {
      return [];
    }
  });
  const hit = lines.filter((l) => /ERROR|Exception|Error:/.test(l)).pop();
  return hit?.trim().slice(0, 400);
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

/** A recorded pid is signalled only while its command line still names this state dir. */
function isOurs(pid: number, stateDir: string): boolean {
  return isAlive(pid) && (commandLine(pid)?.includes(`-D${MARKER}=${stateDir} `) ?? false);
}

function readState(stateDir: string): ZooKeeperServerState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(stateDir), 'utf8')) as ZooKeeperServerState;
  } catch {
    return undefined;
  }
}

function clearState(stateDir: string): void {
  rmSync(stateFile(stateDir), { force: true });
  rmSync(join(stateDir, 'zoo.cfg'), { force: true });
}

function stateFile(stateDir: string): string {
  return join(stateDir, 'state.json');
}
