import { clip } from '../diagnostics/index.js';
import { FlinkYarnError, type ErrorCode } from '../errors/index.js';
import { parseRemoteException } from '../http/responses.js';

export { parseRemoteException, type RemoteException } from '../http/responses.js';

/** An error from a NameNode or DataNode, with the path and the server it concerns. */
export class HdfsError extends FlinkYarnError {
  /** The HDFS path the request was about, when there was one. */
  readonly path: string | undefined;
  /** The NameNode (or DataNode) base URL that answered or failed. */
  readonly endpoint: string | undefined;
  readonly status: number | undefined;
  /** The Java exception's simple name from a RemoteException body, when there was one. */
  readonly exception: string | undefined;
  /** The WebHDFS operation (CREATE, GETFILESTATUS ...). */
  readonly op: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    context: {
      path?: string | undefined;
      endpoint?: string | undefined;
      status?: number;
      exception?: string;
      op?: string;
      retriable?: boolean;
      cause?: unknown;
    } = {},
  ) {
    super(code, message, { retriable: context.retriable ?? false, cause: context.cause });
    this.path = context.path;
    this.endpoint = context.endpoint;
    this.status = context.status;
    this.exception = context.exception;
    this.op = context.op;
  }
}

export interface NameNodeFailure {
  readonly endpoint: string;
  readonly reason: string;
}

/**
 * Every NameNode was tried and none could serve the request: lists each with its failure, and
 * the last error. `standby` says whether every one that answered was a standby (a failover in
 * progress: worth retrying) rather than unreachable.
 */
export class HdfsUnreachableError extends HdfsError {
  readonly failures: readonly NameNodeFailure[];

  constructor(failures: readonly NameNodeFailure[], context: { path?: string; op: string; standby: boolean }) {
    const list = failures.map((f) => `${f.endpoint} (${f.reason})`).join(', ');
    const last = failures[failures.length - 1];
    super(
      context.standby ? 'HDFS_STANDBY' : 'HDFS_UNREACHABLE',
      context.standby
        ? `No active NameNode among ${list} for ${context.op}${context.path !== undefined ? ` ${context.path}` : ''}; a failover may be in progress. Last error: ${last?.reason ?? 'none tried'}`
        : `Cannot reach any NameNode for ${context.op}${context.path !== undefined ? ` ${context.path}` : ''}: tried ${list}. Last error: ${last?.reason ?? 'none tried'}. Check dfs.namenode.http-address (or its HA variants) in hdfs-site.xml.`,
      { path: context.path, endpoint: last?.endpoint, op: context.op, retriable: true },
    );
    this.failures = failures;
  }
}

/** The error object WebHDFS sends with every non-2xx answer. */

interface TranslationRow {
  readonly match: (status: number, exception: string) => boolean;
  readonly code: ErrorCode;
  /** Whether the same request may succeed later. 5xx rows only count for idempotent requests. */
  readonly retriable: boolean;
}

/**
 * RemoteException class, then HTTP status, to our code; the first matching row wins. The class
 * decides before the status because WebHDFS answers most IOExceptions (an existing file, a
 * standby NameNode, safe mode) with 403, the same status as a permission denial.
 */
const TRANSLATION: readonly TranslationRow[] = [
  { match: (_, e) => e === 'StandbyException', code: 'HDFS_STANDBY', retriable: true },
  // A NameNode still starting wraps SafeModeException in RetriableException.
  { match: (_, e) => e === 'SafeModeException' || e === 'RetriableException', code: 'HDFS_SAFE_MODE', retriable: true },
  { match: (_, e) => e === 'FileNotFoundException', code: 'HDFS_NOT_FOUND', retriable: false },
  { match: (_, e) => e === 'FileAlreadyExistsException', code: 'HDFS_EXISTS', retriable: false },
  {
    match: (_, e) => e === 'AccessControlException' || e === 'AuthorizationException' || e === 'SecurityException',
    code: 'HDFS_PERMISSION',
    retriable: false,
  },
  {
    match: (s, e) =>
      s === 400 ||
      [
        'IllegalArgumentException',
        'UnsupportedOperationException',
        'ParentNotDirectoryException',
        'PathIsNotEmptyDirectoryException',
        'PathIsNotDirectoryException',
        'InvalidPathException',
      ].includes(e),
    code: 'HDFS_BAD_REQUEST',
    retriable: false,
  },
  { match: (s, e) => e === '' && s === 401, code: 'HDFS_AUTH', retriable: false },
  { match: (s, e) => e === '' && s === 403, code: 'HDFS_PERMISSION', retriable: false },
  { match: (s, e) => e === '' && s === 404, code: 'HDFS_NOT_FOUND', retriable: false },
  { match: (s) => s === 502 || s === 503 || s === 504, code: 'HDFS_REMOTE', retriable: true },
  { match: () => true, code: 'HDFS_REMOTE', retriable: false },
];

export interface TranslationContext {
  /** The server that answered: a NameNode base URL or a DataNode origin. */
  readonly endpoint: string;
  readonly op: string;
  readonly path?: string | undefined;
  /** The `user.name` sent, for the permission hint; undefined when none was sent. */
  readonly user: string | undefined;
}

/** Turns a non-2xx WebHDFS answer into a typed error. */
export function translateHdfsError(status: number, body: string, context: TranslationContext): HdfsError {
  const remote = parseRemoteException(body);
  const exception = remote?.exception ?? simpleName(remote?.javaClassName) ?? '';
  const row = TRANSLATION.find((r) => r.match(status, exception))!;
  // DataNodes append the Java stack trace to the message; users need only its first line.
  const firstLine = remote?.message?.split(/\n\s*at /, 1)[0]?.trim();
  const detail =
    (firstLine !== undefined ? clip(firstLine) : undefined) ??
    (/^\s*</.test(body) ? `an HTML page (HTTP ${status})` : body.trim().slice(0, 200));
  const subject =
    context.path !== undefined
      ? `${context.op} ${context.path} on ${context.endpoint} failed with HTTP ${status}`
      : `${context.op} on ${context.endpoint} failed with HTTP ${status}`;
  const hint = row.code === 'HDFS_PERMISSION' || row.code === 'HDFS_AUTH' ? permissionHint(context.user) : '';
  return new HdfsError(
    row.code,
    `${subject}${exception !== '' ? ` (${clip(exception, 100)})` : ''}${detail !== '' ? `: ${detail}` : ''}.${hint}`.replace(
      /\.\.(?=\s|$)/,
      '.',
    ),
    {
      path: context.path,
      endpoint: context.endpoint,
      status,
      op: context.op,
      retriable: row.retriable,
      ...(exception !== '' ? { exception } : {}),
    },
  );
}

function permissionHint(user: string | undefined): string {
  return user === undefined
    ? ' No user.name was sent, so HDFS checked the request as its static web user (dr.who by default): pass --user (or set HADOOP_USER_NAME).'
    : ` HDFS checked the request as user '${user}': pass another --user, or give '${user}' access (hdfs dfs -chown / -chmod).`;
}

function simpleName(javaClassName: string | undefined): string | undefined {
  return javaClassName?.slice(javaClassName.lastIndexOf('.') + 1);
}
