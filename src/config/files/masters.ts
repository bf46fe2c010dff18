import { clip, diagnostic, type Diagnostic } from '../../diagnostics/index.js';

export interface MasterEntry {
  readonly host: string;
  /** The web UI port; 0 when the line gives none (Flink then picks one). */
  readonly webUiPort: number;
  readonly line: number;
}

export interface ParsedMasters {
  readonly file: string;
  readonly masters: readonly MasterEntry[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses `conf/masters` as Flink's config.sh reads it: one `host[:webUIPort]` per line, anything
 * after `#` ignored, blank lines skipped, and a `/rack/host` prefix reduced to the host.
 */
export function parseMasters(text: string, file: string): ParsedMasters {
  const masters: MasterEntry[] = [];
  const diagnostics: Diagnostic[] = [];
  text.split(/\r\n|\n|\r/).forEach((raw, index) => {
    const line = index + 1;
    const content = (raw.split('#', 1)[0] ?? '').trim();
    if (content === '') return;
    const m = /^(?:.*\/)?([0-9A-Za-z.-]+)(?::([0-9]+))?$/.exec(content);
    if (m === null && /\s/.test(content)) {
      diagnostics.push(
        diagnostic(
          'error',
          'MASTERS_MALFORMED_LINE',
          `'${clip(content)}' has more than one word; Flink's scripts would use only '${clip(content.split(/\s+/)[0] ?? '')}'. Write one 'host:webUIPort' per line.`,
          { file, line },
        ),
      );
      return;
    }
    if (m === null) {
      diagnostics.push(
        diagnostic(
          'error',
          'MASTERS_MALFORMED_LINE',
          `'${clip(content)}' is not 'host:webUIPort'; each line of the masters file names one JobManager host and its web UI port, e.g. 'localhost:8081'.`,
          { file, line },
        ),
      );
      return;
    }
    const port = m[2] === undefined ? 0 : Number(m[2]);
    if (port > 65_535) {
      diagnostics.push(
        diagnostic('error', 'MASTERS_MALFORMED_LINE', `web UI port ${clip(m[2]!, 40)} is out of range (1-65535).`, {
          file,
          line,
        }),
      );
      return;
    }
    masters.push({ host: m[1]!, webUiPort: port, line });
  });
  return { file, masters, diagnostics };
}
