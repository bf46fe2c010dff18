import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { parseZooCfg } from '../../config/files/zoo-cfg.js';
import { readConfigFile, resolveFlinkConfDir } from '../../config/load.js';
import type { Diagnostic } from '../../diagnostics/index.js';
import { FlinkYarnError } from '../../errors/index.js';
import { planQuorum, type MachineIdentity, type QuorumPlan } from '../../zookeeper/quorum-plan.js';
import type { Resolved } from './options.js';

/** Reads conf/zoo.cfg and plans it for this machine. */
export async function loadPlan(o: Resolved): Promise<QuorumPlan> {
  const confDir = resolveFlinkConfDir({ flinkConfDir: o.flinkConfDir, env: o.env, cwd: o.cwd });
  const file = join(confDir.dir, 'zoo.cfg');
  // Read as every configuration file is: only a regular file, so a FIFO cannot hang the start.
  const problems: Diagnostic[] = [];
  const { present, text } = readConfigFile(file, 'text', problems);
  if (!present) {
    throw new FlinkYarnError(
      'ZOOKEEPER_CFG_INVALID',
      `No ZooKeeper configuration file ${file} (conf dir from ${confDir.via}). Create it with one server.X=host:peerPort:leaderPort line per server, as in Flink's conf/zoo.cfg, or pass --flink-conf-dir.`,
    );
  }
  if (text === undefined) {
    throw new FlinkYarnError('ZOOKEEPER_CFG_INVALID', problems.map((p) => p.message).join(' '));
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

export function thisMachine(): MachineIdentity {
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
