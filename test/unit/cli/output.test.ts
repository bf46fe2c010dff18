import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  CLEAR_LINE,
  style,
  terminalIo,
  TerminalOutput,
  writeJson,
  writeLines,
  type Io,
} from '../../../src/cli/output.js';

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

/** A stream that takes writes until told to fail them, as a pipe or a file does. */
function stream(isTTY = false) {
  const s = new EventEmitter() as EventEmitter & {
    isTTY: boolean;
    written: string;
    failWith?: NodeJS.ErrnoException;
    write(text: string, done?: (e?: Error | null) => void): boolean;
  };
  s.isTTY = isTTY;
  s.written = '';
  s.write = (text, done) => {
    const failure = s.failWith;
    if (failure === undefined) s.written += text;
    // Node reports a failed write a tick later, to the callback and as an 'error' event.
    process.nextTick(() => {
      done?.(failure ?? null);
      if (failure !== undefined) s.emit('error', failure);
    });
    return failure === undefined;
  };
  return s;
}

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: failed`), { code });
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('TerminalOutput: the one door to the terminal', () => {
  it('strips controls from text but passes our own colours, on a terminal', () => {
    const target = stream(true);
    const out = new TerminalOutput(target);
    const s = style(out, {});
    out.write(`${s.red('error')} app \u001b]0;pwned\u0007\u001b[31mname\r\n${CLEAR_LINE}`);
    expect(target.written).toBe('\u001b[31merror\u001b[39m app name\n\r\u001b[2K');
  });

  it('writes JSON exactly, however long its lines', async () => {
    const target = stream();
    const io = terminalIo({ stdout: target, stderr: stream(), env: {}, cwd: '/' });
    const value = { name: `\u001b[31m${'n'.repeat(10_000)}\u009b`, items: [1] };
    await writeJson(io, value);
    expect(target.written).toBe(`${JSON.stringify(value, null, 2)}\n`);
  });

  it('ends quietly when the reader has gone (EPIPE): later writes are dropped', async () => {
    const target = stream();
    const out = new TerminalOutput(target);
    target.failWith = errno('EPIPE');
    out.write('first\n');
    await tick();
    expect(out.closed).toBe(true);
    expect(out.failure).toBeUndefined();
    target.failWith = undefined;
    out.write('second\n');
    expect(target.written).toBe('');
  });

  it('keeps any other write error for main to report, once', async () => {
    const target = stream();
    const out = new TerminalOutput(target);
    target.failWith = errno('ENOSPC');
    out.write('x');
    out.write('y');
    await tick();
    expect(out.failure?.message).toBe('ENOSPC: failed');
  });

  it('takes a write that throws as a failed one', () => {
    const out = new TerminalOutput({
      write: () => {
        throw errno('EBADF');
      },
    });
    expect(out.write('x')).toBe(true);
    expect(out.failure?.message).toBe('EBADF: failed');
  });

  it('lets a writer waiting for drain go on once the stream has failed, and stops a long list', async () => {
    const target = stream();
    target.write = (_text, done) => {
      process.nextTick(() => done?.(errno('EPIPE')));
      return false;
    };
    const io: Io = terminalIo({ stdout: target, stderr: stream(), env: {}, cwd: '/' });
    let made = 0;
    await writeLines(io, 1_000_000, (i) => {
      made++;
      return `line ${i} ${'x'.repeat(100)}`;
    });
    expect(io.stdout.closed).toBe(true);
    expect(made).toBeLessThan(20_000);
  });
});
