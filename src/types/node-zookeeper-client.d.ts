// The part of node-zookeeper-client 1.1.3's API this project uses; the package ships no types.
declare module 'node-zookeeper-client' {
  export interface Stat {
    readonly version: number;
    readonly numChildren: number;
    readonly ephemeralOwner: Buffer;
    readonly mtime: Buffer;
  }
  export class Id {
    constructor(scheme: string, id: string);
    readonly scheme: string;
    readonly id: string;
    /** `world:anyone` */
    static readonly ANYONE_ID_UNSAFE: Id;
    /** `auth:` (the connection's authenticated identities) */
    static readonly AUTH_IDS: Id;
  }
  export class ACL {
    constructor(permission: number, id: Id);
    readonly permission: number;
    readonly id: Id;
    static readonly OPEN_ACL_UNSAFE: ACL[];
    static readonly CREATOR_ALL_ACL: ACL[];
    static readonly READ_ACL_UNSAFE: ACL[];
  }
  export const Permission: { READ: number; WRITE: number; CREATE: number; DELETE: number; ADMIN: number; ALL: number };
  export const CreateMode: {
    PERSISTENT: number;
    EPHEMERAL: number;
    PERSISTENT_SEQUENTIAL: number;
    EPHEMERAL_SEQUENTIAL: number;
  };
  /** KeeperException codes the library knows (it throws on any other). */
  export const Exception: {
    OK: number;
    CONNECTION_LOSS: number;
    OPERATION_TIMEOUT: number;
    NO_NODE: number;
    NO_AUTH: number;
    NODE_EXISTS: number;
    NOT_EMPTY: number;
    SESSION_EXPIRED: number;
    INVALID_ACL: number;
    AUTH_FAILED: number;
  };
  export interface ZkException extends Error {
    readonly code: number;
    readonly path: string | undefined;
    getCode(): number;
    getName(): string;
  }
  /** SYNC_CONNECTED, DISCONNECTED, EXPIRED, AUTH_FAILED, CONNECTED_READ_ONLY */
  export interface State {
    readonly name: string;
    readonly code: number;
  }
  export interface Client {
    connect(): void;
    close(): void;
    once(event: 'connected' | 'disconnected' | 'expired' | 'authenticationFailed', listener: () => void): this;
    on(event: 'state', listener: (state: State) => void): this;
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
    Exception: typeof Exception;
  };
  export default zookeeper;
}
