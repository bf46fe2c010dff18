import zookeeper, { type Client } from 'node-zookeeper-client';
import { ZK_CODES } from './errors.js';
import type { AclMode } from './settings.js';

/**
 * What the connection tells its owner: a session, its loss, its end. `sasl-required` and
 * `protocol-error` are answers node-zookeeper-client cannot decode; the connection is closed.
 */
export type TransportState =
  'connected' | 'disconnected' | 'expired' | 'auth-failed' | 'sasl-required' | 'protocol-error';

/**
 * One ZooKeeper connection, promise-based. Requests reject with an object carrying ZooKeeper's
 * KeeperException code (`getCode()` or `code`).
 */
export interface ZooKeeperConnection {
  connect(): void;
  /** Ends the session, and drops the socket even when no session was ever established. */
  close(): void;
  /** Sent after every (re)connect, before any request. */
  addAuthInfo(scheme: string, auth: Buffer): void;
  onState(listener: (state: TransportState) => void): void;
  exists(path: string): Promise<boolean>;
  getChildren(path: string): Promise<string[]>;
  getData(path: string): Promise<Buffer>;
  create(path: string, data: Buffer, acl: AclMode, ephemeral: boolean): Promise<void>;
  remove(path: string): Promise<void>;
}

export interface ConnectionOptions {
  /** Asked of the server, which clamps it to [2, 20] x its tickTime. */
  readonly sessionTimeoutMs: number;
}

/** Makes connections; inject another one to run the ZooKeeper layer without a server. */
export type ZooKeeperTransport = (connectString: string, options: ConnectionOptions) => ZooKeeperConnection;

// The parts of node-zookeeper-client's private ConnectionManager the two workarounds below touch.
interface ConnectionManagerInternals {
  socket?: { destroy(): void };
  onSocketData: (buffer: Buffer) => void;
}

const { ACL, CreateMode } = zookeeper;

/** The real transport: node-zookeeper-client, with no retries of its own (the caller retries per Flink's keys). */
export const nodeZooKeeperTransport: ZooKeeperTransport = (connectString, options) => {
  const client: Client = zookeeper.createClient(connectString, {
    sessionTimeout: options.sessionTimeoutMs,
    // Pause between rounds over all servers; short, since the caller bounds the whole attempt.
    spinDelay: 200,
    retries: 0,
  });
  const manager = (client as unknown as { connectionManager: ConnectionManagerInternals }).connectionManager;
  const listeners: ((state: TransportState) => void)[] = [];
  const emit = (state: TransportState) => listeners.forEach((l) => l(state));
  const pending = new Set<(e: unknown) => void>();
  let connected = false;
  let closed = false;

  const close = () => {
    if (closed) return;
    closed = true;
    client.close();
    // A client that never connected keeps retrying its socket until the socket times out; end it now.
    if (!connected) manager.socket?.destroy();
  };

  // node-zookeeper-client 1.1.3 throws "Unknown code" from its socket handler for error codes it
  // does not know, which would kill the process. ZooKeeper answers -124 to a client without SASL
  // when the server requires SASL; turn that into a state, fail what was waiting, and close.
  const onSocketData = manager.onSocketData;
  manager.onSocketData = function (this: ConnectionManagerInternals, buffer: Buffer) {
    try {
      onSocketData.call(this, buffer);
    } catch (e) {
      const code = Number(/Unknown code: (-?\d+)/.exec((e as Error).message)?.[1]);
      if (Number.isNaN(code)) throw e;
      close();
      manager.socket?.destroy();
      for (const reject of pending) reject({ code });
      pending.clear();
      emit(code === ZK_CODES.SESSION_CLOSED_REQUIRE_SASL_AUTH ? 'sasl-required' : 'protocol-error');
    }
  };

  client.on('state', (state) => {
    switch (state.name) {
      case 'SYNC_CONNECTED':
      case 'CONNECTED_READ_ONLY':
        connected = true;
        return emit('connected');
      case 'DISCONNECTED':
        return emit('disconnected');
      case 'EXPIRED':
        return emit('expired');
      case 'AUTH_FAILED':
        return emit('auth-failed');
    }
  });

  const request = <T>(send: (done: (e: unknown, value?: T) => void) => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      pending.add(reject);
      send((e, value) => {
        pending.delete(reject);
        if (e) reject(e);
        else resolve(value as T);
      });
    });

  return {
    connect: () => client.connect(),
    close,
    addAuthInfo: (scheme, auth) => client.addAuthInfo(scheme, auth),
    onState: (listener) => void listeners.push(listener),
    exists: (path) =>
      request<boolean>((done) => client.exists(path, (e, stat) => done(e, stat !== null && stat !== undefined))),
    getChildren: (path) => request<string[]>((done) => client.getChildren(path, (e, children) => done(e, children))),
    getData: (path) => request<Buffer>((done) => client.getData(path, (e, data) => done(e, data ?? Buffer.alloc(0)))),
    create: (path, data, acl, ephemeral) =>
      request<undefined>((done) =>
        client.create(
          path,
          data,
          acl === 'creator' ? ACL.CREATOR_ALL_ACL : ACL.OPEN_ACL_UNSAFE,
          ephemeral ? CreateMode.EPHEMERAL : CreateMode.PERSISTENT,
          (e) => done(e),
        ),
      ),
    remove: (path) => request<undefined>((done) => client.remove(path, -1, (e) => done(e))),
  };
};
