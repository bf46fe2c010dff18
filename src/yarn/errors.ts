import { clip } from '../diagnostics/index.js';
import { FlinkYarnError, type ErrorCode } from '../errors/index.js';
import { parseRemoteException } from '../http/responses.js';

export { parseRemoteException } from '../http/responses.js';

/** An error from a ResourceManager, with the endpoint it came from. */
export class YarnError extends FlinkYarnError {
  readonly endpoint: string | undefined;
  readonly status: number | undefined;
  /** The Java exception class from a RemoteException body, when there was one. */
  readonly exception: string | undefined;
  readonly applicationId: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    context: {
      endpoint?: string;
      status?: number;
      exception?: string;
      applicationId?: string;
      retriable?: boolean;
      cause?: unknown;
    } = {},
  ) {
    super(code, message, { retriable: context.retriable ?? false, cause: context.cause });
    this.endpoint = context.endpoint;
    this.status = context.status;
    this.exception = context.exception;
    this.applicationId = context.applicationId;
  }
}

export interface EndpointFailure {
  readonly endpoint: string;
  readonly reason: string;
}

/** Every ResourceManager was tried and none could serve: lists each, and the last error. */
export class RmUnreachableError extends YarnError {
  readonly failures: readonly EndpointFailure[];

  constructor(failures: readonly EndpointFailure[], noActive: boolean) {
    const list = failures.map((f) => `${f.endpoint} (${f.reason})`).join(', ');
    const last = failures[failures.length - 1]?.reason ?? 'none tried';
    super(
      noActive ? 'RM_NO_ACTIVE' : 'RM_UNREACHABLE',
      noActive
        ? `No active ResourceManager among ${list}. A failover may be in progress; last error: ${last}`
        : `Cannot reach any ResourceManager: tried ${list}. Last error: ${last}. Check --rm or yarn.resourcemanager.webapp.address in yarn-site.xml.`,
      { retriable: noActive, ...(failures.length > 0 ? { endpoint: failures[failures.length - 1]!.endpoint } : {}) },
    );
    this.failures = failures;
  }
}

/** RemoteException class or HTTP status -> our code. The first matching row wins. */
const TRANSLATION: readonly {
  readonly match: (status: number, exception: string) => boolean;
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly hint: string;
}[] = [
  {
    match: (s, e) => s === 401 || /Authentication/.test(e),
    code: 'RM_AUTH',
    retriable: false,
    hint: ' The ResourceManager wants authentication: on a simple-auth cluster pass --user (or set HADOOP_USER_NAME); a Kerberos cluster needs SPNEGO.',
  },
  {
    match: (s, e) => s === 403 || /Authorization|AccessControl|Forbidden/.test(e),
    code: 'RM_FORBIDDEN',
    retriable: false,
    hint: ' The user is not allowed to do this: check the queue ACLs and yarn.admin.acl, and which user is sent (--user).',
  },
  {
    match: (s, e) => s === 404 || /NotFound/.test(e),
    code: 'RM_NOT_FOUND',
    retriable: false,
    hint: '',
  },
  {
    match: (s, e) => s === 400 || /BadRequest|IllegalArgument|InvalidResourceRequest|IllegalState/.test(e),
    code: 'RM_BAD_REQUEST',
    retriable: false,
    hint: '',
  },
  { match: (s) => s === 503 || s === 502 || s === 504, code: 'RM_REMOTE', retriable: true, hint: '' },
  { match: () => true, code: 'RM_REMOTE', retriable: false, hint: '' },
];

/** Turns a non-2xx response into a typed error. */
export function translateRmError(
  status: number,
  body: string,
  context: { endpoint: string; method: string; path: string; applicationId?: string },
): YarnError {
  const remote = parseRemoteException(body);
  const exception = remote?.exception ?? remote?.javaClassName ?? '';
  const row = TRANSLATION.find((r) => r.match(status, exception))!;
  // Hadoop 3.4 (Jersey 1) prefixes messages with the wrapper exception's class; 3.5 does not.
  const message =
    remote?.message === undefined ? undefined : clip(remote.message.replace(/^java\.lang\.Exception: /, ''));
  const detail = message ?? (looksLikeHtml(body) ? 'an HTML error page' : body.trim().slice(0, 200));
  const subject =
    row.code === 'RM_NOT_FOUND' && context.applicationId !== undefined
      ? `Application ${context.applicationId} not found on ${context.endpoint}`
      : `${context.method} ${context.path} on ${context.endpoint} failed with HTTP ${status}`;
  return new YarnError(row.code, `${subject}${detail ? `: ${detail}` : ''}.${row.hint}`.replace('..', '.'), {
    endpoint: context.endpoint,
    status,
    ...(exception !== '' ? { exception } : {}),
    ...(context.applicationId !== undefined ? { applicationId: context.applicationId } : {}),
    retriable: row.retriable,
  });
}

export function looksLikeHtml(body: string): boolean {
  return /^\s*(<!DOCTYPE html|<html)/i.test(body);
}
