import { Readable } from 'node:stream';
import { FlinkYarnError, type ErrorCode } from '../errors/index.js';
import { GssapiUnavailableError, kerberosGssapi, type Gssapi } from './gssapi.js';
import type { StreamGet } from './stream-get.js';
import { bareCause, type HttpRequest, type HttpResponse, type HttpTransport } from './transport.js';

export { GssapiUnavailableError, kerberosGssapi, type Gssapi, type KerberosGssapiOptions } from './gssapi.js';

/** Kerberos (SPNEGO) failed for a server; the message names it, never a token or a cookie. */
export class KerberosError extends FlinkYarnError {
  /** The server's origin, `http://host:port`. */
  readonly origin: string;
  /** The client principal, when one was given (else the ticket cache's). */
  readonly principal: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    context: { origin: string; principal?: string | undefined; cause?: unknown },
  ) {
    super(code, message, { cause: context.cause });
    this.origin = context.origin;
    this.principal = context.principal;
  }
}

export interface NegotiateOptions {
  /**
   * Makes the tokens.
   * @default kerberosGssapi(): the optional 'kerberos' module, loaded on the first 401 that offers Negotiate
   */
  readonly gssapi?: Gssapi;
  /** The client principal whose credentials sign the tokens. @default undefined: the ticket cache's default principal */
  readonly principal?: string | undefined;
  /** The keytab the principal's credentials come from, named in messages (never read here). @default undefined: the ticket cache */
  readonly keytab?: string | undefined;
  /**
   * How long one token may take: MIT Kerberos asks the KDC for a service ticket first, and a KDC
   * that accepts the connection but never answers must not hang the command. @default 30000
   */
  readonly tokenTimeoutMs?: number;
}

/** What is known of an origin that asked for Negotiate: Hadoop's `hadoop.auth` cookie, once it set one. */
interface NegotiateOrigin {
  cookie: string | undefined;
}

/** What the negotiation reads of an answer, whole (HttpResponse) or streamed (StreamGetResponse). */
interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
}

type Headers = Readonly<Record<string, string>> | undefined;

const AUTH_COOKIE = 'hadoop.auth';

/**
 * SPNEGO as Hadoop's own AuthenticatedURL does it, for any way of sending a request. A 401 that
 * offers `Negotiate` is answered once with `Authorization: Negotiate <token>`; from then on the
 * origin is known to need it: Hadoop's `hadoop.auth` cookie is sent instead of a new token while
 * the server accepts it (a 401 drops it and negotiates again), and `user.name` is left out of its
 * URLs, as a NameNode refuses one that differs from the Kerberos user ("Usernames not matched").
 *
 * A request whose body is a stream can be sent only once, so it is never repeated: to an origin
 * known to need Negotiate it carries a token from the start; to one not known yet its 401 is
 * returned as it is (the origin is then known, and the caller's next attempt carries one).
 *
 * Nothing Kerberos is loaded until a server asks for it: a cluster without security never loads
 * the native module. One negotiator serves every client of a cluster context, so they share
 * what they learnt of each origin.
 */
export class Negotiator {
  private readonly gssapi: Gssapi;
  private readonly origins = new Map<string, NegotiateOrigin>();

  constructor(private readonly options: NegotiateOptions = {}) {
    this.gssapi = options.gssapi ?? kerberosGssapi();
  }

  /**
   * Sends through `send`, negotiating as needed. `discard` frees an answer that is not returned
   * (a streamed body); `once` says the body cannot be sent twice.
   */
  async send<R extends Answer>(
    target: string,
    headers: Headers,
    once: boolean,
    send: (url: string, headers: Readonly<Record<string, string>>) => Promise<R>,
    discard: (answer: R) => void,
  ): Promise<R> {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return send(target, headers ?? {});
    }
    const known = this.origins.get(url.origin);
    if (known === undefined) {
      const res = await send(target, headers ?? {});
      if (res.status !== 401 || !offersNegotiate(res)) return res;
      const origin: NegotiateOrigin = { cookie: undefined };
      this.origins.set(url.origin, origin);
      remember(origin, res);
      if (once) return res;
      discard(res);
      return this.withToken(url, target, headers, origin, send);
    }
    if (known.cookie === undefined || once) return this.withToken(url, target, withCookie(headers, known), known, send);
    const res = await send(withoutUserName(target), withCookie(headers, known));
    remember(known, res);
    if (res.status !== 401 || !offersNegotiate(res)) return res;
    // The cookie expired (or the server restarted with a new secret): negotiate once more.
    discard(res);
    known.cookie = undefined;
    return this.withToken(url, target, headers, known, send);
  }

  /** Sends with a fresh token; a 401 now means the server refuses this principal. */
  private async withToken<R extends Answer>(
    url: URL,
    target: string,
    headers: Headers,
    origin: NegotiateOrigin,
    send: (url: string, headers: Readonly<Record<string, string>>) => Promise<R>,
  ): Promise<R> {
    const token = await this.token(url);
    const res = await send(withoutUserName(target), { ...withoutAuth(headers), Authorization: `Negotiate ${token}` });
    remember(origin, res);
    if (res.status === 401) throw rejected(url, this.options);
    return res;
  }

  private async token(url: URL): Promise<string> {
    const limitMs = this.options.tokenTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      // The native call cannot be cancelled; unref'd, the timer never keeps the process alive.
      timer = setTimeout(
        () =>
          reject(new Error(`no Kerberos answer within ${limitMs / 1000} s: is the KDC of krb5.conf (KRB5_CONFIG) up?`)),
        limitMs,
      );
      timer.unref();
    });
    try {
      return await Promise.race([
        this.gssapi.token(url.hostname.replace(/^\[|\]$/g, ''), this.options.principal),
        timeout,
      ]);
    } catch (e) {
      throw kerberosFailure(url, e, this.options);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** SPNEGO over a transport; see Negotiator. Pass one negotiator to share its origins with other transports. */
export function negotiateTransport(inner: HttpTransport, options: NegotiateOptions | Negotiator = {}): HttpTransport {
  const negotiator = options instanceof Negotiator ? options : new Negotiator(options);
  return {
    request: (req: HttpRequest): Promise<HttpResponse> =>
      negotiator.send(
        req.url,
        req.headers,
        req.body instanceof Readable,
        (url, headers) => inner.request({ ...req, url, headers }),
        () => undefined,
      ),
  };
}

/** SPNEGO over a streaming GET (container logs from NodeManagers); see Negotiator. */
export function negotiateStreamGet(inner: StreamGet, options: NegotiateOptions | Negotiator = {}): StreamGet {
  const negotiator = options instanceof Negotiator ? options : new Negotiator(options);
  return (req) =>
    negotiator.send(
      req.url,
      req.headers,
      false,
      (url, headers) => inner({ ...req, url, headers }),
      (res) => res.discard(),
    );
}

/** Whether a 401 offers SPNEGO: `WWW-Authenticate: Negotiate` (possibly among other schemes). */
export function offersNegotiate(res: Answer): boolean {
  const header = res.headers['www-authenticate'];
  return header !== undefined && /(?:^|,)\s*Negotiate(?:\s|,|$)/i.test(header);
}

/** The URL without its `user.name` parameter; the rest of the query is kept byte for byte. */
export function withoutUserName(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const kept = query.split('&').filter((p) => p !== 'user.name' && !p.startsWith('user.name='));
  if (kept.length === query.split('&').length) return url;
  return `${url.slice(0, q)}${kept.length > 0 ? `?${kept.join('&')}` : ''}${hash < 0 ? '' : url.slice(hash)}`;
}

/** Keeps the `hadoop.auth` cookie a response sets; an empty one (Hadoop clears it on a 401) drops it. */
function remember(origin: NegotiateOrigin, res: Answer): void {
  const header = res.headers['set-cookie'];
  if (header === undefined) return;
  // Several Set-Cookie headers arrive joined by ", "; Expires dates hold commas too, so look for
  // the name. The last one counts, as in a browser.
  const matches = [...header.matchAll(/(?:^|[,;]\s*)hadoop\.auth=("(?:[^"\\]|\\.)*"|[^;,\s]*)/g)];
  if (matches.length === 0) return;
  const value = matches[matches.length - 1]![1]!;
  origin.cookie = value === '' || value === '""' ? undefined : value;
}

/** The headers with the origin's cookie added to any they have. */
function withCookie(headers: Headers, origin: NegotiateOrigin): Record<string, string> {
  const out: Record<string, string> = {};
  let cookie = origin.cookie === undefined ? undefined : `${AUTH_COOKIE}=${origin.cookie}`;
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'cookie' && cookie !== undefined) cookie = `${value}; ${cookie}`;
    else out[name] = value;
  }
  return cookie === undefined ? out : { ...out, Cookie: cookie };
}

function withoutAuth(headers: HttpRequest['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    if (name.toLowerCase() !== 'authorization') out[name] = value;
  return out;
}

function whose(options: NegotiateOptions): string {
  if (options.principal === undefined) return "the ticket cache's principal";
  return options.keytab !== undefined ? `${options.principal} (keytab ${options.keytab})` : options.principal;
}

function rejected(url: URL, options: NegotiateOptions): KerberosError {
  return new KerberosError(
    'KERBEROS_REJECTED',
    `${url.origin} still answers 401 to the Kerberos (SPNEGO) token of ${whose(options)}: check that the server's keytab holds HTTP/${url.hostname} of the principal's realm (or one it trusts) and that hadoop.security.auth_to_local maps the principal to a user.`,
    { origin: url.origin, principal: options.principal },
  );
}

/** GSSAPI's words for "there is nothing to log in with". */
const NO_CREDENTIALS =
  /No credentials|credentials (?:were|are) unavailable|cannot find mechanisms|Can't find client principal|not found in credentials cache|No Kerberos credentials|ticket expired|Credentials cache (?:file .* )?not found|No such file/i;

function kerberosFailure(url: URL, e: unknown, options: NegotiateOptions): FlinkYarnError {
  const where = `${url.origin}${url.pathname}`;
  const context = { origin: url.origin, principal: options.principal, cause: bareCause(e) };
  if (e instanceof GssapiUnavailableError) {
    const what = e.notInstalled
      ? "the optional 'kerberos' module is not installed (npm leaves it out when it cannot build it)"
      : `the optional 'kerberos' module does not load (${e.reason})`;
    return new KerberosError(
      'KERBEROS_UNAVAILABLE',
      `${where} asks for Kerberos (SPNEGO), but ${what}: install libkrb5-dev (Debian/Ubuntu) or krb5-devel (RHEL/Fedora) and a C++ compiler, then run \`npm rebuild kerberos\` (or \`npm install kerberos\`) where flink-on-yarn is installed.`,
      context,
    );
  }
  if (e instanceof FlinkYarnError) return e;
  const reason = String((e as Error)?.message ?? e)
    .split('\n', 1)[0]!
    .trim();
  if (NO_CREDENTIALS.test(reason)) {
    const fix =
      options.keytab !== undefined
        ? `check that the keytab ${options.keytab} holds ${options.principal ?? 'the principal'} (klist -kt ${options.keytab}), or run \`kinit\` and pass neither --keytab nor --principal`
        : options.principal !== undefined
          ? `run \`kinit ${options.principal}\`, or pass --keytab FILE --principal ${options.principal}`
          : 'run `kinit` (the ticket cache: KRB5CCNAME), or pass --keytab FILE --principal NAME';
    return new KerberosError(
      'KERBEROS_NO_CREDENTIALS',
      `${where} asks for Kerberos (SPNEGO), but there are no Kerberos credentials for ${whose(options)} (${reason}): ${fix}.`,
      context,
    );
  }
  return new KerberosError(
    'KERBEROS_FAILED',
    `${where} asks for Kerberos (SPNEGO), and GSSAPI failed for HTTP@${url.hostname} with ${whose(options)}: ${reason}. Check krb5.conf (KRB5_CONFIG): the realm, its KDC, and that the server's principal is HTTP/<its canonical host name>.`,
    context,
  );
}
