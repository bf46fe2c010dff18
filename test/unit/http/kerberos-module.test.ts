import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FlinkYarnError } from '../../../src/errors/index.js';
import { kerberosGssapi } from '../../../src/http/gssapi.js';
import { negotiateTransport } from '../../../src/http/negotiate.js';

/**
 * The real optional module, where `npm install` built it (CI installs libkrb5-dev first): the
 * API this client calls exists, and MIT Kerberos' own words for an empty ticket cache become
 * KERBEROS_NO_CREDENTIALS. No KDC is needed for that.
 */
const installed = (() => {
  try {
    createRequire(import.meta.url)('kerberos');
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!installed)("the optional 'kerberos' module", () => {
  afterEach(() => vi.unstubAllEnvs());

  it('has the API negotiate uses', () => {
    const k = createRequire(import.meta.url)('kerberos') as Record<string, unknown>;
    expect(typeof k.initializeClient).toBe('function');
    expect(k.GSS_MECH_OID_SPNEGO).toBe(6);
  });

  it('an empty ticket cache is KERBEROS_NO_CREDENTIALS, telling to kinit or pass --keytab', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flink-yarn-krb5-'));
    writeFileSync(join(dir, 'krb5.conf'), '[libdefaults]\n  default_realm = EXAMPLE.COM\n');
    // MIT Kerberos reads them from the process environment.
    vi.stubEnv('KRB5_CONFIG', join(dir, 'krb5.conf'));
    vi.stubEnv('KRB5CCNAME', `FILE:${join(dir, 'no-such-cache')}`);
    const t = negotiateTransport(
      { request: async () => ({ status: 401, headers: { 'www-authenticate': 'Negotiate' }, body: '' }) },
      { gssapi: kerberosGssapi() },
    );
    const e = await t.request({ method: 'GET', url: 'http://localhost:8088/ws/v1/cluster/apps', timeoutMs: 1000 }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(FlinkYarnError);
    expect((e as FlinkYarnError).code).toBe('KERBEROS_NO_CREDENTIALS');
    expect((e as FlinkYarnError).message).toMatch(/kinit.*--keytab/);
  });
});
