import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { terminalIo } from '../../../src/cli/output.js';
import { ask, isYes } from '../../../src/cli/prompt.js';

function io() {
  const stderr = new PassThrough();
  let shown = '';
  stderr.on('data', (b: Buffer) => (shown += b.toString()));
  return { io: terminalIo({ stdout: new PassThrough(), stderr, env: {}, cwd: '/' }), shown: () => shown };
}

describe('ask', () => {
  it('asks on stderr, without the controls a caller let into the question, and reads one line', async () => {
    const { io: given, shown } = io();
    const stdin = new PassThrough();
    const question = ask(given, stdin, 'Kill app\u001b]0;x\u0007? [y/N] ');
    stdin.write('Yes\n');
    expect(isYes(await question.answer)).toBe(true);
    expect(shown()).toBe('Kill app? [y/N] ');
  });

  it('answers no when stdin ends or the question is withdrawn', async () => {
    const stdin = new PassThrough();
    const ended = ask(io().io, stdin, 'q? ');
    stdin.end();
    expect(await ended.answer).toBe('');
    const withdrawn = ask(io().io, new PassThrough(), 'q? ');
    withdrawn.close();
    expect(isYes(await withdrawn.answer)).toBe(false);
  });
});
