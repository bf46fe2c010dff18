import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startMinicluster, stopMinicluster, type MiniclusterInfo } from '../../src/operations/minicluster/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    minicluster: MiniclusterInfo & { stateDir: string };
  }
}

const ROOT = join(import.meta.dirname, '..', '..');
// FLINK_YARN_TEST_STATE_DIR lets several checkouts or agents run integration tests side by side.
export const STATE_DIR = process.env.FLINK_YARN_TEST_STATE_DIR ?? join(ROOT, '.flink-yarn', 'test-minicluster');

/** One real cluster per test run: started here, always stopped, and checked to leave nothing behind. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  // The run's own temporary directory: the sessions the tests deploy write Flink's
  // .yarn-properties-<user> there, not over the developer's in /tmp, and it goes with the run.
  const runTmp = mkdtempSync(join(tmpdir(), 'flink-yarn-it-'));
  process.env.TMPDIR = runTmp;
  const info = await startMinicluster({
    stateDir: STATE_DIR,
    onEvent: (e) => {
      if (e.kind !== 'build-skipped') process.stderr.write(`[minicluster] ${JSON.stringify(e)}\n`);
    },
  });
  process.stderr.write(
    `[minicluster] up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(info)}\n`,
  );
  project.provide('minicluster', { ...info, stateDir: STATE_DIR });
  return async () => {
    await stopMinicluster({ stateDir: STATE_DIR });
    rmSync(runTmp, { recursive: true, force: true });
    const left = leftovers();
    if (left !== '') throw new Error(`minicluster processes left behind after stop:\n${left}`);
  };
}

/** Processes started for this state dir that are still alive. */
export function leftovers(): string {
  try {
    return execFileSync('pgrep', ['-af', `flink.yarn.minicluster=${STATE_DIR}`], { encoding: 'utf8' }).trim();
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
}
