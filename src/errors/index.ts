/**
 * The one error hierarchy of the library. Every error carries a stable `code` that scripts and
 * tests can match on; messages may change, codes may not.
 */

/**
 * What an error is for the user: bad usage (exit 2), a failed operation (exit 1), or an
 * interruption (exit 130). Decided once per code, so a code means the same wherever it is thrown.
 */
export type ErrorClass = 'usage' | 'failure' | 'interrupted';

/** Every code, with its class. */
export const ERROR_CODES = {
  /** The invocation is wrong: a flag, an argument, an address, an application id, a local path. */
  USAGE: 'usage',
  /** A configuration directory named by a flag or the environment does not exist or is no directory. */
  CONF_DIR_NOT_FOUND: 'usage',
  /** A configuration file that cannot be parsed. */
  PARSE_ERROR: 'failure',
  /** A value with the wrong shape: a duration, a memory size, a port, a ZooKeeper path ... */
  INVALID_VALUE: 'failure',
  /** The configuration or the deployment plan has errors; nothing was submitted. */
  VALIDATION_FAILED: 'failure',
  RM_UNREACHABLE: 'failure',
  RM_NO_ACTIVE: 'failure',
  RM_AUTH: 'failure',
  RM_FORBIDDEN: 'failure',
  RM_NOT_FOUND: 'failure',
  RM_BAD_REQUEST: 'failure',
  RM_REMOTE: 'failure',
  RM_UNEXPECTED_RESPONSE: 'failure',
  /** A server asks for Kerberos (SPNEGO) and the optional 'kerberos' module is not installed or does not load. */
  KERBEROS_UNAVAILABLE: 'failure',
  /** A server asks for Kerberos and there are no credentials: an empty or expired ticket cache, a keytab that does not serve. */
  KERBEROS_NO_CREDENTIALS: 'failure',
  /** A server still answers 401 to a Kerberos (SPNEGO) token. */
  KERBEROS_REJECTED: 'failure',
  /** GSSAPI failed otherwise: no KDC for the realm, no service principal for the server ... */
  KERBEROS_FAILED: 'failure',
  /** An https server's certificate is not trusted here: an unknown CA, expired, or for another name. */
  TLS_UNTRUSTED: 'failure',
  /** The TLS handshake failed: not an https port, no common protocol version or cipher. */
  TLS_FAILED: 'failure',
  /** A server's answer was larger than the response limit; it was abandoned, not downloaded again. */
  RESPONSE_TOO_LARGE: 'failure',
  /** Gave up waiting for a state (RUNNING, KILLED ...). */
  TIMEOUT: 'failure',
  /** The YARN application ended FAILED or KILLED. */
  APPLICATION_FAILED: 'failure',
  LEADER_INFO_MALFORMED: 'failure',
  ZK_UNREACHABLE: 'failure',
  /** Too few ZooKeeper servers answer for a majority: no leader can be elected. */
  ZK_NO_QUORUM: 'failure',
  ZK_NO_AUTH: 'failure',
  ZK_AUTH_FAILED: 'failure',
  ZK_SASL_REQUIRED: 'failure',
  ZK_REMOTE: 'failure',
  /** Refused to remove HA data that a running application still uses (--force overrides). */
  HA_NAMESPACE_IN_USE: 'failure',
  ZOOKEEPER_CFG_INVALID: 'failure',
  ZOOKEEPER_NOT_INSTALLED: 'failure',
  ZOOKEEPER_START_FAILED: 'failure',
  INTERRUPTED: 'interrupted',
  TOOLCHAIN_MISSING: 'failure',
  BUILD_FAILED: 'failure',
  MINICLUSTER_FAILED: 'failure',
  /** A bug or a broken installation of flink-on-yarn itself. */
  INTERNAL: 'failure',
  /** Standard output could not be written (a full disk); a reader that went away is not this. */
  OUTPUT_FAILED: 'failure',
  /** A local file this tool writes for others (Flink's .yarn-properties file) cannot be written. */
  LOCAL_FILE_UNWRITABLE: 'failure',
  HDFS_NOT_FOUND: 'failure',
  HDFS_PERMISSION: 'failure',
  HDFS_AUTH: 'failure',
  HDFS_EXISTS: 'failure',
  HDFS_SAFE_MODE: 'failure',
  HDFS_STANDBY: 'failure',
  HDFS_BAD_REQUEST: 'failure',
  HDFS_REMOTE: 'failure',
  HDFS_UNREACHABLE: 'failure',
  HDFS_UNEXPECTED_RESPONSE: 'failure',
  HDFS_NOT_CONFIGURED: 'failure',
  /** `run -t yarn-session` found no session: no -yid, no yarn.application.id, no properties file. */
  NO_SESSION: 'usage',
  /** A job run into a session ended other than FINISHED. */
  JOB_FAILED: 'failure',
  /** A day-2 command needs a RUNNING application (its JobManager's REST API); it is not. */
  APPLICATION_NOT_RUNNING: 'failure',
  /** The JobManager's REST API did not answer (connection refused, timed out). */
  FLINK_REST_UNREACHABLE: 'failure',
  /** The JobManager's REST API answered with an error or an answer this client cannot read. */
  FLINK_REST_ERROR: 'failure',
  /** The JobManager does not know the job id. */
  FLINK_JOB_NOT_FOUND: 'failure',
  /** A savepoint (or stop-with-savepoint) completed with a failure cause. */
  SAVEPOINT_FAILED: 'failure',
  /** No savepoint directory given, and the cluster has no state.savepoints.dir. */
  SAVEPOINT_DIR_NOT_CONFIGURED: 'failure',
  /** The job ended in another state than the one asked for (cancel: not CANCELED). */
  JOB_STATE_UNEXPECTED: 'failure',
  /** The container named by --container is not one of the application's containers that YARN reports. */
  CONTAINER_NOT_FOUND: 'failure',
  /** A NodeManager or log server has no such log file for the container. */
  LOG_NOT_FOUND: 'failure',
  /** The application has ended and YARN keeps no aggregated logs (yarn.log-aggregation-enable is off). */
  LOGS_NOT_AGGREGATED: 'failure',
  /** A NodeManager or log server could not be reached or answered an unexpected status. */
  LOG_SERVER_FAILED: 'failure',
} as const satisfies Record<string, ErrorClass>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes of bad usage, the only ones a UsageError may carry. */
export type UsageErrorCode = {
  [C in ErrorCode]: (typeof ERROR_CODES)[C] extends 'usage' ? C : never;
}[ErrorCode];

/** The class of a code; a code from outside the table (plain JavaScript callers) is a failure. */
export function errorClassOf(code: string): ErrorClass {
  return Object.hasOwn(ERROR_CODES, code) ? ERROR_CODES[code as ErrorCode] : 'failure';
}

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
  constructor(message: string, code: UsageErrorCode = 'USAGE') {
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

/** Ctrl-C (or another abort) ended the operation; what it created has been cleaned up. */
export class InterruptedError extends FlinkYarnError {
  constructor(message = 'Interrupted; what this run created has been removed.') {
    super('INTERRUPTED', message);
  }
}

export function isFlinkYarnError(e: unknown): e is FlinkYarnError {
  return e instanceof FlinkYarnError;
}
