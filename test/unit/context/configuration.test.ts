import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfiguration } from '../../../src/context/configuration.js';
import { UsageError } from '../../../src/errors/index.js';

describe('the optional Flink configuration (kill, gc, cache: yarn.staging-directory)', () => {
  const nowhere = mkdtempSync(join(tmpdir(), 'flink-yarn-noconf-'));

  it('goes on without one when none is named and the chain finds none', () => {
    const r = resolveConfiguration({ env: {}, cwd: nowhere }, { flink: 'optional', hadoop: false });
    expect(r.flinkDir).toBeUndefined();
    expect(r.config.flink.string({ key: 'yarn.staging-directory', deprecatedKeys: [] })).toBeUndefined();
  });

  it('reads one when found, as a required one is read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flink-yarn-conf-'));
    writeFileSync(join(dir, 'flink-conf.yaml'), 'yarn.staging-directory: /flink/staging\n');
    const r = resolveConfiguration(
      { env: { FLINK_CONF_DIR: dir }, cwd: nowhere },
      { flink: 'optional', hadoop: false },
    );
    expect(r.flinkDir?.dir).toBe(dir);
    expect(r.config.flink.string({ key: 'yarn.staging-directory', deprecatedKeys: [] })).toBe('/flink/staging');
  });

  it('refuses a directory that was named but does not exist: a typo must not pass for "none"', () => {
    const missing = join(nowhere, 'typo');
    expect(() =>
      resolveConfiguration({ flinkConfDir: missing, env: {}, cwd: nowhere }, { flink: 'optional', hadoop: false }),
    ).toThrow(UsageError);
    expect(() =>
      resolveConfiguration({ env: { FLINK_CONF_DIR: missing }, cwd: nowhere }, { flink: 'optional', hadoop: false }),
    ).toThrow(/typo/);
  });
});
