import { clip, diagnostic, type Diagnostic } from '../../diagnostics/index.js';
import { maskConfigLine } from '../secrets.js';

export interface ZooServer {
  /** The X of `server.X`: the server's myid. */
  readonly id: number;
  readonly host: string;
  readonly peerPort: number;
  readonly leaderPort: number;
  readonly role?: 'participant' | 'observer';
  /** From the optional `;[host:]clientPort` suffix (ZooKeeper 3.5+). */
  readonly clientPort?: number;
  readonly line: number;
}

export interface ZooCfgProperty {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

export interface ParsedZooCfg {
  readonly file: string;
  /** Every `key=value`, last one wins, as java.util.Properties reads them. */
  readonly properties: ReadonlyMap<string, ZooCfgProperty>;
  readonly servers: readonly ZooServer[];
  readonly clientPort?: ZooCfgProperty;
  readonly dataDir?: ZooCfgProperty;
  readonly diagnostics: readonly Diagnostic[];
}

/** Parses `zoo.cfg`: Java properties lines, with `server.X=host:peerPort:leaderPort` entries. */
export function parseZooCfg(text: string, file: string): ParsedZooCfg {
  const properties = new Map<string, ZooCfgProperty>();
  const diagnostics: Diagnostic[] = [];
  text.split(/\r\n|\n|\r/).forEach((raw, index) => {
    const line = index + 1;
    const content = raw.trim();
    if (content === '' || content.startsWith('#') || content.startsWith('!')) return;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(content);
    if (m === null) {
      diagnostics.push(
        diagnostic('error', 'ZOO_CFG_MALFORMED_LINE', `'${maskConfigLine(content)}' is not a 'key=value' line.`, {
          file,
          line,
        }),
      );
      return;
    }
    properties.set(m[1]!, { key: m[1]!, value: m[2]!.trim(), line });
  });

  const servers: ZooServer[] = [];
  for (const p of properties.values()) {
    if (!p.key.startsWith('server.')) continue;
    const server = parseServer(p);
    if (typeof server === 'string') {
      diagnostics.push(diagnostic('error', 'ZOO_CFG_MALFORMED_SERVER', server, { file, line: p.line }));
    } else {
      servers.push(server);
    }
  }
  const clientPort = properties.get('clientPort');
  if (clientPort !== undefined && !isPort(clientPort.value)) {
    diagnostics.push(
      diagnostic(
        'error',
        'ZOO_CFG_INVALID_CLIENT_PORT',
        `clientPort '${clip(clientPort.value)}' is not a port (1-65535).`,
        {
          file,
          line: clientPort.line,
        },
      ),
    );
  }
  const dataDir = properties.get('dataDir');
  return {
    file,
    properties,
    servers,
    ...(clientPort !== undefined ? { clientPort } : {}),
    ...(dataDir !== undefined ? { dataDir } : {}),
    diagnostics,
  };
}

function parseServer(p: ZooCfgProperty): ZooServer | string {
  const usage = `write it as server.X=host:peerPort:leaderPort, e.g. server.0=localhost:2888:3888`;
  const idText = p.key.slice('server.'.length);
  const key = clip(p.key);
  if (!/^[0-9]+$/.test(idText)) return `'${key}': the server id must be a number; ${usage}.`;
  const [address = '', client] = p.value.split(';', 2);
  // Like Flink's quorum peer, a server given as `host` or `host:peerPort` gets ports 2888/3888.
  const parts = address.split(':');
  if (parts.length > 4) return `'${key}=${clip(p.value)}' is malformed; ${usage}.`;
  const [host = '', peer = String(DEFAULT_PEER_PORT), leader = String(DEFAULT_LEADER_PORT), role] = parts;
  if (!/^[0-9A-Za-z._-]+$/.test(host)) return `'${key}': '${clip(host)}' is not a host name; ${usage}.`;
  if (!isPort(peer) || !isPort(leader))
    return `'${key}': '${clip(peer, 40)}' and '${clip(leader, 40)}' must both be ports (1-65535); ${usage}.`;
  if (role !== undefined && role !== 'participant' && role !== 'observer') {
    return `'${key}': the role '${clip(role, 40)}' must be participant or observer.`;
  }
  let clientPort: number | undefined;
  if (client !== undefined) {
    const port = client.includes(':') ? client.slice(client.lastIndexOf(':') + 1) : client;
    if (!isPort(port.trim())) return `'${key}': the client port '${clip(client, 40)}' is not a port.`;
    clientPort = Number(port.trim());
  }
  return {
    id: Number(idText),
    host,
    peerPort: Number(peer),
    leaderPort: Number(leader),
    ...(role !== undefined ? { role: role as 'participant' | 'observer' } : {}),
    ...(clientPort !== undefined ? { clientPort } : {}),
    line: p.line,
  };
}

export const DEFAULT_PEER_PORT = 2888;
export const DEFAULT_LEADER_PORT = 3888;
export const DEFAULT_CLIENT_PORT = 2181;

function isPort(text: string): boolean {
  return /^[0-9]{1,5}$/.test(text) && Number(text) >= 1 && Number(text) <= 65_535;
}
