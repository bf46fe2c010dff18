import { poll, systemClock, type Clock } from '../async/poll.js';
import { axiosTransport } from '../http/axios-transport.js';
import type { RestClientOptions } from '../http/client-options.js';
import { DEFAULT_RETRY_POLICY, retry, type RetryPolicy } from '../http/retry.js';
import { describeBody, failureReason, NOT_SENT, safeJson } from '../http/responses.js';
import { TransportError, type HttpResponse, type HttpTransport } from '../http/transport.js';
import { FlinkYarnError } from '../errors/index.js';
import { RmUnreachableError, translateRmError, YarnError, type EndpointFailure } from './errors.js';
import {
  normalizeAppResponse,
  normalizeApps,
  normalizeAttempts,
  normalizeClusterInfo,
  normalizeNewApplication,
  TERMINAL_STATES,
  type AppAttempt,
  type ClusterInfo,
  type NewApplication,
  type YarnApplication,
  type YarnAppState,
} from './model.js';

/** ResourceManager web endpoints (`http://host:8088`); requests time out after 10 s by default. */
export interface RmClientOptions extends RestClientOptions<RmEvent> {
  /** For waits (`kill`). @default systemClock */
  readonly clock?: Clock;
}

export type RmEvent =
  | { readonly kind: 'rm-failover'; readonly from: string; readonly reason: string }
  | { readonly kind: 'rm-active'; readonly endpoint: string }
  | { readonly kind: 'rm-retry'; readonly attempt: number; readonly delayMs: number; readonly reason: string };

export interface AppsFilter {
  readonly states?: readonly YarnAppState[];
  readonly applicationTypes?: readonly string[];
  readonly applicationTags?: readonly string[];
  readonly queue?: string;
  readonly user?: string;
  readonly limit?: number;
  /** Fields the RM may leave out (resourceRequests, timeouts, appNodeLabelExpression ...). */
  readonly deSelects?: readonly string[];
}

interface RequestOptions {
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  /** Safe to send twice. GET, PUT of a state, DELETE: yes. A submission: no. */
  readonly idempotent: boolean;
  readonly applicationId?: string;
}

const NO_ACTIVE_TEXT = /There is no active RM right now/i;
const STANDBY_TEXT = /This is standby RM/i;
const MAX_REDIRECTS = 3;

/**
 * A ResourceManager REST client that behaves like Hadoop's YarnClient: it finds the active RM of
 * an HA pair, follows a standby's redirect with the same method and body, fails over when an RM
 * stops answering, retries only what is safe to repeat, and turns every failure into a typed error.
 */
export class ResourceManagerClient {
  private readonly endpoints: readonly string[];
  private readonly transport: HttpTransport;
  private readonly timeoutMs: number;
  private readonly policy: RetryPolicy;
  private readonly options: RmClientOptions;
  private readonly clock: Clock;
  private active: string | undefined;

  constructor(options: RmClientOptions) {
    if (options.endpoints.length === 0) throw new FlinkYarnError('USAGE', 'No ResourceManager endpoint is configured.');
    this.options = options;
    this.endpoints = options.endpoints.map((e) => e.replace(/\/+$/, ''));
    this.transport = options.transport ?? axiosTransport();
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.policy = options.retry ?? DEFAULT_RETRY_POLICY;
    this.clock = options.clock ?? systemClock;
  }

  /** The endpoint last found active, if any. */
  get activeEndpoint(): string | undefined {
    return this.active;
  }

  async clusterInfo(): Promise<ClusterInfo> {
    return normalizeClusterInfo(await this.json('GET', '/ws/v1/cluster/info', { idempotent: true }));
  }

  async metrics(): Promise<Record<string, unknown>> {
    const json = (await this.json('GET', '/ws/v1/cluster/metrics', { idempotent: true })) as {
      clusterMetrics?: Record<string, unknown>;
    };
    return json.clusterMetrics ?? {};
  }

  async scheduler(): Promise<Record<string, unknown>> {
    const json = (await this.json('GET', '/ws/v1/cluster/scheduler', { idempotent: true })) as {
      scheduler?: { schedulerInfo?: Record<string, unknown> };
    };
    return json.scheduler?.schedulerInfo ?? {};
  }

  async nodes(states?: readonly string[]): Promise<Record<string, unknown>[]> {
    const json = await this.json('GET', '/ws/v1/cluster/nodes', {
      idempotent: true,
      query: { states: states?.join(',') },
    });
    const nodes = (json as { nodes?: { node?: unknown } | null }).nodes;
    const list = nodes?.node;
    return Array.isArray(list) ? list : list ? [list as Record<string, unknown>] : [];
  }

  async apps(filter: AppsFilter = {}): Promise<YarnApplication[]> {
    const json = await this.json('GET', '/ws/v1/cluster/apps', {
      idempotent: true,
      query: {
        states: filter.states?.join(','),
        applicationTypes: filter.applicationTypes?.join(','),
        applicationTags: filter.applicationTags?.join(','),
        queue: filter.queue,
        user: filter.user,
        limit: filter.limit !== undefined ? String(filter.limit) : undefined,
        deSelects: filter.deSelects?.join(','),
      },
    });
    return normalizeApps(json);
  }

  async app(applicationId: string): Promise<YarnApplication> {
    return normalizeAppResponse(
      await this.json('GET', `/ws/v1/cluster/apps/${encodeURIComponent(applicationId)}`, {
        idempotent: true,
        applicationId,
      }),
    );
  }

  async appAttempts(applicationId: string): Promise<AppAttempt[]> {
    return normalizeAttempts(
      await this.json('GET', `/ws/v1/cluster/apps/${encodeURIComponent(applicationId)}/appattempts`, {
        idempotent: true,
        applicationId,
      }),
    );
  }

  /** Reserves an application id. Not retried: a repeat only wastes an id, but says nothing new. */
  async newApplication(): Promise<NewApplication> {
    return normalizeNewApplication(
      await this.json('POST', '/ws/v1/cluster/apps/new-application', { idempotent: false }),
    );
  }

  /**
   * Submits an application (POST /apps, answered 202). Never blindly repeated: after a failure
   * whose outcome is unknown, the caller can ask `app(id)` whether it arrived.
   */
  async submit(body: Readonly<Record<string, unknown>>): Promise<void> {
    const applicationId = typeof body['application-id'] === 'string' ? body['application-id'] : undefined;
    await this.request('POST', '/ws/v1/cluster/apps', {
      idempotent: false,
      body,
      ...(applicationId !== undefined ? { applicationId } : {}),
    });
  }

  /**
   * Kills an application and waits until the RM says KILLED (or another terminal state). The RM
   * answers 202 while the kill is in progress; the PUT is repeated until it answers 200.
   */
  async kill(
    applicationId: string,
    options: { diagnostics?: string; timeoutMs?: number; pollMs?: number } = {},
  ): Promise<YarnAppState> {
    const path = `/ws/v1/cluster/apps/${encodeURIComponent(applicationId)}/state`;
    const timeoutMs = options.timeoutMs ?? 60_000;
    const body = {
      state: 'KILLED',
      ...(options.diagnostics !== undefined ? { diagnostics: options.diagnostics } : {}),
    };
    return poll(
      async () => {
        const current = (await this.app(applicationId)).state;
        if (TERMINAL_STATES.includes(current)) return current;
        const res = await this.request('PUT', path, { idempotent: true, body, applicationId });
        if (res.status !== 200) return undefined;
        const state = (safeJson(res.body) as { state?: YarnAppState } | undefined)?.state;
        return state !== undefined && TERMINAL_STATES.includes(state) ? state : undefined;
      },
      {
        intervalMs: options.pollMs ?? 250,
        timeoutMs,
        clock: this.clock,
        onTimeout: () =>
          new YarnError('TIMEOUT', `Application ${applicationId} was not KILLED within ${timeoutMs} ms.`, {
            applicationId,
          }),
      },
    );
  }

  /** A request whose 2xx body is JSON. */
  async json(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options: RequestOptions): Promise<unknown> {
    const res = await this.request(method, path, options);
    const parsed = safeJson(res.body);
    if (parsed === undefined) {
      const what = describeBody(res.body);
      throw new YarnError(
        'RM_UNEXPECTED_RESPONSE',
        `${method} ${path} on ${this.active ?? this.endpoints.join(' or ')} answered ${what} where JSON was expected; is this a ResourceManager web address?`,
        { status: res.status, ...(this.active !== undefined ? { endpoint: this.active } : {}) },
      );
    }
    return parsed;
  }

  /** Sends a request to the active RM, with failover and (for idempotent requests) retries. */
  async request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: RequestOptions,
  ): Promise<HttpResponse> {
    let base: string | undefined;
    return retry(
      async () => {
        base = await this.findActive();
        try {
          return await this.send(base, method, path, options);
        } catch (e) {
          if (isRetriable(e, options.idempotent)) {
            this.options.onEvent?.({ kind: 'rm-failover', from: base, reason: failureReason(e) });
            this.active = undefined;
          }
          throw e;
        }
      },
      this.policy,
      {
        retriable: (e) => isRetriable(e, options.idempotent),
        onRetry: (e, attempt, delayMs) =>
          this.options.onEvent?.({ kind: 'rm-retry', attempt, delayMs, reason: failureReason(e) }),
      },
    ).catch((e: unknown) => {
      // Out of retries on a network failure: an unreachable RM, as a typed error.
      if (e instanceof TransportError) {
        const endpoint = base ?? this.endpoints[0]!;
        if (options.idempotent || NOT_SENT.has(e.errno))
          throw new RmUnreachableError([{ endpoint, reason: e.message }], false);
        throw new YarnError(
          'RM_UNREACHABLE',
          `${method} ${path} on ${endpoint} lost its connection (${e.errno}); the ResourceManager may or may not have applied it.`,
          { endpoint, cause: e },
        );
      }
      throw e;
    });
  }

  private async send(
    base: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: RequestOptions,
  ): Promise<HttpResponse> {
    let url = this.url(base, path, options.query);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    for (let hop = 0; ; hop++) {
      const res = await this.transport.request({
        method,
        url,
        timeoutMs: this.timeoutMs,
        headers: {
          Accept: 'application/json',
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body } : {}),
      });
      // A standby RM redirects to the active one; keep the method and body (307 semantics).
      if ((res.status === 307 || res.status === 302) && res.headers.location && hop < MAX_REDIRECTS) {
        const target = new URL(res.headers.location, url);
        this.active = target.origin;
        url = target.toString();
        continue;
      }
      if (res.status === 307 || res.headers.refresh !== undefined || NO_ACTIVE_TEXT.test(res.body)) {
        throw new YarnError('RM_NO_ACTIVE', `${base} has no active ResourceManager right now.`, {
          endpoint: base,
          status: res.status,
          retriable: true,
        });
      }
      if (res.status >= 200 && res.status < 300) return res;
      throw translateRmError(res.status, res.body, {
        endpoint: base,
        method,
        path,
        ...(options.applicationId !== undefined ? { applicationId: options.applicationId } : {}),
      });
    }
  }

  /** Asks each RM for its HA state, starting with the one that was active last. */
  private async findActive(): Promise<string> {
    if (this.active !== undefined) return this.active;
    // With one RM there is nothing to choose: skip the probe. A standby still answers with a
    // redirect or "no active RM", which `send` handles.
    if (this.endpoints.length === 1) return this.endpoints[0]!;
    const failures: EndpointFailure[] = [];
    let sawStandby = false;
    for (const endpoint of this.endpoints) {
      try {
        const res = await this.transport.request({
          method: 'GET',
          url: this.url(endpoint, '/ws/v1/cluster/info', {}),
          timeoutMs: this.timeoutMs,
          headers: { Accept: 'application/json' },
        });
        if (res.status !== 200) {
          const error = translateRmError(res.status, res.body, {
            endpoint,
            method: 'GET',
            path: '/ws/v1/cluster/info',
          });
          if (error.code === 'RM_AUTH' || error.code === 'RM_FORBIDDEN') throw error;
          failures.push({ endpoint, reason: `HTTP ${res.status}` });
          continue;
        }
        const info = safeJson(res.body);
        if (info === undefined) {
          const standby = NO_ACTIVE_TEXT.test(res.body) || STANDBY_TEXT.test(res.body);
          sawStandby ||= standby;
          failures.push({ endpoint, reason: standby ? 'no active RM' : 'not a ResourceManager (no JSON)' });
          continue;
        }
        const haState = normalizeClusterInfo(info).haState;
        if (haState === 'ACTIVE') {
          this.active = endpoint;
          this.options.onEvent?.({ kind: 'rm-active', endpoint });
          return endpoint;
        }
        sawStandby = true;
        failures.push({ endpoint, reason: `haState ${haState || 'unknown'}` });
      } catch (e) {
        // A malformed answer is this RM's failure: the next one may still serve. A typed failure
        // of the transport (Kerberos, TLS) is not "unreachable": it is reported as it is.
        if (e instanceof YarnError ? e.code !== 'RM_UNEXPECTED_RESPONSE' : e instanceof FlinkYarnError) throw e;
        failures.push({ endpoint, reason: failureReason(e) });
      }
    }
    throw new RmUnreachableError(failures, sawStandby);
  }

  private url(base: string, path: string, query: Readonly<Record<string, string | undefined>> = {}): string {
    const url = new URL(path, `${base}/`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') url.searchParams.set(k, v);
    if (this.options.user !== undefined) url.searchParams.set('user.name', this.options.user);
    return url.toString();
  }
}

function isRetriable(e: unknown, idempotent: boolean): boolean {
  if (e instanceof RmUnreachableError) return true;
  if (e instanceof TransportError) return idempotent || NOT_SENT.has(e.errno);
  if (e instanceof YarnError) return e.retriable && (idempotent || e.code === 'RM_NO_ACTIVE');
  return false;
}
