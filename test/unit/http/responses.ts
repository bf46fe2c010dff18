import type { HttpResponse } from '../../../src/http/transport.js';

/** A JSON answer as the REST services send one, for transport fakes. */
export const json = (body: unknown, status = 200): HttpResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
