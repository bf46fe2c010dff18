import { OPTIONS } from '../../config/flink/options.js';
import { parseHostPort } from '../../config/values/lists.js';
import { diagnostic, type Diagnostic } from '../../diagnostics/index.js';
import type { RuleContext } from '../context.js';
import { quorumMembers } from './ha.js';

/** Several JobManagers in `masters` only make sense with HA: without it they do not coordinate. */
export function mastersWithoutHa(ctx: RuleContext): Diagnostic[] {
  const masters = ctx.config.masters;
  if (masters === undefined || masters.masters.length < 2 || ctx.haOn) return [];
  return [
    diagnostic(
      'warning',
      'MASTERS_WITHOUT_HA',
      `The masters file lists ${masters.masters.length} JobManagers but high availability is off: start-cluster.sh would start ${masters.masters.length} independent JobManagers with no leader election. Set high-availability.type: zookeeper, or keep one line.`,
      { file: masters.file, line: masters.masters[1]!.line },
    ),
  ];
}

/** Flink's start-zookeeper-quorum.sh starts one server per host; two on one host clash. */
export function zooCfgOneServerPerHost(ctx: RuleContext): Diagnostic[] {
  const zoo = ctx.config.zooCfg;
  if (zoo === undefined) return [];
  const seen = new Map<string, number>();
  const out: Diagnostic[] = [];
  for (const server of zoo.servers) {
    const first = seen.get(server.host);
    if (first !== undefined) {
      out.push(
        diagnostic(
          'warning',
          'ZOO_CFG_SERVERS_SHARE_HOST',
          `server.${server.id} and server.${first} are both on ${server.host}. Flink's ZooKeeper bootstrap (start-zookeeper-quorum.sh, flink-yarn zookeeper start) runs only one ZooKeeper server per machine, because every server on a host would share the one dataDir and myid. Put each server on its own host.`,
          { file: zoo.file, line: server.line },
        ),
      );
    } else {
      seen.set(server.host, server.id);
    }
  }
  return out;
}

/** Flink's start-zookeeper-quorum.sh matches `server.([0-9])+`, which keeps only the last digit. */
export function zooCfgServerIdsSingleDigit(ctx: RuleContext): Diagnostic[] {
  const zoo = ctx.config.zooCfg;
  if (zoo === undefined) return [];
  return zoo.servers
    .filter((s) => s.id > 9)
    .map((s) =>
      diagnostic(
        'warning',
        'ZOO_CFG_SERVER_ID_MULTI_DIGIT',
        `server.${s.id}: Flink's start-zookeeper-quorum.sh reads only the last digit of the id and would start this server as ${s.id % 10}. Use ids 0-9 with Flink's scripts (flink-yarn zookeeper start reads the whole id).`,
        { file: zoo.file, line: s.line },
      ),
    );
}

/** zoo.cfg and high-availability.zookeeper.quorum should describe the same servers. */
export function zooCfgMatchesQuorum(ctx: RuleContext): Diagnostic[] {
  const zoo = ctx.config.zooCfg;
  if (zoo === undefined || ctx.ha.kind !== 'zookeeper' || zoo.servers.length === 0) return [];
  const quorum = ctx.config.flink.string(OPTIONS.zkQuorum);
  if (quorum === undefined) return [];
  const members = quorumMembers(quorum).map(parseHostPort);
  if (members.some((m) => m === undefined)) return [];
  const clientPortText = zoo.clientPort?.value;
  const defaultClientPort =
    clientPortText !== undefined && /^[0-9]+$/.test(clientPortText) ? Number(clientPortText) : 2181;
  const servers = zoo.servers.map((s) => `${s.host}:${s.clientPort ?? defaultClientPort}`);
  const quorumSet = new Set(members.map((m) => `${m!.host}:${m!.port}`));
  const missing = servers.filter((s) => !quorumSet.has(s));
  const extra = [...quorumSet].filter((q) => !servers.includes(q));
  if (missing.length === 0 && extra.length === 0) return [];
  const parts = [
    missing.length > 0 ? `zoo.cfg serves ${missing.join(', ')}, which the quorum does not list` : '',
    extra.length > 0 ? `the quorum lists ${extra.join(', ')}, which zoo.cfg does not serve` : '',
  ].filter((p) => p !== '');
  return [
    diagnostic(
      'warning',
      'ZOO_CFG_QUORUM_MISMATCH',
      `high-availability.zookeeper.quorum '${quorum}' and zoo.cfg disagree: ${parts.join('; ')} (client port ${defaultClientPort}${zoo.clientPort === undefined ? ', the default' : ''}). Flink connects to the quorum, so make the two match.`,
      { key: OPTIONS.zkQuorum.key, file: zoo.file, line: zoo.clientPort?.line ?? zoo.servers[0]?.line },
    ),
  ];
}
