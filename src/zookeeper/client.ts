import { randomBytes } from 'node:crypto';
import { poll } from '../async/poll.js';
import { OPTIONS } from '../config/flink/options.js';
import { parseDuration } from '../config/values/duration.js';
import { FlinkYarnError } from '../errors/index.js';
import { retry, type RetryPolicy } from '../http/retry.js';
import { translateZooKeeperError, ZK_CODES, zkCodeOf, ZooKeeperError, type ZooKeeperOp } from './errors.js';
import { childPath, invalidPathReason, selfAndAncestors } from './paths.js';
import type { AclMode, SaslDecision, ZooKeeperAuthInfo } from './settings.js';
import {
  nodeZooKeeperTransport,
  type TransportState,
  type ZooKeeperConnection,
  type ZooKeeperTransport,
} from './transport.js';

/** Reading a ZooKeeper tree: all that decoding Flink's HA data needs. */
export interface ZooKeeperReader {
  exists(path: string): Promise<boolean>;
  children(path: string): Promise<string[]>;
  /** A node's data; null when the node does not exist. */
  data(path: string): Promise<Buffer | null>;
}

/** A connected ZooKeeper session with the few promise-based operations this product needs. */
export interface ZooKeeperSession extends ZooKeeperReader {
  /**
   * Creates one node under an existing parent, protected by the session's ACL mode (creator: only
   * this client's identity). Resolves false when the node already exists.
   */
  create(path: string, options?: { readonly data?: Buffer; readonly ephemeral?: boolean }): Promise<boolean>;
  /** Creates the node and its missing ancestors, as Curator's creatingParentsIfNeeded; returns how many it created. */
  ensurePath(path: string): Promise<number>;
  /** Deletes a node and everything below it; a node that is already gone is fine. */
  deleteRecursive(path: string): Promise<number>;
  /**
   * Checks that this client may do under the HA root what Flink's JobManager will: creates an
   * ephemeral node there (or under its nearest existing ancestor, where Flink would create the
   * root) with the configured ACLs, and removes it. Throws ZK_NO_AUTH when ZooKeeper refuses.
   */
  probeRoot(root: string): Promise<RootProbe>;
  close(): void;
}

/** What probeRoot found. */
export interface RootProbe {
  /** The HA root, e.g. /flink. */
  readonly root: string;
  readonly rootExists: boolean;
  /** Where the probe node was created and removed: the root, or its nearest existing ancestor. */
  readonly parent: string;
  readonly acl: AclMode;
  /** This client's identity, safe to print: `anonymous`, `digest user 'flink'` ... */
  readonly identity: string;
}

/**
 * How to connect. One options type; the defaults are Flink's (DEFAULT_ZOOKEEPER_OPTIONS). The
 * settings that zooKeeperSettings() derives from a Flink configuration fit here as they are.
 */
export interface ZooKeeperOptions {
  /** `host:port[,host:port...][/chroot]` */
  readonly connectString: string;
  /** How long one attempt waits for a session. @default 15000 (high-availability.zookeeper.client.connection-timeout) */
  readonly connectionTimeoutMs?: number;
  /** @default 60000 (high-availability.zookeeper.client.session-timeout) */
  readonly sessionTimeoutMs?: number;
  /** Base of the exponential backoff between attempts. @default 5000 (high-availability.zookeeper.client.retry-wait) */
  readonly retryWaitMs?: number;
  /** Cap on one backoff; null is uncapped. @default null (Flink 1.x; 2.2's max-retry-wait sets one) */
  readonly maxRetryWaitMs?: number | null;
  /** Retries after the first attempt, for connection loss and timeouts only. @default 3 (high-availability.zookeeper.client.max-retry-attempts) */
  readonly maxRetryAttempts?: number;
  /** ACLs of the nodes this client creates. @default 'open' (high-availability.zookeeper.client.acl) */
  readonly acl?: AclMode;
  /** Sent with addAuthInfo on every connection. @default [] (high-availability.zookeeper.client.authorization) */
  readonly authorization?: readonly ZooKeeperAuthInfo[];
  /** When required, connecting fails at once with ZK_SASL_REQUIRED. @default { required: false } */
  readonly sasl?: SaslDecision;
}

const defaultMs = (option: { defaultValue?: string }) => parseDuration(option.defaultValue ?? '0');

export const DEFAULT_ZOOKEEPER_OPTIONS: Required<Omit<ZooKeeperOptions, 'connectString'>> = {
  connectionTimeoutMs: defaultMs(OPTIONS.zkConnectionTimeout),
  sessionTimeoutMs: defaultMs(OPTIONS.zkSessionTimeout),
  retryWaitMs: defaultMs(OPTIONS.zkRetryWait),
  maxRetryWaitMs: null,
  maxRetryAttempts: Number(OPTIONS.zkMaxRetryAttempts.defaultValue),
  acl: 'open',
  authorization: [],
  sasl: { required: false },
};

/** Progress, as values: the library never prints. */
export type ZooKeeperEvent = {
  readonly kind: 'retry';
  readonly op: ZooKeeperOp;
  readonly path: string | undefined;
  /** 1 for the first retry. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: string;
};

/** What connectZooKeeper works with; tests swap them. */
export interface ZooKeeperDeps {
  /** @default node-zookeeper-client */
  readonly transport?: ZooKeeperTransport;
  readonly onEvent?: (event: ZooKeeperEvent) => void;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Math.random */
  readonly random?: () => number;
}

/**
 * Connects: each attempt waits up to the connection timeout for a session and one round trip
 * (where ZooKeeper refuses credentials or demands SASL); connection loss and timeouts are retried
 * with exponential backoff from retry-wait, max-retry-attempts times, as Flink's Curator does.
 * Fails with ZK_SASL_REQUIRED before connecting when Flink would log in with Kerberos.
 */
export async function connectZooKeeper(options: ZooKeeperOptions, deps: ZooKeeperDeps = {}): Promise<ZooKeeperSession> {
  const o = { ...DEFAULT_ZOOKEEPER_OPTIONS, ...definedOnly(options), connectString: options.connectString };
  if (o.sasl.required) {
    throw new ZooKeeperError(
      'ZK_SASL_REQUIRED',
      `Not connecting to ZooKeeper ${o.connectString}: Flink's ZooKeeper client would log in with SASL (Kerberos) here, and this client cannot: ${o.sasl.reason}. If the quorum also accepts clients without SASL, pass -D ${OPTIONS.zkSaslDisable.key}=true to connect without it (nodes whose ACLs name a Kerberos principal stay unreadable); otherwise run from a host where the quorum allows clients without SASL.`,
      { quorum: o.connectString, op: 'connect' },
    );
  }
  const session = new Session(o, deps);
  await session.withRetry('connect', undefined, () => session.attach());
  return session;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

type Resolved = Required<ZooKeeperOptions>;
type State = TransportState | 'connecting';
/** States a connection never leaves. */
const FINAL: ReadonlySet<State> = new Set(['expired', 'auth-failed', 'sasl-required', 'protocol-error']);

class Session implements ZooKeeperSession {
  private conn: ZooKeeperConnection | null = null;
  private state: State = 'connecting';
  private closed = false;
  /** Aborted, and replaced, at each state change and at close(). */
  private stateChanged = new AbortController();
  private readonly transport: ZooKeeperTransport;
  private readonly policy: RetryPolicy;

  constructor(
    private readonly o: Resolved,
    private readonly deps: ZooKeeperDeps,
  ) {
    this.transport = deps.transport ?? nodeZooKeeperTransport;
    this.policy = {
      retries: o.maxRetryAttempts,
      minDelayMs: o.retryWaitMs,
      maxDelayMs: o.maxRetryWaitMs ?? Number.MAX_SAFE_INTEGER,
      factor: 2,
    };
  }

  /** One connection attempt: a new session within the connection timeout, then one round trip. */
  async attach(): Promise<void> {
    this.drop();
    const conn = this.transport(this.o.connectString, { sessionTimeoutMs: this.o.sessionTimeoutMs });
    this.conn = conn;
    this.state = 'connecting';
    for (const a of this.o.authorization) conn.addAuthInfo(a.scheme, Buffer.from(a.auth.reveal(), 'utf8'));
    conn.onState((state) => {
      // The disconnect that follows a refusal must not hide it.
      if (this.conn !== conn || FINAL.has(this.state)) return;
      this.state = state;
      this.notifyStateChange();
    });
    conn.connect();
    await this.connected('connect', undefined);
    // Refused credentials and a demand for SASL arrive only after the session is established.
    try {
      await this.timed(conn.exists('/'), 'connect', '/');
    } catch (e) {
      if (zkCodeOf(e) === ZK_CODES.NO_AUTH) return; // a locked-down / says nothing about our session
      throw this.translate(e, 'connect', undefined);
    }
  }

  /** Runs attempts per the retry keys; when they run out, says so and gives the last error. */
  async withRetry<T>(op: ZooKeeperOp, path: string | undefined, attempt: () => Promise<T>): Promise<T> {
    try {
      return await retry(attempt, this.policy, {
        retriable: (e) => e instanceof FlinkYarnError && e.retriable && !this.closed,
        onRetry: (e, n, delayMs) =>
          this.deps.onEvent?.({ kind: 'retry', op, path, attempt: n, delayMs, reason: (e as Error).message }),
        ...(this.deps.sleep !== undefined ? { sleep: this.deps.sleep } : {}),
        ...(this.deps.random !== undefined ? { random: this.deps.random } : {}),
      });
    } catch (e) {
      if (!(e instanceof FlinkYarnError && e.retriable) || this.closed) throw e;
      if (op === 'connect') this.drop();
      const what = op === 'connect' ? 'connect to' : `${op}${path === undefined ? '' : ` ${path}`} on`;
      throw new ZooKeeperError(
        'ZK_UNREACHABLE',
        `Could not ${what} ZooKeeper ${this.o.connectString}: ${this.o.maxRetryAttempts + 1} attempts failed (${OPTIONS.zkMaxRetryAttempts.key}: ${this.o.maxRetryAttempts}, ${OPTIONS.zkConnectionTimeout.key}: ${this.o.connectionTimeoutMs} ms, ${OPTIONS.zkRetryWait.key}: ${this.o.retryWaitMs} ms). Last error: ${e.message} Check that ZooKeeper runs and that ${OPTIONS.zkQuorum.key} names its servers.`,
        { quorum: this.o.connectString, op, path, retriable: true, cause: e },
      );
    }
  }

  /** Waits for the connection to have a session, up to the connection timeout; a new state wakes it. */
  private async connected(op: ZooKeeperOp, path: string | undefined): Promise<void> {
    const noSession = (): ZooKeeperError => {
      this.drop();
      return new ZooKeeperError(
        'ZK_UNREACHABLE',
        `ZooKeeper ${this.o.connectString} did not give a session within ${this.o.connectionTimeoutMs} ms (${OPTIONS.zkConnectionTimeout.key}).`,
        { quorum: this.o.connectString, op, path, retriable: true },
      );
    };
    // Taken at each look, so a state that arrives before the pause still ends it.
    let changed: AbortSignal | undefined;
    await poll(
      async () => {
        changed = this.stateChanged.signal;
        switch (this.state) {
          case 'connected':
            return true;
          case 'auth-failed':
            throw this.translate({ code: ZK_CODES.AUTH_FAILED }, op, path);
          case 'sasl-required':
            throw this.translate({ code: ZK_CODES.SESSION_CLOSED_REQUIRE_SASL_AUTH }, op, path);
          case 'protocol-error':
            throw new ZooKeeperError(
              'ZK_REMOTE',
              `ZooKeeper ${this.o.connectString} answered with an error this client cannot read, so it closed the connection.`,
              { quorum: this.o.connectString, op, path },
            );
          case 'expired':
            this.drop(); // the next attempt starts a new session, as Curator does
            throw this.translate({ code: ZK_CODES.SESSION_EXPIRED }, op, path);
        }
        if (this.closed) throw noSession();
        return undefined;
      },
      {
        // No timer of its own: only a new state, the deadline or close() ends a pause.
        intervalMs: this.o.connectionTimeoutMs,
        timeoutMs: this.o.connectionTimeoutMs,
        wake: () => changed,
        onTimeout: noSession,
      },
    );
  }

  /**
   * Bounds a request like ZooKeeper's own client, whose read timeout is two thirds of the session
   * timeout: a server that stops answering must not hang us. The session is then dropped.
   */
  private async timed<T>(request: Promise<T>, op: ZooKeeperOp, path: string | undefined): Promise<T> {
    const ms = Math.max(1, Math.floor((this.o.sessionTimeoutMs * 2) / 3));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.drop();
        reject(
          new ZooKeeperError(
            'ZK_UNREACHABLE',
            `ZooKeeper ${this.o.connectString} did not answer ${op}${path === undefined ? '' : ` ${path}`} within ${ms} ms (two thirds of ${OPTIONS.zkSessionTimeout.key}).`,
            { quorum: this.o.connectString, op, path, retriable: true },
          ),
        );
      }, ms);
    });
    try {
      return await Promise.race([request, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private translate(error: unknown, op: ZooKeeperOp, path: string | undefined): unknown {
    return translateZooKeeperError(error, {
      quorum: this.o.connectString,
      op,
      path,
      acl: this.o.acl,
      authorization: this.o.authorization,
    });
  }

  /** One request, with a session first (a new one after expiry) and the retry keys around it. */
  private run<T>(op: ZooKeeperOp, path: string, call: (conn: ZooKeeperConnection) => Promise<T>): Promise<T> {
    const why = invalidPathReason(path);
    if (why !== undefined) {
      return Promise.reject(
        new ZooKeeperError('INVALID_VALUE', `'${path}' is not a valid ZooKeeper path: ${why}.`, {
          quorum: this.o.connectString,
          op,
          path,
        }),
      );
    }
    return this.withRetry(op, path, async () => {
      if (this.closed) {
        throw new ZooKeeperError('ZK_REMOTE', `The ZooKeeper session is closed; cannot ${op} ${path}.`, {
          quorum: this.o.connectString,
          op,
          path,
        });
      }
      if (this.conn === null) await this.attach();
      else await this.connected(op, path);
      try {
        return await this.timed(call(this.conn!), op, path);
      } catch (e) {
        if (zkCodeOf(e) === ZK_CODES.SESSION_EXPIRED) this.drop();
        throw this.translate(e, op, path);
      }
    });
  }

  exists(path: string): Promise<boolean> {
    return this.run('exists', path, (c) => c.exists(path));
  }

  children(path: string): Promise<string[]> {
    return this.run('children', path, (c) => c.getChildren(path));
  }

  async data(path: string): Promise<Buffer | null> {
    try {
      return await this.run('data', path, (c) => c.getData(path));
    } catch (e) {
      if (isCode(e, ZK_CODES.NO_NODE)) return null;
      throw e;
    }
  }

  async create(path: string, options: { readonly data?: Buffer; readonly ephemeral?: boolean } = {}): Promise<boolean> {
    try {
      await this.run('create', path, (c) =>
        c.create(path, options.data ?? Buffer.alloc(0), this.o.acl, options.ephemeral === true),
      );
      return true;
    } catch (e) {
      // Also what a retry sees when the first attempt created the node before the connection broke.
      if (isCode(e, ZK_CODES.NODE_EXISTS)) return false;
      throw e;
    }
  }

  async ensurePath(path: string): Promise<number> {
    let created = 0;
    for (const p of selfAndAncestors(path).reverse()) {
      if (p === '/' || (await this.exists(p))) continue;
      if (await this.create(p)) created++;
    }
    return created;
  }

  async deleteRecursive(path: string): Promise<number> {
    let removed = 0;
    // A JobManager that is still shutting down may add a child between the listing and the
    // removal (NotEmpty): list again, a bounded number of times.
    for (let round = 1; ; round++) {
      let kids: string[];
      try {
        kids = await this.children(path);
      } catch (e) {
        if (isCode(e, ZK_CODES.NO_NODE)) return removed;
        throw e;
      }
      for (const kid of kids) removed += await this.deleteRecursive(childPath(path, kid));
      try {
        return removed + ((await this.remove(path)) ? 1 : 0);
      } catch (e) {
        if (!isCode(e, ZK_CODES.NOT_EMPTY) || round >= DELETE_ROUNDS) throw e;
      }
    }
  }

  /** Removes one node; false when it was already gone (also after a retried removal). */
  private async remove(path: string): Promise<boolean> {
    try {
      await this.run('delete', path, (c) => c.remove(path));
      return true;
    } catch (e) {
      if (isCode(e, ZK_CODES.NO_NODE)) return false;
      throw e;
    }
  }

  async probeRoot(root: string): Promise<RootProbe> {
    let parent = '/';
    for (const p of selfAndAncestors(root)) {
      if (p === '/' || (await this.exists(p))) {
        parent = p;
        break;
      }
    }
    const probe = childPath(parent, `.flink-yarn-probe-${randomBytes(6).toString('hex')}`);
    await this.create(probe, { ephemeral: true });
    await this.remove(probe);
    const ids = this.o.authorization.map((a) => (a.identity !== null ? `${a.scheme} user '${a.identity}'` : a.scheme));
    return {
      root,
      rootExists: parent === root,
      parent,
      acl: this.o.acl,
      identity: ids.length === 0 ? 'anonymous' : ids.join(', '),
    };
  }

  /** Forgets the current connection, closing it. */
  private drop(): void {
    const conn = this.conn;
    this.conn = null;
    this.state = 'connecting';
    conn?.close();
  }

  close(): void {
    this.closed = true;
    this.drop();
    this.notifyStateChange();
  }

  private notifyStateChange(): void {
    const changed = this.stateChanged;
    this.stateChanged = new AbortController();
    changed.abort();
  }
}

/** How often deleteRecursive lists a node again when a writer keeps adding children. */
const DELETE_ROUNDS = 10;

function isCode(error: unknown, code: number): boolean {
  return error instanceof ZooKeeperError && error.zkCode === code;
}
