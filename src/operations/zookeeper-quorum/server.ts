import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { poll } from '../../async/poll.js';
import { FlinkYarnError, InterruptedError } from '../../errors/index.js';
import type { LocalServerPlan } from '../../zookeeper/quorum-plan.js';
import { isAlive, spawnDetached, terminate } from '../minicluster/processes.js';
import type { ZooKeeperInstallation } from './installation.js';
import type { Resolved } from './options.js';
import { probe, type Probe } from './probe.js';
import { clearState, MARKER, type ZooKeeperServerState } from './state.js';

/** The files a server runs from, under the state dir. */
export interface ServerFiles {
  /** The generated zoo.cfg. */
  readonly config: string;
  readonly logDir: string;
  /** stdout, stderr */
  readonly logs: readonly [string, string];
}

/**
 * As Flink's quorum peer: the data directory exists and holds this server's id before it starts;
 * the generated zoo.cfg and the log directory live in the state dir.
 */
export function writeServerFiles(local: LocalServerPlan, stateDir: string): ServerFiles {
  mkdirSync(local.dataDir, { recursive: true });
  writeFileSync(join(local.dataDir, 'myid'), local.myid);
  const logDir = join(stateDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const config = join(stateDir, 'zoo.cfg');
  writeFileSync(config, local.config);
  return {
    config,
    logDir,
    logs: [join(logDir, `zookeeper-server.${local.id}.out`), join(logDir, `zookeeper-server.${local.id}.err`)],
  };
}

/** Runs the server detached; returns its pid. */
export function runServer(
  java: string,
  installation: ZooKeeperInstallation,
  files: ServerFiles,
  o: Pick<Resolved, 'stateDir' | 'env'>,
): number {
  try {
    return spawnDetached(
      java,
      [
        `-D${MARKER}=${o.stateDir}`,
        `-Dzookeeper.log.dir=${files.logDir}`,
        '-cp',
        installation.classpath.join(':'),
        // ZooKeeper's own main, as zkServer.sh runs it: a quorum peer for several servers,
        // standalone for one, exactly the split Flink's wrapper makes.
        'org.apache.zookeeper.server.quorum.QuorumPeerMain',
        files.config,
      ],
      { cwd: o.stateDir, stdoutFile: files.logs[0], stderrFile: files.logs[1], env: o.env as NodeJS.ProcessEnv },
    );
  } catch (e) {
    throw new FlinkYarnError('ZOOKEEPER_START_FAILED', `Could not run ${java}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Polls `srvr` until the server serves (or, in a quorum, at least answers). A server that exits
 * fails with its log; one that never answers is stopped too when this start started it.
 */
export async function awaitAnswer(
  state: ZooKeeperServerState,
  local: LocalServerPlan,
  o: Pick<Resolved, 'startTimeoutMs' | 'probeTimeoutMs' | 'stateDir' | 'stateDirFlag' | 'signal'>,
  { stopOnTimeout }: { stopOnTimeout: boolean },
): Promise<Probe> {
  const logs = state.logs.join(' and ');
  // Clean up what this run created; a server found running is left alone.
  const stopOurs = async (): Promise<void> => {
    if (!stopOnTimeout) return;
    await terminate(state.pid, 5_000);
    clearState(o.stateDir);
  };
  let last: Probe | undefined;
  return poll(
    async () => {
      if (!isAlive(state.pid)) {
        clearState(o.stateDir);
        const why = lastError(state.logs);
        throw new FlinkYarnError(
          'ZOOKEEPER_START_FAILED',
          `ZooKeeper (server.${state.id}) exited during start${why ? `: ${why}` : ''}. See ${logs}.`,
        );
      }
      last = await probe(state.clientAddress, state.clientPort, o.probeTimeoutMs);
      // A quorum member answers "not currently serving" until a majority runs; others start elsewhere.
      return last.serving || (last.answered && local.distributed) ? last : undefined;
    },
    {
      intervalMs: 250,
      timeoutMs: o.startTimeoutMs,
      signal: o.signal,
      onAbort: async () => {
        await stopOurs();
        return new InterruptedError(
          `Interrupted while waiting for ZooKeeper server.${state.id}${stopOnTimeout ? '; it was stopped' : ''}.`,
        );
      },
      onTimeout: async () => {
        const where = `on ${state.clientAddress}:${state.clientPort} within ${Math.round(o.startTimeoutMs / 1000)} s (last: ${last?.reason ?? 'no answer'})`;
        if (!stopOnTimeout) {
          return new FlinkYarnError(
            'ZOOKEEPER_START_FAILED',
            `ZooKeeper server.${state.id} (pid ${state.pid}) runs but did not answer ${where}. See ${logs}; restart it with flink-yarn zookeeper stop${o.stateDirFlag}, then start.`,
          );
        }
        await stopOurs();
        return new FlinkYarnError(
          'ZOOKEEPER_START_FAILED',
          `ZooKeeper (server.${state.id}) did not answer ${where}; it was stopped. See ${logs}.`,
        );
      },
    },
  );
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
