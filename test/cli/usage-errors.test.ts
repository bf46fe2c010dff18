import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, fixture } from './run.js';

/** One line on stderr, `flink-yarn: MESSAGE`, and nothing on stdout. */
function expectUsage(r: { code: number | null; stdout: string; stderr: string }, message: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
  expect(r.stderr).toMatch(/^flink-yarn: /);
  expect(r.stderr).toMatch(message);
}

describe('usage errors raised past the argument parser exit 2', () => {
  it('--rm naming no address (refused by the ResourceManager client)', () => {
    expectUsage(cli(['list', '--rm', ',,,']), /No ResourceManager endpoint is configured\.\n$/);
  });

  it('--rm with a scheme that is not http(s), before anything is contacted', () => {
    const r = cli(['list', '--rm', 'ftp://x']);
    expectUsage(r, /--rm ftp:\/\/x is not an http\(s\) address/);
  });

  it('a malformed --applicationId for run, even without --dry-run, before anything is contacted', () => {
    const home = mkdtempSync(join(tmpdir(), 'flink-yarn-dist-'));
    mkdirSync(join(home, 'lib'));
    writeFileSync(join(home, 'lib', 'flink-dist-1.20.1.jar'), 'not a real jar');
    const jar = join(home, 'job.jar');
    writeFileSync(jar, 'not a real jar');
    const r = cli([
      'run',
      '--flink-conf-dir',
      fixture('config', 'good-ha-legacy'),
      '--flink-home',
      home,
      '--rm',
      'http://127.0.0.1:9',
      '--applicationId',
      'application_1_x/../../etc',
      jar,
    ]);
    rmSync(home, { recursive: true, force: true });
    expectUsage(r, /'application_1_x\/\.\.\/\.\.\/etc' is not a YARN application id/);
  });

  it('a malformed application id', () => {
    expectUsage(
      cli(['status', 'not_an_app_id', '--rm', 'http://127.0.0.1:9']),
      /'not_an_app_id' is not a YARN application id/,
    );
  });
});
