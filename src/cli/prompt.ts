import { createInterface } from 'node:readline';
import { terminalStream, type Io } from './output.js';
import { stripControls } from './text.js';

/** A question being asked on stderr; `close` withdraws it (the answer is then ''). */
export interface Question {
  readonly answer: Promise<string>;
  close(): void;
}

/**
 * Asks on stderr and reads one line from `stdin`. The line editor draws on the terminal with
 * its own escape sequences, so it gets the stream under the terminal door; the question is
 * stripped here instead. A stdin that ends (or `close`) answers ''.
 */
export function ask(io: Io, stdin: NodeJS.ReadableStream, question: string): Question {
  const rl = createInterface({ input: stdin, output: terminalStream(io.stderr) });
  const answer = new Promise<string>((resolve) => {
    rl.once('close', () => resolve(''));
    rl.question(stripControls(question), (given) => {
      resolve(given);
      rl.close();
    });
  });
  return { answer, close: () => rl.close() };
}

/** A yes: `y` or `yes`, in any case. */
export function isYes(answer: string): boolean {
  return /^y(es)?$/i.test(answer.trim());
}
