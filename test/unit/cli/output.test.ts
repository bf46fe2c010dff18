import { EventEmitter } from 'node:events';
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
  it('writes a long list in pieces, byte for byte as JSON.stringify lays it out', async () => {
    const apps = Array.from({ length: 5_000 }, (_, i) => ({
      id: `application_1_${i}`,
      tags: i % 2 ? [] : ['a', 'b'],
      nested: { deep: { value: i, text: 'line\nbreak' } },
      missing: undefined,
      nothing: null,
    }));
    expect(await captured(apps)).toBe(`${JSON.stringify(apps, null, 2)}\n`);
    const odd = [undefined, () => 1, 1, 'x', [], {}, ...Array.from({ length: 1_000 }, () => [1, [2]])];
    expect(await captured(odd)).toBe(`${JSON.stringify(odd, null, 2)}\n`);
  });

  it('waits for the reader whenever the pipe is full', async () => {
    const out = new EventEmitter() as EventEmitter & { write(s: string): boolean };
    const pieces: string[] = [];
    let waiting = 0;
    out.write = (s: string) => {
      expect(waiting, 'a write before the pipe drained').toBe(0);
      pieces.push(s);
      waiting++;
      setImmediate(() => {
        waiting--;
        out.emit('drain');
      });
      return false;
    };
    const list = Array.from({ length: 20_000 }, (_, i) => ({ id: i, text: 'x'.repeat(50) }));
    await writeJson({ stdout: out, stderr: process.stderr, env: {}, cwd: '/' } as never, list);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(`${JSON.stringify(list, null, 2)}\n`);
  });

  it('writes anything else in one piece', async () => {
    expect(await captured({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}\n');
    expect(await captured([])).toBe('[]\n');
  });
});
