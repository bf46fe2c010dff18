import type * as JsYaml from 'js-yaml';
import { createRequire } from 'node:module';
import { diagnostic, type Diagnostic } from '../../diagnostics/index.js';
import { ParseError } from '../../errors/index.js';
import type { FlinkEntry, ParsedFlinkConf } from './entries.js';

/**
 * Parses a Flink 1.19+ `config.yaml`: standard YAML, nested or flat. Nested maps flatten to
 * dotted keys; lists and scalars become the string form Flink's Configuration gives them.
 * Scalars are kept as written (the failsafe schema), so `1.0` stays `1.0` and `10 s` stays text.
 * Throws ParseError (with the line) for YAML that does not parse or is not a mapping.
 */
export function parseStandardYaml(text: string, file: string): ParsedFlinkConf {
  let document: unknown;
  try {
    const yaml = loadJsYaml();
    document = yaml.load(text, { filename: file, schema: yaml.FAILSAFE_SCHEMA, json: false });
  } catch (e) {
    const err = e as { mark?: { line?: number }; reason?: string; message?: string };
    const line = (err.mark?.line ?? 0) + 1;
    throw new ParseError(`not valid YAML: ${err.reason ?? err.message ?? String(e)}`, {
      file,
      line,
    });
  }
  if (document === undefined || document === null) return { file, format: 'yaml', entries: [], diagnostics: [] };
  if (!isMap(document)) {
    throw new ParseError(`the document must be a mapping of keys to values`, { file, line: 1 });
  }
  const lines = locateKeys(text);
  const entries: FlinkEntry[] = [];
  const diagnostics: Diagnostic[] = [];
  const visit = (node: Record<string, unknown>, prefix: string): void => {
    for (const [k, v] of Object.entries(node)) {
      const key = prefix === '' ? k : `${prefix}.${k}`;
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
      entries.push({ key, value: toFlinkString(v), file, ...(line !== undefined ? { line } : {}), source: 'file' });
    }
  };
  visit(document, '');
  return { file, format: 'yaml', entries, diagnostics };
}

/**
 * The string Flink's Configuration hands out for a standard-YAML value: scalars as written, and
 * lists or maps inside lists as flow-style YAML (`[a, b]`), as Flink's YamlParserUtils dumps them.
 */
export function toFlinkString(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => toFlinkString(v)).join(', ')}]`;
  if (isMap(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${toFlinkString(v)}`)
      .join(', ')}}`;
  }
  if (value === null || value === undefined) return 'null';
  return String(value);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const KEY_LINE =
  /^(\s*)(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#'"\-?:[\]{},][^#:]*?|-[^\s#:][^#:]*?))\s*:(?:\s|$)/;

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
