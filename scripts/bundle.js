// Bundles the CLI into one CommonJS file, then records V8's code cache for it.
// Node 20 loads one CJS file much faster than the ESM module graph (yargs alone is ~40 files).
// Command modules stay lazy: each is initialised only when its command runs, so `validate`
// never evaluates HTTP or ZooKeeper code.
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

await build({
  entryPoints: ['dist/src/cli/main.js'],
  outfile: 'dist/cli.cjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// A training run compiles the functions a typical command uses, so the cache covers them too.
const { loadCli } = createRequire(import.meta.url)('../bin/load.cjs');
const { cli, script } = loadCli({ useCache: false });
const sink = { write: () => true };
const code = await cli.main(
  ['validate', '--flink-conf-dir', 'conf/yarn-session-ha', '--yarn-conf-dir', 'conf/hadoop', '--output', 'json'],
  { stdout: sink, stderr: process.stderr, env: {}, cwd: process.cwd() },
);
if (code !== 0) throw new Error(`training run of the bundled CLI exited ${code}`);
writeFileSync('dist/cli.cjs.cache', script.createCachedData());
