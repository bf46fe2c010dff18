import { describe, expect, it } from 'vitest';
import { EXIT, ExitError, exitCodeFor } from '../../../src/cli/exit.js';
import {
  ERROR_CODES,
  FlinkYarnError,
  InterruptedError,
  UsageError,
  type ErrorCode,
  type UsageErrorCode,
} from '../../../src/errors/index.js';
import { YarnError } from '../../../src/yarn/errors.js';

const ALL = Object.keys(ERROR_CODES) as ErrorCode[];
// The contract's exit 2: flags, arguments (a session to run in), application ids, addresses, missing conf dirs.
const USAGE: UsageErrorCode[] = ['USAGE', 'CONF_DIR_NOT_FOUND', 'NO_SESSION'];
const isUsage = (c: ErrorCode): boolean => (USAGE as readonly ErrorCode[]).includes(c);

describe('exit codes by error code', () => {
  it('classes exactly the usage codes as usage', () => {
    expect(ALL.filter((c) => ERROR_CODES[c] === 'usage').sort()).toEqual([...USAGE].sort());
    expect(ALL.filter((c) => ERROR_CODES[c] === 'interrupted')).toEqual(['INTERRUPTED']);
  });

  it.each(USAGE)('%s exits 2 with the bare message, whatever class throws it', (code) => {
    for (const error of [
      new FlinkYarnError(code, 'bad flag'),
      new YarnError(code, 'bad flag'),
      new UsageError('bad flag', code),
    ]) {
      expect(exitCodeFor(error)).toEqual({ code: EXIT.usage, message: 'bad flag' });
    }
  });

  it('INTERRUPTED exits 130 with the bare message', () => {
    expect(exitCodeFor(new InterruptedError())).toEqual({
      code: EXIT.interrupted,
      message: 'Interrupted; what this run created has been removed.',
    });
    expect(exitCodeFor(new FlinkYarnError('INTERRUPTED', 'stopped'))).toEqual({ code: 130, message: 'stopped' });
  });

  it.each(ALL.filter((c) => !isUsage(c) && c !== 'INTERRUPTED'))('%s exits 1 and names its code', (code) => {
    expect(exitCodeFor(new FlinkYarnError(code, 'it broke'))).toEqual({
      code: EXIT.failed,
      message: `it broke [${code}]`,
    });
  });

  it('treats a code from outside the table (a JavaScript caller) as a failure', () => {
    expect(exitCodeFor(new FlinkYarnError('SOMETHING_ELSE' as ErrorCode, 'odd'))).toEqual({
      code: 1,
      message: 'odd [SOMETHING_ELSE]',
    });
  });

  it('calls anything else an internal error, exit 1, without a stack', () => {
    const r = exitCodeFor(new TypeError('x is undefined'));
    expect(r.code).toBe(EXIT.failed);
    expect(r.message).toBe('internal error: x is undefined (set FLINK_YARN_DEBUG=1 for details)');
    expect(exitCodeFor('thrown string')).toMatchObject({
      code: 1,
      message: expect.stringMatching(/^internal error: thrown string/),
    });
  });

  it('passes an ExitError through', () => {
    expect(exitCodeFor(new ExitError(EXIT.failed))).toEqual({ code: 1, message: '' });
    expect(exitCodeFor(new ExitError(EXIT.interrupted, 'bye'))).toEqual({ code: 130, message: 'bye' });
  });
});
