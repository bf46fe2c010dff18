import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { AgentOptions } from 'node:https';
import { rootCertificates } from 'node:tls';
import { FlinkYarnError, UsageError } from '../errors/index.js';
import { bareCause } from './transport.js';

/** An https server this client does not trust, or a handshake that failed; never retried. */
export class TlsError extends FlinkYarnError {
  /** `host:port` of the server. */
  readonly endpoint: string;
  /** Node's code: DEPTH_ZERO_SELF_SIGNED_CERT, ERR_TLS_CERT_ALTNAME_INVALID, EPROTO ... */
  readonly reason: string;

  constructor(code: 'TLS_UNTRUSTED' | 'TLS_FAILED', message: string, endpoint: string, reason: string, cause: unknown) {
    super(code, message, { cause: bareCause(cause) });
    this.endpoint = endpoint;
    this.reason = reason;
  }
}

/** The fix for a certificate signed by a CA that Node does not know. */
const TRUST_FIX = 'pass --ca FILE with the PEM certificate of the CA that signed it, or set NODE_EXTRA_CA_CERTS=FILE';

/** Node's certificate verification failures, each with what to do about it. */
const CERTIFICATE_ERRORS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: `a self-signed certificate: ${TRUST_FIX.replace('the CA that signed it', 'that certificate')}`,
  SELF_SIGNED_CERT_IN_CHAIN: TRUST_FIX,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: TRUST_FIX,
  UNABLE_TO_GET_ISSUER_CERT: TRUST_FIX,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: TRUST_FIX,
  CERT_UNTRUSTED: TRUST_FIX,
  INVALID_CA: TRUST_FIX,
  CERT_SIGNATURE_FAILURE: TRUST_FIX,
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: TRUST_FIX,
  CERT_REJECTED: TRUST_FIX,
  CERT_HAS_EXPIRED: "renew the server's certificate (or check this machine's clock)",
  CERT_NOT_YET_VALID: "check this machine's clock (or the server's certificate)",
  CERT_REVOKED: "the server's certificate has been revoked: replace it",
};

/**
 * A TLS failure from the error a request failed with (axios wraps Node's error, sometimes twice),
 * or undefined when it is another failure. The message names `host:port` and the fix, never
 * the URL's query.
 */
export function tlsFailure(url: string, error: unknown): TlsError | undefined {
  const chain = causes(error);
  const found = chain.find((e) => tlsCode(e) !== undefined);
  if (found === undefined) return undefined;
  const code = tlsCode(found)!;
  const endpoint = hostPort(url);
  const detail = firstLine(found.message ?? code);
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    // Node's own error (the innermost) holds the certificate and the name asked for.
    const node = chain.find((e) => 'cert' in e) as { cert?: { subjectaltname?: string }; host?: string } | undefined;
    const names = node?.cert?.subjectaltname;
    const host = node?.host ?? new URL(url).hostname;
    return new TlsError(
      'TLS_UNTRUSTED',
      `The certificate of ${endpoint} is not for ${host}${names ? ` but for ${names}` : ''}: address the server by a name its certificate holds (in --rm or the Hadoop configuration), or reissue the certificate with ${host} among its names.`,
      endpoint,
      code,
      found,
    );
  }
  const fix = CERTIFICATE_ERRORS[code];
  if (fix !== undefined) {
    return new TlsError(
      'TLS_UNTRUSTED',
      `The certificate of ${endpoint} is not trusted (${detail}, ${code}): ${fix}.`,
      endpoint,
      code,
      found,
    );
  }
  // OpenSSL's words: "write EPROTO 80...:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:...".
  const reason = /SSL routines:[^:]*:([^:]+)/.exec(detail)?.[1] ?? detail;
  const hint = /wrong version number|packet length too long|http request/i.test(reason)
    ? ': is it an https port? Use http:// for a plain HTTP address'
    : '';
  return new TlsError(
    'TLS_FAILED',
    `The TLS handshake with ${endpoint} failed (${reason})${hint}.`,
    endpoint,
    code,
    found,
  );
}

function causes(error: unknown): { code?: unknown; message?: string }[] {
  const out: { code?: unknown; message?: string }[] = [];
  for (let e = error; typeof e === 'object' && e !== null && out.length < 5; e = (e as { cause?: unknown }).cause) {
    out.push(e as { code?: unknown; message?: string });
  }
  return out;
}

function tlsCode(e: { code?: unknown; message?: string }): string | undefined {
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code === undefined) return undefined;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || CERTIFICATE_ERRORS[code] !== undefined) return code;
  if (code.startsWith('ERR_SSL_')) return code;
  // OpenSSL's handshake failures come as EPROTO, with its words in the message.
  if (code === 'EPROTO' && /SSL routines/.test(e.message ?? '')) return code;
  return undefined;
}

function hostPort(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return 'the server';
  }
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!.trim();
}

const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';
/** A CA bundle far larger than any real one (Mozilla's is about 220 KB): refused unread. */
const MAX_CA_BYTES = 4 * 1024 * 1024;

/** The PEM certificate blocks of a text, in one pass over its lines (a regex over BEGINs without END is quadratic). */
function pemBlocks(text: string): string[] {
  const blocks: string[] = [];
  let open: string[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === BEGIN) open = [line];
    else if (open !== undefined) {
      open.push(line);
      if (line === END) {
        blocks.push(open.join('\n'));
        open = undefined;
      }
    }
  }
  return blocks;
}

/**
 * The certificates of a PEM bundle, each checked to be one; `file` names it in messages. Text
 * between them (comments, `openssl x509 -text` output) is ignored, as OpenSSL ignores it.
 */
export function parseCaBundle(text: string, file: string): string[] {
  const blocks = pemBlocks(text);
  if (blocks.length === 0) {
    throw new UsageError(
      `--ca ${file}: no PEM certificate in it (-----BEGIN CERTIFICATE-----); give the CA's certificate in PEM form (openssl x509 -inform der -in CA.der -out CA.pem converts DER).`,
    );
  }
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block);
    } catch (e) {
      throw new UsageError(
        `--ca ${file}: certificate ${i + 1} of ${blocks.length} cannot be read (${firstLine((e as Error).message)}).`,
      );
    }
  });
  return blocks;
}

/**
 * Reads a --ca file (`shown` is how messages name it). A file that is missing, not a regular file (a directory, a FIFO that would
 * block the read) or unreadable is bad usage, as is one without a PEM certificate.
 */
export function readCaFile(path: string, shown: string = path): string[] {
  let text: string;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new UsageError(`--ca ${shown}: not a regular file; give a PEM file of CA certificates.`);
    if (stat.size > MAX_CA_BYTES)
      throw new UsageError(
        `--ca ${shown}: ${stat.size} bytes, more than any CA bundle; give the PEM file of the CA certificates.`,
      );
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT'
        ? `--ca ${shown}: no such file.`
        : `--ca ${shown}: cannot be read (${code ?? (e as Error).message}).`,
    );
  }
  return parseCaBundle(text, shown);
}

/**
 * TLS options that trust the given CA certificates besides Node's own roots. A `ca` option
 * replaces Node's default store, NODE_EXTRA_CA_CERTS included, so both are added back here:
 * `extra` is the text of that file, when there is one.
 */
export function trustOptions(certificates: readonly string[], extra?: string): AgentOptions {
  const extras = extra === undefined ? [] : pemBlocks(extra);
  return { ca: [...rootCertificates, ...extras, ...certificates] };
}

/** The NODE_EXTRA_CA_CERTS file's text, or undefined; Node already warned at start-up when it cannot be read. */
export function readExtraCaCerts(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const path = env.NODE_EXTRA_CA_CERTS;
  if (path === undefined || path === '') return undefined;
  try {
    const stat = statSync(path);
    return stat.isFile() && stat.size <= MAX_CA_BYTES ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}
