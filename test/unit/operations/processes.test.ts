import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, spawnDetached, terminate } from '../../../src/operations/minicluster/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'processes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const files = (name: string) => ({
  cwd: dir,
  stdoutFile: join(dir, `${name}.out`),
  stderrFile: join(dir, `${name}.err`),
  env: process.env,
});
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('minicluster processes', () => {
  it('refuses a command that cannot start with a typed error (and no crash a tick later)', async () => {
    expect(() => spawnDetached('/nonexistent/java', [], files('missing'))).toThrow(
      expect.objectContaining({
        code: 'MINICLUSTER_FAILED',
        message: expect.stringContaining('/nonexistent/java did not start'),
      }),
    );
    await tick(20); // the child's 'error' event comes now; it must not be unhandled
  });

  it('terminate: SIGTERM when that suffices, SIGKILL after the grace period otherwise', async () => {
    const polite = spawnDetached('sleep', ['30'], files('polite'));
    expect(await terminate(polite, 5_000)).toBe(false);
    expect(isAlive(polite)).toBe(false);

    const stubborn = spawnDetached('sh', ['-c', 'trap "" TERM; echo ready; sleep 30'], files('stubborn'));
    await tick(200); // let the trap be set
    const started = performance.now();
    expect(await terminate(stubborn, 300)).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(isAlive(stubborn)).toBe(false);
  });
});
