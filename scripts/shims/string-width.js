// Bundled in place of `string-width` for yargs' help layout. yargs lays out its whole help text
// before every command, and the real function segments every string with Intl.Segmenter; plain
// ASCII (all of our help) has a width equal to its length, so only other text takes the slow path.
import realStringWidth from 'string-width';

// eslint-disable-next-line no-control-regex -- ANSI colour codes start with ESC
const ANSI = /\u001b\[[0-9;]*m/g;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export default function stringWidth(text, options) {
  if (typeof text !== 'string') return 0;
  const plain = text.includes('\u001b') ? text.replace(ANSI, '') : text;
  return PRINTABLE_ASCII.test(plain) ? plain.length : realStringWidth(text, options);
}
