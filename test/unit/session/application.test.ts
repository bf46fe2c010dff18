import { describe, expect, it } from 'vitest';
import { classpath, type StagedResource } from '../../../src/session/am-container.js';
import {
  applicationJobId,
  buildSessionPlan,
  encodeListOption,
  type SessionPlanInput,
} from '../../../src/session/plan.js';
import { maskProgramArgs, publicPlan } from '../../../src/session/public-plan.js';
import { failureFromLog, rootCause } from '../../../src/flink/rest-client.js';
import { splitRunArgs } from '../../../src/cli/main.js';
import { HA, model } from '../validation/helpers.js';

const base = 'hdfs://nn:8020/user/alice/.flink/application_1700000000000_0001';
const resource = (key: string, role: StagedResource['role']): StagedResource => ({
  key,
  uri: `${base}/${key}`,
  size: 1,
  modificationTime: 1,
  visibility: 'APPLICATION',
  type: 'FILE',
  role,
});
const resources = [
  resource('flink-dist-1.20.1.jar', 'dist'),
  resource('lib/log4j-core-2.17.1.jar', 'ship'),
  resource('log4j.properties', 'ship'),
  resource('WordCount.jar', 'user'),
  resource('flink-conf.yaml', 'config'),
];

function input(overrides: Partial<SessionPlanInput> & { flink?: string } = {}): SessionPlanInput {
  const { flink = `${HA}\njobmanager.memory.process.size: 1600m`, ...rest } = overrides;
  return {
    config: model({ flink, yarnSite: { 'yarn.resourcemanager.am.max-attempts': '4' } }),
    hadoopVersion: '3.4.2',
    applicationId: 'application_1700000000000_0001',
    entrypoint: 'application',
    detached: false,
    user: 'alice',
    defaultFs: 'hdfs://nn:8020',
    stagingBase: '/user/alice',
    resources,
    defaultName: 'Flink Application Cluster',
    program: {
      jarPath: '/jobs/WordCount.jar',
      mainClass: 'org.example.Main',
      args: ['--input', 'a;b'],
      parallelism: 3,
    },
    ...rest,
  };
}

const env = (plan: ReturnType<typeof buildSessionPlan>) =>
  Object.fromEntries(plan.submission['am-container-spec']!.environment.entry.map((e) => [e.key, e.value]));
const command = (plan: ReturnType<typeof buildSessionPlan>) => plan.submission['am-container-spec']!.commands.command;

describe('application mode (flink-yarn run)', () => {
  it('starts the application entrypoint with the keys it reads', () => {
    const plan = buildSessionPlan(input());
    expect(command(plan)).toContain('org.apache.flink.yarn.entrypoint.YarnApplicationClusterEntryPoint');
    expect(plan.submission['application-name']).toBe('Flink Application Cluster');
    expect(plan.shippedConfig).toMatchObject({
      'execution.target': 'yarn-application',
      'execution.attached': 'true',
      'pipeline.jars': 'file:/jobs/WordCount.jar',
      '$internal.application.main': 'org.example.Main',
      '$internal.application.program-args': "--input;'a;b'",
      'parallelism.default': '3',
    });
  });

  it('puts the user jar on the classpath and in the ship list as Flink orders them', () => {
    const e = env(buildSessionPlan(input()));
    expect(e._FLINK_CLASSPATH).toBe(':WordCount.jar:lib/log4j-core-2.17.1.jar:flink-dist-1.20.1.jar:flink-conf.yaml:');
    expect(e._CLIENT_SHIP_FILES).toContain("'resourceKey':'WordCount.jar'");
  });

  it('follows yarn.classpath.include-user-jar, and rejects a value Flink does not know', () => {
    const with_ = (value: string) =>
      buildSessionPlan(
        input({ flink: `${HA}\njobmanager.memory.process.size: 1600m\nyarn.classpath.include-user-jar: ${value}` }),
      );
    expect(env(with_('FIRST'))._FLINK_CLASSPATH!.startsWith('WordCount.jar::')).toBe(true);
    expect(env(with_('LAST'))._FLINK_CLASSPATH!.endsWith('flink-conf.yaml:WordCount.jar:')).toBe(true);
    expect(env(with_('DISABLED'))._FLINK_CLASSPATH).not.toContain('WordCount.jar');
    expect(with_('sometimes').diagnostics.map((d) => d.code)).toContain('USER_JAR_INCLUSION_INVALID');
  });

  it('fixes the job id from the cluster-id under HA, as Flink does, and only then', () => {
    // "application_1700000000000_0001".hashCode() == 894474789 == 0x35509a25 in Java.
    expect(applicationJobId('application_1700000000000_0001')).toBe('0000000035509a250000000000000000');
    expect(applicationJobId('')).toBe('0'.repeat(32));
    // A negative hash sign-extends: "polygenelubricants".hashCode() == Integer.MIN_VALUE.
    expect(applicationJobId('polygenelubricants')).toBe('ffffffff800000000000000000000000');
    expect(buildSessionPlan(input()).program?.jobId).toBe('0000000035509a250000000000000000');
    expect(buildSessionPlan(input({ flink: 'jobmanager.memory.process.size: 1600m' })).program?.jobId).toBeNull();
  });

  it('encodes list options for each Flink generation', () => {
    expect(encodeListOption(['a', 'b c', "it's", 'x;y'], false)).toBe("a;b c;'it''s';'x;y'");
    expect(encodeListOption(['a', '--n', '5'], true)).toBe('["a","--n","5"]');
    const flink2 = buildSessionPlan(input({ flinkVersion: '2.2.0' }));
    expect(flink2.shippedConfig['$internal.application.program-args']).toBe('["--input","a;b"]');
  });

  it('runs a JobGraph on the per-job entrypoint, detached so the cluster ends with its job', () => {
    const plan = buildSessionPlan(
      input({ entrypoint: 'job', resources: [...resources, resource('job.graph', 'job-graph')] }),
    );
    expect(command(plan)).toContain('org.apache.flink.yarn.entrypoint.YarnJobClusterEntrypoint');
    expect(plan.shippedConfig).toMatchObject({
      'execution.target': 'yarn-per-job',
      'internal.jobgraph-path': 'job.graph',
      'internal.cluster.execution-mode': 'DETACHED',
    });
    const e = env(plan);
    expect(e._FLINK_CLASSPATH!.endsWith('flink-dist-1.20.1.jar:job.graph:flink-conf.yaml:')).toBe(true);
    expect(e._CLIENT_SHIP_FILES).not.toContain('job.graph');
    const on2 = buildSessionPlan(input({ entrypoint: 'job', flinkVersion: '2.2.0' }));
    expect(on2.diagnostics.find((d) => d.code === 'PER_JOB_REMOVED')?.severity).toBe('error');
  });

  it('shows the program in the public plan, without secret-looking argument values', () => {
    expect(maskProgramArgs(['--password', 'hunter2', '--token=abc', '--input', 'x'])).toEqual([
      '--password',
      '******',
      '--token=******',
      '--input',
      'x',
    ]);
    const shown = publicPlan(
      buildSessionPlan(input({ program: { jarPath: '/j.jar', args: ['--secret', 'hunter2'] } })),
    );
    expect(shown.program!.entrypoint).toBe('application');
    expect(JSON.stringify(shown)).not.toContain('hunter2');
  });

  it('orders a session classpath as before', () => {
    expect(
      classpath(
        resources.filter((r) => r.role !== 'user'),
        'ORDER',
      ),
    ).toEqual(['', 'lib/log4j-core-2.17.1.jar', 'flink-dist-1.20.1.jar', 'flink-conf.yaml']);
  });
});

describe('finding why a job failed', () => {
  it('takes the deepest cause of a Java stack trace', () => {
    const trace = [
      'org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy',
      '\tat org.apache.flink...',
      'Caused by: java.lang.RuntimeException: wrapper',
      '\tat x',
      'Caused by: java.lang.IllegalStateException: boom',
      '\tat y',
    ].join('\n');
    expect(rootCause(trace)).toBe('java.lang.IllegalStateException: boom');
    expect(rootCause('java.io.IOException: disk\n\tat z')).toBe('java.io.IOException: disk');
  });

  it('reads the failure from a JobManager log, and nothing from a clean one', () => {
    const log = [
      '2026-11-24 06:30:00,000 INFO  Job FlyWordCount (00000000436265dc0000000000000000) switched from state RUNNING to FAILING.',
      'org.apache.flink.runtime.JobException: Recovery is suppressed',
      '2026-11-24 06:30:01,000 INFO  Job FlyWordCount (00000000436265dc0000000000000000) switched from state FAILING to FAILED.',
      'org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy',
      '\tat a',
      'Caused by: java.lang.IllegalStateException: FlyWordCount: failing on purpose after 5',
      '\tat b',
      '2026-11-24 06:30:01,100 INFO  Shutting down',
    ].join('\n');
    expect(failureFromLog(log)).toBe('java.lang.IllegalStateException: FlyWordCount: failing on purpose after 5');
    expect(failureFromLog('2026-11-24 06:30:00,000 INFO  switched from state RUNNING to FINISHED.')).toBeNull();
  });
});

describe('run [options] JAR [program args]', () => {
  it('gives everything after the jar to the program, as flink run does', () => {
    expect(splitRunArgs(['run', '-p', '2', '--class', 'C', 'job.jar', '--input', 'x', '-d'])).toEqual({
      argv: ['run', 'job.jar', '-p', '2', '--class', 'C'],
      programArgs: ['--input', 'x', '-d'],
    });
  });

  it('skips the values of options, kebab-cased too; a -- before the jar ends the options', () => {
    expect(splitRunArgs(['run', '--application-id', 'a_1_1', '-d', 'job.jar', '--', '--x'])).toEqual({
      argv: ['run', 'job.jar', '--application-id', 'a_1_1', '-d'],
      programArgs: ['--', '--x'],
    });
    expect(splitRunArgs(['run', '-d', '--', 'job.jar'])).toEqual({ argv: ['run', 'job.jar', '-d'], programArgs: [] });
    expect(splitRunArgs(['list', '--states', 'RUNNING'])).toEqual({
      argv: ['list', '--states', 'RUNNING'],
      programArgs: [],
    });
  });
});
