import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClusterContext, principalShortName, type ConnectionOptions } from '../../../src/context/index.js';
import { UsageError } from '../../../src/errors/index.js';
import type { Gssapi } from '../../../src/http/gssapi.js';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../../src/http/transport.js';

const dir = mkdtempSync(join(tmpdir(), 'flink-yarn-kerberos-'));
const keytab = join(dir, 'alice.keytab');
writeFileSync(keytab, 'not a real keytab');

const base: ConnectionOptions = { rm: 'http://rm1:8088', env: { HADOOP_USER_NAME: 'hdfsuser' }, cwd: dir };
const open = (options: Partial<ConnectionOptions>, flink = false): ClusterContext =>
  ClusterContext.open({ ...base, ...options }, { hadoop: false, ...(flink ? { flink: 'optional' } : {}) });

function usage(f: () => unknown): UsageError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error('expected a usage error');
}

/** A secured RM: 401 Negotiate until a token comes. */
function securedRm(): HttpTransport & { sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  return {
    sent,
    async request(req): Promise<HttpResponse> {
      sent.push(req);
      if (req.headers?.Authorization === 'Negotiate dG9rZW4=') {
        return { status: 200, headers: {}, body: '{"apps":null}' };
      }
      return { status: 401, headers: { 'www-authenticate': 'Negotiate' }, body: '' };
    },
  };
}

const fakeGssapi = (calls: (string | undefined)[]): Gssapi => ({
  token: async (_host, principal) => {
    calls.push(principal);
    return 'dG9rZW4=';
  },
});

describe('Kerberos credentials of a cluster context', () => {
  it('--keytab and --principal go together (bad usage otherwise)', () => {
    expect(usage(() => open({ keytab })).message).toContain('needs --principal');
    expect(usage(() => open({ principal: 'alice@EXAMPLE.COM' })).message).toMatch(/needs --keytab.*kinit/);
  });

  it('a --keytab that is not a file here is bad usage, naming it; it is never read', () => {
    expect(usage(() => open({ keytab: 'missing.keytab', principal: 'a@R' })).message).toContain(
      '--keytab missing.keytab: no such file',
    );
    expect(usage(() => open({ keytab: dir, principal: 'a@R' })).message).toContain('not a regular file');
  });

  it('flags first, then the Flink configuration (both keys), else the ticket cache', () => {
    const conf = {
      'security.kerberos.login.keytab': 'conf.keytab',
      'security.kerberos.login.principal': 'flink/host@EXAMPLE.COM',
    };
    expect(open({ keytab: 'alice.keytab', principal: 'alice@EXAMPLE.COM' }).kerberos).toEqual({
      source: 'flags',
      keytab,
      principal: 'alice@EXAMPLE.COM',
    });
    expect(open({ dynamicProperties: conf }, true).kerberos).toEqual({
      source: 'flink-conf',
      keytab: join(dir, 'conf.keytab'),
      principal: 'flink/host@EXAMPLE.COM',
    });
    expect(open({ keytab, principal: 'alice@EXAMPLE.COM', dynamicProperties: conf }, true).kerberosPrincipal).toBe(
      'alice@EXAMPLE.COM',
    );
    const onlyKeytab = { 'security.kerberos.login.keytab': 'conf.keytab' };
    expect(open({ dynamicProperties: onlyKeytab }, true).kerberos).toEqual({ source: 'ticket-cache' });
    expect(open({}).kerberos).toEqual({ source: 'ticket-cache' });
  });

  it("the Hadoop user is --user, else the principal's short name, else HADOOP_USER_NAME", () => {
    expect(open({ keytab, principal: 'alice/host.example.com@EXAMPLE.COM' }).user).toBe('alice');
    expect(open({ keytab, principal: 'alice@EXAMPLE.COM' }).requireUser()).toBe('alice');
    expect(open({ keytab, principal: 'alice@EXAMPLE.COM', user: 'bob' }).user).toBe('bob');
    expect(open({}).user).toBe('hdfsuser');
    expect(principalShortName('svc')).toBe('svc');
  });

  it("the Flink configuration's principal is the user only where core-site turns Hadoop security on", () => {
    const conf = {
      'security.kerberos.login.keytab': 'conf.keytab',
      'security.kerberos.login.principal': 'flink/host@EXAMPLE.COM',
    };
    const hadoopDir = (auth: string): string => {
      const d = mkdtempSync(join(tmpdir(), 'flink-yarn-core-site-'));
      writeFileSync(
        join(d, 'core-site.xml'),
        `<configuration><property><name>hadoop.security.authentication</name><value>${auth}</value></property></configuration>`,
      );
      return d;
    };
    const withHadoop = (auth: string): ClusterContext =>
      ClusterContext.open({ ...base, dynamicProperties: conf, yarnConfDir: hadoopDir(auth) }, { flink: 'optional' });
    expect(withHadoop('kerberos').user).toBe('flink');
    expect(withHadoop('simple').user).toBe('hdfsuser');
    // --user is simple auth's user.name: under Kerberos the servers act as the principal.
    const withUser = (auth: string): ClusterContext =>
      ClusterContext.open(
        { ...base, user: 'bob', dynamicProperties: conf, yarnConfDir: hadoopDir(auth) },
        { flink: 'optional' },
      );
    expect(withUser('kerberos').user).toBe('flink');
    expect(withUser('simple').user).toBe('bob');
    // Its credentials still answer a server that asks for Kerberos.
    expect(withHadoop('simple').kerberosPrincipal).toBe('flink/host@EXAMPLE.COM');
  });

  it('an injected GSSAPI signs with the principal; the URL loses user.name once the RM asked for Kerberos', async () => {
    const rm = securedRm();
    const calls: (string | undefined)[] = [];
    const context = open({ transport: rm, gssapi: fakeGssapi(calls), keytab, principal: 'alice@EXAMPLE.COM' });
    expect(await context.resourceManager().apps()).toEqual([]);
    expect(calls).toEqual(['alice@EXAMPLE.COM']);
    expect(rm.sent[0]!.url).toContain('user.name=alice');
    expect(rm.sent[1]!.url).not.toContain('user.name');
  });

  it('an injected transport alone is used as it is: no SPNEGO', async () => {
    const rm = securedRm();
    const context = open({ transport: rm });
    expect(context.transport).toBe(rm);
    await expect(context.resourceManager().apps()).rejects.toMatchObject({ code: 'RM_AUTH' });
    expect(rm.sent).toHaveLength(1);
  });

  it('a bad --ca is bad usage when the context opens, before any request', () => {
    expect(usage(() => open({ ca: 'no-such-ca.pem' })).message).toContain('--ca no-such-ca.pem: no such file');
    writeFileSync(join(dir, 'text.pem'), 'hello');
    expect(usage(() => open({ ca: 'text.pem', transport: securedRm() })).message).toContain('no PEM certificate');
    const ca = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'tls', 'ca.pem');
    expect(() => open({ ca })).not.toThrow();
  });
});
