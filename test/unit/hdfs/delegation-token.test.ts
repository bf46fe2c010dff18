import { describe, expect, it } from 'vitest';
import {
  decodeToken,
  encodeToken,
  HDFS_DELEGATION_KIND,
  MAX_TOKEN_URL_CHARS,
  TokenFormatError,
  withKindAndService,
  type HadoopToken,
} from '../../../src/hdfs/tokens.js';
import { WebHdfsClient } from '../../../src/hdfs/webhdfs-client.js';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../../src/http/transport.js';
import { json } from '../http/responses.js';
import { hdfsError } from './expect-hdfs-error.js';

/** A token as a NameNode makes one: a 40-byte identifier and a 20-byte password, both secret. */
const SECRET_ID = Buffer.from('6f776e65722d616c6963652d72656e657765722d7961726e2d6973737565642d31', 'hex');
const SECRET_PASSWORD = Buffer.from('0123456789abcdef0123456789abcdef01234567', 'hex');
const issued = (kind = 'WEBHDFS delegation', service = '10.0.0.1:8020'): HadoopToken => ({
  identifier: SECRET_ID,
  password: SECRET_PASSWORD,
  kind,
  service,
});

describe('Hadoop token URL strings', () => {
  it('encodes as Token.encodeToUrlString: vint lengths, then URL-safe base64 without padding', () => {
    // 03 010203 | 02 0405 | 01 'K' | 01 'S', worked out by hand from Token.write.
    const token = { identifier: Buffer.from([1, 2, 3]), password: Buffer.from([4, 5]), kind: 'K', service: 'S' };
    const bytes = Buffer.from([3, 1, 2, 3, 2, 4, 5, 1, 0x4b, 1, 0x53]);
    expect(encodeToken(token)).toBe(bytes.toString('base64url'));
    expect(encodeToken(token)).not.toMatch(/[=+/]/);
    expect(decodeToken(encodeToken(token))).toEqual(token);
  });

  it('writes lengths over 127 as WritableUtils does: a size byte, then big-endian bytes', () => {
    const identifier = Buffer.alloc(200, 7);
    const encoded = Buffer.from(encodeToken({ ...issued(), identifier }), 'base64url');
    // -113 (0x8f) says one more byte follows; 200 is that byte.
    expect([...encoded.subarray(0, 2)]).toEqual([0x8f, 200]);
    const big = Buffer.alloc(40_000, 1);
    const round = decodeToken(encodeToken({ ...issued(), identifier: big }));
    expect(round.identifier.equals(big)).toBe(true);
  });

  it('decodes padded base64 too, as Hadoop does', () => {
    const text = encodeToken(issued());
    const padded = text + '='.repeat((4 - (text.length % 4)) % 4);
    expect(decodeToken(padded).service).toBe('10.0.0.1:8020');
  });

  it('files the same token under another kind and service, leaving identifier and password alone', () => {
    const refiled = decodeToken(withKindAndService(encodeToken(issued()), HDFS_DELEGATION_KIND, 'ha-hdfs:ns1'));
    expect(refiled).toEqual({ ...issued(), kind: HDFS_DELEGATION_KIND, service: 'ha-hdfs:ns1' });
    const same = encodeToken(issued(HDFS_DELEGATION_KIND, 'x:1'));
    expect(withKindAndService(same, HDFS_DELEGATION_KIND, 'x:1')).toBe(same);
  });

  it.each([
    ['empty', ''],
    ['not base64', 'abc$def'],
    ['standard base64 characters', 'ab+c/def'],
    ['truncated', encodeToken(issued()).slice(0, 20)],
    [
      'trailing bytes',
      Buffer.concat([Buffer.from(encodeToken(issued()), 'base64url'), Buffer.from([0])]).toString('base64url'),
    ],
    ['a negative length', Buffer.from([0xff, 1]).toString('base64url')],
    ['a length past the end', Buffer.from([0x8c, 0xff, 0xff, 0xff, 0xff]).toString('base64url')],
    ['a service that is not UTF-8', Buffer.from([0, 0, 0, 1, 0xff]).toString('base64url')],
    ['too long', 'A'.repeat(MAX_TOKEN_URL_CHARS + 1)],
  ])('refuses %s without quoting it', (_, text) => {
    let error: unknown;
    try {
      decodeToken(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TokenFormatError);
    // Every input long enough to be recognised is left out of the message (the empty one says so).
    expect(text === '' || !(error as Error).message.includes(text.slice(0, 8))).toBe(true);
  });
});

/** A NameNode (or two) answering GETDELEGATIONTOKEN; records the URLs asked. */
function namenodes(answer: (host: string, req: HttpRequest) => HttpResponse): HttpTransport & { sent: URL[] } {
  const sent: URL[] = [];
  return {
    sent,
    async request(req) {
      const url = new URL(req.url);
      sent.push(url);
      return answer(url.host, req);
    },
  };
}

const client = (transport: HttpTransport, endpoints = ['http://nn1:9870', 'http://nn2:9870']) =>
  new WebHdfsClient({
    endpoints,
    user: 'alice',
    transport,
    retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1, factor: 1 },
  });

const failure = hdfsError;

const REQUEST = { renewer: 'rm/rm1.example.com@EXAMPLE.COM', service: 'ha-hdfs:ns1' };

describe('WebHdfsClient.getDelegationToken', () => {
  it('asks GETDELEGATIONTOKEN on the root with renewer, kind and service', async () => {
    const t = namenodes(() => json({ Token: { urlString: encodeToken(issued(HDFS_DELEGATION_KIND, 'ha-hdfs:ns1')) } }));
    await client(t).getDelegationToken(REQUEST);
    const url = t.sent[0]!;
    expect(url.pathname).toBe('/webhdfs/v1/');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      op: 'GETDELEGATIONTOKEN',
      renewer: 'rm/rm1.example.com@EXAMPLE.COM',
      kind: 'HDFS_DELEGATION_TOKEN',
      service: 'ha-hdfs:ns1',
      'user.name': 'alice',
    });
  });

  it('sends an empty renewer as renewer= (no renewer), never leaving it out (the caller would renew)', async () => {
    const t = namenodes(() => json({ Token: { urlString: encodeToken(issued()) } }));
    await client(t).getDelegationToken({ renewer: '', kind: 'WEBHDFS delegation', service: '10.0.0.1:9870' });
    expect(t.sent[0]!.search).toContain('renewer=&');
    expect(t.sent[0]!.searchParams.get('kind')).toBe('WEBHDFS delegation');
  });

  it("returns the token's urlString as sent when the NameNode honoured kind and service", async () => {
    const urlString = encodeToken(issued(HDFS_DELEGATION_KIND, 'ha-hdfs:ns1'));
    const t = namenodes(() => json({ Token: { urlString } }));
    expect(await client(t).getDelegationToken(REQUEST)).toBe(urlString);
  });

  it('re-files the token when the NameNode ignored kind and service (Hadoop before 2.8)', async () => {
    const t = namenodes(() =>
      json({ Token: { urlString: encodeToken(issued('WEBHDFS delegation', '10.9.9.9:8020')) } }),
    );
    const token = decodeToken(await client(t).getDelegationToken(REQUEST));
    expect(token).toMatchObject({ kind: HDFS_DELEGATION_KIND, service: 'ha-hdfs:ns1' });
    expect(token.identifier.equals(SECRET_ID)).toBe(true);
    expect(token.password.equals(SECRET_PASSWORD)).toBe(true);
  });

  it('passes a standby NameNode by, to the active one', async () => {
    const urlString = encodeToken(issued(HDFS_DELEGATION_KIND, 'ha-hdfs:ns1'));
    const t = namenodes((host) =>
      host === 'nn1:9870'
        ? json(
            {
              RemoteException: {
                exception: 'StandbyException',
                javaClassName: 'org.apache.hadoop.ipc.StandbyException',
                message: 'Operation category WRITE is not supported in state standby',
              },
            },
            403,
          )
        : json({ Token: { urlString } }),
    );
    const c = client(t);
    expect(await c.getDelegationToken(REQUEST)).toBe(urlString);
    expect(c.activeEndpoint).toBe('http://nn2:9870');
  });

  it('says so when the NameNode issues none ({"Token":null}: its security is off)', async () => {
    const e = await failure(client(namenodes(() => json({ Token: null }))).getDelegationToken(REQUEST));
    expect(e.code).toBe('HDFS_REMOTE');
    expect(e.message).toMatch(/issued no token.*hadoop\.security\.authentication/);
  });

  it('translates a refusal (a RemoteException) with its message', async () => {
    const refusal = json(
      {
        RemoteException: {
          exception: 'IOException',
          javaClassName: 'java.io.IOException',
          message: 'Delegation Token can be issued only with kerberos or web authentication',
        },
      },
      403,
    );
    const e = await failure(client(namenodes(() => refusal)).getDelegationToken(REQUEST));
    expect(e.code).toBe('HDFS_REMOTE');
    expect(e.message).toContain('only with kerberos');
  });

  const token = encodeToken(issued());
  const garbage: [string, string][] = [
    ['an HTML page', `<html><body>${token}</body></html>`],
    ['text that is not JSON', `Token=${token}`],
    ['nothing', ''],
    ['a JSON array', JSON.stringify([{ urlString: token }])],
    ['JSON without Token', JSON.stringify({ token: { urlString: token } })],
    ['a Token that is a string', JSON.stringify({ Token: token })],
    ['a Token that is an array', JSON.stringify({ Token: [token] })],
    ['a urlString that is a number', JSON.stringify({ Token: { urlString: 12345 } })],
    ['a urlString that is not base64', JSON.stringify({ Token: { urlString: `${token}!!` } })],
    ['a truncated token', JSON.stringify({ Token: { urlString: token.slice(0, 30) } })],
    ['a JSON null', 'null'],
    ['JSON nested past any answer', `${'['.repeat(600)}${']'.repeat(600)}`],
  ];
  it.each(garbage)('refuses %s with a typed error that quotes nothing of the answer', async (_, body) => {
    const t = namenodes(() => ({ status: 200, headers: {}, body }));
    const e = await failure(client(t, ['http://nn1:9870']).getDelegationToken(REQUEST));
    expect(e.code).toBe('HDFS_UNEXPECTED_RESPONSE');
    expect(e.op).toBe('GETDELEGATIONTOKEN');
    expect(e.endpoint).toBe('http://nn1:9870');
    expect(e.message).not.toContain(token.slice(0, 12));
    expect(e.message).not.toMatch(/\?op=/);
    expect(JSON.stringify(e)).not.toContain(token.slice(0, 12));
  });
});
