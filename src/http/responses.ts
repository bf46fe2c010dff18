import { TransportError } from './transport.js';

/** A response body as JSON, or undefined when it is empty or not JSON (an HTML page, plain text). */
export function safeJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
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
