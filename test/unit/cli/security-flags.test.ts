import { beforeEach, describe, expect, it, vi } from 'vitest';
import { connection } from '../../../src/cli/commands/applications.js';
import { main } from '../../../src/cli/main.js';
import { captureIo } from './capture-io.js';

// The commands as the CLI parses them, without running anything: the handlers record their arguments.
const handlers = vi.hoisted(() => ({
  runList: vi.fn<(args: unknown, io: unknown) => Promise<void>>(async () => undefined),
  runSession: vi.fn<(args: unknown, io: unknown) => Promise<void>>(async () => undefined),
  runGc: vi.fn<(args: unknown, io: unknown) => Promise<void>>(async () => undefined),
}));
vi.mock('../../../src/cli/commands/applications.js', async (actual) => ({
  ...(await actual<object>()),
  runList: handlers.runList,
}));
vi.mock('../../../src/cli/commands/session.js', () => ({ runSession: handlers.runSession }));
vi.mock('../../../src/cli/commands/gc.js', () => ({ runGc: handlers.runGc }));

const io = captureIo;

const SECURITY = ['--keytab', 'a.keytab', '--principal', 'alice@EXAMPLE.COM', '--ca', 'ca.pem'];
const EXPECTED = { keytab: 'a.keytab', principal: 'alice@EXAMPLE.COM', ca: 'ca.pem' };

describe('--keytab, --principal and --ca', () => {
  beforeEach(() => Object.values(handlers).forEach((h) => h.mockClear()));

  it('reach the commands that talk to a cluster, before or after the command word', async () => {
    for (const [argv, handler] of [
      [['list', ...SECURITY], handlers.runList],
      [[...SECURITY, 'list'], handlers.runList],
      [['session', '-d', ...SECURITY], handlers.runSession],
      [['gc', ...SECURITY], handlers.runGc],
    ] as const) {
      const { io: given, stderr } = io();
      expect(await main(argv, given), stderr()).toBe(0);
      expect(handler).toHaveBeenCalledTimes(1);
      expect(handler.mock.calls[0]![0]).toMatchObject(EXPECTED);
      handler.mockClear();
    }
  });

  it('the connection options of a command carry them to the library', () => {
    const { io: given } = io();
    const options = connection({ output: 'text', ...EXPECTED }, given);
    expect(options).toMatchObject(EXPECTED);
  });

  it('each takes one value: twice, or without one, is bad usage (exit 2)', async () => {
    for (const argv of [
      ['list', '--keytab', 'a', '--keytab', 'b'],
      ['list', '--ca', 'a', '--ca', 'b'],
      ['list', '--principal'],
    ]) {
      const { io: given, stderr } = io();
      expect(await main(argv, given), argv.join(' ')).toBe(2);
      expect(stderr()).toMatch(/^flink-yarn: /);
    }
    expect(handlers.runList).not.toHaveBeenCalled();
  });
});
