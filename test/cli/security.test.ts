import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, cliAsync, fixture, ROOT, type CliResult } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'flink-yarn-security-'));
const keytab = join(dir, 'alice.keytab');
writeFileSync(keytab, 'not a real keytab');

/** Preloaded into the CLI: says on stderr when anything named kerberos is required. */
const hook = join(dir, 'hook.cjs');
writeFileSync(
  hook,
  `const M = require('module'); const load = M._load;
M._load = function (request, ...rest) {
  if (/kerberos/.test(request)) process.stderr.write('[hook] kerberos required\\n');
  return load.call(this, request, ...rest);
};\n`,
);

/** MIT Kerberos with no tickets at all: a krb5.conf of our own and a ticket cache that does not exist. */
const krb5 = join(dir, 'krb5.conf');
writeFileSync(krb5, '[libdefaults]\n  default_realm = EXAMPLE.COM\n');
const NO_TICKETS = {
  KRB5_CONFIG: krb5,
  KRB5CCNAME: `FILE:${join(dir, 'no-cache')}`,
  NODE_OPTIONS: `--require ${hook}`,
};

const kerberosInstalled = (() => {
  try {
    createRequire(join(ROOT, 'dist', 'cli.cjs'))('kerberos');
    return true;
  } catch {
    return false;
  }
})();

/** One line on stderr, `flink-yarn: MESSAGE`, and nothing on stdout. */
function expectOneLine(r: CliResult, code: number, message: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe('');
  const lines = r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('[hook]'));
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^flink-yarn: /);
  expect(lines[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

let secured: Server;
let insecure: Server;
let securedUrl: string;
let insecureUrl: string;

beforeAll(async () => {
  // A ResourceManager behind Hadoop's SPNEGO filter, and one without security.
  secured = createServer((_req, res) => res.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end());
  insecure = createServer((_req, res) =>
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"apps":null}'),
  );
  for (const s of [secured, insecure]) await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  securedUrl = `http://127.0.0.1:${(secured.address() as AddressInfo).port}`;
  insecureUrl = `http://127.0.0.1:${(insecure.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of [secured, insecure]) await new Promise((r) => s.close(r));
});

describe('Kerberos from the command line', () => {
  it('without credentials, list exits 1 and says to kinit or pass --keytab', async () => {
    const r = await cliAsync(['list', '--rm', securedUrl], { env: NO_TICKETS });
    if (kerberosInstalled) {
      expectOneLine(r, 1, /kinit.*--keytab FILE --principal NAME.*\[KERBEROS_NO_CREDENTIALS\]$/);
    } else {
      expectOneLine(r, 1, /asks for Kerberos.*npm rebuild kerberos.*\[KERBEROS_UNAVAILABLE\]$/);
    }
    expect(r.stderr).toContain('[hook] kerberos required');
  });

  it('a cluster without security never loads the Kerberos module', async () => {
    const r = await cliAsync(['list', '--rm', insecureUrl, '--output', 'json'], { env: NO_TICKETS });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.stderr).not.toContain('[hook]');
  });

  it('--keytab without --principal, or the reverse, is bad usage (exit 2)', () => {
    expectOneLine(cli(['list', '--rm', 'http://127.0.0.1:9', '--keytab', keytab]), 2, /needs --principal NAME/);
    expectOneLine(
      cli(['status', 'application_1_1', '--rm', 'http://127.0.0.1:9', '--principal', 'a@R']),
      2,
      /needs --keytab/,
    );
    expectOneLine(
      cli(['list', '--rm', 'http://127.0.0.1:9', '--keytab', join(dir, 'nope.keytab'), '--principal', 'a@R']),
      2,
      /--keytab .*nope\.keytab: no such file/,
    );
  });

  it('a --ca that is missing, a FIFO or not PEM is bad usage (exit 2), naming the file, without blocking', () => {
    const fifo = join(dir, 'ca-fifo');
    execFileSync('mkfifo', [fifo]);
    expectOneLine(
      cli(['list', '--rm', 'http://127.0.0.1:9', '--ca', join(dir, 'nope.pem')]),
      2,
      /nope\.pem: no such file/,
    );
    expectOneLine(cli(['list', '--rm', 'http://127.0.0.1:9', '--ca', fifo]), 2, /ca-fifo: not a regular file/);
    expectOneLine(cli(['list', '--rm', 'http://127.0.0.1:9', '--ca', keytab]), 2, /alice\.keytab: no PEM certificate/);
  });

  it('a valid --ca is accepted by every command that talks to a cluster', async () => {
    const r = await cliAsync(['list', '--rm', insecureUrl, '--ca', fixture('tls', 'ca.pem'), '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('--help shows each flag in one line', () => {
    const r = cli(['list', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--keytab', '--principal', '--ca']) {
      expect(r.stdout.split('\n').filter((l) => l.trimStart().startsWith(flag))).toHaveLength(1);
    }
  });
});
