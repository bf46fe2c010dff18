// The part of node-zookeeper-client's API this project uses; the package ships no types.
declare module 'node-zookeeper-client' {
  export interface Stat {
    readonly version: number;
    readonly numChildren: number;
    readonly ephemeralOwner: Buffer;
    readonly mtime: Buffer;
  }
  export class Id {
    constructor(scheme: string, id: string);
  }
  export class ACL {
    constructor(permission: number, id: Id);
  }
  export const Permission: { READ: number; WRITE: number; CREATE: number; DELETE: number; ADMIN: number; ALL: number };
  export const CreateMode: {
    PERSISTENT: number;
    EPHEMERAL: number;
    PERSISTENT_SEQUENTIAL: number;
    EPHEMERAL_SEQUENTIAL: number;
  };
  export const ACL_OPEN_ACL_UNSAFE: ACL[];
  export const Exception: {
    NO_NODE: number;
    NODE_EXISTS: number;
    NOT_EMPTY: number;
    NO_AUTH: number;
    CONNECTION_LOSS: number;
  };
  export interface ZkException extends Error {
    getCode(): number;
    getName(): string;
  }
  export interface Client {
    connect(): void;
    close(): void;
    once(event: 'connected' | 'disconnected' | 'expired' | 'authenticationFailed', listener: () => void): this;
    on(event: 'state', listener: (state: { name: string; code: number }) => void): this;
    addAuthInfo(scheme: string, auth: Buffer): void;
    create(
      path: string,
      data: Buffer | null,
      acls: ACL[],
      mode: number,
      cb: (e: ZkException | null, path: string) => void,
    ): void;
    create(path: string, data: Buffer | null, mode: number, cb: (e: ZkException | null, path: string) => void): void;
    remove(path: string, version: number, cb: (e: ZkException | null) => void): void;
    exists(path: string, cb: (e: ZkException | null, stat: Stat | null) => void): void;
    getData(path: string, cb: (e: ZkException | null, data: Buffer | undefined, stat: Stat) => void): void;
    setData(path: string, data: Buffer | null, version: number, cb: (e: ZkException | null, stat: Stat) => void): void;
    getChildren(path: string, cb: (e: ZkException | null, children: string[], stat: Stat) => void): void;
    getACL(path: string, cb: (e: ZkException | null, acls: ACL[], stat: Stat) => void): void;
    mkdirp(path: string, cb: (e: ZkException | null, path: string) => void): void;
    getSessionId(): Buffer;
  }
  export function createClient(
    connectionString: string,
    options?: { sessionTimeout?: number; spinDelay?: number; retries?: number },
  ): Client;
  const zookeeper: {
    createClient: typeof createClient;
    CreateMode: typeof CreateMode;
    Permission: typeof Permission;
    ACL: typeof ACL;
    Id: typeof Id;
    ACL_OPEN_ACL_UNSAFE: typeof ACL_OPEN_ACL_UNSAFE;
    Exception: typeof Exception;
  };
  export default zookeeper;
}
