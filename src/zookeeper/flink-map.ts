/**
 * Flink's syntax for map-typed options written as one string (`k1:v1,k2:v2`), as its
 * StructuredOptionsSplitter reads it: `'...'` or `"..."` protect delimiters, a doubled quote
 * inside stands for one, whitespace between parts is skipped and unquoted parts are trimmed.
 * A value holding `:` is quoted once (`digest:'user:password'`); one holding `,` must be quoted at
 * both levels (`'digest:''a,b'''`), because the first split is on `,`.
 */

/** A value that Flink itself would refuse to read as a map; `message` follows Flink's wording. */
export class FlinkMapSyntaxError extends Error {}

/** Java's Character.isWhitespace, which Flink's tokenizer skips by: no non-breaking spaces. */
function isJavaWhitespace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    (c >= 0x1c && c <= 0x20) ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a && c !== 0x2007) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Java's String.trim: drops every char up to U+0020 at both ends. */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

type Token =
  | { readonly kind: 'quoted'; readonly text: string; readonly at: number }
  | { readonly kind: 'plain'; readonly text: string; readonly at: number }
  | { readonly kind: 'delimiter'; readonly at: number };

/** Splits at `delimiter` outside quotes. */
export function splitEscaped(text: string, delimiter: string): string[] {
  const tokens = tokenize(text, delimiter);
  const parts: string[] = [];
  tokens.forEach((token, i) => {
    const next = tokens[i + 1];
    if (token.kind === 'delimiter') {
      // Two delimiters in a row hold an empty part; a leading or trailing one holds nothing.
      if (next?.kind === 'delimiter') parts.push('');
      return;
    }
    if (token.kind === 'quoted' && next !== undefined && next.kind !== 'delimiter') {
      throw new FlinkMapSyntaxError(`Could not split string. Illegal quoting at position: ${next.at - 1}`);
    }
    parts.push(token.text);
  });
  return parts;
}

function tokenize(text: string, delimiter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new FlinkMapSyntaxError('Could not split string. Quoting was not closed properly.');
        if (text[j] === c) {
          if (text[j + 1] === c) {
            value += c;
            j += 2;
            continue;
          }
          break;
        }
        value += text[j];
        j++;
      }
      tokens.push({ kind: 'quoted', text: value, at: i });
      i = j + 1;
    } else if (c === delimiter) {
      tokens.push({ kind: 'delimiter', at: i });
      i++;
    } else if (isJavaWhitespace(c.charCodeAt(0))) {
      i++;
    } else {
      // Unquoted text runs to the next delimiter, quotes included (so `k:'v'` stays whole at `,`).
      const end = text.indexOf(delimiter, i);
      const stop = end < 0 ? text.length : end;
      tokens.push({ kind: 'plain', text: javaTrim(text.slice(i, stop)), at: i });
      i = stop;
    }
  }
  return tokens;
}

/** Reads `k1:v1,k2:v2` into ordered entries; duplicate keys are an error, as in Flink. */
export function parseFlinkMap(text: string): [string, string][] {
  const entries: [string, string][] = [];
  const seen = new Set<string>();
  for (const item of splitEscaped(text, ',')) {
    const pair = splitEscaped(item, ':');
    if (pair.length !== 2) throw new FlinkMapSyntaxError("Map item is not a key-value pair (missing ':'?)");
    const [key, value] = pair as [string, string];
    if (seen.has(key)) throw new FlinkMapSyntaxError(`Duplicate key ${key}`);
    seen.add(key);
    entries.push([key, value]);
  }
  return entries;
}

/** Writes entries so that parseFlinkMap reads them back: quoted wherever Flink would need it. */
export function formatFlinkMap(entries: readonly (readonly [string, string])[]): string {
  const quote = (s: string, special: string) =>
    s.includes(special) || s.includes("'") || s.includes('"') || s.trim() !== s || s === ''
      ? `'${s.replace(/'/g, "''")}'`
      : s;
  return entries.map(([k, v]) => quote(`${quote(k, ':')}:${quote(v, ':')}`, ',')).join(',');
}
