/**
 * The one error hierarchy of the library. Every error carries a stable `code` that scripts and
 * tests can match on; messages may change, codes may not.
 */

export type ErrorCode =
  | 'USAGE'
  | 'CONF_DIR_NOT_FOUND'
  | 'CONF_FILE_UNREADABLE'
  | 'PARSE_ERROR'
  | 'INVALID_VALUE'
  | 'VALIDATION_FAILED'
  | 'RM_UNREACHABLE'
  | 'RM_NO_ACTIVE'
  | 'RM_AUTH'
  | 'RM_FORBIDDEN'
  | 'RM_NOT_FOUND'
  | 'RM_BAD_REQUEST'
  | 'RM_REMOTE'
  | 'RM_UNEXPECTED_RESPONSE'
  | 'TIMEOUT'
  | 'LEADER_INFO_MALFORMED'
  | 'ZK_UNREACHABLE'
  | 'ZK_NO_AUTH'
  | 'ZK_AUTH_FAILED'
  | 'ZK_SASL_REQUIRED'
  | 'ZK_REMOTE'
  | 'ZOOKEEPER_CFG_INVALID'
  | 'ZOOKEEPER_NOT_INSTALLED'
  | 'ZOOKEEPER_START_FAILED'
  | 'APPLICATION_FAILED'
  | 'INTERRUPTED'
  | 'TOOLCHAIN_MISSING'
  | 'BUILD_FAILED'
  | 'MINICLUSTER_FAILED'
  | 'INTERNAL'
  | 'HDFS_NOT_FOUND'
  | 'HDFS_PERMISSION'
  | 'HDFS_AUTH'
  | 'HDFS_EXISTS'
  | 'HDFS_SAFE_MODE'
  | 'HDFS_STANDBY'
  | 'HDFS_BAD_REQUEST'
  | 'HDFS_REMOTE'
  | 'HDFS_UNREACHABLE'
  | 'HDFS_UNEXPECTED_RESPONSE'
  | 'HDFS_NOT_CONFIGURED';

export interface FlinkYarnErrorOptions {
  readonly cause?: unknown;
  /** Whether repeating the same operation may succeed. */
  readonly retriable?: boolean;
}

export class FlinkYarnError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: FlinkYarnErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** Bad invocation: unknown flag, missing argument, a directory that does not exist (exit 2). */
export class UsageError extends FlinkYarnError {
  constructor(message: string, code: ErrorCode = 'USAGE') {
    super(code, message);
  }
}

/** Text that a parser could not read. `line` is 1-based; the message starts with `file:line:`. */
export class ParseError extends FlinkYarnError {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly key: string | undefined;
  /** The message without the place, for diagnostics that carry file and line separately. */
  readonly reason: string;

  constructor(reason: string, where: { file?: string; line?: number; key?: string } = {}) {
    const place = where.file === undefined ? '' : `${where.file}${where.line !== undefined ? `:${where.line}` : ''}: `;
    super('PARSE_ERROR', `${place}${reason}`);
    this.reason = reason;
    this.file = where.file;
    this.line = where.line;
    this.key = where.key;
  }
}

/** A value with the wrong shape: a duration, a memory size, a port range ... */
export class InvalidValueError extends FlinkYarnError {
  constructor(message: string) {
    super('INVALID_VALUE', message);
  }
}

export function isFlinkYarnError(e: unknown): e is FlinkYarnError {
  return e instanceof FlinkYarnError;
}
