import type * as JsYaml from 'js-yaml';
import { createRequire } from 'node:module';
import { clip, diagnostic, type Diagnostic } from '../../diagnostics/index.js';
import { ParseError } from '../../errors/index.js';
import type { FlinkEntry, ParsedFlinkConf } from './entries.js';

/**
 * Parses a Flink 1.19+ `config.yaml`: standard YAML, nested or flat. Nested maps flatten to
 * dotted keys; lists and scalars become the string form Flink's Configuration gives them.
 * Scalars are kept as written (the failsafe schema), so `1.0` stays `1.0` and `10 s` stays text.
 * Throws ParseError (with the line) for YAML that does not parse or is not a mapping, and for
 * aliases that Flink refuses or that expand beyond MAX_EXPANDED_CHARS.
 */
export function parseStandardYaml(text: string, file: string): ParsedFlinkConf {
  let document: unknown;
  try {
    const yaml = loadJsYaml();
    // maxDepth (js-yaml 4.3+) is missing from @types/js-yaml.
    const options: JsYaml.LoadOptions & { maxDepth: number } = {
      filename: file,
      schema: yaml.FAILSAFE_SCHEMA,
      json: false,
      maxDepth: MAX_YAML_DEPTH,
    };
    document = yaml.load(text, options);
  } catch (e) {
    const err = e as { mark?: { line?: number }; reason?: string; message?: string };
    const line = (err.mark?.line ?? 0) + 1;
    throw new ParseError(`not valid YAML: ${clip(err.reason ?? err.message ?? String(e))}`, {
      file,
      line,
    });
  }
  if (document === undefined || document === null) return { file, format: 'yaml', entries: [], diagnostics: [] };
  if (!isMap(document)) {
    throw new ParseError(`the document must be a mapping of keys to values`, { file, line: 1 });
  }
  checkAliases(document, file);
  const lines = locateKeys(text);
  const entries: FlinkEntry[] = [];
  const diagnostics: Diagnostic[] = [];
  const budget = new Budget();
  const visit = (node: Record<string, unknown>, prefix: string): void => {
    for (const [k, v] of Object.entries(node)) {
      const key = prefix === '' ? k : `${prefix}.${k}`;
      budget.spend(key.length);
      if (isMap(v) && Object.keys(v).length > 0) {
        visit(v, key);
        continue;
      }
      const line = lines.get(key);
      if (isMap(v)) continue; // an empty map contributes no key
      if (v === null || v === undefined || v === '~' || v === 'null' || v === 'Null' || v === 'NULL') {
        diagnostics.push(
          diagnostic(
            'error',
            'FLINK_CONF_NULL_VALUE',
            `${key} has no value. Flink fails to load the whole configuration file ("Error parsing YAML configuration.") when any key is null. Give it a value or remove the line.`,
            { key, file, line },
          ),
        );
        continue;
      }
      entries.push({
        key,
        value: toFlinkString(v, budget),
        file,
        ...(line !== undefined ? { line } : {}),
        source: 'file',
      });
    }
  };
  try {
    visit(document, '');
  } catch (e) {
    if (!(e instanceof BudgetExceeded)) throw e;
    throw new ParseError(
      `the document expands to more than ${MAX_EXPANDED_CHARS / (1024 * 1024)} Mi characters of keys and values, since its aliases (*name) repeat what they refer to. Write the values out, with fewer aliases.`,
      { file },
    );
  }
  return { file, format: 'yaml', entries, diagnostics };
}

/** Nesting of lists and maps; Flink's own configuration nests a few levels. js-yaml's default. */
const MAX_YAML_DEPTH = 100;

/**
 * Aliases to lists or maps allowed in one document: snakeyaml-engine's maxAliasesForCollections,
 * whose default Flink keeps, so Flink refuses a document with more. Nine levels of nine aliases
 * (a "billion laughs") load instantly but expand to 9^9 values.
 */
export const MAX_COLLECTION_ALIASES = 50;

/** Characters of keys and values one config.yaml may flatten to: as much as the largest file read. */
export const MAX_EXPANDED_CHARS = 16 * 1024 * 1024;

class BudgetExceeded extends Error {}

/** Counts what flattening produces, so aliases of long scalars cannot expand without bound. */
class Budget {
  private left = MAX_EXPANDED_CHARS;
  spend(chars: number): void {
    this.left -= chars + 1;
    if (this.left < 0) throw new BudgetExceeded();
  }
}

/**
 * js-yaml shares an anchored node among its aliases, so loading is cheap whatever they expand to.
 * Walking every node once finds each alias as a node seen before, and an alias inside the node it
 * names as a node still open (which Flink's flattening would follow forever).
 */
function checkAliases(document: object, file: string): void {
  const state = new Map<object, 'open' | 'done'>();
  const stack: { node: object; children: unknown[]; next: number }[] = [];
  const enter = (node: object): void => {
    state.set(node, 'open');
    stack.push({ node, children: Object.values(node), next: 0 });
  };
  let aliases = 0;
  enter(document);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next === top.children.length) {
      state.set(top.node, 'done');
      stack.pop();
      continue;
    }
    const child = top.children[top.next++];
    if (typeof child !== 'object' || child === null) continue;
    const seen = state.get(child);
    if (seen === 'open') {
      throw new ParseError(
        'an alias (*name) refers to a list or map that contains the alias itself, a structure without end. Write the value out.',
        { file },
      );
    }
    if (seen === 'done') {
      if (++aliases > MAX_COLLECTION_ALIASES) {
        throw new ParseError(
          `more than ${MAX_COLLECTION_ALIASES} aliases (*name) refer to lists or maps; Flink's YAML parser refuses that ("Number of aliases for non-scalar nodes exceeds the specified max=${MAX_COLLECTION_ALIASES}"), as such aliases can expand to billions of values. Write the values out.`,
          { file },
        );
      }
      continue;
    }
    enter(child);
  }
}

/**
 * The string Flink's Configuration hands out for a standard-YAML value: scalars as written, and
 * lists or maps inside lists as flow-style YAML (`[a, b]`), as Flink's YamlParserUtils dumps them.
 */
function toFlinkString(value: unknown, budget: Budget): string {
  if (Array.isArray(value)) {
    budget.spend(value.length);
    return `[${value.map((v) => toFlinkString(v, budget)).join(', ')}]`;
  }
  if (isMap(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => {
        budget.spend(k.length);
        return `${k}: ${toFlinkString(v, budget)}`;
      })
      .join(', ')}}`;
  }
  if (value === null || value === undefined) return 'null';
  const text = String(value);
  budget.spend(text.length);
  return text;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Greedy up to the first ':' (the key is trimmed after): a lazy key followed by `\s*:` took
// quadratic time on a long line of spaces.
const KEY_LINE =
  /^(\s*)(?:"((?:[^"\\]|\\.)*)"\s*|'((?:[^']|'')*)'\s*|([^\s#'"\-?:[\]{},][^#:]*|-[^\s#:][^#:]*)):(?:\s|$)/;

/**
 * Finds the line of every key in block-style YAML by tracking indentation, since js-yaml keeps
 * no positions. Keys it cannot place (flow style) simply get no line.
 */
export function locateKeys(text: string): Map<string, number> {
  const result = new Map<string, number>();
  const stack: { indent: number; key: string }[] = [];
  let blockScalarIndent = -1;
  text.split(/\r\n|\n|\r/).forEach((raw, index) => {
    const indent = raw.length - raw.trimStart().length;
    const content = raw.trim();
    if (blockScalarIndent >= 0) {
      if (content === '' || indent > blockScalarIndent) return;
      blockScalarIndent = -1;
    }
    if (content === '' || content.startsWith('#') || content === '---' || content === '...') return;
    if (content.startsWith('- ') || content === '-') return;
    const m = KEY_LINE.exec(raw);
    if (m === null) return;
    const key = (m[2] ?? m[3]?.replace(/''/g, "'") ?? m[4] ?? '').trim();
    while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    const path = [...stack.map((s) => s.key), key].join('.');
    result.set(path, index + 1);
    stack.push({ indent, key });
    if (/:\s*[|>][-+0-9]*\s*(#.*)?$/.test(content)) blockScalarIndent = indent;
  });
  return result;
}

/** js-yaml is loaded on first use: a legacy flink-conf.yaml never needs it. */
let jsYaml: typeof JsYaml | undefined;
function loadJsYaml(): typeof JsYaml {
  jsYaml ??= createRequire(import.meta.url)('js-yaml') as typeof JsYaml;
  return jsYaml;
}
