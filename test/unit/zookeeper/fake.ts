import { ZK_CODES } from '../../../src/zookeeper/errors.js';
import type { TransportState, ZooKeeperConnection, ZooKeeperTransport } from '../../../src/zookeeper/transport.js';

export type Op = 'exists' | 'getChildren' | 'getData' | 'create' | 'remove';

/** A ZooKeeper in memory: a tree of nodes, and hooks to make a connection or a request misbehave. */
export class FakeZooKeeper {
  readonly nodes = new Map<string, { data: Buffer; acl: string; ephemeral: boolean }>([
    ['/', { data: Buffer.alloc(0), acl: 'open', ephemeral: false }],
  ]);
  readonly connections: FakeConnection[] = [];
  /** What a new connection does when asked to connect; by default it gets a session at once. */
  onConnect: (c: FakeConnection) => void = (c) => c.emit('connected');
  /** Return a rejection (or a never-settling promise) to fail a request; undefined to serve it. */
  fail: (op: Op, path: string, c: FakeConnection) => Promise<never> | undefined = () => undefined;
  readonly transport: ZooKeeperTransport = (connectString, options) => {
    const c = new FakeConnection(this, connectString, options.sessionTimeoutMs);
    this.connections.push(c);
    return c;
  };

  add(...paths: string[]): this {
    for (const p of paths) this.nodes.set(p, { data: Buffer.from(p), acl: 'open', ephemeral: false });
    return this;
  }
}

export const zkError = (code: number) => Promise.reject(Object.assign(new Error(`Exception: [${code}]`), { code }));
const parentOf = (p: string) => p.slice(0, p.lastIndexOf('/')) || '/';

export class FakeConnection implements ZooKeeperConnection {
  readonly auth: [string, string][] = [];
  closed = false;
  connected = false;
  private readonly listeners: ((s: TransportState) => void)[] = [];

  constructor(
    private readonly zk: FakeZooKeeper,
    readonly connectString: string,
    readonly sessionTimeoutMs: number,
  ) {}

  emit(state: TransportState): void {
    this.connected = state === 'connected';
    for (const l of this.listeners) l(state);
  }
  connect(): void {
    this.zk.onConnect(this);
  }
  close(): void {
    this.closed = true;
  }
  addAuthInfo(scheme: string, auth: Buffer): void {
    if (this.connected) throw new Error('auth must be added before the session starts');
    this.auth.push([scheme, auth.toString('utf8')]);
  }
  onState(listener: (s: TransportState) => void): void {
    this.listeners.push(listener);
  }
  private serve<T>(op: Op, path: string, value: () => T): Promise<T> {
    if (this.closed) return zkError(ZK_CODES.CONNECTION_LOSS);
    return this.zk.fail(op, path, this) ?? Promise.resolve().then(value);
  }
  exists(path: string): Promise<boolean> {
    return this.serve('exists', path, () => this.zk.nodes.has(path));
  }
  getChildren(path: string): Promise<string[]> {
    if (!this.zk.nodes.has(path)) return zkError(ZK_CODES.NO_NODE);
    return this.serve('getChildren', path, () =>
      [...this.zk.nodes.keys()]
        .filter((p) => p !== path && parentOf(p) === path)
        .map((p) => p.slice(p.lastIndexOf('/') + 1)),
    );
  }
  getData(path: string): Promise<Buffer> {
    const node = this.zk.nodes.get(path);
    if (node === undefined) return zkError(ZK_CODES.NO_NODE);
    return this.serve('getData', path, () => node.data);
  }
  create(path: string, data: Buffer, acl: 'open' | 'creator', ephemeral: boolean): Promise<void> {
    if (this.zk.nodes.has(path)) return zkError(ZK_CODES.NODE_EXISTS);
    if (!this.zk.nodes.has(parentOf(path))) return zkError(ZK_CODES.NO_NODE);
    return this.serve('create', path, () => void this.zk.nodes.set(path, { data, acl, ephemeral }));
  }
  remove(path: string): Promise<void> {
    if (!this.zk.nodes.has(path)) return zkError(ZK_CODES.NO_NODE);
    return this.serve('remove', path, () => void this.zk.nodes.delete(path));
  }
}
