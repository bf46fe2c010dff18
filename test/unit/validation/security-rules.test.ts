import { describe, expect, it } from 'vitest';
import { ruleContext } from '../../../src/validation/context.js';
import { keytabWithPrincipal } from '../../../src/validation/rules/security.js';
import { check, codes, HA, model } from './helpers.js';

const KEYTAB = 'security.kerberos.login.keytab: /etc/security/alice.keytab';
const PRINCIPAL = 'security.kerberos.login.principal: alice@EXAMPLE.COM';
const rule = (flink: string, dynamic?: Record<string, string>) =>
  keytabWithPrincipal(ruleContext(model({ flink, ...(dynamic ? { dynamic } : {}) })));

describe('keytabWithPrincipal', () => {
  it('refuses a keytab without a principal, pointing at the keytab', () => {
    const found = rule(`${HA}\n${KEYTAB}`);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      severity: 'error',
      code: 'KERBEROS_KEYTAB_PRINCIPAL_PAIR',
      key: 'security.kerberos.login.keytab',
      file: 'flink-conf.yaml',
      line: 4,
    });
    expect(found[0]!.message).toContain('security.kerberos.login.principal is not');
  });

  it('refuses a principal without a keytab, pointing at the principal', () => {
    const found = rule(PRINCIPAL);
    expect(found).toMatchObject([
      {
        severity: 'error',
        code: 'KERBEROS_KEYTAB_PRINCIPAL_PAIR',
        key: 'security.kerberos.login.principal',
        line: 1,
      },
    ]);
    expect(found[0]!.message).toContain('security.kerberos.login.keytab is not');
  });

  it('accepts both, or neither', () => {
    expect(rule(`${KEYTAB}\n${PRINCIPAL}`)).toEqual([]);
    expect(rule(HA)).toEqual([]);
    expect(rule('')).toEqual([]);
  });

  it('counts a blank value as unset', () => {
    expect(rule(KEYTAB, { 'security.kerberos.login.principal': '  ' })).toMatchObject([
      { key: 'security.kerberos.login.keytab' },
    ]);
    expect(rule('', { 'security.kerberos.login.keytab': ' ', 'security.kerberos.login.principal': '' })).toEqual([]);
  });

  it('reads the deprecated keys, naming the current one', () => {
    expect(rule('security.keytab: /k')).toMatchObject([
      { code: 'KERBEROS_KEYTAB_PRINCIPAL_PAIR', key: 'security.kerberos.login.keytab', line: 1 },
    ]);
    expect(rule('security.keytab: /k\nsecurity.principal: alice@EXAMPLE.COM')).toEqual([]);
  });

  it('has no file position for a value given with -D', () => {
    const [found] = rule('', { 'security.kerberos.login.principal': 'alice@EXAMPLE.COM' });
    expect(found).toMatchObject({ key: 'security.kerberos.login.principal' });
    expect(found?.line).toBeUndefined();
  });
});

describe('keytabWithPrincipal through validateConfig', () => {
  it('is one of the rules every configuration is checked with', () => {
    expect(codes({ flink: `${HA}\n${KEYTAB}` })).toContain('KERBEROS_KEYTAB_PRINCIPAL_PAIR');
    expect(codes({ flink: `${HA}\n${PRINCIPAL}` })).toContain('KERBEROS_KEYTAB_PRINCIPAL_PAIR');
    expect(codes({ flink: `${HA}\n${KEYTAB}\n${PRINCIPAL}` })).not.toContain('KERBEROS_KEYTAB_PRINCIPAL_PAIR');
    const r = check({ flink: `${HA}\n${PRINCIPAL}` });
    expect(r.diagnostics.find((d) => d.code === 'KERBEROS_KEYTAB_PRINCIPAL_PAIR')?.severity).toBe('error');
  });
});
