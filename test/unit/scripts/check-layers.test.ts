import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'layers-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the check on a src/ made of `files` (path -> text). */
function check(files: Record<string, string>): { status: number | null; stderr: string } {
  const src = mkdtempSync(join(work, 'src-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(src, path)), { recursive: true });
    writeFileSync(join(src, path), text);
  }
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'check-layers.js'), src], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: r.status, stderr: r.stderr };
}

describe('scripts/check-layers.js', () => {
  it('passes imports that go down the layers', () => {
    const r = check({
      'operations/a.ts': "import { b } from '../yarn/b.js';\nexport const a = b;\n",
      'yarn/b.ts': "import { FlinkYarnError } from '../errors/index.js';\nexport const b = FlinkYarnError;\n",
      'index.ts': "export * from './operations/a.js';\n",
    });
    expect(r.status).toBe(0);
  });

  it('names the file, line, import and rule of an upward import, lazy or type-only', () => {
    const r = check({
      'yarn/rm.ts': "import type { X } from '../operations/x.js';\nexport const f = () => import('../cli/main.js');\n",
      'operations/x.ts': 'export type X = 1;\n',
      'cli/main.ts': 'export {};\n',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "yarn/rm.ts:1: imports '../operations/x.js'. yarn (layer 4 of 8: session, yarn, hdfs, flink, zookeeper) may not import operations (layer 2 of 8: operations)",
    );
    expect(r.stderr).toContain("yarn/rm.ts:2: imports '../cli/main.js'. yarn (layer 4 of 8");
  });

  it('refuses imports within a layer that are not listed, and folders without a layer', () => {
    const r = check({
      'zookeeper/a.ts': "import '../yarn/b.js';\n",
      'yarn/b.ts': 'export {};\n',
      'extras/c.ts': "import '../errors/index.js';\n",
      'errors/index.ts': 'export {};\n',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('zookeeper and yarn share layer 4 of 8');
    expect(r.stderr).toContain('src/extras has no layer: add it to LAYERS in scripts/check-layers.js.');
  });

  it('reports a cycle between folders with the import behind each step', () => {
    const r = check({
      'http/a.ts': "import '../config/b.js';\n",
      'config/b.ts': "import '../errors/c.js';\n",
      'errors/c.ts': "import '../http/a.js';\n",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cycle, config -> errors -> http -> config:/);
    expect(r.stderr).toMatch(/errors -> http: .*errors\/c\.ts:1 imports '\.\.\/http\/a\.js'/);
  });

  it('keeps the CLI out of the library entry', () => {
    const r = check({ 'index.ts': "export * from './cli/main.js';\n", 'cli/main.ts': 'export {};\n' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('The library entry must not depend on the CLI.');
  });
});
