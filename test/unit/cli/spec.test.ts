import { describe, expect, it } from 'vitest';
import { DEPLOYMENT, DYNAMIC_PROPERTIES, FLINK_CONF_DIR, OUTPUT } from '../../../src/cli/flags.js';
import { checkGiven, spelling, switchNames, yargsOption, type Flag } from '../../../src/cli/spec.js';
import { UsageError } from '../../../src/errors/index.js';

const APP = { name: 'applicationId', type: 'string', positional: 'required' } as const satisfies Flag;
const FLAGS = [APP, OUTPUT, FLINK_CONF_DIR, DYNAMIC_PROPERTIES, DEPLOYMENT.jobManagerMemory, DEPLOYMENT.slots];

describe('checkGiven: what yargs lets through, refused for every flag alike', () => {
  it('a single-valued flag given twice, naming the flag as users write it', () => {
    for (const [parsed, message] of [
      [{ 'flink-conf-dir': ['a', 'b'] }, '--flink-conf-dir was given 2 times; it takes one value.'],
      [{ jobManagerMemory: ['1g', '2g', '3g'] }, '--jobManagerMemory (-jm) was given 3 times; it takes one value.'],
      [{ slots: [1, 2] }, '--slots (-s) was given 2 times; it takes one value.'],
      [{ output: ['json', 'json'] }, '--output (-o) was given 2 times; it takes one value.'],
      [{ applicationId: ['a', 'b'] }, '<applicationId> was given 2 times; it takes one value.'],
    ] as const) {
      expect(() => checkGiven(FLAGS, parsed)).toThrow(new UsageError(message));
    }
  });

  it('a number flag without a number', () => {
    expect(() => checkGiven(FLAGS, { slots: null })).toThrow('--slots (-s) takes a number.');
    expect(() => checkGiven(FLAGS, { slots: Number.NaN })).toThrow(UsageError);
  });

  it('lets list flags repeat, and single values through', () => {
    expect(() =>
      checkGiven(FLAGS, { D: ['a=b', 'c=d'], 'flink-conf-dir': 'x', slots: 2, output: 'json', applicationId: 'a' }),
    ).not.toThrow();
  });
});

describe('the flag table generates the rest', () => {
  it('every flag that takes a value requires one', () => {
    expect(yargsOption(FLINK_CONF_DIR).requiresArg).toBe(true);
    expect(yargsOption(DYNAMIC_PROPERTIES).requiresArg).toBe(true);
    expect(yargsOption(DEPLOYMENT.dryRun).requiresArg).toBeUndefined();
    expect(yargsOption(APP).requiresArg).toBeUndefined();
  });

  it('spells flags the way users write them', () => {
    expect(FLAGS.map(spelling)).toEqual([
      '<applicationId>',
      '--output (-o)',
      '--flink-conf-dir',
      '-D',
      '--jobManagerMemory (-jm)',
      '--slots (-s)',
    ]);
  });

  it('knows every spelling of a switch, but a name another flag takes a value by', () => {
    const names = switchNames([
      DEPLOYMENT.dryRun,
      { name: 'detached', alias: 'd', type: 'boolean' },
      DEPLOYMENT.noWait,
    ]);
    expect([...names].sort()).toEqual(
      ['d', 'detached', 'dry-run', 'dryRun', 'no-detached', 'no-dry-run', 'no-dryRun', 'no-wait', 'wait'].sort(),
    );
    expect(
      switchNames([
        { name: 'x', type: 'boolean' },
        { name: 'x', type: 'string' },
      ]).size,
    ).toBe(0);
  });
});
