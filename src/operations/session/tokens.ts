import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { ClusterContext } from '../../context/index.js';
import { diagnostic, type Diagnostic } from '../../diagnostics/index.js';
import { FlinkYarnError } from '../../errors/index.js';
import { nameserviceEndpoints } from '../../hdfs/endpoints.js';
import { HDFS_DELEGATION_KIND, SWEBHDFS_DELEGATION_KIND, WEBHDFS_DELEGATION_KIND } from '../../hdfs/tokens.js';
import type { WebHdfsClient } from '../../hdfs/webhdfs-client.js';
import {
  describeRenewer,
  type DelegationTokenPlan,
  type PlannedToken,
  type TokenFsScheme,
  type TokenIssuer,
  type TokenService,
} from '../../policy/delegation-tokens.js';
import type { ContainerToken } from '../../session/am-container.js';
import type { SessionEvent } from './types.js';

/** A host name to the IP address a JVM would use for it (the token service's `ip`). */
export type HostResolver = (host: string) => Promise<string>;

/**
 * Node's resolver, IPv4 first: Hadoop's scripts start every JVM with java.net.preferIPv4Stack=true,
 * so that is the address Hadoop's SecurityUtil.buildTokenService writes. An IPv6 address is written
 * as Java writes it (eight groups, no `::`).
 */
export const systemResolver: HostResolver = async (host) => {
  if (isIP(host) !== 0) return javaHostAddress(host);
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOTFOUND' && code !== 'ENODATA') throw e;
    return javaHostAddress((await lookup(host)).address);
  }
};

const KINDS: Record<TokenFsScheme, string> = {
  hdfs: HDFS_DELEGATION_KIND,
  webhdfs: WEBHDFS_DELEGATION_KIND,
  swebhdfs: SWEBHDFS_DELEGATION_KIND,
};

/**
 * Each planned token with the alias it is filed under, once per alias (a second file system with
 * the same service shares the first one's token, as in Hadoop's Credentials); a host that does not
 * resolve comes with its error instead, for the caller to warn of or to fail on.
 */
async function aliased(
  plan: Extract<DelegationTokenPlan, { fetch: true }>,
  resolve: HostResolver,
): Promise<({ token: PlannedToken; alias: string } | { token: PlannedToken; unresolved: unknown })[]> {
  const out: ({ token: PlannedToken; alias: string } | { token: PlannedToken; unresolved: unknown })[] = [];
  const seen = new Set<string>();
  for (const token of plan.tokens) {
    try {
      const alias = await tokenServiceName(token.service, resolve);
      if (seen.has(alias)) continue;
      seen.add(alias);
      out.push({ token, alias });
    } catch (e) {
      out.push({ token, unresolved: e });
    }
  }
  return out;
}

/**
 * The tokens a deploy would fetch, for a plan that fetches none (a dry run creates nothing): their
 * aliases, without values. A host that does not resolve is shown as `host:port`, with a warning.
 */
export async function plannedTokens(
  plan: DelegationTokenPlan,
  resolve: HostResolver,
): Promise<{ tokens: ContainerToken[]; diagnostics: Diagnostic[] }> {
  if (!plan.fetch) return { tokens: [], diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const tokens: ContainerToken[] = [];
  for (const entry of await aliased(plan, resolve)) {
    let alias: string;
    if ('alias' in entry) alias = entry.alias;
    else {
      const { host, port } = entry.token.service as Extract<TokenService, { kind: 'address' }>;
      alias = `${host}:${port}`;
      diagnostics.push(
        diagnostic(
          'warning',
          'DELEGATION_TOKEN_SERVICE_UNRESOLVED',
          `${unresolved(entry.token, entry.unresolved)}; the plan files its token under ${alias}, and a deploy from here would fail.`,
          { key: entry.token.requestedBy[0] ?? 'fs.defaultFS' },
        ),
      );
    }
    if (!tokens.some((t) => t.alias === alias)) tokens.push({ alias, urlString: undefined });
  }
  return { tokens, diagnostics };
}

/**
 * Fetches the planned tokens over WebHDFS, one per service, and says which it got. Tokens are
 * secrets: the events name the file system, the service and the renewer only.
 */
export async function obtainDelegationTokens(
  plan: DelegationTokenPlan,
  context: ClusterContext,
  resolve: HostResolver,
  onEvent: (e: SessionEvent) => void,
): Promise<ContainerToken[]> {
  if (!plan.fetch) return [];
  const tokens: ContainerToken[] = [];
  for (const entry of await aliased(plan, resolve)) {
    if (!('alias' in entry)) {
      throw new FlinkYarnError(
        'HDFS_UNREACHABLE',
        `${unresolved(entry.token, entry.unresolved)}: Hadoop files its delegation token under the NameNode's IP address (hadoop.security.token.service.use_ip). Check the name, or set hadoop.security.token.service.use_ip to false in core-site.xml if the cluster does.`,
        { cause: entry.unresolved },
      );
    }
    const { token, alias } = entry;
    const urlString = await issuerClient(token.issuer, context).getDelegationToken({
      renewer: plan.renewer.principal,
      kind: KINDS[token.scheme],
      service: alias,
    });
    tokens.push({ alias, urlString });
    onEvent({
      kind: 'preflight',
      detail: `HDFS delegation token obtained for ${token.filesystem} (service ${alias}, ${describeRenewer(plan.renewer)})`,
    });
  }
  return tokens;
}

/** SecurityUtil.buildTokenService, or the logical service of an HA URI. */
export async function tokenServiceName(service: TokenService, resolve: HostResolver): Promise<string> {
  if (service.kind === 'logical') return service.service;
  const host = service.useIp ? await resolve(service.host) : service.host.toLowerCase();
  return `${host}:${service.port}`;
}

/** Java's Inet6Address.getHostAddress: eight hexadecimal groups without leading zeros, no `::`. */
export function javaHostAddress(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const [address, scope] = ip.split('%', 2) as [string, string | undefined];
  let groups: string[];
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  const hex = tail === null ? address : address.slice(0, tail.index) + ipv4Groups(tail);
  const [head, rest] = hex.split('::', 2) as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  if (rest === undefined) groups = left;
  else {
    const right = rest === '' ? [] : rest.split(':');
    groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  }
  const text = groups.map((g) => Number.parseInt(g, 16).toString(16)).join(':');
  return scope === undefined ? text : `${text}%${scope}`;
}

function ipv4Groups(m: RegExpExecArray): string {
  const [a, b, c, d] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
  return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

/** The WebHDFS client of the NameNodes that issue a token: the context's own for fs.defaultFS. */
function issuerClient(issuer: TokenIssuer, context: ClusterContext): WebHdfsClient {
  if (issuer.kind === 'default') return context.webHdfs();
  const endpoints =
    issuer.kind === 'nameservice'
      ? nameserviceEndpoints(context.config.hadoop, issuer.nameservice, issuer.scheme)
      : [issuer.url];
  return context.webHdfsAt(endpoints);
}

function unresolved(token: PlannedToken, e: unknown): string {
  const service = token.service as Extract<TokenService, { kind: 'address' }>;
  const reason = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
  return `Cannot resolve ${service.host}, the NameNode of ${token.filesystem} (${token.requestedBy.join(', ')}), to an IP address (${reason})`;
}
