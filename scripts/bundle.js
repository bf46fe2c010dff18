// Bundles the CLI into one CommonJS file, then records V8's code cache for it.
// Node 20 loads one CJS file much faster than the ESM module graph (yargs alone is ~40 files).
// Command modules stay lazy: each is initialised only when its command runs, so `validate`
// never evaluates HTTP or ZooKeeper code.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Start-up shortcuts for yargs' dependencies; see each file in scripts/shims for why. */
const yargsShims = {
  name: 'yargs-shims',
  setup(b) {
    const shim = (file) => fileURLToPath(new URL(`./shims/${file}`, import.meta.url));
    b.onResolve({ filter: /^string-width$/ }, (args) =>
      args.importer.includes('/shims/') ? undefined : { path: shim('string-width.js') },
    );
    b.onResolve({ filter: /^assert$/ }, (args) =>
      /[\\/]yargs[\\/]/.test(args.importer) ? { path: shim('assert.cjs') } : undefined,
    );
  },
};

/**
 * Axios without what it loads at start-up and this product never uses: its fetch adapter
 * (requests go through the Node adapter) and the global FormData probe, which load undici, and
 * the form-data package (multipart bodies).
 */
const axiosShims = {
  name: 'axios-shims',
  setup(b) {
    b.onResolve({ filter: /^\.\/fetch\.js$/ }, (args) =>
      /[\\/]axios[\\/]lib[\\/]adapters$/.test(args.resolveDir)
        ? { path: fileURLToPath(new URL('./shims/axios-fetch.js', import.meta.url)) }
        : undefined,
    );
    b.onResolve({ filter: /^form-data$/ }, (args) =>
      /[\\/]axios[\\/]/.test(args.importer)
        ? { path: fileURLToPath(new URL('./shims/form-data.cjs', import.meta.url)) }
        : undefined,
    );
    b.onLoad({ filter: /[\\/]axios[\\/]lib[\\/]utils\.js$/ }, (args) => {
      const probe = "typeof G.FormData !== 'undefined' ? G.FormData : undefined";
      const text = readFileSync(args.path, 'utf8');
      // Fails the build if axios changes, rather than silently loading undici again.
      if (!text.includes(probe)) throw new Error(`axios-shims: no FormData probe in ${args.path}; update the shim`);
      return { contents: text.replace(probe, 'undefined'), loader: 'js' };
    });
  },
};

await build({
  entryPoints: ['dist/src/cli/main.js'],
  outfile: 'dist/cli.cjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  plugins: [yargsShims, axiosShims],
  // The optional native Kerberos module stays in node_modules, loaded (createRequire) only when a
  // server asks for SPNEGO; dist/cli.cjs resolves it from its own directory upwards.
  external: ['kerberos'],
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// Training runs compile the functions typical commands use, so the cache covers them too. The
// read-only YARN commands are trained against a loopback server replaying recorded RM answers.
const recorded = (name) => JSON.parse(readFileSync(`fixtures/rm/hadoop-3.4.2/${name}.json`, 'utf8')).body;
const server = createServer((req, res) => {
  const body = req.url.includes('/appattempts')
    ? recorded('appattempts')
    : req.url.includes('/apps/')
      ? recorded('app')
      : recorded('apps-one');
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const rm = `http://127.0.0.1:${server.address().port}`;
const appId = JSON.parse(recorded('app')).app.id;

const { loadCli } = createRequire(import.meta.url)('../bin/load.cjs');
const { cli, script } = loadCli({ useCache: false });
const sink = { write: () => true };
const io = { stdout: sink, stderr: process.stderr, env: {}, cwd: process.cwd() };
const runs = [
  ['validate', '--flink-conf-dir', 'conf/yarn-session-ha', '--yarn-conf-dir', 'conf/hadoop', '--output', 'json'],
  ['validate', '--flink-conf-dir', 'conf/yarn-session-ha', '--yarn-conf-dir', 'conf/hadoop'],
  ['list', '--rm', rm],
  ['status', appId, '--rm', rm],
];
try {
  for (const args of runs) {
    const code = await cli.main(args, io);
    if (code !== 0) throw new Error(`training run 'flink-yarn ${args.join(' ')}' exited ${code}`);
  }
} finally {
  server.close();
}
writeFileSync('dist/cli.cjs.cache', script.createCachedData());
