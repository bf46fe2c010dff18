/**
 * Hadoop's delegation tokens in their URL form (`Token.encodeToUrlString`): URL-safe base64 of the
 * Writable `identifier, password, kind, service` (each a vint length and its bytes). Pure.
 *
 * A token is a secret: nothing here puts one (or a part of one) into a message.
 */

/** What the HDFS client in a container selects HDFS tokens by (DelegationTokenIdentifier.HDFS_DELEGATION_KIND). */
export const HDFS_DELEGATION_KIND = 'HDFS_DELEGATION_TOKEN';
/** The kinds the NameNode gives a token asked for over WebHDFS, by the scheme it was asked on. */
export const WEBHDFS_DELEGATION_KIND = 'WEBHDFS delegation';
export const SWEBHDFS_DELEGATION_KIND = 'SWEBHDFS delegation';

/** No NameNode token comes near this; a bigger answer is not one. */
export const MAX_TOKEN_URL_CHARS = 64 * 1024;

/** A decoded token. `identifier` and `password` are the secret parts. */
export interface HadoopToken {
  readonly identifier: Buffer;
  readonly password: Buffer;
  readonly kind: string;
  readonly service: string;
}

/** Why a text is not a token; never quotes the text. */
export class TokenFormatError extends Error {}

const URL_SAFE_BASE64 = /^[A-Za-z0-9_-]+={0,2}$/;

/** `Token.decodeFromUrlString`, strictly: the whole text must be one token. */
export function decodeToken(urlString: string): HadoopToken {
  if (urlString.length === 0) throw new TokenFormatError('an empty token');
  if (urlString.length > MAX_TOKEN_URL_CHARS)
    throw new TokenFormatError(`${urlString.length} characters, more than any token`);
  if (!URL_SAFE_BASE64.test(urlString)) throw new TokenFormatError('characters that URL-safe base64 does not use');
  const bytes = Buffer.from(urlString, 'base64url');
  const reader = { bytes, at: 0 };
  const identifier = readBytes(reader);
  const password = readBytes(reader);
  const kind = readText(reader);
  const service = readText(reader);
  if (reader.at !== bytes.length) throw new TokenFormatError(`${bytes.length - reader.at} bytes after the token`);
  return { identifier, password, kind, service };
}

/** `Token.encodeToUrlString`: URL-safe base64 without padding, as Hadoop's Base64(0, null, true) writes it. */
export function encodeToken(token: HadoopToken): string {
  const text = (s: string) => Buffer.from(s, 'utf8');
  const kind = text(token.kind);
  const service = text(token.service);
  return Buffer.concat([
    writeVLong(token.identifier.length),
    token.identifier,
    writeVLong(token.password.length),
    token.password,
    writeVLong(kind.length),
    kind,
    writeVLong(service.length),
    service,
  ]).toString('base64url');
}

/**
 * The same token filed under another kind and service, as a Java client's `setKind` and
 * `setService` do: neither is part of what the NameNode signed.
 */
export function withKindAndService(urlString: string, kind: string, service: string): string {
  const token = decodeToken(urlString);
  if (token.kind === kind && token.service === service) return urlString;
  return encodeToken({ ...token, kind, service });
}

interface Reader {
  readonly bytes: Buffer;
  at: number;
}

function readBytes(r: Reader): Buffer {
  const length = readVLong(r);
  if (length < 0 || length > r.bytes.length - r.at) throw new TokenFormatError('a length beyond its end');
  const out = r.bytes.subarray(r.at, r.at + length);
  r.at += length;
  return Buffer.from(out);
}

function readText(r: Reader): string {
  const bytes = readBytes(r);
  const text = bytes.toString('utf8');
  // Text is UTF-8; bytes that are not would be read back differently by Java.
  if (!Buffer.from(text, 'utf8').equals(bytes)) throw new TokenFormatError('a kind or service that is not UTF-8');
  return text;
}

/** WritableUtils.readVLong. */
function readVLong(r: Reader): number {
  if (r.at >= r.bytes.length) throw new TokenFormatError('its end before a length');
  const first = r.bytes.readInt8(r.at++);
  if (first >= -112) return first;
  const negative = first < -120;
  const size = negative ? -(first + 120) : -(first + 112);
  if (size > 6 || size > r.bytes.length - r.at) throw new TokenFormatError('a length beyond its end');
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + r.bytes[r.at++]!;
  return negative ? -value - 1 : value;
}

/** WritableUtils.writeVLong, for the non-negative lengths a token holds. */
function writeVLong(value: number): Buffer {
  if (value <= 127) return Buffer.from([value]);
  const bytes: number[] = [];
  for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([(-112 - bytes.length) & 0xff, ...bytes]);
}
