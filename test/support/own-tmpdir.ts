import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A tier's own temporary directory: every temp file its tests make (mkdtemp under os.tmpdir())
 * lands there, and goes with the run, whether or not a test cleans up after itself.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'flink-yarn-tests-'));
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
