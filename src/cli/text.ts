// Text for a terminal. Application names, diagnostics, ZooKeeper data and error messages that
// echo a server come from others: written as they are, an escape sequence in one could move the
// cursor, retitle the window or fake a line of our output. Pure functions; output.ts applies them
// to everything the CLI writes as text.

/**
 * Our own sequences (colours, clearing the live line) travel wrapped in a marker that carries
 * this run's random key: text from a file or a server cannot forge it, so `forTerminal` keeps
 * exactly these and strips every other control character.
 */
const KEY = Math.random().toString(36).slice(2, 10);
const OWN = new RegExp(`\u0000${KEY}([^\u0000]*)\u0000`, 'g');

/** A control sequence of our own (`\u001b[1m`), to pass through `forTerminal` intact. */
export function own(sequence: string): string {
  return `\u0000${KEY}${sequence}\u0000`;
}

/**
 * ESC sequences as a whole (CSI; OSC, DCS, SOS, PM and APC strings up to their terminator or the
 * end of the line; two-character ones), and their 8-bit C1 forms, so no `[31m` is left behind.
 */
const SEQUENCE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point here
  /\u001b(?:\[[0-?]*[ -/]*[@-~]?|[\]PX^_][^\u0007\u001b\u009c\n]*(?:\u0007|\u001b\\|\u009c)?|[ -/]*[0-~]?)|\u009b[0-?]*[ -/]*[@-~]?|[\u0090\u0098\u009d\u009e\u009f][^\u0007\u001b\u009c\n]*(?:\u0007|\u001b\\|\u009c)?/g;
/** What is left: C0 but tab and newline, DEL, C1. */
// eslint-disable-next-line no-control-regex -- as above
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex -- as above
const ANY_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Removes every terminal control from text that is not ours; keeps tabs and newlines. */
export function stripControls(text: string): string {
  if (!ANY_CONTROL.test(text)) return text;
  return text.replace(SEQUENCE, '').replace(CONTROL, '');
}

/** A line longer than this is cut: no one reads 10 kB of application name on a terminal. */
export const LINE_LIMIT = 2000;

/** `value` cut to `max` characters, with a note saying how much went (JSON output has it all). */
export function cut(value: string, max: number): string {
  if (value.length <= max) return value;
  return `${value.slice(0, max)}… [${value.length - max} more characters]`;
}

/** Text as it may reach a terminal: our own sequences kept, all other controls stripped, long lines cut. */
export function forTerminal(text: string): string {
  let out = text;
  if (ANY_CONTROL.test(out)) {
    out = '';
    let from = 0;
    for (const m of text.matchAll(OWN)) {
      out += stripControls(text.slice(from, m.index)) + m[1]!;
      from = m.index + m[0].length;
    }
    out += stripControls(text.slice(from));
  }
  if (out.length <= LINE_LIMIT) return out;
  return out
    .split('\n')
    .map((line) => cut(line, LINE_LIMIT))
    .join('\n');
}

/** One line: what came with line breaks (a server's error body) is joined with spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** A table cell: one line, and at most `max` characters. */
export function cell(value: string, max = 100): string {
  return cut(value.replace(/[\t\r\n]+/g, ' '), max);
}
