import { describe, expect, it } from 'vitest';
import { cli, fixture, ROOT } from './run.js';
import { join } from 'node:path';

const json = (...args: string[]) => cli(['validate', '--output', 'json', ...args]);

describe('flink-yarn validate (spawned)', () => {
  it('passes the good configurations with exit 0', () => {
    for (const dir of ['good-ha-legacy', 'good-ha-yaml']) {
      const r = json('--flink-conf-dir', fixture('config', dir), '--yarn-conf-dir', fixture('hadoop', 'cap4'));
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).diagnostics).toEqual([]);
      expect(r.stderr).toBe('');
    }
  });

  it('prints exactly one JSON document with diagnostics and effective values', () => {
    const r = json(
      '--flink-conf-dir',
      join(ROOT, 'conf', 'yarn-session-ha'),
      '--yarn-conf-dir',
      join(ROOT, 'conf', 'hadoop'),
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.effective).toMatchObject({
      'yarn.application-attempts': 4,
      'yarn.resourcemanager.am.max-attempts': 4,
      'high-availability.type': 'zookeeper',
      'high-availability.cluster-id': null,
    });
    expect(doc.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'ATTEMPTS_CAPPED_BY_YARN',
        key: 'yarn.application-attempts',
        file: join(ROOT, 'conf', 'yarn-session-ha', 'flink-conf.yaml'),
        line: 6,
      }),
    ]);
  });

  it('fails with exit 1 on errors and reports each with file and line, masking secrets', () => {
    const r = json('--flink-conf-dir', fixture('config', 'bad-ha'), '--yarn-conf-dir', fixture('hadoop', 'cap4'));
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    const found = doc.diagnostics.map((d: { code: string; line?: number }) => `${d.code}@${d.line}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'HA_QUORUM_INVALID@2',
        'HA_STORAGE_DIR_LOCAL@3',
        'HA_CLUSTER_ID_FIXED@4',
        'JM_PORT_INVALID@5',
        'ATTEMPTS_CAPPED_BY_YARN@6',
        'ZK_SASL_CONTEXT_MISSING@9',
        'FLINK_CONF_LINE_IGNORED@10',
        'MASTERS_MALFORMED_LINE@2',
        'ZOO_CFG_SERVERS_SHARE_HOST@3',
      ]),
    );
    expect(r.stdout).not.toContain('do-not-print-me');
  });

  it('--strict fails on warnings', () => {
    const args = [
      '--flink-conf-dir',
      fixture('config', 'strict-warning'),
      '--yarn-conf-dir',
      fixture('hadoop', 'cap4'),
    ];
    expect(json(...args).code).toBe(0);
    expect(json(...args, '--strict').code).toBe(1);
  });

  it('turns an unparsable file into a diagnostic, never a stack trace', () => {
    for (const [flink, yarn] of [
      ['bad-yaml', 'cap4'],
      ['good-ha-legacy', 'broken'],
    ] as const) {
      const r = cli([
        'validate',
        '--flink-conf-dir',
        fixture('config', flink),
        '--yarn-conf-dir',
        fixture('hadoop', yarn),
      ]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        /CONFIG_PARSE_ERROR {2}fixtures\/(config\/bad-yaml\/config\.yaml|hadoop\/broken\/yarn-site\.xml):\d+/,
      );
      expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('applies Hadoop layering, final, includes and expansion from real files', () => {
    const r = json(
      '--flink-conf-dir',
      fixture('config', 'strict-warning'),
      '--yarn-conf-dir',
      fixture('hadoop', 'final-layered'),
    );
    const doc = JSON.parse(r.stdout);
    // core-site's final cluster.attempts=3 beats yarn-site's 6; am.max-attempts expands to it.
    expect(doc.effective['yarn.resourcemanager.am.max-attempts']).toBe(3);
    expect(doc.diagnostics.map((d: { code: string }) => d.code)).toEqual([
      'ATTEMPTS_CAPPED_BY_YARN',
      'HADOOP_FINAL_OVERRIDE_IGNORED',
    ]);
  });

  it('finds conf dirs through the default chains', () => {
    // Nothing set: ./conf (here the samples' parent, which has no flink-conf.yaml) and YARN defaults.
    const bare = JSON.parse(cli(['validate', '-o', 'json']).stdout);
    expect(bare.diagnostics.map((d: { code: string }) => d.code).sort()).toEqual([
      'FLINK_CONF_MISSING',
      'YARN_SITE_MISSING',
    ]);
    expect(bare.effective['yarn.resourcemanager.am.max-attempts']).toBe(2);
    const r = cli(['validate', '-o', 'json'], {
      FLINK_CONF_DIR: fixture('config', 'strict-warning'),
      HADOOP_CONF_DIR: fixture('hadoop', 'cap2'),
    });
    expect(JSON.parse(r.stdout).effective['yarn.resourcemanager.am.max-attempts']).toBe(2);
    const home = cli(['validate', '-o', 'json'], { FLINK_HOME: ROOT, YARN_CONF_DIR: fixture('hadoop', 'cap4') });
    expect(JSON.parse(home.stdout).effective['yarn.resourcemanager.am.max-attempts']).toBe(4);
  });

  it('exits 2 for a configuration directory that does not exist, or bad usage', () => {
    const missing = cli(['validate', '--flink-conf-dir', '/nonexistent/conf']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/\/nonexistent\/conf .*does not exist/);
    expect(cli(['validate', '--yarn-conf-dir', '/nonexistent/hadoop']).code).toBe(2);
    expect(cli(['validate', '--no-such-flag']).code).toBe(2);
    expect(cli(['validate', '-D', 'novalue']).code).toBe(2);
    expect(cli([]).code).toBe(2);
  });

  it('lets -D override the file', () => {
    const r = json(
      '--flink-conf-dir',
      fixture('config', 'strict-warning'),
      '--yarn-conf-dir',
      fixture('hadoop', 'cap4'),
      '-Dyarn.application-attempts=3',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ diagnostics: [], effective: { 'yarn.application-attempts': 3 } });
  });

  it('groups text output by severity', () => {
    const r = cli([
      'validate',
      '--flink-conf-dir',
      fixture('config', 'bad-ha'),
      '--yarn-conf-dir',
      fixture('hadoop', 'cap4'),
    ]);
    expect(r.stdout).toMatch(/^4 errors$/m);
    expect(r.stdout).toMatch(/^5 warnings$/m);
    expect(r.stdout.indexOf('4 errors')).toBeLessThan(r.stdout.indexOf('5 warnings'));
    expect(r.stdout).toContain('fix the errors before deploying');
  });
});
