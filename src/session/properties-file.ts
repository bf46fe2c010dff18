/**
 * Flink's `.yarn-properties-<user>`: a java.util.Properties file that tells Flink's own
 * `flink run` which YARN session to submit to.
 */
export interface YarnProperties {
  readonly applicationId: string;
  /** The session's -D properties, which Flink's CLI re-applies (joined with @@). */
  readonly dynamicProperties: Readonly<Record<string, string>>;
}

export function renderYarnProperties(p: YarnProperties, now: Date): string {
  const dynamic = Object.entries(p.dynamicProperties)
    .map(([k, v]) => `${k}=${v}`)
    .join('@@');
  return [
    '#Generated YARN properties file',
    `#${now.toUTCString()}`,
    `applicationID=${escapeProperty(p.applicationId)}`,
    `dynamicPropertiesString=${escapeProperty(dynamic)}`,
    '',
  ].join('\n');
}

/** Properties.store escaping for values: backslash, separators, comment marks and non-ASCII. */
export function escapeProperty(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '=' || ch === ':' || ch === '#' || ch === '!') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code > 0x7e) {
      for (const unit of ch.split('')) out += `\\u${unit.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    } else out += ch;
  }
  return out.startsWith(' ') ? `\\${out}` : out;
}

export function yarnPropertiesFileName(user: string): string {
  return `.yarn-properties-${user}`;
}

/** java.util.Properties.load for a text: logical lines, comments, separators and escapes. */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const physical = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < physical.length; i++) {
    let line = physical[i]!.replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // A line that is only a backslash adds nothing: as in Java, the line after it starts afresh (it
    // may be blank or a comment), unless the text ends right after it.
    const endsNext = i + 2 === physical.length && physical[i + 1] === '';
    if (line === '\\' && i + 1 < physical.length && !endsNext) continue;
    // An odd number of trailing backslashes joins the next line, without its leading blanks.
    while (/(?:^|[^\\])(?:\\\\)*\\$/.test(line) && i + 1 < physical.length) {
      line = line.slice(0, -1) + physical[++i]!.replace(/^[ \t\f]+/, '');
    }
    let k = 0;
    while (k < line.length && !/[=: \t\f]/.test(line[k]!)) k += line[k] === '\\' ? 2 : 1;
    const key = line.slice(0, Math.min(k, line.length));
    let v = k;
    while (v < line.length && /[ \t\f]/.test(line[v]!)) v++;
    if (v < line.length && /[=:]/.test(line[v]!)) v++;
    while (v < line.length && /[ \t\f]/.test(line[v]!)) v++;
    out[unescapeProperty(key)] = unescapeProperty(line.slice(v));
  }
  return out;
}

function unescapeProperty(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.?)/g, (_, c: string) => {
    if (c.startsWith('u') && c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[c] ?? c;
  });
}
