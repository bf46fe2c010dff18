import { describe, expect, it } from 'vitest';
import { descriptor, type StagedResource } from '../../../src/session/am-container.js';
import { jobManagerMemory, memoryDynamicArgs } from '../../../src/session/memory.js';
import {
  buildSessionPlan,
  JAVA_17_OPTIONS,
  stringifyScalars,
  type SessionPlanInput,
} from '../../../src/session/plan.js';
import { publicPlan } from '../../../src/session/public-plan.js';
import { policyFor, VERSION_POLICY } from '../../../src/policy/yarn-version.js';
import { HA } from '../validation/helpers.js';
import { planInput } from './plan-input.js';

const resources: StagedResource[] = [
  {
    key: 'flink-dist-1.20.1.jar',
    uri: 'hdfs://nn:8020/user/alice/.flink/application_1_0001/flink-dist-1.20.1.jar',
    size: 100,
    modificationTime: 1,
    visibility: 'APPLICATION',
    type: 'FILE',
    role: 'dist',
  },
  {
    key: 'lib/log4j-core-2.17.1.jar',
    uri: 'hdfs://nn:8020/user/alice/.flink/application_1_0001/lib/log4j-core-2.17.1.jar',
    size: 20,
    modificationTime: 2,
    visibility: 'APPLICATION',
    type: 'FILE',
    role: 'ship',
  },
  {
    key: 'lib/hadoop-client-api-3.4.2.jar',
    uri: 'hdfs://nn:8020/user/alice/.flink/application_1_0001/lib/hadoop-client-api-3.4.2.jar',
    size: 30,
    modificationTime: 3,
    visibility: 'APPLICATION',
    type: 'FILE',
    role: 'ship',
  },
  {
    key: 'log4j.properties',
    uri: 'hdfs://nn:8020/user/alice/.flink/application_1_0001/log4j.properties',
    size: 4,
    modificationTime: 4,
    visibility: 'APPLICATION',
    type: 'FILE',
    role: 'ship',
  },
  {
    key: 'plugins/metrics/x.jar',
    uri: 'hdfs://nn:8020/user/alice/.flink/application_1_0001/plugins/metrics/x.jar',
    size: 5,
    modificationTime: 5,
    visibility: 'APPLICATION',
    type: 'FILE',
    role: 'plugin',
  },
  {
    key: 'flink-conf.yaml',
    uri: 'hdfs://nn:8020/user/alice/.flink/application_1_0001/flink-conf.yaml',
    size: 6,
    modificationTime: 6,
    visibility: 'APPLICATION',
    type: 'FILE',
    role: 'config',
  },
];

function input(overrides: Parameters<typeof planInput>[1] = {}): SessionPlanInput {
  return planInput(resources, overrides);
}

const env = (plan: ReturnType<typeof buildSessionPlan>) =>
  Object.fromEntries(plan.submission['am-container-spec']!.environment.entry.map((e) => [e.key, e.value]));

describe('the version policy table', () => {
  it.each([
    ['2.3.0', { restSubmit: false, keepContainers: false }],
    ['2.4.0', { restSubmit: false, knownBug: expect.stringContaining('YARN-2065') }],
    ['2.4.1', { restSubmit: false }],
    [
      '2.5.2',
      {
        restSubmit: true,
        numbersAsStrings: true,
        keepContainers: true,
        validityIntervalOverRest: false,
        nodeLabels: false,
      },
    ],
    [
      '2.6.0',
      {
        restSubmit: true,
        numbersAsStrings: false,
        validityIntervalOverRest: false,
        validityIntervalInYarn: true,
        nodeLabels: true,
      },
    ],
    ['2.7.3', { restSubmit: true, validityIntervalOverRest: false, priority: false, amRpcAddress: false }],
    ['2.8.5', { restSubmit: true, validityIntervalOverRest: false, priority: true, amRpcAddress: true }],
    ['2.9.0', { restSubmit: true, validityIntervalOverRest: true }],
    ['3.4.2', { restSubmit: true, keepContainers: true, validityIntervalOverRest: true, numbersAsStrings: false }],
    ['3.5.0', { restSubmit: true, validityIntervalOverRest: true }],
  ])('Hadoop %s', (version, expected) => {
    const [a, b, c] = version.split('.').map(Number) as [number, number, number];
    expect(policyFor([a, b, c])).toMatchObject(expected);
  });

  it('is ordered', () => {
    const keys = VERSION_POLICY.map((r) => r.from.join('.'));
    expect(keys).toEqual([...keys].sort((x, y) => x.localeCompare(y, undefined, { numeric: true })));
  });
});

describe('buildSessionPlan', () => {
  it('caps 10 attempts at 2 and says why', () => {
    const plan = buildSessionPlan(
      input({ flink: `${HA}\njobmanager.memory.process.size: 1600m\nyarn.application-attempts: 10`, cap: '2' }),
    );
    expect(plan.attempts).toEqual({ requested: 10, cap: 2, effective: 2 });
    expect(plan.submission['max-app-attempts']).toBe(2);
    expect(plan.diagnostics.find((d) => d.code === 'ATTEMPTS_CAPPED_BY_YARN')?.message).toMatch(/YARN will use 2/);
  });

  it('takes the cluster-id from -z, then config, then the application id', () => {
    expect(buildSessionPlan(input()).clusterId).toBe('application_1_0001');
    expect(buildSessionPlan(input()).shippedConfig['high-availability.cluster-id']).toBe('application_1_0001');
    const configured = input({
      flink: `${HA}\njobmanager.memory.process.size: 1600m\nhigh-availability.cluster-id: /fixed`,
    });
    expect(buildSessionPlan(configured).clusterId).toBe('/fixed');
    expect(buildSessionPlan({ ...configured, zookeeperNamespace: 'mine' }).clusterId).toBe('mine');
    expect(
      buildSessionPlan({ ...configured, zookeeperNamespace: 'mine' }).shippedConfig['high-availability.cluster-id'],
    ).toBe('mine');
  });

  it('keeps containers and sets the validity interval with HA on a modern RM, and warns about a short one', () => {
    const plan = buildSessionPlan(input());
    expect(plan.policy).toMatchObject({ keepContainers: true, attemptFailuresValidityInterval: 10_000 });
    expect(plan.submission).toMatchObject({
      'keep-containers-across-application-attempts': true,
      'attempt-failures-validity-interval': 10_000,
    });
    expect(plan.diagnostics.map((d) => d.code)).toContain('VALIDITY_INTERVAL_SHORT');
    const long = buildSessionPlan(
      input({
        flink: `${HA}\njobmanager.memory.process.size: 1600m\nyarn.application-attempt-failures-validity-interval: 600000`,
      }),
    );
    expect(long.policy.attemptFailuresValidityInterval).toBe(600_000);
    expect(long.diagnostics.map((d) => d.code)).not.toContain('VALIDITY_INTERVAL_SHORT');
  });

  it("refuses a unit on the validity interval, which Flink's client reads as a plain number of milliseconds", () => {
    const plan = buildSessionPlan(
      input({
        flink: `${HA}\njobmanager.memory.process.size: 1600m\nyarn.application-attempt-failures-validity-interval: 10 min`,
      }),
    );
    const found = plan.diagnostics.find((d) => d.key === 'yarn.application-attempt-failures-validity-interval');
    expect(found).toMatchObject({ severity: 'error', code: 'INVALID_VALUE' });
    expect(found?.message).toMatch(/plain number of milliseconds.*300000 for 5 minutes/);
  });

  it('neither keeps containers nor sets an interval without HA', () => {
    const plan = buildSessionPlan(input({ flink: 'jobmanager.memory.process.size: 1600m' }));
    expect(plan.attempts.effective).toBe(1);
    expect(plan.submission['keep-containers-across-application-attempts']).toBe(false);
    expect(plan.submission).not.toHaveProperty('attempt-failures-validity-interval');
  });

  it('says the attempt counter never resets where REST cannot carry the interval (2.6-2.8)', () => {
    const plan = buildSessionPlan(input({ hadoopVersion: '2.7.3' }));
    expect(plan.policy.attemptFailuresValidityInterval).toBeNull();
    expect(plan.diagnostics.find((d) => d.code === 'VALIDITY_INTERVAL_NOT_CARRIED')?.message).toMatch(
      /counts every AM failure/,
    );
  });

  it('sends strings to a 2.5 RM', () => {
    const plan = buildSessionPlan(input({ hadoopVersion: '2.5.2' }));
    expect(plan.submission['max-app-attempts']).toBe('2');
    expect(plan.submission['resource']).toEqual({ memory: '1792', vCores: '1' });
    expect(stringifyScalars({ a: [1, true, 'x'] })).toEqual({ a: ['1', 'true', 'x'] });
  });

  it('refuses an RM without REST submission, and warns about 2.4.0', () => {
    const plan = buildSessionPlan(input({ hadoopVersion: '2.4.0' }));
    expect(plan.diagnostics.map((d) => [d.code, d.severity])).toEqual(
      expect.arrayContaining([
        ['YARN_REST_SUBMIT_UNSUPPORTED', 'error'],
        ['YARN_2065', 'warning'],
      ]),
    );
  });

  it('sizes the AM from -jm, rounded up to the minimum allocation, and fails over the maximum', () => {
    const plan = buildSessionPlan(input());
    expect(plan.policy.amMemoryMb).toBe(1792);
    expect(plan.diagnostics.map((d) => d.code)).toContain('AM_MEMORY_ROUNDED');
    const big = buildSessionPlan({
      ...input({ flink: `${HA}\njobmanager.memory.process.size: 16g` }),
      maximumCapability: { memory: 4096, vCores: 4 },
    });
    expect(big.diagnostics.find((d) => d.code === 'AM_MEMORY_OVER_MAX')?.severity).toBe('error');
    expect(buildSessionPlan(input({ flink: HA })).diagnostics.map((d) => d.code)).toContain('JM_MEMORY_UNSET');
  });

  it('names, types, queues and tags the application', () => {
    const plan = buildSessionPlan(
      input({
        flink: `${HA}\njobmanager.memory.process.size: 1600m\nyarn.application.name: mine\nyarn.application.queue: q1\nyarn.tags: a, b\nyarn.application.priority: 3`,
      }),
    );
    expect(plan.submission).toMatchObject({
      'application-name': 'mine',
      'application-type': 'Apache Flink',
      queue: 'q1',
      priority: 3,
      'application-tags': { tag: ['a', 'b'] },
    });
  });

  it("sends the queue's default priority when none is set: over REST an absent one is -1, below every application", () => {
    const flink = `${HA}\njobmanager.memory.process.size: 1600m`;
    expect(buildSessionPlan(input({ flink })).submission.priority).toBe(0);
    expect(buildSessionPlan(input({ flink, queueDefaultPriority: 5 })).submission.priority).toBe(5);
    // A configured priority wins, 0 included.
    expect(
      buildSessionPlan(input({ flink: `${flink}\nyarn.application.priority: 0`, queueDefaultPriority: 5 })).submission
        .priority,
    ).toBe(0);
  });

  it("records the client-side paths Flink's client ships: conf dir, log configuration (the TaskManagers' -Dlog4j), dist jar", () => {
    const flink = `${HA}\njobmanager.memory.process.size: 1600m`;
    const local = {
      confDir: '/etc/flink',
      logConfigFile: '/etc/flink/log4j.properties',
      distJar: '/opt/flink/lib/flink-dist.jar',
    };
    expect(buildSessionPlan(input({ flink, local, detached: true })).shippedConfig).toMatchObject({
      '$internal.deployment.config-dir': '/etc/flink',
      '$internal.yarn.log-config-file': '/etc/flink/log4j.properties',
      'yarn.flink-dist-jar': 'file:/opt/flink/lib/flink-dist.jar',
      'execution.attached': 'false',
      // Flink's client: NORMAL for a session, -d or not.
      'internal.cluster.execution-mode': 'NORMAL',
    });
    const set = buildSessionPlan(
      input({ flink: `${flink}\n$internal.yarn.log-config-file: /mine/log4j2.xml`, local }),
    ).shippedConfig;
    expect(set['$internal.yarn.log-config-file']).toBe('/mine/log4j2.xml');
    expect(buildSessionPlan(input({ flink, local: { confDir: '/etc/flink' } })).shippedConfig).not.toHaveProperty(
      '$internal.yarn.log-config-file',
    );
  });

  it("sets yarn.view.acls / yarn.modify.acls as the AM container's application ACLs, and refuses a mixed wildcard", () => {
    const flink = `${HA}\njobmanager.memory.process.size: 1600m`;
    const spec = (extra: string) =>
      buildSessionPlan(input({ flink: `${flink}\n${extra}` })).submission['am-container-spec'] as {
        'application-acls'?: unknown;
      };
    expect(spec('yarn.view.acls: alice,bob ops\nyarn.modify.acls: *')['application-acls']).toEqual({
      entry: [
        { key: 'VIEW_APP', value: 'alice,bob ops' },
        { key: 'MODIFY_APP', value: '*' },
      ],
    });
    expect(spec('yarn.view.acls: alice')['application-acls']).toEqual({ entry: [{ key: 'VIEW_APP', value: 'alice' }] });
    expect(spec('')).not.toHaveProperty('application-acls');
    const mixed = buildSessionPlan(input({ flink: `${flink}\nyarn.modify.acls: alice,*` }));
    expect(mixed.diagnostics.find((d) => d.code === 'ACL_WILDCARD_MIXED')).toMatchObject({
      severity: 'error',
      key: 'yarn.modify.acls',
    });
  });

  it('builds the AM command from yarn.container-start-command-template, spaced as Flink spaces it', () => {
    const flink = `${HA}\njobmanager.memory.process.size: 1600m`;
    const command = (extra = '') =>
      (
        buildSessionPlan(input({ flink: `${flink}\n${extra}` })).submission['am-container-spec'] as {
          commands: { command: string };
        }
      ).commands.command;
    const standard = command();
    expect(
      command('yarn.container-start-command-template: %java% %jvmmem% %jvmopts% %logging% %class% %args% %redirects%'),
    ).toBe(standard);
    const custom = command('yarn.container-start-command-template: nice -n 5  %java% %jvmopts% %class% %redirects%');
    expect(custom.startsWith('nice -n 5 $JAVA_HOME/bin/java ')).toBe(true);
    expect(custom).toContain(
      'org.apache.flink.yarn.entrypoint.YarnSessionClusterEntrypoint 1> <LOG_DIR>/jobmanager.out',
    );
    expect(custom).not.toContain('-Xmx');
  });

  it("checks the TaskManagers as Flink's client does before deploying: memory configured, within the largest container", () => {
    const codes = (flink: string, capability = { memory: 4096, vCores: 4 }) =>
      buildSessionPlan(
        input({ flink: `${HA}\njobmanager.memory.process.size: 1600m\n${flink}`, maximumCapability: capability }),
      )
        .diagnostics.filter((d) => d.code.startsWith('TM_'))
        .map((d) => `${d.severity} ${d.code}`);
    expect(codes('')).toEqual(['error TM_MEMORY_UNSET']);
    expect(codes('taskmanager.memory.process.size: 1728m')).toEqual([]);
    expect(codes('taskmanager.memory.flink.size: 1280m')).toEqual([]);
    expect(codes('taskmanager.memory.task.heap.size: 512m\ntaskmanager.memory.managed.size: 512m')).toEqual([]);
    expect(codes('taskmanager.memory.task.heap.size: 512m')).toEqual(['error TM_MEMORY_UNSET']);
    expect(codes('taskmanager.heap.size: 1g')).toEqual([]);
    expect(codes('taskmanager.memory.process.size: 8g')).toEqual(['error TM_MEMORY_OVER_MAX']);
    // Vcores: yarn.containers.vcores, else the slots.
    expect(codes('taskmanager.memory.process.size: 1g\ntaskmanager.numberOfTaskSlots: 8')).toEqual([
      'error TM_VCORES_OVER_MAX',
    ]);
    expect(
      codes('taskmanager.memory.process.size: 1g\ntaskmanager.numberOfTaskSlots: 8\nyarn.containers.vcores: 2'),
    ).toEqual([]);
  });

  it("gives the AM Flink's logging flags for log4j.properties and logback.xml, and none for another file", () => {
    const flink = `${HA}\njobmanager.memory.process.size: 1600m`;
    const command = (logConfigFile: string) =>
      (
        buildSessionPlan(input({ flink, local: { confDir: '/etc/flink', logConfigFile } })).submission[
          'am-container-spec'
        ] as { commands: { command: string } }
      ).commands.command;
    expect(command('/etc/flink/logback.xml')).toContain(
      '-Dlog.file="<LOG_DIR>/jobmanager.log" -Dlogback.configurationFile=file:logback.xml',
    );
    expect(command('/etc/flink/log4j.properties')).toContain('-Dlog4j.configurationFile=file:log4j.properties');
    expect(command('/etc/flink/log4j2-yarn.xml')).not.toContain('-Dlog.file');
  });

  it('lays out the AM container as Flink does', () => {
    const plan = buildSessionPlan(
      input({ flink: `${HA}\njobmanager.memory.process.size: 1600m\ncontainerized.master.env.MY_VAR: 1` }),
    );
    const e = env(plan);
    expect(e._FLINK_CLASSPATH).toBe(
      ':lib/hadoop-client-api-3.4.2.jar:lib/log4j-core-2.17.1.jar:flink-dist-1.20.1.jar:flink-conf.yaml:',
    );
    expect(e._FLINK_DIST_JAR).toBe(
      "{'resourceKey':'flink-dist-1.20.1.jar','path':'hdfs://nn:8020/user/alice/.flink/application_1_0001/flink-dist-1.20.1.jar','size':100,'modificationTime':1,'visibility':'APPLICATION','resourceType':'FILE'}",
    );
    expect(e._CLIENT_SHIP_FILES!.split(';')).toHaveLength(5);
    expect(e._FLINK_YARN_FILES).toBe('hdfs://nn:8020/user/alice/.flink/application_1_0001');
    expect(e.HADOOP_USER_NAME).toBe('alice');
    expect(e.MY_VAR).toBe('1');
    expect(e.CLASSPATH!.startsWith(`${e._FLINK_CLASSPATH}:$HADOOP_CONF_DIR`)).toBe(true);
    const command = plan.submission['am-container-spec']!.commands.command;
    expect(command).toMatch(
      /^\$JAVA_HOME\/bin\/java -Xmx1073741824 -Xms1073741824 -XX:MaxMetaspaceSize=268435456 -XX:\+IgnoreUnrecognizedVMOptions -Dlog.file=/,
    );
    expect(command).toContain('-Dlog.file="<LOG_DIR>/jobmanager.log"');
    expect(command).toContain(
      'org.apache.flink.yarn.entrypoint.YarnSessionClusterEntrypoint -D jobmanager.memory.off-heap.size=134217728b',
    );
    expect(command.endsWith('1> <LOG_DIR>/jobmanager.out 2> <LOG_DIR>/jobmanager.err')).toBe(true);
  });

  it('ships the configuration Flink would: cluster-id, target, mode, no localhost binds', () => {
    const plan = buildSessionPlan(
      input({
        flink: `${HA}\njobmanager.memory.process.size: 1600m\njobmanager.bind-host: localhost\ntaskmanager.host: x`,
        detached: false,
      }),
    );
    expect(plan.shippedConfig).toMatchObject({
      'execution.target': 'yarn-session',
      'internal.cluster.execution-mode': 'NORMAL',
    });
    expect(plan.shippedConfig).not.toHaveProperty('jobmanager.bind-host');
    expect(plan.shippedConfig).not.toHaveProperty('taskmanager.host');
  });

  it("follows the configuration's JVM options, as Flink's client: no Java 17 flags of its own, and a warning without them", () => {
    const command = (p: ReturnType<typeof buildSessionPlan>) => p.submission['am-container-spec']!.commands.command;
    const bare = buildSessionPlan(
      input({
        flink: `${HA}
jobmanager.memory.process.size: 1600m`,
      }),
    );
    expect(bare.shippedConfig).not.toHaveProperty('env.java.opts.all');
    expect(command(bare)).not.toContain('--add-opens');
    expect(bare.diagnostics.find((d) => d.code === 'JAVA_MODULE_OPTIONS_UNSET')?.severity).toBe('warning');
    const configured = buildSessionPlan(
      input({
        flink: `${HA}
jobmanager.memory.process.size: 1600m
env.java.opts.all: ${JAVA_17_OPTIONS}`,
      }),
    );
    expect(command(configured)).toContain('--add-opens=java.base/java.lang=ALL-UNNAMED');
    expect(configured.diagnostics.map((d) => d.code)).not.toContain('JAVA_MODULE_OPTIONS_UNSET');
    // An administrator's env.java.default-opts.all reaches both processes too.
    const byDefault = buildSessionPlan(
      input({ flink: `${HA}\njobmanager.memory.process.size: 1600m\nenv.java.default-opts.all: ${JAVA_17_OPTIONS}` }),
    );
    expect(command(byDefault)).toContain('--add-opens=java.base/java.lang=ALL-UNNAMED');
    expect(byDefault.diagnostics.map((d) => d.code)).not.toContain('JAVA_MODULE_OPTIONS_UNSET');
  });

  it('percent-encodes what a URI path cannot hold in resource locations, and keeps the plain path in the descriptors', () => {
    const odd: StagedResource = {
      key: 'my data/100%.csv',
      uri: 'hdfs://nn:8020/user/alice/.flink/application_1_0001/my data/100%.csv',
      size: 9,
      modificationTime: 9,
      visibility: 'APPLICATION',
      type: 'FILE',
      role: 'ship',
    };
    const plan = buildSessionPlan(input({ resources: [...resources, odd] }));
    const entry = plan.submission['am-container-spec']!['local-resources'].entry.find((e) => e.key === odd.key)!;
    expect(entry.value.resource).toBe('hdfs://nn:8020/user/alice/.flink/application_1_0001/my%20data/100%25.csv');
    expect(new URL(entry.value.resource as string).pathname).toBe(
      '/user/alice/.flink/application_1_0001/my%20data/100%25.csv',
    );
    expect(env(plan)._CLIENT_SHIP_FILES).toContain(`'path':'${odd.uri}'`);
  });

  it('masks secrets in the public plan', () => {
    const plan = buildSessionPlan(
      input({
        flink: `${HA}\njobmanager.memory.process.size: 1600m\ncontainerized.master.env.AWS_SECRET_ACCESS_KEY: hunter2`,
      }),
    );
    const shown = JSON.stringify(publicPlan(plan));
    expect(shown).not.toContain('hunter2');
    expect(shown).toContain('******');
  });
});

describe('JobManager memory, as Flink splits it', () => {
  it('matches Flink for 1600m and 1024m', () => {
    expect(jobManagerMemory(1600 * 2 ** 20)).toEqual({
      processSize: 1600 * 2 ** 20,
      heap: 1024 * 2 ** 20,
      offHeap: 128 * 2 ** 20,
      metaspace: 256 * 2 ** 20,
      overhead: 192 * 2 ** 20,
    });
    expect(jobManagerMemory(1024 * 2 ** 20).heap).toBe(448 * 2 ** 20);
    expect(memoryDynamicArgs(jobManagerMemory(1600 * 2 ** 20))).toBe(
      '-D jobmanager.memory.off-heap.size=134217728b -D jobmanager.memory.jvm-overhead.min=201326592b -D jobmanager.memory.jvm-metaspace.size=268435456b -D jobmanager.memory.heap.size=1073741824b -D jobmanager.memory.jvm-overhead.max=201326592b',
    );
    expect(() => jobManagerMemory(400 * 2 ** 20)).toThrow(/leaves no heap/);
  });

  it('escapes quotes in descriptors', () => {
    expect(descriptor({ ...resources[0]!, key: "it's.jar" })).toContain("'resourceKey':'it\\'s.jar'");
  });
});

describe('encodings by Flink version', () => {
  it('uses the 1.11-1.18 descriptor text for a Flink 1.18 distribution', () => {
    const plan = buildSessionPlan({ ...input(), flinkVersion: '1.18.1' });
    expect(env(plan)._FLINK_DIST_JAR).toBe(
      'YarnLocalResourceDescriptor{key=flink-dist-1.20.1.jar, path=hdfs://nn:8020/user/alice/.flink/application_1_0001/flink-dist-1.20.1.jar, size=100, modificationTime=1, visibility=APPLICATION, type=FILE}',
    );
    expect(
      env(plan)
        ._CLIENT_SHIP_FILES!.split(';')
        .every((d) => d.startsWith('YarnLocalResourceDescriptor{key=')),
    ).toBe(true);
    expect(
      env(buildSessionPlan({ ...input(), flinkVersion: '1.19.1' }))._FLINK_DIST_JAR!.startsWith("{'resourceKey':"),
    ).toBe(true);
  });
});
