import { describe, expect, it } from 'vitest';
import { writeJson } from '../../../src/cli/output.js';

function captured(value: unknown): string {
  let out = '';
  writeJson(
    { stdout: { write: (s: string) => ((out += s), true) }, stderr: process.stderr, env: {}, cwd: '/' } as never,
    value,
  );
  return out;
}

describe('writeJson', () => {
  it('writes a long list in pieces, byte for byte as JSON.stringify lays it out', () => {
    const apps = Array.from({ length: 5_000 }, (_, i) => ({
      id: `application_1_${i}`,
      tags: i % 2 ? [] : ['a', 'b'],
      nested: { deep: { value: i, text: 'line\nbreak' } },
      missing: undefined,
      nothing: null,
    }));
    expect(captured(apps)).toBe(`${JSON.stringify(apps, null, 2)}\n`);
    const odd = [undefined, () => 1, 1, 'x', [], {}, ...Array.from({ length: 1_000 }, () => [1, [2]])];
    expect(captured(odd)).toBe(`${JSON.stringify(odd, null, 2)}\n`);
  });

  it('writes anything else in one piece', () => {
    expect(captured({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}\n');
    expect(captured([])).toBe('[]\n');
  });
});
