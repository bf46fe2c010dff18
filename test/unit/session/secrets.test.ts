import { describe, expect, it } from 'vitest';
import { MASK, maskConfiguration } from '../../../src/config/secrets.js';
import { maskAmContainerSpec, type AmContainerSpec, type StagedResource } from '../../../src/session/am-container.js';
import { buildSessionPlan, type SessionPlanInput } from '../../../src/session/plan.js';
import { publicPlan } from '../../../src/session/public-plan.js';
import { renderLegacyConfig, renderStandardConfig } from '../../../src/session/shipped-config.js';
import { HA, model } from '../validation/helpers.js';

// Each leak of issue 13 carries its own secret, so a failure names the path that leaked.
const SECRETS = {
  jvmPassword: 'jvm-opt-s3cr3t',
  keyStore: 'keystore-s3cr3t',
  jmDefaultOpts: 'jm-default-s3cr3t',
  envPassword: 'env-db-s3cr3t',
  envPwd: 'env-mysql-s3cr3t',
  envUrl: 'env-url-s3cr3t',
  envJavaTool: 'env-tool-s3cr3t',
  tmToken: 'tm-token-s3cr3t',
  configKey: 'ssl-key-s3cr3t',
  argAfterFlag: 'arg-flag-s3cr3t',
  argPass: 'arg-pass-s3cr3t',
  argEquals: 'arg-equals-s3cr3t',
  argPlain: 'arg-plain-s3cr3t',
  argJdbc: 'arg-jdbc-s3cr3t',
  argUrl: 'arg-url-s3cr3t',
  dynamic: 'dynamic-s3cr3t',
};

const flinkConf = [
  HA,
  'jobmanager.memory.process.size: 1600m',
  `env.java.opts.all: -Dpassword=${SECRETS.jvmPassword} -Djavax.net.ssl.keyStorePassword=${SECRETS.keyStore}`,
  `env.java.opts.jobmanager: -Dtrust.password=${SECRETS.jmDefaultOpts}`,
  `containerized.master.env.DB_PASSWORD: ${SECRETS.envPassword}`,
  `containerized.master.env.MYSQL_PWD: ${SECRETS.envPwd}`,
  `containerized.master.env.DATABASE_URL: jdbc:postgresql://db/app?user=u&password=${SECRETS.envUrl}`,
  `containerized.master.env.JAVA_TOOL_OPTIONS: -Djavax.net.ssl.trustStorePassword=${SECRETS.envJavaTool}`,
  `containerized.taskmanager.env.API_TOKEN: ${SECRETS.tmToken}`,
  `security.ssl.rest.key-password: ${SECRETS.configKey}`,
].join('\n');

const programArgs = [
  '--input',
  'in.txt',
  '--password',
  SECRETS.argAfterFlag,
  '--pass',
  SECRETS.argPass,
  `--password=${SECRETS.argEquals}`,
  `password=${SECRETS.argPlain}`,
  '--db',
  `jdbc:mysql://db/app?user=u&password=${SECRETS.argJdbc}`,
  `https://u:${SECRETS.argUrl}@host/x`,
];

const resource = (key: string, role: StagedResource['role']): StagedResource => ({
  key,
  uri: `hdfs://nn:8020/user/alice/.flink/application_1_0001/${key}`,
  size: 1,
  modificationTime: 1,
  visibility: 'APPLICATION',
  type: 'FILE',
  role,
});

function input(overrides: Partial<SessionPlanInput> = {}): SessionPlanInput {
  return {
    config: model({
      flink: flinkConf,
      yarnSite: { 'yarn.resourcemanager.am.max-attempts': '4' },
      dynamic: { 'security.ssl.internal.keystore-password': SECRETS.dynamic },
    }),
    hadoopVersion: '3.4.2',
    applicationId: 'application_1_0001',
    entrypoint: 'application',
    detached: true,
    user: 'alice',
    defaultFs: 'hdfs://nn:8020',
    stagingBase: '/user/alice',
    resources: [
      resource('flink-dist-1.20.1.jar', 'dist'),
      resource('WordCount.jar', 'user'),
      resource('flink-conf.yaml', 'config'),
    ],
    defaultName: 'Flink Application Cluster',
    program: { jarPath: '/jobs/WordCount.jar', args: programArgs },
    ...overrides,
  };
}

/** The secrets that reach the submission body: the AM's environment and start command. */
const IN_SUBMISSION = [
  SECRETS.jvmPassword,
  SECRETS.keyStore,
  SECRETS.jmDefaultOpts,
  SECRETS.envPassword,
  SECRETS.envPwd,
  SECRETS.envUrl,
  SECRETS.envJavaTool,
];

describe('the plan shown is masked; what the cluster gets is not', () => {
  it('shows no secret of any kind in the public plan (JSON and text alike)', () => {
    for (const flinkVersion of ['1.20.1', '2.2.0', '1.18.1']) {
      const shown = JSON.stringify(publicPlan(buildSessionPlan(input({ flinkVersion }))), null, 2);
      for (const [name, secret] of Object.entries(SECRETS))
        expect(shown, `${name} on ${flinkVersion}`).not.toContain(secret);
    }
  });

  it('masks the leaks where they are, keeping what is around them', () => {
    const shown = publicPlan(buildSessionPlan(input()));
    const spec = shown.submission['am-container-spec']!;
    const env = Object.fromEntries(spec.environment.entry.map((e) => [e.key, e.value]));
    expect(env.DB_PASSWORD).toBe(MASK);
    expect(env.MYSQL_PWD).toBe(MASK);
    expect(env.DATABASE_URL).toBe(`jdbc:postgresql://db/app?user=u&password=${MASK}`);
    expect(env.JAVA_TOOL_OPTIONS).toBe(`-Djavax.net.ssl.trustStorePassword=${MASK}`);
    expect(env._FLINK_CLASSPATH).toContain('flink-dist-1.20.1.jar');
    expect(spec.commands.command).toContain(`-Dpassword=${MASK} -Djavax.net.ssl.keyStorePassword=${MASK}`);
    expect(spec.commands.command).toContain('YarnApplicationClusterEntryPoint');
    expect(shown.program!.args).toEqual([
      '--input',
      'in.txt',
      '--password',
      MASK,
      '--pass',
      MASK,
      `--password=${MASK}`,
      `password=${MASK}`,
      '--db',
      `jdbc:mysql://db/app?user=u&password=${MASK}`,
      `https://u:${MASK}@host/x`,
    ]);
  });

  it('sends the real values: the submission body and the shipped configuration are unmasked', () => {
    const plan = buildSessionPlan(input());
    const body = JSON.stringify(plan.submission);
    for (const secret of IN_SUBMISSION) expect(body).toContain(secret);
    expect(body).not.toContain(MASK);
    const shipped = plan.shippedConfig;
    expect(shipped['containerized.taskmanager.env.API_TOKEN']).toBe(SECRETS.tmToken);
    expect(shipped['security.ssl.rest.key-password']).toBe(SECRETS.configKey);
    expect(shipped['security.ssl.internal.keystore-password']).toBe(SECRETS.dynamic);
    for (const render of [renderLegacyConfig, renderStandardConfig]) {
      const file = render(shipped);
      for (const secret of Object.values(SECRETS)) expect(file).toContain(secret);
      expect(file).not.toContain(MASK);
    }
    expect(plan.program!.args).toEqual(programArgs);
  });

  it('keeps the Hadoop 2.5 string-scalar body unmasked too', () => {
    const plan = buildSessionPlan(input({ hadoopVersion: '2.5.2' }));
    for (const secret of IN_SUBMISSION) expect(JSON.stringify(plan.submission)).toContain(secret);
    expect(JSON.stringify(publicPlan(plan))).not.toContain('s3cr3t');
  });

  it('masks the shipped configuration when it is shown', () => {
    const shown = JSON.stringify(maskConfiguration(buildSessionPlan(input()).shippedConfig));
    for (const [name, secret] of Object.entries(SECRETS)) expect(shown, name).not.toContain(secret);
    expect(shown).toContain('"high-availability.zookeeper.quorum":"localhost:2181"');
  });

  it('masks tokens and secrets in the container credentials, when a spec carries them', () => {
    const spec = {
      'local-resources': { entry: [] },
      environment: { entry: [] },
      commands: { command: 'java' },
      credentials: { tokens: { entry: [{ key: 'HDFS_DELEGATION_TOKEN', value: 'token-s3cr3t' }] } },
    } as AmContainerSpec;
    const shown = JSON.stringify(maskAmContainerSpec(spec));
    expect(shown).not.toContain('token-s3cr3t');
    expect(shown).toContain('HDFS_DELEGATION_TOKEN');
  });
});
