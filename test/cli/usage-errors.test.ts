import { describe, expect, it } from 'vitest';
import { cli } from './run.js';

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

  it('a malformed application id', () => {
    expectUsage(
      cli(['status', 'not_an_app_id', '--rm', 'http://127.0.0.1:9']),
      /'not_an_app_id' is not a YARN application id/,
    );
  });
});
