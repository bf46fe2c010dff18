import { describe, expect, it } from 'vitest';
import {
  escapeProperty,
  parseProperties,
  renderYarnProperties,
  yarnPropertiesFileName,
} from '../../../src/session/properties-file.js';

// The expectations below are what java.util.Properties.load gives for the same text (checked
// against a JDK 17).

describe('parseProperties: java.util.Properties.load', () => {
  it('skips # and ! comments, indented ones and blank lines', () => {
    expect(parseProperties('# a comment=1\n! another:2\n   # indented=3\n\t! tabbed\n\n   \nkey=value\n')).toEqual({
      key: 'value',
    });
  });

  it('separates key and value by =, :, or blanks, with blanks around the separator', () => {
    expect(
      parseProperties(
        ['a=1', 'b:2', 'c 3', 'd = 4', 'e : 5', 'f\t\t6', 'g\f7', '  h=8', ' \t\f i = 9', 'key name=v'].join('\n'),
      ),
    ).toEqual({ a: '1', b: '2', c: '3', d: '4', e: '5', f: '6', g: '7', h: '8', i: '9', key: 'name=v' });
  });

  it('takes only the first separator: the rest is the value', () => {
    expect(parseProperties('j==x\nk = : v\nurl=http://h:8088/a=b\nm:n=o\n')).toEqual({
      j: '=x',
      k: ': v',
      url: 'http://h:8088/a=b',
      m: 'n=o',
    });
  });

  it('reads an empty value: key=, key:, and a key alone', () => {
    expect(parseProperties('g=\nh:\nalone\nspaced =   \n')).toEqual({ g: '', h: '', alone: '', spaced: '' });
  });

  it('keeps blanks at the end of a value, and an escaped blank at its start', () => {
    expect(parseProperties('k=v  \nlead=\\ \\ x\n')).toEqual({ k: 'v  ', lead: '  x' });
  });

  it('unescapes \\t \\n \\r \\f \\uXXXX \\\\ and any other escaped character as itself', () => {
    expect(
      parseProperties(
        [
          'tab=a\\tb',
          'nl=a\\nb',
          'cr=a\\rb\\f',
          'uni=\\u00e9t\\u00E9 \\u65e5\\u672c',
          'surrogates=\\uD83D\\uDE00',
          'bs=a\\\\b',
          'other=\\q\\#\\!\\"',
        ].join('\n'),
      ),
    ).toEqual({
      tab: 'a\tb',
      nl: 'a\nb',
      cr: 'a\rb\f',
      uni: 'été 日本',
      surrogates: '😀',
      bs: 'a\\b',
      other: 'q#!"',
    });
  });

  it('reads escaped separators and blanks as part of the key', () => {
    expect(parseProperties('esc\\=key=v\nesc\\:key:w\nsp\\ key=x\n\\#not\\ a\\ comment=y\n\\u0020k=z\n')).toEqual({
      'esc=key': 'v',
      'esc:key': 'w',
      'sp key': 'x',
      '#not a comment': 'y',
      ' k': 'z',
    });
  });

  it('joins a line that ends in an odd number of backslashes to the next, without its leading blanks', () => {
    expect(parseProperties('multi=one, \\\n   two, \\\n\t\fthree\nnext=1\n')).toEqual({
      multi: 'one, two, three',
      next: '1',
    });
    // Three backslashes: one escaped backslash, then the continuation.
    expect(parseProperties('odd=a\\\\\\\n  b\n')).toEqual({ odd: 'a\\b' });
    // In the key too.
    expect(parseProperties('k\\\n  ey=v\n')).toEqual({ key: 'v' });
  });

  it('does not join after an even number of backslashes: they are escaped backslashes', () => {
    expect(parseProperties('even=a\\\\\nnext=1\n')).toEqual({ even: 'a\\', next: '1' });
    expect(parseProperties('four=a\\\\\\\\\nnext=2\n')).toEqual({ four: 'a\\\\', next: '2' });
  });

  it('never continues a comment, but a continued line that starts with # is value', () => {
    expect(parseProperties('# comment \\\nx=1\n')).toEqual({ x: '1' });
    expect(parseProperties('v=a\\\n#b\n')).toEqual({ v: 'a#b' });
  });

  it('a line that is only a backslash starts the next line afresh: blank and comment lines are skipped', () => {
    expect(parseProperties('\\\nkey=v\n')).toEqual({ key: 'v' });
    expect(parseProperties('   \\\n   # comment\nkey=v\n')).toEqual({ key: 'v' });
    expect(parseProperties('\\\n\nk=v\n')).toEqual({ k: 'v' });
  });

  it('drops a backslash at the very end of the text', () => {
    expect(parseProperties('end=x\\')).toEqual({ end: 'x' });
    expect(parseProperties('end=x\\\n')).toEqual({ end: 'x' });
    // A last line that is only a backslash is an empty key, as Java reads it.
    expect(parseProperties('k=v\n  \\')).toEqual({ k: 'v', '': '' });
    expect(parseProperties('k=v\n\\\n')).toEqual({ k: 'v', '': '' });
  });

  it('ends lines at \\r\\n, \\r and \\n alike', () => {
    expect(parseProperties('a=1\r\nb=2\rc=3\nd=4\\\r\n  5')).toEqual({ a: '1', b: '2', c: '3', d: '45' });
  });

  it('lets a later line override an earlier one', () => {
    expect(parseProperties('dup=1\ndup=2\n')).toEqual({ dup: '2' });
  });

  it('reads an empty key', () => {
    expect(parseProperties('=v\n')).toEqual({ '': 'v' });
  });
});

describe("Flink's .yarn-properties file: written and read back", () => {
  const written = (dynamicProperties: Record<string, string>, applicationId = 'application_1700000000000_0042') =>
    renderYarnProperties({ applicationId, dynamicProperties }, new Date(Date.UTC(2026, 10, 30, 10, 48, 3)));

  it('gives back the application id and the dynamic properties, whatever they hold', () => {
    const dynamic = {
      'yarn.application.name': 'a=b:c#d!e',
      'high-availability.zookeeper.quorum': 'zk1:2181,zk2:2181',
      'env.java.opts.all': '-Dx=1 -Dy=2',
      'metrics.reporter.x.name': 'héllo 日本 😀',
      'with.controls': 'tab\there\nnew line\rcr',
      'back.slash': 'C:\\path\\ ',
      'leading.blank': ' x',
    };
    const text = written(dynamic);
    const read = parseProperties(text);
    expect(Object.keys(read).sort()).toEqual(['applicationID', 'dynamicPropertiesString']);
    expect(read.applicationID).toBe('application_1700000000000_0042');
    expect(read.dynamicPropertiesString).toBe(
      Object.entries(dynamic)
        .map(([k, v]) => `${k}=${v}`)
        .join('@@'),
    );
    // As Properties.store writes it: ASCII only, one line per key, the date as a comment.
    expect(text).toMatch(/^#Generated YARN properties file\n#Mon, 30 Nov 2026 10:48:03 GMT\napplicationID=/);
    expect(/^[\x20-\x7e\n]*$/.test(text)).toBe(true);
    expect(text.split('\n')).toHaveLength(5);
  });

  it('with no dynamic properties, an empty string', () => {
    expect(parseProperties(written({}))).toEqual({
      applicationID: 'application_1700000000000_0042',
      dynamicPropertiesString: '',
    });
  });

  it('escapes what Properties.store escapes, and each escape reads back', () => {
    expect(escapeProperty('a=b:c#d!e\\f')).toBe('a\\=b\\:c\\#d\\!e\\\\f');
    expect(escapeProperty('é😀')).toBe('\\u00E9\\uD83D\\uDE00');
    expect(escapeProperty('  two')).toBe('\\  two');
    for (const value of ['  two leading', '#starts like a comment', '!too', 'ends in a backslash\\', '\t\n\r\f', '']) {
      expect(parseProperties(`k=${escapeProperty(value)}\n`).k, JSON.stringify(value)).toBe(value);
    }
  });

  it("names the file after the user, as Flink's CLI looks for it", () => {
    expect(yarnPropertiesFileName('alice')).toBe('.yarn-properties-alice');
  });
});
