import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors/index.js';
import { readDistribution } from '../../../src/operations/session/dist.js';

const root = mkdtempSync(join(tmpdir(), 'flink-yarn-dist-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
/** A minimal Flink home: lib/ with the dist jar, plugins/, conf/. */
function home(): { home: string; conf: string } {
  const h = join(root, String(count++));
  mkdirSync(join(h, 'lib'), { recursive: true });
  mkdirSync(join(h, 'plugins', 'metrics'), { recursive: true });
  mkdirSync(join(h, 'conf'));
  writeFileSync(join(h, 'lib', 'flink-dist-1.20.1.jar'), 'jar');
  writeFileSync(join(h, 'plugins', 'metrics', 'm.jar'), 'jar');
  return { home: h, conf: join(h, 'conf') };
}

function refused(h: { home: string; conf: string }): UsageError {
  const started = Date.now();
  try {
    readDistribution({ flinkHome: h.home, flinkConfDir: h.conf });
  } catch (e) {
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe("what Flink's client ships from a distribution", () => {
  it('ships plugins/README.txt and usrlib/ (as user files), and no second flink-dist*.jar', () => {
    const h = home();
    writeFileSync(join(h.home, 'plugins', 'README.txt'), 'plugins go in subdirectories');
    mkdirSync(join(h.home, 'usrlib', 'more'), { recursive: true });
    writeFileSync(join(h.home, 'usrlib', 'udf.jar'), 'jar');
    writeFileSync(join(h.home, 'usrlib', 'more', 'lookup.csv'), 'a,1');
    const other = join(root, `other-dist-${count}.jar`);
    const otherKey = `other-dist-${count}.jar`;
    writeFileSync(other, 'jar');
    const dist = readDistribution({ flinkHome: h.home, flinkConfDir: h.conf, distJar: other });
    const byKey = Object.fromEntries(dist.files.map((f) => [f.key, f.role]));
    expect(byKey).toMatchObject({
      [otherKey]: 'dist',
      'plugins/README.txt': 'plugin',
      'plugins/metrics/m.jar': 'plugin',
      'usrlib/udf.jar': 'user',
      'usrlib/more/lookup.csv': 'user',
    });
    // -j names another dist jar: lib/flink-dist-*.jar is not shipped besides it (Flink skips flink-dist*.jar).
    expect(Object.keys(byKey)).not.toContain('lib/flink-dist-1.20.1.jar');
    expect(dist.files.filter((f) => f.role === 'dist')).toHaveLength(1);
  });
});

describe('the log configuration, found as Flink finds it', () => {
  it('log4j.properties, else logback.xml, else none; a configured file wins and must exist', () => {
    const h = home();
    expect(readDistribution({ flinkHome: h.home, flinkConfDir: h.conf }).logConfig).toBeUndefined();
    writeFileSync(join(h.conf, 'logback.xml'), '<configuration/>');
    const logback = readDistribution({ flinkHome: h.home, flinkConfDir: h.conf });
    expect(logback.logConfig).toBe(join(h.conf, 'logback.xml'));
    expect(logback.files.map((f) => f.key)).toContain('logback.xml');
    writeFileSync(join(h.conf, 'log4j.properties'), 'rootLogger.level = INFO');
    const log4j = readDistribution({ flinkHome: h.home, flinkConfDir: h.conf });
    expect(log4j.logConfig).toBe(join(h.conf, 'log4j.properties'));
    expect(log4j.files.map((f) => f.key)).not.toContain('logback.xml');
    const mine = join(h.home, 'log4j2-yarn.xml');
    writeFileSync(mine, '<Configuration/>');
    const configured = readDistribution({ flinkHome: h.home, flinkConfDir: h.conf, logConfig: mine });
    expect(configured.files.map((f) => f.key)).toContain('log4j2-yarn.xml');
    expect(() =>
      readDistribution({ flinkHome: h.home, flinkConfDir: h.conf, logConfig: join(h.home, 'missing.xml') }),
    ).toThrow(UsageError);
  });
});

describe('yarn.ship-archives', () => {
  it('ships archives as such, and refuses what Flink refuses: a directory, another file, a missing one', () => {
    const h = home();
    const tgz = join(h.home, 'models.tgz');
    writeFileSync(tgz, 'not really gzip, but named as one');
    const dist = readDistribution({ flinkHome: h.home, flinkConfDir: h.conf, shipArchives: [tgz] });
    expect(dist.files.find((f) => f.key === 'models.tgz')?.role).toBe('archive');
    for (const bad of [h.conf, join(h.home, 'lib', 'flink-dist-1.20.1.jar.txt'), join(h.home, 'missing.zip')]) {
      if (bad.endsWith('.txt')) writeFileSync(bad, 'x');
      expect(() => readDistribution({ flinkHome: h.home, flinkConfDir: h.conf, shipArchives: [bad] })).toThrow(
        /is not an archive file/,
      );
    }
  });
});

describe('reading a Flink distribution', () => {
  it('lists lib/ and plugins/, following a link to a sibling directory', () => {
    const h = home();
    mkdirSync(join(h.home, 'extra'));
    writeFileSync(join(h.home, 'extra', 'x.jar'), 'jar');
    symlinkSync(join(h.home, 'extra'), join(h.home, 'lib', 'extra'));
    const d = readDistribution({ flinkHome: h.home, flinkConfDir: h.conf });
    expect(d.files.map((f) => f.key)).toEqual(['flink-dist-1.20.1.jar', 'lib/extra/x.jar', 'plugins/metrics/m.jar']);
  });

  it('refuses a symbolic link loop in lib/ or plugins/ instead of recursing until the stack overflows', () => {
    const h = home();
    symlinkSync(join(h.home, 'lib'), join(h.home, 'lib', 'loop'));
    expect(refused(h).message).toMatch(/lib\/loop is a symbolic link to .*lib, a directory that contains it: a loop/);
    const p = home();
    symlinkSync('..', join(p.home, 'plugins', 'metrics', 'up'));
    expect(refused(p).message).toMatch(/FileSystemLoopException/);
  });

  it('refuses a FIFO or a device in lib/, which would block the upload', () => {
    const h = home();
    execFileSync('mkfifo', [join(h.home, 'lib', 'pipe.jar')]);
    expect(refused(h).message).toMatch(/lib\/pipe\.jar is a named pipe \(FIFO\), not a regular file/);
    const d = home();
    symlinkSync('/dev/zero', join(d.home, 'plugins', 'metrics', 'zero.jar'));
    expect(refused(d).message).toMatch(/zero\.jar is a character device/);
  });

  it('names a dangling link in lib/', () => {
    const h = home();
    symlinkSync('/nonexistent.jar', join(h.home, 'lib', 'gone.jar'));
    expect(refused(h).message).toMatch(/gone\.jar is a symbolic link to \/nonexistent\.jar, which does not exist/);
  });

  it('does not read a VERSION that is not a small regular file', () => {
    const h = home();
    execFileSync('mkfifo', [join(h.home, 'VERSION')]);
    writeFileSync(join(h.home, 'lib', 'flink-dist.jar'), 'jar');
    const d = readDistribution({
      flinkHome: h.home,
      flinkConfDir: h.conf,
      distJar: join(h.home, 'lib', 'flink-dist.jar'),
    });
    expect(d.version).toBe('unknown');
  });
});
