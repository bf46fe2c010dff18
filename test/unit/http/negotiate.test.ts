import { inspect } from 'node:util';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FlinkYarnError, errorClassOf } from '../../../src/errors/index.js';
import { kerberosGssapi, type Gssapi, type KerberosModule } from '../../../src/http/gssapi.js';
import {
  negotiateStreamGet,
  negotiateTransport,
  Negotiator,
  offersNegotiate,
  withoutUserName,
} from '../../../src/http/negotiate.js';
import type { StreamGet, StreamGetRequest } from '../../../src/http/stream-get.js';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../../src/http/transport.js';

const TOKEN = 'c2VjcmV0LXNwbmVnby10b2tlbg==';
const COOKIE = '"u=alice&p=alice@EXAMPLE.COM&t=kerberos&e=1999999999999&s=c2lnbmF0dXJl"';

/** A fake GSSAPI: counts its tokens, or fails as told. */
function fakeGssapi(fail?: Error): Gssapi & { calls: { host: string; principal: string | undefined }[] } {
  const calls: { host: string; principal: string | undefined }[] = [];
  return {
    calls,
    async token(host, principal) {
      calls.push({ host, principal });
      if (fail !== undefined) throw fail;
      return TOKEN;
    },
  };
}

type Handler = (req: HttpRequest) => HttpResponse;

/**
 * A server behind Hadoop's AuthenticationFilter: 401 + `WWW-Authenticate: Negotiate` without a
 * valid cookie or token; with the token it answers and sets `hadoop.auth`; `cookieValid` says
 * whether the cookie still counts.
 */
function kerberizedServer(options: { cookieValid?: () => boolean; refuseTokens?: boolean } = {}) {
  const sent: HttpRequest[] = [];
  const transport: HttpTransport = {
    async request(req): Promise<HttpResponse> {
      sent.push(req);
      const headers = req.headers ?? {};
      if (headers.Cookie?.includes(`hadoop.auth=${COOKIE}`) && (options.cookieValid?.() ?? true)) {
        return { status: 200, headers: {}, body: '{"ok":true}' };
      }
      if (headers.Authorization === `Negotiate ${TOKEN}` && options.refuseTokens !== true) {
        return {
          status: 200,
          headers: { 'set-cookie': `hadoop.auth=${COOKIE}; Path=/; Expires=Thu, 01-Jan-2099 00:00:00 GMT; HttpOnly` },
          body: '{"ok":true}',
        };
      }
      return {
        status: 401,
        headers: {
          'www-authenticate': 'Negotiate',
          'set-cookie': 'hadoop.auth=; Path=/; Expires=Thu, 01-Jan-1970 00:00:00 GMT; HttpOnly',
        },
        body: '<html>Authentication required</html>',
      };
    },
  };
  return { transport, sent };
}

function plainServer(handler: Handler) {
  const sent: HttpRequest[] = [];
  const transport: HttpTransport = {
    async request(req): Promise<HttpResponse> {
      sent.push(req);
      return handler(req);
    },
  };
  return { transport, sent };
}

const get_ = (url: string): HttpRequest => get(url);
const get = (url: string): HttpRequest => ({
  method: 'GET',
  url,
  timeoutMs: 1000,
  headers: { Accept: 'application/json' },
});

async function failure(p: Promise<unknown>): Promise<FlinkYarnError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(FlinkYarnError);
    return e as FlinkYarnError;
  }
  throw new Error('expected a failure');
}

describe('negotiateTransport: SPNEGO on a 401 that offers Negotiate', () => {
  it('repeats the request once with the token, for HTTP@host and the principal', async () => {
    const server = kerberizedServer();
    const gssapi = fakeGssapi();
    const t = negotiateTransport(server.transport, { gssapi, principal: 'alice@EXAMPLE.COM' });
    const res = await t.request(get('http://rm1.example.com:8088/ws/v1/cluster/apps'));
    expect(res.status).toBe(200);
    expect(server.sent).toHaveLength(2);
    expect(server.sent[0]!.headers?.Authorization).toBeUndefined();
    expect(server.sent[1]!.headers).toMatchObject({ Accept: 'application/json', Authorization: `Negotiate ${TOKEN}` });
    expect(gssapi.calls).toEqual([{ host: 'rm1.example.com', principal: 'alice@EXAMPLE.COM' }]);
  });

  it('sends the hadoop.auth cookie afterwards instead of negotiating again', async () => {
    const server = kerberizedServer();
    const gssapi = fakeGssapi();
    const t = negotiateTransport(server.transport, { gssapi });
    await t.request(get('http://rm1:8088/ws/v1/cluster/info'));
    const second = await t.request(get('http://rm1:8088/ws/v1/cluster/apps'));
    const third = await t.request(get('http://rm1:8088/ws/v1/cluster/metrics'));
    expect([second.status, third.status]).toEqual([200, 200]);
    expect(gssapi.calls).toHaveLength(1);
    expect(server.sent).toHaveLength(4);
    for (const req of server.sent.slice(2)) {
      expect(req.headers?.Cookie).toBe(`hadoop.auth=${COOKIE}`);
      expect(req.headers?.Authorization).toBeUndefined();
    }
  });

  it('reads the last hadoop.auth among several Set-Cookie headers, Expires commas and all', async () => {
    let n = 0;
    const server = plainServer((req): HttpResponse =>
      n++ === 0
        ? { status: 401, headers: { 'www-authenticate': 'Negotiate' }, body: '' }
        : {
            status: 200,
            headers: {
              'set-cookie':
                'hadoop.auth=; Path=/; Expires=Thu, 01-Jan-1970 00:00:00 GMT; HttpOnly, other=1, hadoop.auth="u=a&s=x"; Path=/',
            },
            body: req.headers?.Cookie ?? '',
          },
    );
    const t = negotiateTransport(server.transport, { gssapi: fakeGssapi() });
    await t.request(get('http://rm1:8088/a'));
    expect((await t.request(get('http://rm1:8088/b'))).body).toBe('hadoop.auth="u=a&s=x"');
  });

  it('keeps the cookie per origin: another server negotiates on its own', async () => {
    const server = kerberizedServer();
    const gssapi = fakeGssapi();
    const t = negotiateTransport(server.transport, { gssapi });
    await t.request(get('http://rm1:8088/ws/v1/cluster/info'));
    await t.request(get('http://rm2:8088/ws/v1/cluster/info'));
    expect(gssapi.calls.map((c) => c.host)).toEqual(['rm1', 'rm2']);
    expect(server.sent[2]!.headers?.Cookie).toBeUndefined();
  });

  it('drops a cookie the server no longer accepts and negotiates once more', async () => {
    let valid = true;
    const server = kerberizedServer({ cookieValid: () => valid });
    const gssapi = fakeGssapi();
    const t = negotiateTransport(server.transport, { gssapi });
    await t.request(get('http://nn:9870/webhdfs/v1/?op=GETHOMEDIRECTORY'));
    valid = false;
    const res = await t.request(get('http://nn:9870/webhdfs/v1/?op=GETHOMEDIRECTORY'));
    expect(res.status).toBe(200);
    expect(gssapi.calls).toHaveLength(2);
    // cookie refused (401), then the token: no cookie on that one.
    expect(
      server.sent.slice(2).map((r) => [r.headers?.Cookie !== undefined, r.headers?.Authorization !== undefined]),
    ).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  it('leaves user.name out on an origin that needs Negotiate, and only there', async () => {
    const secured = kerberizedServer();
    const t = negotiateTransport(
      {
        request: (req) =>
          req.url.startsWith('http://insecure')
            ? Promise.resolve({ status: 200, headers: {}, body: '{}' })
            : secured.transport.request(req),
      },
      { gssapi: fakeGssapi() },
    );
    await t.request(get('http://nn:9870/webhdfs/v1/user/alice?op=LISTSTATUS&user.name=root'));
    await t.request(get('http://nn:9870/webhdfs/v1/user/alice?user.name=root&op=GETFILESTATUS'));
    const insecure = plainServer(() => ({ status: 200, headers: {}, body: '{}' }));
    const t2 = negotiateTransport(insecure.transport, { gssapi: fakeGssapi() });
    await t2.request(get('http://insecure:8088/ws/v1/cluster/apps?user.name=root'));
    expect(secured.sent.map((r) => r.url)).toEqual([
      // The first request cannot know yet.
      'http://nn:9870/webhdfs/v1/user/alice?op=LISTSTATUS&user.name=root',
      'http://nn:9870/webhdfs/v1/user/alice?op=LISTSTATUS',
      'http://nn:9870/webhdfs/v1/user/alice?op=GETFILESTATUS',
    ]);
    expect(insecure.sent[0]!.url).toBe('http://insecure:8088/ws/v1/cluster/apps?user.name=root');
  });

  it('never repeats a stream body: a first 401 goes back as it is, later streams carry the token up front', async () => {
    const server = kerberizedServer();
    const gssapi = fakeGssapi();
    const t = negotiateTransport(server.transport, { gssapi });
    const put = (): HttpRequest => ({
      method: 'PUT',
      url: 'http://dn:9864/webhdfs/v1/f?op=CREATE',
      timeoutMs: 1000,
      body: Readable.from([Buffer.from('bytes')]),
    });
    const first = await t.request(put());
    expect(first.status).toBe(401);
    expect(server.sent).toHaveLength(1);
    expect(gssapi.calls).toHaveLength(0);
    const second = await t.request(put());
    expect(second.status).toBe(200);
    expect(server.sent).toHaveLength(2);
    expect(server.sent[1]!.headers?.Authorization).toBe(`Negotiate ${TOKEN}`);
    // With a cookie too, a stream still carries a token: it cannot be sent again if the cookie is refused.
    const third = await t.request(put());
    expect(third.status).toBe(200);
    expect(server.sent).toHaveLength(3);
    expect(server.sent[2]!.headers).toMatchObject({
      Cookie: `hadoop.auth=${COOKIE}`,
      Authorization: `Negotiate ${TOKEN}`,
    });
  });

  it('passes a 401 without Negotiate through untouched and never loads the Kerberos module', async () => {
    let loads = 0;
    const gssapi = kerberosGssapi({
      load: () => {
        loads++;
        throw new Error('must not load');
      },
    });
    const answer = { status: 401, headers: { 'www-authenticate': 'Basic realm="x"' }, body: 'who?' };
    const server = plainServer(() => answer);
    const t = negotiateTransport(server.transport, { gssapi });
    expect(await t.request(get('http://rm1:8088/ws/v1/cluster/apps?user.name=bob'))).toBe(answer);
    const ok = plainServer(() => ({ status: 200, headers: {}, body: '{}' }));
    await negotiateTransport(ok.transport, { gssapi }).request(get('http://rm1:8088/x'));
    expect(server.sent).toHaveLength(1);
    expect(server.sent[0]!.url).toBe('http://rm1:8088/ws/v1/cluster/apps?user.name=bob');
    expect(loads).toBe(0);
  });

  it('KERBEROS_REJECTED, naming the server and the principal, when the token is refused', async () => {
    const server = kerberizedServer({ refuseTokens: true });
    const t = negotiateTransport(server.transport, {
      gssapi: fakeGssapi(),
      principal: 'alice@EXAMPLE.COM',
      keytab: '/etc/alice.keytab',
    });
    const e = await failure(t.request(get('http://rm1:8088/ws/v1/cluster/apps?delegation=SECRETDT')));
    expect(e.code).toBe('KERBEROS_REJECTED');
    expect(errorClassOf(e.code)).toBe('failure');
    expect(e.message).toContain('http://rm1:8088');
    expect(e.message).toContain('alice@EXAMPLE.COM');
    expect(e.message).toContain('HTTP/rm1');
    expect(server.sent).toHaveLength(2);
    expectNoSecrets(e);
  });
});

describe('negotiateStreamGet: container logs from a NodeManager behind SPNEGO', () => {
  it('frees the 401, gets the log with a token, and shares the cookie with the transport', async () => {
    const server = kerberizedServer();
    const sent: StreamGetRequest[] = [];
    let discarded = 0;
    const inner: StreamGet = async (req) => {
      sent.push(req);
      const res = await server.transport.request({
        method: 'GET',
        url: req.url,
        timeoutMs: 1000,
        headers: req.headers ?? {},
      });
      return {
        status: res.status,
        headers: res.headers,
        body: (async function* () {
          yield Buffer.from(res.body);
        })(),
        discard: () => void discarded++,
      };
    };
    const gssapi = fakeGssapi();
    const negotiator = new Negotiator({ gssapi });
    const get = negotiateStreamGet(inner, negotiator);
    const url = 'http://nm1:8042/ws/v1/node/containers/c_1/logs/jobmanager.log?user.name=root';
    const res = await get({ url, timeoutMs: 1000, headers: { Accept: 'text/plain' } });
    expect(res.status).toBe(200);
    expect(discarded).toBe(1);
    expect(sent[1]!.headers).toMatchObject({ Accept: 'text/plain', Authorization: `Negotiate ${TOKEN}` });
    expect(sent[1]!.url).not.toContain('user.name');
    // The transport over the same negotiator already knows the NodeManager and sends its cookie.
    await negotiateTransport(server.transport, negotiator).request(get_('http://nm1:8042/ws/v1/node/containers/c_1'));
    expect(gssapi.calls).toHaveLength(1);
    expect(server.sent.at(-1)!.headers?.Cookie).toBe(`hadoop.auth=${COOKIE}`);
  });
});

describe('negotiateTransport: when GSSAPI cannot make a token', () => {
  const asked = plainServer(() => ({ status: 401, headers: { 'www-authenticate': 'Negotiate' }, body: '' }));

  it('KERBEROS_UNAVAILABLE when the optional module is not installed, with the fix', async () => {
    const gssapi = kerberosGssapi({
      load: () => {
        throw Object.assign(new Error("Cannot find module 'kerberos'\nRequire stack:\n- /x/dist/cli.cjs"), {
          code: 'MODULE_NOT_FOUND',
        });
      },
    });
    const t = negotiateTransport(asked.transport, { gssapi });
    const e = await failure(t.request(get('http://rm1:8088/ws/v1/cluster/apps?delegation=SECRETDT&user.name=a')));
    expect(e.code).toBe('KERBEROS_UNAVAILABLE');
    expect(errorClassOf(e.code)).toBe('failure');
    expect(e.message).toContain('http://rm1:8088/ws/v1/cluster/apps asks for Kerberos (SPNEGO)');
    expect(e.message).toContain('not installed');
    expect(e.message).toMatch(/libkrb5-dev.*npm rebuild kerberos/);
    expect(e.message).not.toContain('\n');
    expectNoSecrets(e);
  });

  it('KERBEROS_UNAVAILABLE when it is installed but does not load (not built, no libgssapi)', async () => {
    const gssapi = kerberosGssapi({
      load: () => {
        throw Object.assign(new Error('libgssapi_krb5.so.2: cannot open shared object file'), {
          code: 'ERR_DLOPEN_FAILED',
        });
      },
    });
    const e = await failure(negotiateTransport(asked.transport, { gssapi }).request(get('http://rm1:8088/x')));
    expect(e.code).toBe('KERBEROS_UNAVAILABLE');
    expect(e.message).toContain('does not load (libgssapi_krb5.so.2: cannot open shared object file)');
  });

  it('KERBEROS_NO_CREDENTIALS with an empty ticket cache: says to kinit or pass --keytab', async () => {
    const gssapi = fakeGssapi(
      new Error(
        'No credentials were supplied, or the credentials were unavailable or inaccessible: SPNEGO cannot find mechanisms to negotiate',
      ),
    );
    const e = await failure(
      negotiateTransport(asked.transport, { gssapi }).request(get('http://rm1:8088/ws/v1/cluster/apps')),
    );
    expect(e.code).toBe('KERBEROS_NO_CREDENTIALS');
    expect(errorClassOf(e.code)).toBe('failure');
    expect(e.message).toContain('kinit');
    expect(e.message).toContain('--keytab FILE --principal NAME');
    expectNoSecrets(e);
  });

  it('KERBEROS_NO_CREDENTIALS with a keytab that lacks the principal: names the keytab, not its contents', async () => {
    const gssapi = fakeGssapi(
      new Error(
        "No credentials were supplied, or the credentials were unavailable or inaccessible: Can't find client principal bob@EXAMPLE.COM in cache collection",
      ),
    );
    const t = negotiateTransport(asked.transport, { gssapi, principal: 'bob@EXAMPLE.COM', keytab: '/k/bob.keytab' });
    const e = await failure(t.request(get('http://rm1:8088/x')));
    expect(e.code).toBe('KERBEROS_NO_CREDENTIALS');
    expect(e.message).toContain('klist -kt /k/bob.keytab');
  });

  it('KERBEROS_FAILED for another GSSAPI failure, with its words', async () => {
    const gssapi = fakeGssapi(
      new Error('Unspecified GSS failure: Server HTTP/rm1@EXAMPLE.COM not found in Kerberos database'),
    );
    const e = await failure(negotiateTransport(asked.transport, { gssapi }).request(get('http://rm1:8088/x')));
    expect(e.code).toBe('KERBEROS_FAILED');
    expect(e.message).toContain('not found in Kerberos database');
  });

  it('KERBEROS_FAILED when GSSAPI never answers (a KDC that accepts and stays silent), within the token timeout', async () => {
    const silent: Gssapi = { token: () => new Promise<string>(() => undefined) };
    const t = negotiateTransport(asked.transport, { gssapi: silent, tokenTimeoutMs: 50 });
    const started = Date.now();
    const e = await failure(t.request(get('http://rm1:8088/x')));
    expect(e.code).toBe('KERBEROS_FAILED');
    expect(e.message).toMatch(/no Kerberos answer within 0.05 s.*KDC/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('keeps no request on the error: its cause is only a message and a code', async () => {
    const gssapi = fakeGssapi(
      Object.assign(new Error('Unspecified GSS failure'), { config: { headers: { Cookie: 'hadoop.auth=SECRET' } } }),
    );
    const e = await failure(negotiateTransport(asked.transport, { gssapi }).request(get('http://rm1:8088/x')));
    expect(inspect(e, { depth: 10 })).not.toContain('hadoop.auth=SECRET');
  });
});

describe('kerberosGssapi with a keytab', () => {
  const addon = (seen: Record<string, string | undefined>[], env: NodeJS.ProcessEnv): KerberosModule => ({
    GSS_MECH_OID_SPNEGO: 6,
    async initializeClient(service, options) {
      seen.push({ service, principal: options.principal, kt: env.KRB5_CLIENT_KTNAME, cc: env.KRB5CCNAME });
      return { step: async () => TOKEN };
    },
  });

  it('points MIT Kerberos at it and at a private in-memory ticket cache before the first call', async () => {
    const env: NodeJS.ProcessEnv = { KRB5CCNAME: 'FILE:/tmp/krb5cc_user' };
    const seen: Record<string, string | undefined>[] = [];
    const gssapi = kerberosGssapi({ keytab: process.execPath, env, load: () => addon(seen, env) });
    expect(env.KRB5_CLIENT_KTNAME).toBeUndefined();
    expect(await gssapi.token('nn1', 'alice@EXAMPLE.COM')).toBe(TOKEN);
    await gssapi.token('nn1', 'alice@EXAMPLE.COM');
    expect(seen[0]).toMatchObject({ service: 'HTTP@nn1', principal: 'alice@EXAMPLE.COM', kt: process.execPath });
    expect(seen[0]!.cc).toMatch(/^MEMORY:/);
    // The same private cache for the process: its tickets are reused.
    expect(seen[1]!.cc).toBe(seen[0]!.cc);
  });

  it('refuses a second, different keytab in the same environment (MIT Kerberos reads it once per process)', async () => {
    const env: NodeJS.ProcessEnv = {};
    const seen: Record<string, string | undefined>[] = [];
    const first = kerberosGssapi({ keytab: process.execPath, env, load: () => addon(seen, env) });
    expect(await first.token('nn1', 'alice@EXAMPLE.COM')).toBe(TOKEN);
    const same = kerberosGssapi({ keytab: process.execPath, env, load: () => addon(seen, env) });
    expect(await same.token('nn1', 'alice@EXAMPLE.COM')).toBe(TOKEN);
    const other = kerberosGssapi({ keytab: '/bin/sh', env, load: () => addon(seen, env) });
    await expect(other.token('nn1', 'bob@EXAMPLE.COM')).rejects.toMatchObject({ code: 'KERBEROS_FAILED' });
    expect(env.KRB5_CLIENT_KTNAME).toBe(process.execPath);
  });

  it('KERBEROS_NO_CREDENTIALS when the keytab is not there, without touching the environment', async () => {
    const env: NodeJS.ProcessEnv = {};
    const gssapi = kerberosGssapi({ keytab: '/nonexistent/alice.keytab', env, load: () => addon([], env) });
    const asked = plainServer(() => ({ status: 401, headers: { 'www-authenticate': 'Negotiate' }, body: '' }));
    const e = await failure(negotiateTransport(asked.transport, { gssapi }).request(get('http://rm1:8088/x')));
    expect(e.code).toBe('KERBEROS_NO_CREDENTIALS');
    expect(e.message).toContain('/nonexistent/alice.keytab');
    expect(env).toEqual({});
  });
});

describe('helpers', () => {
  it('offersNegotiate reads the scheme among others, and not a look-alike', () => {
    const r = (h: string | undefined): HttpResponse => ({
      status: 401,
      headers: h === undefined ? {} : { 'www-authenticate': h },
      body: '',
    });
    expect(offersNegotiate(r('Negotiate'))).toBe(true);
    expect(offersNegotiate(r('Basic realm="x", Negotiate'))).toBe(true);
    expect(offersNegotiate(r('negotiate abc=='))).toBe(true);
    expect(offersNegotiate(r('NegotiateX'))).toBe(false);
    expect(offersNegotiate(r('Basic realm="Negotiate"'))).toBe(false);
    expect(offersNegotiate(r(undefined))).toBe(false);
  });

  it('withoutUserName keeps the rest of the query byte for byte', () => {
    expect(withoutUserName('http://h/p?a=%2F+b&user.name=x&c=1#f')).toBe('http://h/p?a=%2F+b&c=1#f');
    expect(withoutUserName('http://h/p?user.name=x')).toBe('http://h/p');
    expect(withoutUserName('http://h/p?user.namex=1')).toBe('http://h/p?user.namex=1');
    expect(withoutUserName('http://h/p')).toBe('http://h/p');
  });
});

/** No token, cookie or delegation token in the message, nor in the messages of its causes. */
function expectNoSecrets(e: Error): void {
  for (let c: unknown = e; c instanceof Error; c = c.cause) {
    for (const secret of [TOKEN, COOKIE, 'c2lnbmF0dXJl', 'SECRETDT', 'Negotiate c2'])
      expect(c.message).not.toContain(secret);
  }
}
