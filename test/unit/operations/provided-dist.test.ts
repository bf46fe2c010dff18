import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDistribution } from '../../../src/operations/session/dist.js';

const root = mkdtempSync(join(tmpdir(), 'flink-yarn-provided-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
/** A Flink home with lib/ (dist and another jar), plugins/, usrlib/ and conf/log4j.properties. */
function home(): { home: string; conf: string } {
  const h = join(root, String(count++));
  for (const d of ['lib', 'plugins/metrics', 'usrlib', 'conf']) mkdirSync(join(h, d), { recursive: true });
  writeFileSync(join(h, 'lib', 'flink-dist-1.20.1.jar'), 'dist');
  writeFileSync(join(h, 'lib', 'log4j-core.jar'), 'jar');
  writeFileSync(join(h, 'plugins', 'metrics', 'm.jar'), 'jar');
  writeFileSync(join(h, 'usrlib', 'udf.jar'), 'jar');
  writeFileSync(join(h, 'conf', 'log4j.properties'), 'rootLogger.level = INFO');
  return { home: h, conf: join(h, 'conf') };
}

const roles = (files: readonly { key: string; role: string }[]) =>
  Object.fromEntries(files.map((f) => [f.key, f.role]));

describe('readDistribution with provided dirs', () => {
  it('ships the dist, lib/, plugins/ and usrlib/ without them', () => {
    const h = home();
    const files = readDistribution({ flinkHome: h.home, flinkConfDir: h.conf }).files;
    // lib/'s flink-dist jar goes once, as the dist.
    expect(files.map((f) => f.key)).not.toContain('lib/flink-dist-1.20.1.jar');
    expect(roles(files)).toEqual({
      'flink-dist-1.20.1.jar': 'dist',
      'lib/log4j-core.jar': 'ship',
      'plugins/metrics/m.jar': 'plugin',
      'usrlib/udf.jar': 'user',
      'log4j.properties': 'ship',
    });
  });

  it('with yarn.provided.lib.dirs ships no dist, lib/ or plugins/, but the log configuration, usrlib/ and ship files', () => {
    const h = home();
    const extra = join(h.home, 'extra.txt');
    writeFileSync(extra, 'x');
    const dist = readDistribution({ flinkHome: h.home, flinkConfDir: h.conf, providedLib: true, shipFiles: [extra] });
    expect(roles(dist.files)).toEqual({
      'usrlib/udf.jar': 'user',
      'log4j.properties': 'ship',
      'extra.txt': 'ship',
    });
    // The version still comes from the local distribution.
    expect(dist.version).toBe('1.20.1');
    expect(dist.logConfig).toBe(join(h.conf, 'log4j.properties'));
  });

  it('with yarn.provided.usrlib.dir leaves the local usrlib/ out, and ships the rest', () => {
    const h = home();
    const files = roles(readDistribution({ flinkHome: h.home, flinkConfDir: h.conf, providedUsrlib: true }).files);
    expect(Object.keys(files)).not.toContain('usrlib/udf.jar');
    expect(files).toMatchObject({
      'flink-dist-1.20.1.jar': 'dist',
      'lib/log4j-core.jar': 'ship',
      'plugins/metrics/m.jar': 'plugin',
      'log4j.properties': 'ship',
    });
  });

  it('with both ships only the log configuration', () => {
    const h = home();
    const dist = readDistribution({ flinkHome: h.home, flinkConfDir: h.conf, providedLib: true, providedUsrlib: true });
    expect(dist.files.map((f) => f.key)).toEqual(['log4j.properties']);
  });

  it('still ships no flink-dist jar from the ship files when the dist is provided', () => {
    const h = home();
    const shipDir = join(root, `ship-${count}`);
    mkdirSync(shipDir);
    writeFileSync(join(shipDir, 'flink-dist-9.9.jar'), 'jar');
    writeFileSync(join(shipDir, 'conf.txt'), 'x');
    const dist = readDistribution({ flinkHome: h.home, flinkConfDir: h.conf, providedLib: true, shipFiles: [shipDir] });
    expect(dist.files.map((f) => f.key)).toContain(`ship-${count}/conf.txt`);
    expect(dist.files.some((f) => f.key.includes('flink-dist'))).toBe(false);
  });
});
