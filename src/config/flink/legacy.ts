import { diagnostic, type Diagnostic } from '../../diagnostics/index.js';
import type { FlinkEntry, ParsedFlinkConf } from './entries.js';
import { maskConfigLine } from '../secrets.js';

/**
 * Parses a legacy `flink-conf.yaml` the way Flink's GlobalConfiguration does, which is not YAML:
 * per line, drop everything from the first `#`, split at the first `": "`, trim both sides, and
 * skip (with a warning) lines without a key and a value. A later duplicate wins.
 */
export function parseLegacyFlinkConf(text: string, file: string): ParsedFlinkConf {
  const entries: FlinkEntry[] = [];
  const diagnostics: Diagnostic[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const content = (raw.split('#', 1)[0] ?? '').trim();
    if (content === '') return;
    const sep = content.indexOf(': ');
    if (sep < 0) {
      diagnostics.push(
        diagnostic(
          'warning',
          'FLINK_CONF_LINE_IGNORED',
          `'${maskConfigLine(content)}' is not a 'key: value' pair, so Flink ignores this line${content.includes(':') ? " (is the space after ':' missing?)" : ''}.`,
          { file, line },
        ),
      );
      return;
    }
    const key = content.slice(0, sep).trim();
    const value = content.slice(sep + 2).trim();
    if (key === '' || value === '') {
      diagnostics.push(
        diagnostic(
          'warning',
          'FLINK_CONF_LINE_IGNORED',
          `the ${key === '' ? 'key' : 'value'} is empty, so Flink ignores this line.`,
          { file, line, key: key === '' ? undefined : key },
        ),
      );
      return;
    }
    entries.push({ key, value, file, line, source: 'file' });
  });
  return { file, format: 'legacy', entries, diagnostics };
}
