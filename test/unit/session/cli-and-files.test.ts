import { describe, expect, it } from 'vitest';
import { flagProperties } from '../../../src/cli/commands/session.js';
import { normaliseArgs } from '../../../src/cli/main.js';
import { renderLegacyConfig } from '../../../src/operations/session/index.js';
import { parseLegacyFlinkConf } from '../../../src/config/flink/legacy.js';
import { escapeProperty, renderYarnProperties } from '../../../src/session/properties-file.js';

describe("yarn-session's flags", () => {
  it('reads two-letter short flags and -Dkey=value the way yarn-session.sh does', () => {
    expect(
      normaliseArgs([
        'session',
        '-jm',
        '1024',
        '-tm',
        '2g',
        '-nm',
        'x',
        '-qu',
        'q',
        '-nl',
        'l',
        '-at',
        't',
        '-id',
        'a',
        '-Dk=v',
        '-d',
      ]),
    ).toEqual([
      'session',
      '--jobManagerMemory',
      '1024',
      '--taskManagerMemory',
      '2g',
      '--name',
      'x',
      '--queue',
      'q',
      '--nodeLabel',
      'l',
      '--applicationType',
      't',
      '--applicationId',
      'a',
      '-D',
      'k=v',
      '-d',
    ]);
  });

  it('turns flags into the keys Flink sets, a bare -jm number meaning MB, and -D winning', () => {
    expect(
      flagProperties({
        output: 'text',
        detached: true,
        noWait: false,
        dryRun: false,
        dynamicProperties: { 'yarn.application.queue': 'from-D' },
        jobManagerMemory: '1024',
        taskManagerMemory: '2g',
        slots: 4,
        name: 'n',
        queue: 'q',
        nodeLabel: 'l',
        applicationType: 't',
      }),
    ).toEqual({
      'jobmanager.memory.process.size': '1024m',
      'taskmanager.memory.process.size': '2g',
      'taskmanager.numberOfTaskSlots': '4',
      'yarn.application.name': 'n',
      'yarn.application.queue': 'from-D',
      'yarn.application.node-label': 'l',
      'yarn.application.type': 't',
    });
  });
});

describe('files the session writes', () => {
  it('renders the shipped configuration so that Flink reads it back unchanged', () => {
    const config = {
      'high-availability.cluster-id': 'application_1_0001',
      'env.java.opts.all': '--add-opens=java.base/java.lang=ALL-UNNAMED',
      'a.b': 'x: y',
    };
    const back = parseLegacyFlinkConf(renderLegacyConfig(config), 'flink-conf.yaml');
    expect(Object.fromEntries(back.entries.map((e) => [e.key, e.value]))).toEqual(config);
  });

  it("writes Flink's .yarn-properties file format", () => {
    const text = renderYarnProperties(
      { applicationId: 'application_1_0001', dynamicProperties: { a: '1', 'b.c': 'x=y' } },
      new Date(0),
    );
    expect(text.split('\n')).toEqual([
      '#Generated YARN properties file',
      '#Thu, 01 Jan 1970 00:00:00 GMT',
      'applicationID=application_1_0001',
      'dynamicPropertiesString=a\\=1@@b.c\\=x\\=y',
      '',
    ]);
    expect(escapeProperty(' a:b#é')).toBe('\\ a\\:b\\#\\u00E9');
  });
});

describe('config.yaml for Flink 2.x', () => {
  it('renders standard YAML that reads back to the same flat keys and values', async () => {
    const { renderStandardConfig } = await import('../../../src/operations/session/index.js');
    const { parseStandardYaml } = await import('../../../src/config/flink/yaml.js');
    const config = { 'high-availability.cluster-id': 'application_1_0001', 'a.b': 'x: "y" #z', n: '10' };
    const back = parseStandardYaml(renderStandardConfig(config), 'config.yaml');
    expect(Object.fromEntries(back.entries.map((e) => [e.key, e.value]))).toEqual(config);
  });
});
