import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './run.js';

const scratch = mkdtempSync(join(tmpdir(), 'flink-yarn-toolchain-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('flink-yarn minicluster without the toolchain', () => {
  it('says to install Java when java is missing', () => {
    const r = cli(['minicluster', 'start', '--state-dir', join(scratch, 'a')], { PATH: join(scratch, 'empty') });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/java was not found on PATH.*install Java 17/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('says to install Maven when mvn is missing', () => {
    const bin = join(scratch, 'bin');
    execFileSync('mkdir', ['-p', bin]);
    symlinkSync(execFileSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' }).trim(), join(bin, 'java'));
    const r = cli(['minicluster', 'start', '--state-dir', join(scratch, 'b')], { PATH: bin });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/mvn was not found on PATH.*install it/);
  });

  it('reports no cluster for an empty state dir, with exit 1', () => {
    const r = cli(['minicluster', 'status', '--state-dir', join(scratch, 'c')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/No minicluster recorded/);
  });
});
