// Checks the one-way layering of src/ folders (run by `npm run lint`): a folder imports only
// folders of lower layers, never the reverse, and folders never import each other in a cycle.
// Every import counts: static, `import type`, re-exports and lazy `import()`.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Highest first. A folder may import the folders of the layers below its own. */
export const LAYERS = [
  ['cli'],
  ['operations'],
  ['context'],
  ['session', 'yarn', 'hdfs', 'flink', 'zookeeper'],
  ['validation'],
  ['policy'],
  ['config', 'http', 'async'],
  ['diagnostics', 'errors'],
];

/** Imports allowed between two folders of one layer, as [importer, imported]. None today. */
export const SAME_LAYER = [];

/** src/index.ts, the library's entry: may import every folder but the CLI. */
const ENTRY = 'index.ts';
/** Ambient declarations (.d.ts): anyone may import them; they import nothing of ours. */
const AMBIENT = 'types';

const layerOf = new Map(LAYERS.flatMap((folders, layer) => folders.map((f) => [f, layer])));
const describeLayer = (layer) => `layer ${layer + 1} of ${LAYERS.length}: ${LAYERS[layer].join(', ')}`;
const below = (layer) => LAYERS.slice(layer + 1).flat();

/** Every import of every .ts file under `srcDir`: { file, line, specifier, from, to } (folders). */
export function importsOf(srcDir) {
  const files = readdirSync(srcDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
  const found = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      if (!imported.fileName.startsWith('.')) continue; // packages and node: builtins
      const target = resolve(dirname(file), imported.fileName);
      found.push({
        file: relative(process.cwd(), file),
        line: text.slice(0, imported.pos).split('\n').length,
        specifier: imported.fileName,
        from: folderOf(srcDir, file),
        to: folderOf(srcDir, target),
      });
    }
  }
  return found;
}

/** The top folder under src/ (or the file name, for a file directly in src/); null outside src/. */
function folderOf(srcDir, path) {
  const rel = relative(srcDir, path);
  if (rel.startsWith('..')) return null;
  return rel.split(sep)[0];
}

/** Why `from` may not import `to`, or undefined when it may. */
export function ruleBroken(from, to) {
  if (to === null) return 'src/ must not import files outside src/.';
  if (from === to || to === AMBIENT) return undefined;
  if (from === AMBIENT) return `${AMBIENT}/ holds ambient declarations and imports nothing of ours.`;
  if (from === ENTRY) return to === 'cli' ? 'The library entry must not depend on the CLI.' : undefined;
  if (to === ENTRY) return `Import the module itself, not the library entry src/${ENTRY}.`;
  for (const folder of [from, to]) {
    if (!layerOf.has(folder)) return `src/${folder} has no layer: add it to LAYERS in scripts/check-layers.js.`;
  }
  const [mine, theirs] = [layerOf.get(from), layerOf.get(to)];
  if (theirs > mine) return undefined;
  if (theirs === mine) {
    if (SAME_LAYER.some(([a, b]) => a === from && b === to)) return undefined;
    return `${from} and ${to} share ${describeLayer(mine)}; only the pairs in SAME_LAYER (scripts/check-layers.js) may import each other.`;
  }
  const allowed = below(mine);
  return `${from} (${describeLayer(mine)}) may not import ${to} (${describeLayer(theirs)}): imports go down the layers only${allowed.length > 0 ? `, to ${allowed.join(', ')}` : ''}. Move the shared code down, or pass it in.`;
}

/** One cycle per group of folders that import each other (a strongly connected component): its imports, in order. */
export function cyclesOf(imports) {
  const edges = new Map();
  for (const i of imports) {
    if (i.to === null || i.from === i.to) continue;
    if (!edges.has(i.from)) edges.set(i.from, new Map());
    if (!edges.get(i.from).has(i.to)) edges.get(i.from).set(i.to, i);
  }
  // Tarjan's algorithm.
  const index = new Map();
  const low = new Map();
  const stack = [];
  const cycles = [];
  let next = 0;
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (stack.includes(w)) {
        low.set(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(shortestCycle(component.sort(), edges));
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

/** The shortest way from the component's first folder back to itself, by breadth-first search. */
function shortestCycle(members, edges) {
  const start = members[0];
  const cameFrom = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const [w, witness] of edges.get(v) ?? []) {
      if (!members.includes(w) || cameFrom.has(w)) continue;
      cameFrom.set(w, witness);
      if (w === start) queue.length = 0;
      else queue.push(w);
    }
  }
  const path = [];
  for (let at = start; path.length === 0 || at !== start;) {
    const witness = cameFrom.get(at);
    path.unshift(witness);
    at = witness.from;
  }
  return path;
}

export function checkLayers(srcDir) {
  const imports = importsOf(srcDir);
  const problems = [];
  for (const i of imports) {
    const why = ruleBroken(i.from, i.to);
    if (why !== undefined) problems.push(`${i.file}:${i.line}: imports '${i.specifier}'. ${why}`);
  }
  for (const cycle of cyclesOf(imports)) {
    const folders = [...cycle.map((i) => i.from), cycle[0].from].join(' -> ');
    const steps = cycle.map((i) => `    ${i.from} -> ${i.to}: ${i.file}:${i.line} imports '${i.specifier}'`);
    problems.push(`Folders import each other in a cycle, ${folders}:\n${steps.join('\n')}`);
  }
  return problems;
}

// `node scripts/check-layers.js [srcDir]`; the tests point it at fixtures.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const srcDir = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'src'));
  const problems = checkLayers(srcDir);
  if (problems.length > 0) {
    console.error(`Layering of src/ (scripts/check-layers.js): ${problems.length} problem(s)\n`);
    for (const p of problems) console.error(`  ${p}`);
    console.error(`\nThe layers, highest first: ${LAYERS.map((l) => l.join(' | ')).join(' -> ')}`);
    process.exitCode = 1;
  }
}
