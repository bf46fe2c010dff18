import type { RetryPolicy } from './retry.js';
import type { HttpTransport } from './transport.js';

/** What every REST client of a Hadoop service (ResourceManager, NameNode) accepts. */
export interface RestClientOptions<Event> {
  /** Web base URLs of the service's servers, in failover order. */
  readonly endpoints: readonly string[];
  /** Sent as `user.name` (simple auth): the service acts and checks permissions as this user. @default undefined: not sent */
  readonly user?: string | undefined;
  /** @default axiosTransport() */
  readonly transport?: HttpTransport;
  /** Per request; each client documents its default. */
  readonly requestTimeoutMs?: number;
  /** Retries of what is safe to repeat. @default DEFAULT_RETRY_POLICY */
  readonly retry?: RetryPolicy;
  /** Told about failovers and retries; the library never prints. */
  readonly onEvent?: (event: Event) => void;
}
