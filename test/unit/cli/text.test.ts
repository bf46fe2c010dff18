import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cell, cut, forTerminal, LINE_LIMIT, oneLine, own, stripControls } from '../../../src/cli/text.js';

// eslint-disable-next-line no-control-regex -- what the tests look for
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('stripControls', () => {
  it.each([
    ['a CSI colour', 'a\u001b[31mred\u001b[0m', 'ared'],
    ['clearing the screen', '\u001b[2J\u001b[Hx', 'x'],
    ['an OSC title ended by BEL', 'x\u001b]0;pwned\u0007y', 'xy'],
    ['an OSC hyperlink ended by ST', '\u001b]8;;http://evil\u001b\\link\u001b]8;;\u001b\\', 'link'],
    ['an unterminated OSC, up to the end of its line', 'a\u001b]0;title\nnext', 'a\nnext'],
    ['a DCS string', 'a\u001bPq#0;2;0;0;0\u001b\\b', 'ab'],
    ["C1's 8-bit CSI", 'a\u009b31mb', 'ab'],
    ['a lone ESC', 'a\u001b', 'a'],
    ['carriage return, backspace, BEL, NUL, DEL', 'a\rb\bc\u0007d\u0000e\u007f', 'abcde'],
    ['NEL and other C1', 'a\u0085b\u0090', 'ab'],
  ])('removes %s', (_, text, expected) => {
    expect(stripControls(text)).toBe(expected);
  });

  it('keeps tabs, newlines and every printable character', () => {
    const text = 'a\tb\nc ünïcødé ✓ 日本 \u00a0 ~ [31m';
    expect(stripControls(text)).toBe(text);
  });

  it('leaves no control character but tab and newline, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(stripControls(text).replace(/[\t\n]/g, '')).not.toMatch(CONTROLS);
      }),
    );
  });
});

describe('forTerminal', () => {
  it('keeps our own sequences and strips everything else', () => {
    const ours = `${own('\u001b[1m')}bold${own('\u001b[22m')}`;
    expect(forTerminal(`${ours} and \u001b[31mtheirs`)).toBe('\u001b[1mbold\u001b[22m and theirs');
  });

  it('cannot be fooled by a marker that text from a server makes up', () => {
    const forged = '\u0000abcdefgh\u001b[2J\u0000 \u0000\u0000';
    expect(forTerminal(forged)).toBe('abcdefgh ');
  });

  it('cuts a long line with a note, and only the long one', () => {
    const text = `short\n${'x'.repeat(LINE_LIMIT + 50)}\nshort`;
    const [a, b, c] = forTerminal(text).split('\n');
    expect([a, c]).toEqual(['short', 'short']);
    expect(b).toBe(`${'x'.repeat(LINE_LIMIT)}… [50 more characters]`);
  });

  it('returns ordinary text as it is', () => {
    const text = 'validate: 1 warning\n  ATTEMPTS_CAPPED_BY_YARN\tfile:1\n';
    expect(forTerminal(text)).toBe(text);
  });
});

describe('cut, oneLine, cell', () => {
  it('cuts with a note saying how much went', () => {
    expect(cut('abcdef', 3)).toBe('abc… [3 more characters]');
    expect(cut('abc', 3)).toBe('abc');
  });

  it('joins the lines of a message', () => {
    expect(oneLine('RM said:\r\n  Exception x\n\tat y\n')).toBe('RM said: Exception x at y');
  });

  it('keeps a table cell to one line and a width', () => {
    expect(cell('a\nb\tc')).toBe('a b c');
    expect(cell('n'.repeat(10_240))).toBe(`${'n'.repeat(100)}… [10140 more characters]`);
  });
});
