import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './run.js';

describe('validate stays lean', () => {
  it('loads no HTTP client code', () => {
    // Run the bundled CLI in-process and list the Node built-ins it pulled in.
    const script = `
      const before = new Set(process.moduleLoadList);
      require(${JSON.stringify(join(ROOT, 'bin', 'load.cjs'))}).loadCli().cli
        .main(['validate', '--flink-conf-dir', 'conf/yarn-session-ha', '--yarn-conf-dir', 'conf/hadoop', '-o', 'json'],
              { stdout: { write() {} }, stderr: { write() {} }, env: {}, cwd: process.cwd() })
        .then((code) => { const loaded = process.moduleLoadList.filter((m) => !before.has(m)); require("node:fs").writeSync(1, JSON.stringify({ code, loaded })); });`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
    const { code, loaded } = JSON.parse(r.stdout) as { code: number; loaded: string[] };
    expect(code).toBe(0);
    // `net` may appear: Node's assert module opens stderr, which is a pipe socket here.
    const network = loaded.filter((m) => /\b(http|https|http2|tls|dns|zlib)\b/.test(m));
    expect(network).toEqual([]);
    expect(loaded.length).toBeGreaterThan(0);
  });
});
