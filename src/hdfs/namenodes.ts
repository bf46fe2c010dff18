import { NOT_SENT, safeJson } from '../http/responses.js';
import { TransportError, type HttpResponse, type HttpTransport } from '../http/transport.js';
import { HdfsError, HdfsUnreachableError, translateHdfsError, type NameNodeFailure } from './errors.js';
import type { HdfsEvent } from './events.js';

export type Method = 'GET' | 'PUT' | 'DELETE';
export type Query = Readonly<Record<string, string | undefined>>;

export interface NameNodeCall {
  readonly method: Method;
  readonly op: string;
  readonly path?: string;
  readonly query?: Query;
  /** Safe to send twice: the NameNode's answer does not depend on whether it saw it before. */
  readonly idempotent: boolean;
  /** The op answers with a redirect to a DataNode (a 307 counts as success). */
  readonly redirect?: boolean;
}

export interface NameNodesOptions {
  readonly transport: HttpTransport;
  readonly timeoutMs: number;
  readonly user: string | undefined;
  readonly onEvent: ((event: HdfsEvent) => void) | undefined;
}

/**
 * The NameNodes of one client, walked in order from the one that answered last: a standby or an
 * unreachable NameNode passes the request to the next. Retries are the caller's.
 */
export class NameNodes {
  private active = 0;

  constructor(
    private readonly endpoints: readonly string[],
    private readonly o: NameNodesOptions,
  ) {}

  /** The NameNode that answered last. */
  get activeEndpoint(): string {
    return this.endpoints[this.active]!;
  }

  /**
   * One pass over the NameNodes, from the one that answered last. A standby, or one that cannot
   * be reached, hands over to the next; any other answer ends the walk.
   */
  async walk(call: NameNodeCall): Promise<{ res: HttpResponse; endpoint: string }> {
    const failures: NameNodeFailure[] = [];
    let onlyStandby = true;
    for (let i = 0; i < this.endpoints.length; i++) {
      const index = (this.active + i) % this.endpoints.length;
      const endpoint = this.endpoints[index]!;
      let res: HttpResponse;
      try {
        res = await this.o.transport.request({
          method: call.method,
          url: this.url(endpoint, call),
          headers: { Accept: 'application/json' },
          timeoutMs: this.o.timeoutMs,
        });
      } catch (e) {
        if (!(e instanceof TransportError)) throw e;
        if (!call.idempotent && !NOT_SENT.has(e.errno)) {
          throw new HdfsError(
            'HDFS_UNREACHABLE',
            `${call.op}${call.path !== undefined ? ` ${call.path}` : ''} on ${endpoint} lost its connection (${e.errno}); the NameNode may or may not have acted on it.`,
            { path: call.path, endpoint, op: call.op, cause: e },
          );
        }
        onlyStandby = false;
        failures.push({ endpoint, reason: e.message });
        this.failover(endpoint, e.errno);
        continue;
      }
      const ok = (res.status >= 200 && res.status < 300) || (call.redirect === true && res.status === 307);
      if (ok) {
        if (index !== this.active) {
          this.active = index;
          this.o.onEvent?.({ kind: 'hdfs-active', endpoint });
        }
        return { res, endpoint };
      }
      const error = translateHdfsError(res.status, res.body, {
        endpoint,
        op: call.op,
        path: call.path,
        user: this.o.user,
      });
      if (error.code !== 'HDFS_STANDBY') throw error;
      failures.push({ endpoint, reason: `standby: ${error.message}` });
      this.failover(endpoint, 'standby');
    }
    throw new HdfsUnreachableError(failures, {
      op: call.op,
      standby: onlyStandby,
      ...(call.path !== undefined ? { path: call.path } : {}),
    });
  }

  /** A NameNode request that answers with a DataNode URL: in the body (noredirect) or as a 307. */
  async locate(call: NameNodeCall): Promise<string> {
    const { res, endpoint } = await this.walk({ ...call, query: { ...call.query, noredirect: 'true' } });
    const header = res.status === 307 || res.status === 302 ? res.headers.location : undefined;
    const location = header ?? (safeJson(res.body) as { Location?: unknown } | undefined)?.Location;
    if (typeof location !== 'string' || location === '') {
      throw this.unexpected(call.op, call.path, `no DataNode "Location" (HTTP ${res.status})`, endpoint);
    }
    return new URL(location, `${endpoint}/`).toString();
  }

  unexpected(op: string, path: string | undefined, what: string, endpoint = this.activeEndpoint): HdfsError {
    return new HdfsError(
      'HDFS_UNEXPECTED_RESPONSE',
      `${op}${path !== undefined ? ` ${path}` : ''} on ${endpoint} answered with ${what}; is this a NameNode web address (dfs.namenode.http-address)?`,
      { path, endpoint, op },
    );
  }

  private failover(from: string, reason: string): void {
    if (this.endpoints.length > 1) this.o.onEvent?.({ kind: 'hdfs-failover', from, reason });
  }

  private url(endpoint: string, call: NameNodeCall): string {
    const params = new URLSearchParams({ op: call.op });
    // An empty value is sent (GETDELEGATIONTOKEN's `renewer=` asks for no renewer); undefined is not.
    for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) params.set(k, v);
    if (this.o.user !== undefined) params.set('user.name', this.o.user);
    return `${endpoint}/webhdfs/v1${encodePath(call.path ?? '/')}?${params.toString()}`;
  }
}

function encodePath(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}
