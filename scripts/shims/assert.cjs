'use strict';
// Bundled in place of `assert` for yargs, which only checks its own invariants with it. Node's
// assert module costs a few milliseconds to load (and opens stderr); load it only if a check fails.
exports.strictEqual = (...args) => require('node:assert').strictEqual(...args);
exports.notStrictEqual = (...args) => require('node:assert').notStrictEqual(...args);
