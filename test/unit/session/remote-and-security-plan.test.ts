import { describe, expect, it } from 'vitest';
import { amContainerSpec, classpath, type StagedResource } from '../../../src/session/am-container.js';
import { jobManagerMemory } from '../../../src/session/memory.js';
import { buildSessionPlan, type SessionPlanInput } from '../../../src/session/plan.js';
import { HA, model } from '../validation/helpers.js';
import { APP_DIR as APP, planInput, stagedResource as resource } from './plan-input.js';

const BASE: StagedResource[] = [
  resource('flink-dist-1.20.1.jar', 'dist'),
  resource('lib/a.jar', 'ship'),
  resource('log4j.properties', 'ship'),
  resource('flink-conf.yaml', 'config'),
];
const KEYTAB = resource('krb5.keytab', 'keytab', { uri: `${APP}/alice.keytab` });
const KRB5 = resource('krb5.conf', 'krb5');
const LOGIN = `${HA}
jobmanager.memory.process.size: 1600m
security.kerberos.login.keytab: /home/alice/alice.keytab
security.kerberos.login.principal: alice@EXAMPLE.COM`;

function input(overrides: Parameters<typeof planInput>[1] = {}): SessionPlanInput {
  return planInput(BASE, overrides);
}

const env = (plan: ReturnType<typeof buildSessionPlan>) =>
  Object.fromEntries(plan.submission['am-container-spec']!.environment.entry.map((e) => [e.key, e.value]));
const command = (plan: ReturnType<typeof buildSessionPlan>) => plan.submission['am-container-spec']!.commands.command;
const shippedKeys = (value: string | undefined) =>
  (value ?? '')
    .split(';')
    .filter((d) => d !== '')
    .map((d) => /'resourceKey':'([^']*)'/.exec(d)?.[1]);

describe('a Kerberos login in the AM container', () => {
  it('gives the JobManager the local keytab, the principal and the uploaded keytab for the TaskManagers', () => {
    const e = env(buildSessionPlan(input({ flink: LOGIN, resources: [...BASE, KEYTAB] })));
    expect(e._LOCAL_KEYTAB_PATH).toBe('krb5.keytab');
    expect(e._KEYTAB_PRINCIPAL).toBe('alice@EXAMPLE.COM');
    expect(e._REMOTE_KEYTAB_PATH).toBe('hdfs://nn:8020/user/alice/.flink/application_1_0001/alice.keytab');
    expect(e).not.toHaveProperty('_KRB5_PATH');
  });

  it('uses yarn.security.kerberos.localized-keytab-path as the local keytab path', () => {
    const e = env(
      buildSessionPlan(
        input({
          flink: `${LOGIN}\nyarn.security.kerberos.localized-keytab-path: flink.keytab`,
          resources: [...BASE, { ...KEYTAB, key: 'flink.keytab' }],
        }),
      ),
    );
    expect(e._LOCAL_KEYTAB_PATH).toBe('flink.keytab');
  });

  it('without a shipped keytab (ship-local-keytab false) sets the local path and principal only', () => {
    const e = env(
      buildSessionPlan(
        input({
          flink: `${LOGIN}\nyarn.security.kerberos.ship-local-keytab: false\nyarn.security.kerberos.localized-keytab-path: /etc/security/alice.keytab`,
        }),
      ),
    );
    expect(e._LOCAL_KEYTAB_PATH).toBe('/etc/security/alice.keytab');
    expect(e._KEYTAB_PRINCIPAL).toBe('alice@EXAMPLE.COM');
    expect(e).not.toHaveProperty('_REMOTE_KEYTAB_PATH');
  });

  it('sets no keytab variables without a keytab login, even with a keytab resource', () => {
    const e = env(buildSessionPlan(input({ resources: [...BASE, KEYTAB] })));
    for (const key of ['_LOCAL_KEYTAB_PATH', '_KEYTAB_PRINCIPAL', '_REMOTE_KEYTAB_PATH', '_KRB5_PATH'])
      expect(e).not.toHaveProperty(key);
  });

  it('points _KRB5_PATH at the shipped krb5.conf and tells the JobManager JVM to use it', () => {
    const plan = buildSessionPlan(input({ flink: LOGIN, resources: [...BASE, KEYTAB, KRB5] }));
    expect(env(plan)._KRB5_PATH).toBe(`${APP}/krb5.conf`);
    expect(command(plan)).toContain('-XX:+IgnoreUnrecognizedVMOptions -Djava.security.krb5.conf=krb5.conf ');
    const without = buildSessionPlan(input({ flink: LOGIN, resources: [...BASE, KEYTAB] }));
    expect(command(without)).not.toContain('krb5.conf');
  });

  it('localizes the keytab and krb5.conf for the AM but keeps them off the ship list and the classpath', () => {
    const plan = buildSessionPlan(
      input({ flink: LOGIN, resources: [...BASE, KEYTAB, KRB5, resource('job.graph', 'job-graph')] }),
    );
    const local = plan.submission['am-container-spec']!['local-resources'].entry.map((r) => r.key);
    expect(local).toEqual(expect.arrayContaining(['krb5.keytab', 'krb5.conf', 'job.graph']));
    const e = env(plan);
    expect(shippedKeys(e._CLIENT_SHIP_FILES).sort()).toEqual(['flink-conf.yaml', 'lib/a.jar', 'log4j.properties']);
    expect(e._FLINK_CLASSPATH).not.toContain('krb5');
  });
});

describe('provided (remote) resources in the AM container', () => {
  const provided = (key: string, role: StagedResource['role']) =>
    resource(key, role, { uri: `hdfs://nn:8020/flink/${key}`, visibility: 'PUBLIC' });
  const PROVIDED: StagedResource[] = [
    provided('lib/flink-dist-1.20.1.jar', 'dist'),
    provided('lib/a.jar', 'ship'),
    provided('plugins/metrics/x.jar', 'plugin'),
    resource('flink-conf.yaml', 'config'),
  ];

  it('lists a PUBLIC dist in _CLIENT_SHIP_FILES as well as in _FLINK_DIST_JAR; an uploaded one only there', () => {
    const e = env(buildSessionPlan(input({ resources: PROVIDED })));
    expect(e._FLINK_DIST_JAR).toContain("'path':'hdfs://nn:8020/flink/lib/flink-dist-1.20.1.jar'");
    expect(e._FLINK_DIST_JAR).toContain("'visibility':'PUBLIC'");
    expect(shippedKeys(e._CLIENT_SHIP_FILES)).toContain('lib/flink-dist-1.20.1.jar');
    expect(shippedKeys(env(buildSessionPlan(input()))._CLIENT_SHIP_FILES)).not.toContain('flink-dist-1.20.1.jar');
  });

  it('ships plugins to the TaskManagers but keeps them off _FLINK_CLASSPATH, wherever their key is', () => {
    const e = env(buildSessionPlan(input({ resources: [...PROVIDED, resource('extra/p.jar', 'plugin')] })));
    expect(shippedKeys(e._CLIENT_SHIP_FILES)).toEqual(expect.arrayContaining(['plugins/metrics/x.jar', 'extra/p.jar']));
    expect(e._FLINK_CLASSPATH).toBe('lib/a.jar:lib/flink-dist-1.20.1.jar:flink-conf.yaml:');
  });

  it('keeps archives, plugins, keytabs and krb5.conf off the classpath built from resources', () => {
    const all = [
      ...BASE,
      resource('env.tgz', 'archive', { type: 'ARCHIVE' }),
      resource('plugins/p/x.jar', 'plugin'),
      KEYTAB,
      KRB5,
    ];
    expect(classpath(all, 'ORDER')).toEqual(['', 'lib/a.jar', 'flink-dist-1.20.1.jar', 'flink-conf.yaml']);
  });

  it('encodes the remote files for the AM exactly as HDFS reports them', () => {
    const spec = amContainerSpec({
      entrypoint: 'session',
      flinkVersion: [1, 20, 1],
      resources: [{ ...PROVIDED[0]!, size: 123_456, modificationTime: 1_700_000_000_001 }, ...PROVIDED.slice(1)],
      memory: jobManagerMemory(1600 * 2 ** 20),
      jvmOptions: '',
      applicationId: 'application_1_0001',
      user: 'alice',
      clientHomeDir: 'hdfs://nn:8020/user/alice',
      yarnFilesDir: APP,
      yarnApplicationClasspath: [],
      extraEnvironment: {},
      logConfigKey: undefined,
    });
    expect(spec['local-resources'].entry[0]).toEqual({
      key: 'lib/flink-dist-1.20.1.jar',
      value: {
        resource: 'hdfs://nn:8020/flink/lib/flink-dist-1.20.1.jar',
        type: 'FILE',
        visibility: 'PUBLIC',
        size: 123_456,
        timestamp: 1_700_000_000_001,
      },
    });
  });
});

describe('yarn.rolled-logs.* in the submission', () => {
  const flink = (extra: string) => `${HA}\njobmanager.memory.process.size: 1600m\n${extra}`;
  /** Blank values, given with -D (exactly as written: no YAML unquoting). */
  const withDynamic = (dynamic: Record<string, string>) =>
    input({
      config: model({
        flink: flink(''),
        yarnSite: { 'yarn.resourcemanager.am.max-attempts': '4' },
        dynamic,
      }),
    });

  it('sends the include pattern as the log aggregation context on Hadoop 3', () => {
    const plan = buildSessionPlan(input({ flink: flink('yarn.rolled-logs.include-pattern: jobmanager.*') }));
    expect(plan.submission['log-aggregation-context']).toEqual({ 'rolled-log-include-pattern': 'jobmanager.*' });
    expect(plan.diagnostics.map((d) => d.code)).not.toContain('ROLLED_LOGS_NOT_CARRIED');
  });

  it('sends both patterns, and leaves a blank one out', () => {
    const both = buildSessionPlan(
      input({
        flink: flink('yarn.rolled-logs.include-pattern: .*\\.log\nyarn.rolled-logs.exclude-pattern: .*\\.out'),
      }),
    );
    expect(both.submission['log-aggregation-context']).toEqual({
      'rolled-log-include-pattern': '.*\\.log',
      'rolled-log-exclude-pattern': '.*\\.out',
    });
    const blank = buildSessionPlan(
      withDynamic({ 'yarn.rolled-logs.include-pattern': '  ', 'yarn.rolled-logs.exclude-pattern': '.*\\.out' }),
    );
    expect(blank.submission['log-aggregation-context']).toEqual({ 'rolled-log-exclude-pattern': '.*\\.out' });
  });

  it('sends no context when the patterns are unset or blank', () => {
    expect(buildSessionPlan(input()).submission).not.toHaveProperty('log-aggregation-context');
    const blank = buildSessionPlan(
      withDynamic({ 'yarn.rolled-logs.include-pattern': ' ', 'yarn.rolled-logs.exclude-pattern': '' }),
    );
    expect(blank.submission).not.toHaveProperty('log-aggregation-context');
    expect(blank.diagnostics.map((d) => d.code)).not.toContain('ROLLED_LOGS_NOT_CARRIED');
  });

  it('warns that Hadoop 2.7 cannot carry them over REST, and sends none', () => {
    const plan = buildSessionPlan(
      input({ hadoopVersion: '2.7.0', flink: flink('yarn.rolled-logs.include-pattern: jobmanager.*') }),
    );
    expect(plan.submission).not.toHaveProperty('log-aggregation-context');
    const warning = plan.diagnostics.find((d) => d.code === 'ROLLED_LOGS_NOT_CARRIED');
    expect(warning).toMatchObject({ severity: 'warning', key: 'yarn.rolled-logs.include-pattern' });
    expect(warning?.message).toContain('2.7.0');
    expect(buildSessionPlan(input({ hadoopVersion: '2.7.0' })).diagnostics.map((d) => d.code)).not.toContain(
      'ROLLED_LOGS_NOT_CARRIED',
    );
  });
});

describe('the staging base in the AM container', () => {
  it('takes _CLIENT_HOME_DIR and _FLINK_YARN_FILES from yarn.staging-directory when given', () => {
    const e = env(buildSessionPlan(input({ stagingBase: '/flink/staging' })));
    expect(e._CLIENT_HOME_DIR).toBe('hdfs://nn:8020/flink/staging');
    expect(e._FLINK_YARN_FILES).toBe('hdfs://nn:8020/flink/staging/.flink/application_1_0001');
  });

  it('does not double the slash for the root', () => {
    const e = env(buildSessionPlan(input({ stagingBase: '/' })));
    expect(e._CLIENT_HOME_DIR).toBe('hdfs://nn:8020/');
    expect(e._FLINK_YARN_FILES).toBe('hdfs://nn:8020/.flink/application_1_0001');
  });
});
