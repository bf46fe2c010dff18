import type { MiniclusterEvent } from '../../operations/minicluster/index.js';
import { EXIT, ExitError } from '../exit.js';
import { style, writeJson, type Io } from '../output.js';
import type { MiniclusterArgs } from '../specs/minicluster.js';

export async function runMinicluster(args: MiniclusterArgs, io: Io): Promise<void> {
  const ops = await import('../../operations/minicluster/index.js');
  const onEvent = progressPrinter(io);
  const common = {
    env: io.env as NodeJS.ProcessEnv,
    ...(args.stateDir !== undefined ? { stateDir: args.stateDir } : {}),
  };
  switch (args.action) {
    case 'start': {
      const info = await ops.startMinicluster({
        ...common,
        onEvent,
        ...(args.amMaxAttempts !== undefined ? { amMaxAttempts: args.amMaxAttempts } : {}),
        ...(args.rms !== undefined ? { resourceManagers: args.rms } : {}),
        ...(args.hadoopVersion !== undefined ? { hadoopVersion: args.hadoopVersion } : {}),
        ...(args.flinkVersion !== undefined ? { flinkVersion: args.flinkVersion } : {}),
        ...(args.secure === true ? { secure: true } : {}),
      });
      if (args.output === 'json') writeJson(io, info);
      else {
        const s = style(io.stdout, io.env);
        io.stdout.write(
          [
            s.green('Minicluster is running.'),
            `  ResourceManager  ${info.rm}`,
            `  WebHDFS          ${info.webhdfs}`,
            `  ZooKeeper        ${info.zookeeper}`,
            `  Hadoop conf      ${info.confDir}   (export HADOOP_CONF_DIR=${info.confDir})`,
            `  Flink home       ${info.flinkHome}`,
            ...(info.realm !== undefined
              ? [
                  `  Kerberos realm   ${info.realm}   (export KRB5_CONFIG=${info.krb5Conf})`,
                  `  Client login     --keytab ${info.keytab} --principal ${info.principal}`,
                  `  HTTPS CA         --ca ${info.ca}`,
                ]
              : []),
            `Stop it with: flink-yarn minicluster stop${args.stateDir ? ` --state-dir ${args.stateDir}` : ''}`,
            '',
          ].join('\n'),
        );
      }
      return;
    }
    case 'stop': {
      const { stopped } = await ops.stopMinicluster({ ...common, onEvent });
      if (args.output === 'json') writeJson(io, { stopped });
      else
        io.stdout.write(
          stopped.length === 0
            ? 'No minicluster was running.\n'
            : `Stopped ${stopped.map((s) => `${s.name} (pid ${s.pid})`).join(', ')}.\n`,
        );
      return;
    }
    case 'status': {
      const status = await ops.miniclusterStatus(common);
      if (args.output === 'json') writeJson(io, status);
      else if (status.services.length === 0) io.stdout.write(`No minicluster recorded in ${status.stateDir}.\n`);
      else {
        io.stdout.write(`${status.running ? 'running' : 'NOT running'} (${status.stateDir})\n`);
        for (const s of status.services)
          io.stdout.write(`  ${s.name.padEnd(12)} pid ${s.pid}  ${s.alive ? 'alive' : 'gone'}\n`);
        if (status.info)
          io.stdout.write(
            `  rm ${status.info.rm}  webhdfs ${status.info.webhdfs}  zookeeper ${status.info.zookeeper}\n`,
          );
        for (const p of status.problems) io.stdout.write(`  problem: ${p}\n`);
      }
      if (!status.running) throw new ExitError(EXIT.failed);
      return;
    }
  }
}

/** Progress on stderr: one line per step, readable in a CI log. */
function progressPrinter(io: Io): (e: MiniclusterEvent) => void {
  const say = (text: string): void => {
    io.stderr.write(`[minicluster] ${text}\n`);
  };
  return (e) => {
    switch (e.kind) {
      case 'build-skipped':
        return;
      case 'build-started':
        return say(`building ${e.module} with Maven (the first build downloads from Maven Central)`);
      case 'build-progress':
        return say(`  ${e.module}: ${e.downloads} artifacts downloaded (${(e.bytes / 1e6).toFixed(1)} MB)`);
      case 'build-finished':
        return say(`built ${e.module} in ${(e.ms / 1000).toFixed(1)} s`);
      case 'service-starting':
        return say(`starting ${e.service}`);
      case 'service-ready':
        return say(`${e.service} ready in ${(e.ms / 1000).toFixed(1)} s: ${e.detail}`);
      case 'already-running':
        return say('already running');
      case 'stale-state':
        return say(`cleaning up a previous run: ${e.reason}`);
      case 'service-stopping':
        return say(`stopping ${e.service} (pid ${e.pid})`);
      case 'service-stopped':
        return say(`stopped ${e.service}${e.forced ? ' (forced)' : ''}`);
    }
  };
}
