import { clip } from '../diagnostics/index.js';
import { TransportError } from './transport.js';

/**
 * Nesting beyond any REST answer we read. JSON.parse itself copes with 200,000 levels, but
 * whatever walks the result next (a normaliser, JSON.stringify for --output json) recurses and
 * overflows the stack; such a body is refused as not JSON instead.
 */
export const MAX_JSON_DEPTH = 512;

/**
 * A response body as JSON, or undefined when it is empty, not JSON (an HTML page, plain text),
 * or nested deeper than MAX_JSON_DEPTH. Callers turn undefined into their *_UNEXPECTED_RESPONSE.
 */
export function safeJson(text: string): unknown {
  if (text.trim() === '' || jsonTooDeep(text)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** What a body that is not the expected JSON looks like, for messages: never the whole of it. */
export function describeBody(text: string): string {
  if (/^\s*(<!DOCTYPE html|<html)/i.test(text)) return 'an HTML page';
  if (text.trim() === '') return 'nothing';
  if (jsonTooDeep(text)) return `JSON nested deeper than ${MAX_JSON_DEPTH} levels (${Buffer.byteLength(text)} bytes)`;
  return `'${clip(text.trim(), 120)}'`;
}

/** A short reason for events and failover messages: the errno of a network failure, else the message. */
export function failureReason(e: unknown): string {
  if (e instanceof TransportError) return e.errno;
  return e instanceof Error ? e.message : String(e);
}

/** Network failures where the request never reached a server, so even a POST may go elsewhere. */
export const NOT_SENT: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** Counts bracket depth outside strings; linear, and harmless on text that is not JSON. */
function jsonTooDeep(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Jump to the closing quote: one not escaped by an odd run of backslashes.
      let end = i;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end < 0) return false;
        let slash = end - 1;
        while (text.charCodeAt(slash) === 0x5c) slash--;
        if ((end - 1 - slash) % 2 === 0) break;
      }
      i = end;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** The `RemoteException` a Hadoop REST service (RM, NameNode, DataNode) sends with an error. */
export interface RemoteException {
  readonly exception?: string;
  readonly javaClassName?: string;
  readonly message?: string;
}

/** The RemoteException of an error body; fields that are not text are left out. */
export function parseRemoteException(body: string): RemoteException | undefined {
  const parsed = safeJson(body);
  const remote = isObject(parsed) ? parsed.RemoteException : undefined;
  if (!isObject(remote)) return undefined;
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const exception = text(remote.exception);
  const message = text(remote.message);
  const javaClassName = text(remote.javaClassName);
  return {
    ...(exception !== undefined ? { exception } : {}),
    ...(message !== undefined ? { message } : {}),
    ...(javaClassName !== undefined ? { javaClassName } : {}),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
