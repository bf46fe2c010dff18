import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors/index.js';
import { cacheDirOf, configuredStagingPath, stagingDirOf, stagingRootOf } from '../../../src/operations/staging-dir.js';
import { model } from '../validation/helpers.js';

const FS = 'hdfs://nn:8020';
const staging = (value?: string) =>
  configuredStagingPath(
    model({ flink: value === undefined ? '' : `yarn.staging-directory: ${value}` }).flink,
    () => FS,
  );

describe('yarn.staging-directory', () => {
  it('is undefined when unset or blank, and does not ask for the default file system then', () => {
    expect(staging()).toBeUndefined();
    expect(staging('')).toBeUndefined();
    let asked = 0;
    expect(
      configuredStagingPath(model({ flink: '' }).flink, () => {
        asked++;
        return FS;
      }),
    ).toBeUndefined();
    expect(asked).toBe(0);
  });

  it('takes an absolute path as it is and keeps a relative one relative (to the home directory)', () => {
    expect(staging('/flink/staging')).toBe('/flink/staging');
    expect(staging('/flink/staging/')).toBe('/flink/staging');
    expect(staging('staging')).toBe('staging');
  });

  it('takes hdfs:// URIs on the default file system as their path', () => {
    expect(staging('hdfs:///x')).toBe('/x');
    expect(staging('hdfs://nn:8020/x/y')).toBe('/x/y');
    expect(staging('hdfs://nn/x')).toBe('/x');
  });

  it.each(['s3a://b/x', 'hdfs://other:8020/x', 'file:///tmp/staging'])(
    'refuses %s, naming the option and where it was set',
    (value) => {
      let error: unknown;
      try {
        staging(value);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).message).toContain('yarn.staging-directory');
      expect((error as UsageError).message).toContain(value);
      expect((error as UsageError).message).toContain('flink-conf.yaml:1');
      expect((error as UsageError).message).toContain(FS);
    },
  );
});

describe('staging and cache paths under a base', () => {
  it('does not double the slash under the root', () => {
    expect(stagingDirOf('/', 'application_1_0001')).toBe('/.flink/application_1_0001');
    expect(stagingRootOf('/')).toBe('/.flink');
    expect(cacheDirOf('/')).toBe('/.flink-yarn/cache');
  });

  it('puts them under any other base', () => {
    expect(stagingDirOf('/flink/staging', 'application_1_0001')).toBe('/flink/staging/.flink/application_1_0001');
    expect(stagingRootOf('/user/alice')).toBe('/user/alice/.flink');
    expect(cacheDirOf('/a')).toBe('/a/.flink-yarn/cache');
  });
});
