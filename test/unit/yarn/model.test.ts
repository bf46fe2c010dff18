import { describe, expect, it } from 'vitest';
import {
  asArray,
  normalizeApps,
  normalizeAttempts,
  normalizeNewApplication,
  parseHadoopVersion,
} from '../../../src/yarn/model.js';

describe('normalising the RM JSON', () => {
  it('reads {"apps":null} as no apps', () => {
    expect(normalizeApps({ apps: null })).toEqual([]);
    expect(normalizeApps({ apps: {} })).toEqual([]);
  });

  it('accepts a single object where an array is expected', () => {
    const apps = normalizeApps({
      apps: { app: { id: 'application_1_0001', applicationTags: 'a,b', state: 'RUNNING' } },
    });
    expect(apps).toHaveLength(1);
    expect(apps[0]).toMatchObject({ id: 'application_1_0001', applicationTags: ['a', 'b'], state: 'RUNNING' });
  });

  it('splits tags given as a string, keeps arrays, and drops empties', () => {
    expect(
      normalizeApps({ apps: { app: [{ applicationTags: '' }, { applicationTags: ['x'] }] } }).map(
        (a) => a.applicationTags,
      ),
    ).toEqual([[], ['x']]);
  });

  it('reads attempts, new-application and versions', () => {
    expect(normalizeAttempts({ appAttempts: { appAttempt: { id: 1, startTime: 5 } } })).toMatchObject([
      { id: 1, startTime: 5 },
    ]);
    expect(normalizeAttempts({ appAttempts: null })).toEqual([]);
    expect(
      normalizeNewApplication({
        'application-id': 'application_1_0002',
        'maximum-resource-capability': { memory: 4096, vCores: 4 },
      }),
    ).toEqual({
      applicationId: 'application_1_0002',
      maximumResourceCapability: { memory: 4096, vCores: 4 },
    });
    expect(parseHadoopVersion('3.4.1')).toEqual([3, 4, 1]);
    expect(parseHadoopVersion('2.7')).toEqual([2, 7, 0]);
    expect(parseHadoopVersion('x')).toBeUndefined();
    expect(asArray(undefined)).toEqual([]);
  });
});
