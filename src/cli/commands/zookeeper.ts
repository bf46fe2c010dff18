import type {
  ZooKeeperQuorumEvent,
  ZooKeeperQuorumStatus,
  ZooKeeperStartResult,
} from '../../operations/zookeeper-quorum/index.js';
import { EXIT, ExitError } from '../exit.js';
import { style, writeJson, type Io, type Style } from '../output.js';
import type { ZooKeeperArgs } from '../specs/zookeeper.js';

export async function runZooKeeper(args: ZooKeeperArgs, io: Io): Promise<void> {
  const ops = await import('../../operations/zookeeper-quorum/index.js');
  const common = {
    env: io.env,
    cwd: io.cwd,
    stateDir: args.stateDir,
    onEvent: progressPrinter(io),
  };
  const s = style(io.stdout, io.env);
  switch (args.action) {
    case 'start': {
      // Ctrl-C while waiting stops the server this start launched, then exits 130.
      const interrupt = new AbortController();
      const onSigint = (): void => interrupt.abort();
      process.once('SIGINT', onSigint);
      let result: ZooKeeperStartResult;
      try {
        result = await ops.startZooKeeperQuorum({
          ...common,
          flinkConfDir: args.flinkConfDir,
          zookeeperHome: args.zookeeperHome,
          signal: interrupt.signal,
        });
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
      if (args.output === 'json') writeJson(io, result);
      else io.stdout.write(formatStart(result, s, args.stateDir));
      return;
    }
    case 'stop': {
      const { stopped, stateDir } = await ops.stopZooKeeperQuorum(common);
      if (args.output === 'json') writeJson(io, { stopped });
      else
        io.stdout.write(
          stopped.length === 0
            ? `No ZooKeeper server started by flink-yarn is running (state in ${stateDir}).\n`
            : `Stopped ${stopped.map((x) => `ZooKeeper server.${x.id} (pid ${x.pid}${x.forced ? ', forced' : ''})`).join(', ')}.\n`,
        );
      return;
    }
    case 'status': {
      const status = await ops.zooKeeperQuorumStatus({ ...common, flinkConfDir: args.flinkConfDir });
      if (args.output === 'json') writeJson(io, status);
      else io.stdout.write(formatStatus(status, s));
      if (!status.healthy) throw new ExitError(EXIT.failed);
      return;
    }
  }
}

function formatStart(r: ZooKeeperStartResult, s: Style, stateDir: string | undefined): string {
  const server = r.server;
  const state = r.alreadyRunning ? 'was already running' : 'is running';
  const headline = server.serving
    ? s.green(
        `ZooKeeper server.${server.id} ${state} on ${server.host}:${server.clientPort} (${server.mode}, pid ${server.pid}).`,
      )
    : s.yellow(
        `ZooKeeper server.${server.id} ${state} on ${server.host}:${server.clientPort} (pid ${server.pid}) but does not serve yet: the quorum needs ${r.majority} of its servers running. Start the others on their hosts.`,
      );
  const lines = [
    headline,
    `  zoo.cfg     ${server.zooCfg}`,
    `  runs with   ${server.config}`,
    `  data        ${server.dataDir}`,
    `  logs        ${server.logs.join(' ')}`,
    `  ZooKeeper   ${server.installation}`,
  ];
  for (const remote of r.remote) {
    lines.push(
      s.yellow(
        `server.${remote.id} is on ${remote.host}, not this machine: start it there (flink-yarn zookeeper start on ${remote.host}).`,
      ),
    );
  }
  lines.push(`Stop it with: flink-yarn zookeeper stop${stateDir !== undefined ? ` --state-dir ${stateDir}` : ''}`);
  return `${lines.join('\n')}\n`;
}

function formatStatus(st: ZooKeeperQuorumStatus, s: Style): string {
  const lines = [`${st.healthy ? s.green('healthy') : s.red('NOT healthy')}  ${st.zooCfg}`];
  for (const x of st.servers) {
    const where = x.local ? 'here' : 'remote';
    const process = x.running === null ? '' : x.running ? `pid ${x.pid}` : s.red('not started by flink-yarn');
    const answer = x.serving ? s.green(x.mode ?? 'serving') : s.red(x.answering ? 'not serving' : 'no answer');
    const why = x.serving || x.reason === null ? '' : s.dim(`  (${x.reason})`);
    lines.push(
      `  server.${x.id}  ${`${x.host}:${x.clientPort}`.padEnd(24)} ${where.padEnd(6)} ${answer}${process ? `  ${process}` : ''}${why}`,
    );
  }
  if (st.started !== null && !st.servers.some((x) => x.local && x.id === st.started!.id)) {
    lines.push(
      s.yellow(
        `  flink-yarn started server.${st.started.id} here from ${st.started.zooCfg} (pid ${st.started.pid}), which this zoo.cfg does not place here.`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Progress on stderr: one line per step. */
function progressPrinter(io: Io): (e: ZooKeeperQuorumEvent) => void {
  const say = (text: string): void => {
    io.stderr.write(`[zookeeper] ${text}\n`);
  };
  return (e) => {
    switch (e.kind) {
      case 'default-filled':
        return say(`zoo.cfg has no ${e.key}; using ${e.value} (${e.why})`);
      case 'remote-server':
        return say(`server.${e.id} is on ${e.host}: not started here`);
      case 'already-running':
        return say(`server.${e.id} already running (pid ${e.pid})`);
      case 'stale-state':
        return say(`cleaning up a previous run: ${e.reason}`);
      case 'server-starting':
        return say(`starting server.${e.id} on port ${e.clientPort} with ${e.via}`);
      case 'server-ready':
        return say(`server.${e.id} serves (${e.mode}) after ${(e.ms / 1000).toFixed(1)} s`);
      case 'waiting-for-quorum':
        return say(`server.${e.id} answers; the quorum serves once ${e.majority} of ${e.of} servers run`);
      case 'server-stopping':
        return say(`stopping server.${e.id} (pid ${e.pid})`);
      case 'server-stopped':
        return say(`stopped server.${e.id}${e.forced ? ' (forced)' : ''}`);
    }
  };
}
