'use strict';
// Loads the bundled CLI with V8's code cache (dist/cli.cjs.cache, made at build time): on a cold
// start most of the work is compiling the bundle, and the cache skips it. A cache made by another
// Node version is rejected by V8 and the bundle is simply compiled.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');
const Module = require('node:module');

const file = join(__dirname, '..', 'dist', 'cli.cjs');

function loadCli(options = {}) {
  let cachedData;
  if (options.useCache !== false) {
    try {
      cachedData = readFileSync(`${file}.cache`);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  const module = { exports: {} };
  const localRequire = Module.createRequire(file);
  script.runInThisContext().call(module.exports, module.exports, localRequire, module, file, join(file, '..'));
  return { cli: module.exports, script };
}

// main handles its own errors and output; what is left is an installation that cannot load, which
// gets one line too (the contract has no stack traces), and exit 1.
function fail(e) {
  if (e && e.code === 'ENOENT' && e.path === file) {
    // A clone before `npm ci`, or after `rm -rf dist`: say how to build, not what is missing.
    const root = join(__dirname, '..');
    process.stderr.write(
      `flink-yarn: not built yet: run \`npm ci\` in ${root} (it installs and builds, about 15 s) [INTERNAL]\n`,
    );
    process.exitCode = 1;
    return;
  }
  process.stderr.write(`flink-yarn: cannot start: ${e && e.message ? e.message : e} [INTERNAL]\n`);
  process.exitCode = 1;
}

function run(argv, program) {
  let cli;
  try {
    cli = loadCli().cli;
  } catch (e) {
    fail(e);
    return;
  }
  cli.main(argv, undefined, program).then((code) => {
    process.exitCode = code;
  }, fail);
}

module.exports = { loadCli, run };
