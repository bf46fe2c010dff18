import { dirname, isAbsolute, resolve } from 'node:path';
import {
  DEFAULT_CLIENT_PORT,
  DEFAULT_LEADER_PORT,
  DEFAULT_PEER_PORT,
  type ParsedZooCfg,
} from '../config/files/zoo-cfg.js';
import { FlinkYarnError } from '../errors/index.js';

/**
 * The pure half of `flink-yarn zookeeper start`: which zoo.cfg servers run on this machine, and
 * the configuration and myid the local one starts with. It does what Flink's
 * FlinkZooKeeperQuorumPeer does before it hands zoo.cfg to ZooKeeper; no I/O here.
 */

/** What Flink's quorum peer fills in when zoo.cfg leaves a key out (dataDir has its own rule). */
export const FLINK_ZOOKEEPER_DEFAULTS = { clientPort: DEFAULT_CLIENT_PORT, initLimit: 10, syncLimit: 5 } as const;

/** The reason Flink's documentation gives ("Bootstrap ZooKeeper"). */
export const ONE_SERVER_PER_MACHINE = "currently it's only possible to run a single ZooKeeper server per machine";

/** This machine, as far as "is this zoo.cfg host me?" needs to know. */
export interface MachineIdentity {
  /** os.hostname() */
  readonly hostname: string;
  /** Every address of every network interface. */
  readonly addresses: readonly string[];
}

export interface PlannedServer {
  readonly id: number;
  readonly host: string;
  /** The zoo.cfg line of its `server.X` entry. */
  readonly line: number;
  readonly local: boolean;
  readonly role: 'participant' | 'observer';
  /** The port clients use: the entry's `;clientPort`, else zoo.cfg's clientPort, else 2181. */
  readonly clientPort: number;
  /** Where that port is set; undefined when it is the default. */
  readonly clientPortLine: number | undefined;
}

export interface FilledDefault {
  readonly key: string;
  readonly value: string;
  readonly why: string;
}

/** The one server of zoo.cfg that runs here. */
export interface LocalServerPlan extends PlannedServer {
  /** Where to ask it `srvr`: clientPortAddress, or loopback when it listens everywhere. */
  readonly clientAddress: string;
  readonly dataDir: string;
  /** The content of `<dataDir>/myid`. */
  readonly myid: string;
  /** The zoo.cfg ZooKeeper is started with: the user's, with Flink's defaults filled in. */
  readonly config: string;
  readonly filled: readonly FilledDefault[];
  /** More than one voting member: it serves only once a majority of them runs. */
  readonly distributed: boolean;
  /** How many voting members must run before the quorum serves. */
  readonly majority: number;
}

export interface QuorumPlan {
  readonly file: string;
  readonly servers: readonly PlannedServer[];
  /** Undefined when no server of zoo.cfg is on this machine. */
  readonly local: LocalServerPlan | undefined;
}

export interface QuorumPlanInput {
  readonly zooCfg: ParsedZooCfg;
  readonly machine: MachineIdentity;
  /** Addresses each zoo.cfg host resolves to (DNS, /etc/hosts); a host left out is matched by name only. */
  readonly resolved?: ReadonlyMap<string, readonly string[]>;
  /** The dataDir when zoo.cfg has none. */
  readonly defaultDataDir: string;
}

/**
 * Plans the quorum of one zoo.cfg for this machine. Throws ZOOKEEPER_CFG_INVALID, naming the file
 * and lines, for a zoo.cfg that cannot be started: unparsable lines, no server, or two servers here.
 */
export function planQuorum(input: QuorumPlanInput): QuorumPlan {
  const { zooCfg } = input;
  const file = zooCfg.file;
  const errors = zooCfg.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const list = errors.map((d) => `${d.file ?? file}${d.line !== undefined ? `:${d.line}` : ''}: ${d.message}`);
    throw new FlinkYarnError('ZOOKEEPER_CFG_INVALID', `${file} cannot be used: ${list.join(' ')}`);
  }
  if (zooCfg.servers.length === 0) {
    throw new FlinkYarnError(
      'ZOOKEEPER_CFG_INVALID',
      `${file} has no server.X entries, so there is no ZooKeeper server to start. Add one line per server, e.g. server.1=localhost:2888:3888 (as in Flink's conf/zoo.cfg).`,
    );
  }

  const defaultClientPort = zooCfg.clientPort === undefined ? DEFAULT_CLIENT_PORT : Number(zooCfg.clientPort.value);
  const servers: PlannedServer[] = [...zooCfg.servers]
    .sort((a, b) => a.id - b.id)
    .map((s) => ({
      id: s.id,
      host: s.host,
      line: s.line,
      local: isLocalHost(s.host, input.machine, input.resolved?.get(s.host)),
      role: s.role ?? 'participant',
      clientPort: s.clientPort ?? defaultClientPort,
      clientPortLine: s.clientPort !== undefined ? s.line : zooCfg.clientPort?.line,
    }));

  const here = servers.filter((s) => s.local);
  if (here.length > 1) {
    const named = here.map((s) => `server.${s.id}=${s.host} (line ${s.line})`);
    const which = here.length === 2 ? `${named.join(' and ')} are both` : `${named.join(', ')} are all`;
    throw new FlinkYarnError(
      'ZOOKEEPER_CFG_INVALID',
      `${file}: ${which} on this machine, but ${ONE_SERVER_PER_MACHINE} (Flink's "Bootstrap ZooKeeper"). Every server started from one zoo.cfg shares its dataDir, myid and clientPort. Keep one server.X line for this machine and put the others on their own hosts.`,
    );
  }
  const local = here[0];
  return { file, servers, local: local === undefined ? undefined : planLocal(input, local, servers) };
}

function planLocal(input: QuorumPlanInput, server: PlannedServer, servers: readonly PlannedServer[]): LocalServerPlan {
  const { zooCfg } = input;
  const filled: FilledDefault[] = [];
  const props = zooCfg.properties;

  // A relative dataDir is taken relative to zoo.cfg, so every start finds the same directory
  // wherever the command runs (ZooKeeper itself would use its working directory).
  const dataDirText = props.get('dataDir')?.value ?? '';
  const dataDir =
    dataDirText === ''
      ? input.defaultDataDir
      : isAbsolute(dataDirText)
        ? dataDirText
        : resolve(dirname(zooCfg.file), dataDirText);
  if (dataDirText === '') {
    filled.push({
      key: 'dataDir',
      value: dataDir,
      why: "Flink's quorum peer would use a fresh temporary directory on every start; this one keeps the data across restarts",
    });
  }
  if (props.get('clientPort') === undefined) {
    // The entry's own `;clientPort` wins: ZooKeeper refuses a clientPort that contradicts it.
    filled.push({ key: 'clientPort', value: String(server.clientPort), why: "as Flink's quorum peer does" });
  }
  for (const key of ['initLimit', 'syncLimit'] as const) {
    if (props.get(key) === undefined) {
      filled.push({ key, value: String(FLINK_ZOOKEEPER_DEFAULTS[key]), why: "as Flink's quorum peer does" });
    }
  }

  const lines = [
    `# Generated by flink-yarn zookeeper start from ${zooCfg.file} for server.${server.id}.`,
    '# Edit that file, not this one: every start writes this one again.',
  ];
  for (const p of props.values()) {
    if (p.key === 'dataDir') {
      if (dataDirText !== '') lines.push(`dataDir=${dataDir}`);
    } else if (p.key.startsWith('server.')) lines.push(`${p.key}=${withPorts(p.value)}`);
    else lines.push(`${p.key}=${p.value}`);
  }
  if (filled.length > 0) lines.push("# Filled in as Flink's FlinkZooKeeperQuorumPeer does:");
  for (const f of filled) lines.push(`${f.key}=${f.value}`);

  const voters = servers.filter((s) => s.role === 'participant').length;
  const clientPortAddress = props.get('clientPortAddress')?.value;
  return {
    ...server,
    clientAddress: probeAddress(clientPortAddress ?? clientHostOf(props.get(`server.${server.id}`)?.value)),
    dataDir,
    myid: `${server.id}\n`,
    config: `${lines.join('\n')}\n`,
    filled,
    distributed: voters > 1,
    majority: Math.floor(voters / 2) + 1,
  };
}

/** Flink's quorum peer gives `host` ports 2888:3888 and `host:peerPort` leader port 3888. */
function withPorts(value: string): string {
  const semicolon = value.indexOf(';');
  const address = semicolon < 0 ? value : value.slice(0, semicolon);
  const client = semicolon < 0 ? '' : value.slice(semicolon);
  const parts = address.split(':');
  if (parts.length === 1) return `${parts[0]}:${DEFAULT_PEER_PORT}:${DEFAULT_LEADER_PORT}${client}`;
  if (parts.length === 2) return `${parts[0]}:${parts[1]}:${DEFAULT_LEADER_PORT}${client}`;
  return value;
}

/** The host of a server entry's `;host:clientPort` suffix, if it names one. */
function clientHostOf(value: string | undefined): string | undefined {
  const client = value?.split(';', 2)[1]?.trim();
  if (client === undefined || !client.includes(':')) return undefined;
  return client.slice(0, client.lastIndexOf(':'));
}

function probeAddress(host: string | undefined): string {
  if (host === undefined || host === '' || host === '0.0.0.0' || host === '::' || host === '[::]') return '127.0.0.1';
  return host;
}

/**
 * Whether a zoo.cfg host is this machine: a loopback name or address, this host's name, one of
 * its interface addresses, or a name that resolves to one of those.
 */
export function isLocalHost(host: string, machine: MachineIdentity, resolved: readonly string[] = []): boolean {
  const name = host.toLowerCase();
  if (name === 'localhost' || name === machine.hostname.toLowerCase()) return true;
  const mine = new Set(machine.addresses.map(normaliseAddress));
  return [host, ...resolved].some((a) => isLoopback(a) || mine.has(normaliseAddress(a)));
}

function isLoopback(address: string): boolean {
  const a = normaliseAddress(address);
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a) || a === '::1';
}

function normaliseAddress(address: string): string {
  const a = address.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) is the IPv4 address.
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice('::ffff:'.length) : a;
}
