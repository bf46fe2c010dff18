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

function run(argv) {
  loadCli()
    .cli.main(argv)
    .then((code) => {
      process.exitCode = code;
    });
}

module.exports = { loadCli, run };
