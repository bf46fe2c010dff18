import zookeeper, { type Client } from 'node-zookeeper-client';
import { FlinkYarnError } from '../errors/index.js';

/** A connected ZooKeeper session with the few promise-based operations this product needs. */
export interface ZooKeeperSession {
  exists(path: string): Promise<boolean>;
  children(path: string): Promise<string[]>;
  /** A node's data; null when the node does not exist. */
  data(path: string): Promise<Buffer | null>;
  /** Deletes a node and everything below it; a node that is already gone is fine. */
  deleteRecursive(path: string): Promise<number>;
  close(): void;
}

export interface ZooKeeperOptions {
  /** `host:port[,host:port...][/chroot]` */
  readonly connectString: string;
  /** @default 15000 (Flink's high-availability.zookeeper.client.connection-timeout) */
  readonly connectionTimeoutMs?: number;
  /** @default 60000 (Flink's high-availability.zookeeper.client.session-timeout) */
  readonly sessionTimeoutMs?: number;
}

const NO_NODE = -101;

/** Connects, or fails with a typed error after the connection timeout instead of retrying forever. */
export async function connectZooKeeper(options: ZooKeeperOptions): Promise<ZooKeeperSession> {
  const client = zookeeper.createClient(options.connectString, {
    sessionTimeout: options.sessionTimeoutMs ?? 60_000,
    retries: 1,
  });
  const timeoutMs = options.connectionTimeoutMs ?? 15_000;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.close();
      reject(
        new FlinkYarnError(
          'ZK_UNREACHABLE',
          `ZooKeeper ${options.connectString} did not accept a session within ${timeoutMs} ms.`,
          { retriable: true },
        ),
      );
    }, timeoutMs);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve();
    });
    client.connect();
  });
  return session(client);
}

function session(client: Client): ZooKeeperSession {
  const call = <T>(fn: (cb: (e: Error | null, value: T) => void) => void): Promise<T> =>
    new Promise((resolve, reject) => fn((e, v) => (e ? reject(e) : resolve(v))));
  const code = (e: unknown): number | undefined => (e as { getCode?: () => number }).getCode?.();
  const children = (path: string) => call<string[]>((cb) => client.getChildren(path, (e, c) => cb(e, c)));
  const remove = async (path: string): Promise<number> => {
    let removed = 0;
    let kids: string[];
    try {
      kids = await children(path);
    } catch (e) {
      if (code(e) === NO_NODE) return 0;
      throw e;
    }
    for (const kid of kids) removed += await remove(`${path === '/' ? '' : path}/${kid}`);
    try {
      await call<undefined>((cb) => client.remove(path, -1, (e) => cb(e, undefined)));
      removed++;
    } catch (e) {
      if (code(e) !== NO_NODE) throw e;
    }
    return removed;
  };
  return {
    exists: (path) => call<boolean>((cb) => client.exists(path, (e, stat) => cb(e, stat !== null))),
    children,
    data: async (path) => {
      try {
        return (await call<Buffer | undefined>((cb) => client.getData(path, (e, d) => cb(e, d)))) ?? Buffer.alloc(0);
      } catch (e) {
        if (code(e) === NO_NODE) return null;
        throw e;
      }
    },
    deleteRecursive: remove,
    close: () => client.close(),
  };
}
