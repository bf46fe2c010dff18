import { OPTIONS } from '../config/flink/options.js';
import { FlinkYarnError, type ErrorCode } from '../errors/index.js';
import type { AclMode, ZooKeeperAuthInfo } from './settings.js';

/** What this client was doing when ZooKeeper answered. */
export type ZooKeeperOp = 'connect' | 'exists' | 'children' | 'data' | 'create' | 'delete';

/** KeeperException codes this product treats by name. */
export const ZK_CODES = {
  CONNECTION_LOSS: -4,
  OPERATION_TIMEOUT: -7,
  NO_NODE: -101,
  NO_AUTH: -102,
  NODE_EXISTS: -110,
  NOT_EMPTY: -111,
  SESSION_EXPIRED: -112,
  INVALID_ACL: -114,
  AUTH_FAILED: -115,
  SESSION_CLOSED_REQUIRE_SASL_AUTH: -124,
} as const;

interface Row {
  /** ZooKeeper's own name for the code (KeeperException.Code). */
  readonly name: string;
  readonly code: ErrorCode;
  /** Curator's RetryPolicy retries exactly these: the same request may succeed on a (new) session. */
  readonly retriable: boolean;
}

const row = (name: string, code: ErrorCode = 'ZK_REMOTE', retriable = false): Row => ({ name, code, retriable });

/** ZooKeeper's KeeperException codes to ours. Codes not listed are ZK_REMOTE with their number. */
const TABLE: ReadonlyMap<number, Row> = new Map([
  [-1, row('SystemError')],
  [-2, row('RuntimeInconsistency')],
  [-3, row('DataInconsistency')],
  [ZK_CODES.CONNECTION_LOSS, row('ConnectionLoss', 'ZK_UNREACHABLE', true)],
  [-5, row('MarshallingError')],
  [-6, row('Unimplemented')],
  [ZK_CODES.OPERATION_TIMEOUT, row('OperationTimeout', 'ZK_UNREACHABLE', true)],
  [-8, row('BadArguments')],
  [-12, row('UnknownSession')],
  [-13, row('NewConfigNoQuorum', 'ZK_UNREACHABLE', true)],
  [-14, row('ReconfigInProgress')],
  [-100, row('APIError')],
  [ZK_CODES.NO_NODE, row('NoNode')],
  [ZK_CODES.NO_AUTH, row('NoAuth', 'ZK_NO_AUTH')],
  [-103, row('BadVersion')],
  [-108, row('NoChildrenForEphemerals')],
  [ZK_CODES.NODE_EXISTS, row('NodeExists')],
  [ZK_CODES.NOT_EMPTY, row('NotEmpty')],
  [ZK_CODES.SESSION_EXPIRED, row('SessionExpired', 'ZK_UNREACHABLE', true)],
  [-113, row('InvalidCallback')],
  [ZK_CODES.INVALID_ACL, row('InvalidACL')],
  [ZK_CODES.AUTH_FAILED, row('AuthFailed', 'ZK_AUTH_FAILED')],
  [-118, row('SessionMoved', 'ZK_UNREACHABLE', true)],
  [-119, row('NotReadOnly')],
  [-120, row('EphemeralOnLocalSession')],
  [-122, row('RequestTimeout', 'ZK_UNREACHABLE', true)],
  [ZK_CODES.SESSION_CLOSED_REQUIRE_SASL_AUTH, row('SessionClosedRequireSaslAuth', 'ZK_SASL_REQUIRED')],
  [-125, row('QuotaExceeded')],
  [-127, row('Throttled', 'ZK_UNREACHABLE', true)],
]);

/** A failed ZooKeeper request, with what was asked of which server and ZooKeeper's own code. */
export class ZooKeeperError extends FlinkYarnError {
  readonly quorum: string;
  readonly op: ZooKeeperOp;
  readonly zkPath: string | undefined;
  /** ZooKeeper's KeeperException code, when the server (or the client library) gave one. */
  readonly zkCode: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    context: {
      quorum: string;
      op: ZooKeeperOp;
      path?: string | undefined;
      zkCode?: number;
      retriable?: boolean;
      cause?: unknown;
    },
  ) {
    super(code, message, { retriable: context.retriable ?? false, cause: context.cause });
    this.quorum = context.quorum;
    this.op = context.op;
    this.zkPath = context.path;
    this.zkCode = context.zkCode;
  }
}

/** The KeeperException code of a node-zookeeper-client exception (or anything shaped like one). */
export function zkCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { getCode?: () => unknown; code?: unknown };
  const code = typeof e.getCode === 'function' ? e.getCode() : e.code;
  return typeof code === 'number' ? code : undefined;
}

/** What the translation needs to say why and how to fix it. */
export interface TranslationContext {
  readonly quorum: string;
  readonly op: ZooKeeperOp;
  readonly path?: string | undefined;
  readonly acl: AclMode;
  readonly authorization: readonly ZooKeeperAuthInfo[];
}

const AUTH_KEY = OPTIONS.zkAuthorization.key;
const ACL_KEY = OPTIONS.zkAcl.key;

/**
 * Turns a ZooKeeper failure into our error with a message that says what was refused and how to
 * fix it. Errors that carry no ZooKeeper code (ours included) come back unchanged.
 */
export function translateZooKeeperError(error: unknown, ctx: TranslationContext): unknown {
  if (error instanceof FlinkYarnError) return error;
  const zkCode = zkCodeOf(error);
  if (zkCode === undefined) return error;
  const found = TABLE.get(zkCode) ?? row(`code ${zkCode}`);
  const target = ctx.path === undefined ? '' : ` ${ctx.path}`;
  const make = (code: ErrorCode, message: string, retriable = found.retriable) =>
    new ZooKeeperError(code, message, {
      quorum: ctx.quorum,
      op: ctx.op,
      path: ctx.path,
      zkCode,
      retriable,
      cause: error,
    });

  switch (zkCode) {
    case ZK_CODES.NO_AUTH:
      return make(
        'ZK_NO_AUTH',
        `ZooKeeper ${ctx.quorum} denied ${DENIED[ctx.op]}${target} (NoAuth). ${identityHint(ctx)}`,
      );
    case ZK_CODES.INVALID_ACL:
      if (ctx.acl === 'creator' && ctx.op === 'create') {
        return make(
          'ZK_NO_AUTH',
          `ZooKeeper ${ctx.quorum} refused to create${target} with creator-only ACLs (${ACL_KEY}: creator) because this connection has no authenticated identity to grant them to (InvalidACL); a Flink JobManager with this configuration fails the same way. Set ${AUTH_KEY}, e.g. digest:'user:password', or use ${ACL_KEY}: open.`,
        );
      }
      break;
    case ZK_CODES.AUTH_FAILED:
      return make(
        'ZK_AUTH_FAILED',
        `ZooKeeper ${ctx.quorum} rejected this client's authentication (AuthFailed)${schemesFrom(ctx.authorization)}. The server has no authentication provider for ${ctx.authorization.length === 1 ? 'that scheme' : 'one of those schemes'}: it knows digest (user:password) unless zookeeper.authProvider.* on the server adds others. Fix ${AUTH_KEY}.`,
      );
    case ZK_CODES.SESSION_CLOSED_REQUIRE_SASL_AUTH:
      return make(
        'ZK_SASL_REQUIRED',
        `ZooKeeper ${ctx.quorum} closed the session because it requires SASL (Kerberos) authentication (zookeeper.sessionRequireClientSASLAuth or enforce.auth.schemes=sasl on the server), and this client cannot do SASL. Use Flink's own tools from a host with a Kerberos ticket, or a ZooKeeper that also accepts clients without SASL.`,
      );
  }
  if (found.code === 'ZK_UNREACHABLE') {
    return make(
      'ZK_UNREACHABLE',
      `Lost the connection to ZooKeeper ${ctx.quorum} during ${ctx.op}${target} (${found.name}).`,
    );
  }
  return make(found.code, `ZooKeeper ${ctx.quorum} refused ${ctx.op}${target}: ${found.name} (${zkCode}).`);
}

const DENIED: Record<ZooKeeperOp, string> = {
  connect: 'the session',
  exists: 'reading',
  children: 'reading',
  data: 'reading',
  create: 'creating',
  delete: 'deleting',
};

/** Who this client is to ZooKeeper, and what to set so it is the identity that owns the nodes. */
function identityHint(ctx: TranslationContext): string {
  if (ctx.authorization.length === 0) {
    return `This client sent no credentials and the node's ACL admits no anonymous client, as when Flink creates its nodes with ${ACL_KEY}: creator. Set ${AUTH_KEY} to the identity they were created with, e.g. digest:'user:password', in the Flink configuration (or with -D).`;
  }
  const who = ctx.authorization.map((a) =>
    a.identity !== null ? `${a.scheme} user '${a.identity}'` : `scheme ${a.scheme}`,
  );
  return `This client authenticated as ${who.join(' and ')} (${AUTH_KEY}, ${origins(ctx.authorization)}), and the node's ACL does not grant that identity this. Use the identity the node was created with: the ${AUTH_KEY} of the JobManager that created it.`;
}

function schemesFrom(authorization: readonly ZooKeeperAuthInfo[]): string {
  if (authorization.length === 0) return '';
  return ` for scheme${authorization.length === 1 ? '' : 's'} ${authorization.map((a) => a.scheme).join(', ')} from ${AUTH_KEY} (${origins(authorization)})`;
}

function origins(authorization: readonly ZooKeeperAuthInfo[]): string {
  return [...new Set(authorization.map((a) => a.origin))].join('; ');
}
