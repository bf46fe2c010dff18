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
