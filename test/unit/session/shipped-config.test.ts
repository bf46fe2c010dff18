import { describe, expect, it } from 'vitest';
import type { StagedResource } from '../../../src/session/am-container.js';
import { buildSessionPlan, type ProgramSpec, type SessionPlanInput } from '../../../src/session/plan.js';
import {
  encodeListOption,
  renderLegacyConfig,
  renderStandardConfig,
  restoreKeys,
  shippedConfiguration,
  type ShippedConfigInput,
} from '../../../src/session/shipped-config.js';
import { HA, model } from '../validation/helpers.js';

const CLUSTER_ID = 'application_1700000000000_0001';
const OLD = {
  path: 'execution.savepoint.path',
  ignoreUnclaimed: 'execution.savepoint.ignore-unclaimed-state',
  claimMode: 'execution.savepoint-restore-mode',
};
const NEW = {
  path: 'execution.state-recovery.path',
  ignoreUnclaimed: 'execution.state-recovery.ignore-unclaimed-state',
  claimMode: 'execution.state-recovery.claim-mode',
};
const PROGRAM_KEYS = [
  'execution.shutdown-on-attached-exit',
  'pipeline.classpaths',
  ...Object.values(OLD),
  ...Object.values(NEW),
];

const program = (extra: Partial<ProgramSpec> = {}): ProgramSpec => ({
  jarPath: '/jobs/WordCount.jar',
  mainClass: 'org.example.Main',
  args: [],
  ...extra,
});

function shipped(
  extra: Partial<ShippedConfigInput> = {},
  standardYaml = false,
  flink = 'jobmanager.memory.process.size: 1600m',
): Record<string, string> {
  return shippedConfiguration(
    { config: model({ flink }), entrypoint: 'application', detached: false, program: program(), ...extra },
    CLUSTER_ID,
    standardYaml,
  );
}

describe('restoreKeys: the savepoint keys the shipped Flink reads', () => {
  it('execution.savepoint.* before 1.20, execution.state-recovery.* from 1.20 on', () => {
    for (const version of ['1.17.2', '1.18.1', '1.19', '1.19.1']) expect(restoreKeys(version), version).toEqual(OLD);
    for (const version of ['1.20', '1.20.0', '1.20.1', '1.21.0', '2.0', '2.0.0', '2.2.0', '3.0'])
      expect(restoreKeys(version), version).toEqual(NEW);
  });
});

describe("shippedConfiguration: flink run's program options, as Flink's client sets them", () => {
  it('always sets shutdown-on-attached-exit, ignore-unclaimed-state and claim-mode (NO_CLAIM), no path without -s', () => {
    const config = shipped();
    expect(config).toMatchObject({
      'execution.shutdown-on-attached-exit': 'false',
      [NEW.ignoreUnclaimed]: 'false',
      [NEW.claimMode]: 'NO_CLAIM',
    });
    expect(config).not.toHaveProperty(NEW.path);
    // Flink's client writes pipeline.classpaths (empty) whatever -C says: measured by the fidelity harness.
    expect(config['pipeline.classpaths']).toBe('');
    for (const key of Object.values(OLD)) expect(config).not.toHaveProperty(key);
  });

  it('-sae sets execution.shutdown-on-attached-exit', () => {
    expect(shipped({ program: program({ shutdownOnAttachedExit: true }) })['execution.shutdown-on-attached-exit']).toBe(
      'true',
    );
  });

  it('-s, -n, -cm: the path, ignore-unclaimed-state and the claim mode in upper case', () => {
    for (const [claimMode, written] of [
      ['claim', 'CLAIM'],
      ['no_claim', 'NO_CLAIM'],
      ['legacy', 'LEGACY'],
      [undefined, 'NO_CLAIM'],
    ] as const) {
      const config = shipped({
        program: program({ restore: { path: 'hdfs:///sp/savepoint-1', allowNonRestoredState: true, claimMode } }),
      });
      expect(config, String(claimMode)).toMatchObject({
        [NEW.path]: 'hdfs:///sp/savepoint-1',
        [NEW.ignoreUnclaimed]: 'true',
        [NEW.claimMode]: written,
      });
    }
  });

  it('writes the keys of the version it ships: 1.19 reads execution.savepoint.*, 2.0 the new ones', () => {
    const restore = { path: 'hdfs:///sp/savepoint-1', allowNonRestoredState: false, claimMode: 'claim' } as const;
    const on119 = shipped({ flinkVersion: '1.19.1', program: program({ restore }) });
    expect(on119).toMatchObject({
      [OLD.path]: 'hdfs:///sp/savepoint-1',
      [OLD.ignoreUnclaimed]: 'false',
      [OLD.claimMode]: 'CLAIM',
    });
    for (const key of Object.values(NEW)) expect(on119).not.toHaveProperty(key);
    const on20 = shipped({ flinkVersion: '2.0.0', program: program({ restore }) }, true);
    expect(on20).toMatchObject({ [NEW.path]: 'hdfs:///sp/savepoint-1', [NEW.claimMode]: 'CLAIM' });
    for (const key of Object.values(OLD)) expect(on20).not.toHaveProperty(key);
  });

  it('-s and -n win over the same keys in the configuration files', () => {
    const config = shipped(
      { program: program({ restore: { path: 'hdfs:///sp/new', allowNonRestoredState: true } }) },
      false,
      `${NEW.path}: hdfs:///sp/old\n${NEW.ignoreUnclaimed}: false`,
    );
    expect(config[NEW.path]).toBe('hdfs:///sp/new');
    expect(config[NEW.ignoreUnclaimed]).toBe('true');
  });

  it('-C: pipeline.classpaths, a list encoded as pipeline.jars is, in legacy and standard YAML', () => {
    const classpaths = ['file:///opt/lib/a.jar', "http://repo/b;c.jar?x='y'"];
    for (const standardYaml of [false, true]) {
      const config = shipped({ program: program({ classpaths }) }, standardYaml);
      expect(config['pipeline.classpaths']).toBe(encodeListOption(classpaths, standardYaml));
      expect(config['pipeline.jars']).toBe(encodeListOption(['file:/jobs/WordCount.jar'], standardYaml));
    }
    expect(shipped({ program: program({ classpaths }) }, false)['pipeline.classpaths']).toBe(
      "file:///opt/lib/a.jar;'http://repo/b;c.jar?x=''y'''",
    );
    expect(shipped({ program: program({ classpaths }) }, true)['pipeline.classpaths']).toBe(JSON.stringify(classpaths));
    // The rendered files hold the list so that each Flink generation reads it back.
    expect(renderLegacyConfig(shipped({ program: program({ classpaths }) }, false))).toContain(
      "\npipeline.classpaths: file:///opt/lib/a.jar;'http://repo/b;c.jar?x=''y'''\n",
    );
    expect(renderStandardConfig(shipped({ program: program({ classpaths }) }, true))).toContain(
      `\n"pipeline.classpaths": ${JSON.stringify(JSON.stringify(classpaths))}\n`,
    );
  });

  it('an empty -C list is an empty pipeline.classpaths, as Flink writes it', () => {
    expect(shipped({ program: program({ classpaths: [] }) })['pipeline.classpaths']).toBe('');
    expect(shipped({ program: program({ classpaths: [] }) }, true)['pipeline.classpaths']).toBe('[]');
  });

  it('a session (entrypoint session) gets none of them, even with a program', () => {
    const config = shipped({
      entrypoint: 'session',
      program: program({
        shutdownOnAttachedExit: true,
        classpaths: ['file:///a.jar'],
        restore: { path: 'hdfs:///sp/savepoint-1', allowNonRestoredState: true, claimMode: 'claim' },
      }),
    });
    for (const key of PROGRAM_KEYS) expect(config, key).not.toHaveProperty(key);
    expect(config['execution.target']).toBe('yarn-session');
  });
});

describe('the plan ships them for the Flink version it deploys', () => {
  const resources: StagedResource[] = ['flink-dist-1.20.1.jar', 'WordCount.jar', 'flink-conf.yaml'].map((key) => ({
    key,
    uri: `hdfs://nn:8020/user/alice/.flink/${CLUSTER_ID}/${key}`,
    size: 1,
    modificationTime: 1,
    visibility: 'APPLICATION',
    type: 'FILE',
    role: key.startsWith('flink-dist') ? 'dist' : key.endsWith('.yaml') ? 'config' : 'user',
  }));
  const input = (flinkVersion: string): SessionPlanInput => ({
    config: model({ flink: `${HA}\njobmanager.memory.process.size: 1600m` }),
    hadoopVersion: '3.4.2',
    applicationId: CLUSTER_ID,
    entrypoint: 'application',
    detached: false,
    user: 'alice',
    defaultFs: 'hdfs://nn:8020',
    stagingBase: '/user/alice',
    resources,
    defaultName: 'Flink Application Cluster',
    flinkVersion,
    program: program({
      classpaths: ['file:///a.jar', 'file:///b.jar'],
      restore: { path: 'hdfs:///sp/savepoint-1', allowNonRestoredState: true, claimMode: 'claim' },
    }),
  });

  it('1.19: execution.savepoint.*, classpaths as 1.x lists', () => {
    const plan = buildSessionPlan(input('1.19.1'));
    expect(plan.shippedConfig).toMatchObject({
      [OLD.path]: 'hdfs:///sp/savepoint-1',
      [OLD.ignoreUnclaimed]: 'true',
      [OLD.claimMode]: 'CLAIM',
      'pipeline.classpaths': 'file:///a.jar;file:///b.jar',
    });
    expect(plan.program?.restoreFrom).toBe('hdfs:///sp/savepoint-1');
  });

  it('2.0: execution.state-recovery.*, classpaths as a YAML sequence', () => {
    const plan = buildSessionPlan(input('2.0.0'));
    expect(plan.shippedConfig).toMatchObject({
      [NEW.path]: 'hdfs:///sp/savepoint-1',
      [NEW.ignoreUnclaimed]: 'true',
      [NEW.claimMode]: 'CLAIM',
      'pipeline.classpaths': '["file:///a.jar","file:///b.jar"]',
    });
  });
});
