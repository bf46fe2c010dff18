import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, type CliResult } from './run.js';

// Issue 13: every secret below reaches the plan or a message somehow; none may be printed.
const root = mkdtempSync(join(tmpdir(), 'flink-yarn-secrets-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const flinkHome = join(root, 'flink');
mkdirSync(join(flinkHome, 'lib'), { recursive: true });
writeFileSync(join(flinkHome, 'lib', 'flink-dist-1.20.1.jar'), 'not a real jar');
const jar = join(root, 'Job.jar');
writeFileSync(jar, 'not a real jar either');

const confDir = join(root, 'conf');
mkdirSync(confDir);
writeFileSync(
  join(confDir, 'flink-conf.yaml'),
  [
    'high-availability.type: zookeeper',
    'high-availability.zookeeper.quorum: localhost:2181',
    'high-availability.storageDir: hdfs:///flink/recovery',
    'jobmanager.memory.process.size: 1600m',
    'taskmanager.memory.process.size: 1728m',
    'env.java.opts.all: -Dpassword=conf-jvm-s3cr3t -Djavax.net.ssl.keyStorePassword=conf-keystore-s3cr3t',
    'containerized.master.env.DB_PASSWORD: conf-env-s3cr3t',
    'containerized.taskmanager.env.API_TOKEN: conf-tm-token-s3cr3t',
    'security.ssl.rest.key-password: conf-key-s3cr3t',
    // Ignored lines: no ': ' between key and value.
    'security.ssl.internal.keystore-password=ignored-line-s3cr3t',
    'env.java.opts.jobmanager:-Dtrust.password=ignored-opts-s3cr3t',
  ].join('\n'),
);

const yarnDir = join(root, 'hadoop');
mkdirSync(yarnDir);
const site = (value: string, final: boolean) =>
  `<configuration><property><name>fs.s3a.secret.key</name><value>${value}</value>${final ? '<final>true</final>' : ''}</property></configuration>`;
writeFileSync(join(yarnDir, 'core-site.xml'), site('final-kept-s3cr3t', true));
writeFileSync(join(yarnDir, 'yarn-site.xml'), site('final-ignored-s3cr3t', false));

const common = [
  '--flink-home',
  flinkHome,
  '--flink-conf-dir',
  confDir,
  '--yarn-conf-dir',
  yarnDir,
  '--dry-run',
  '--hadoop-version',
  '3.4.2',
  '--applicationId',
  'application_1_0001',
  '-Dsecurity.ssl.internal.truststore-password=dynamic-s3cr3t',
  '-Dcontainerized.master.env.MYSQL_PWD=dynamic-env-s3cr3t',
  '-Denv.java.opts.jobmanager=-Djavax.net.ssl.trustStorePassword=dynamic-jvm-s3cr3t',
];

const programArgs = [
  '--password',
  'arg-flag-s3cr3t',
  '--pass',
  'arg-pass-s3cr3t',
  '--token=arg-equals-s3cr3t',
  'password=arg-plain-s3cr3t',
  'jdbc:mysql://db/app?user=u&password=arg-jdbc-s3cr3t',
  'https://user:arg-url-s3cr3t@host/x',
];

function expectNoSecret(r: CliResult): void {
  const printed = `${r.stdout}\n${r.stderr}`;
  expect(printed.match(/[\w-]*s3cr3t/g) ?? [], printed).toEqual([]);
}

describe('secrets are never printed', () => {
  it('session --dry-run -o json: -D, environment, JVM options, ignored lines, final overrides', () => {
    const r = cli(['session', ...common, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expectNoSecret(r);
    const plan = JSON.parse(r.stdout);
    const codes = plan.diagnostics.map((d: { code: string }) => d.code);
    expect(codes).toEqual(expect.arrayContaining(['FLINK_CONF_LINE_IGNORED', 'HADOOP_FINAL_OVERRIDE_IGNORED']));
    const spec = plan.submission['am-container-spec'];
    const env = Object.fromEntries(spec.environment.entry.map((e: { key: string; value: string }) => [e.key, e.value]));
    expect(env).toMatchObject({ DB_PASSWORD: '******', MYSQL_PWD: '******' });
    expect(spec.commands.command).toContain('-Dpassword=******');
  });

  it('session --dry-run, as text', () => {
    const r = cli(['session', ...common]);
    expect(r.code, r.stderr).toBe(0);
    expectNoSecret(r);
    expect(r.stdout).toContain('******');
  });

  it('run --dry-run: the program arguments too, in JSON and text', () => {
    for (const output of [['-o', 'json'], []]) {
      const r = cli(['run', ...common, ...output, jar, ...programArgs]);
      expect(r.code, r.stderr).toBe(0);
      expectNoSecret(r);
    }
  });
});
