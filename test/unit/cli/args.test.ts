import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { normaliseArgs, splitRunArgs } from '../../../src/cli/args.js';
import { main } from '../../../src/cli/main.js';
import type { RunArgs } from '../../../src/cli/specs/run.js';
import { UsageError } from '../../../src/errors/index.js';
import { captureIo } from './capture-io.js';

// `run` as the CLI parses it, without running anything: the handler only records its arguments.
const runJob = vi.hoisted(() => vi.fn<(args: unknown, io: unknown) => Promise<void>>(async () => undefined));
vi.mock('../../../src/cli/commands/run.js', () => ({ runJob }));

describe("splitRunArgs: the program's arguments are never parsed nor rewritten", () => {
  it('keeps what looks like our flags after the jar as it is', () => {
    const program = ['-jm', '4g', '-Dfoo=bar', '-nm', 'a', '--', '-h', '--help', '', 'ü', '--strict=maybe'];
    expect(splitRunArgs(['run', '-jm', '1g', '-Dk=v', 'job.jar', ...program])).toEqual({
      argv: ['run', 'job.jar', '--jobManagerMemory', '1g', '-D', 'k=v'],
      programArgs: program,
    });
  });

  it('for any arguments at all', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' })), (program) => {
        expect(splitRunArgs(['run', '-p', '2', 'job.jar', ...program]).programArgs).toEqual(program);
        expect(splitRunArgs(['run', '--', 'job.jar', ...program]).programArgs).toEqual(program);
      }),
    );
  });

  it("skips the values of our options, in yarn-session's and letter-group spellings too", () => {
    expect(splitRunArgs(['run', '-nm', 'x.jar', 'job.jar']).argv).toEqual(['run', 'job.jar', '--name', 'x.jar']);
    expect(splitRunArgs(['run', '-dp', '2', 'job.jar', 'a']).argv).toEqual(['run', 'job.jar', '-dp', '2']);
    expect(splitRunArgs(['run', '-p2', 'job.jar', 'a']).argv).toEqual(['run', 'job.jar', '-p2']);
    expect(splitRunArgs(['run', '--parallelism=2', 'job.jar']).argv).toEqual(['run', 'job.jar', '--parallelism=2']);
  });

  it('finds `run` after global options, and leaves other commands whole', () => {
    expect(splitRunArgs(['--flink-conf-dir', 'run', 'run', 'job.jar', '-x'])).toEqual({
      argv: ['run', 'job.jar', '--flink-conf-dir', 'run'],
      programArgs: ['-x'],
    });
    expect(splitRunArgs(['session', '-jm', '1g', '--', '-jm'])).toEqual({
      argv: ['session', '--jobManagerMemory', '1g', '--', '-jm'],
      programArgs: [],
    });
  });

  it('leaves the jar for yargs to ask for when there is none', () => {
    expect(splitRunArgs(['run', '-p', '2'])).toEqual({ argv: ['run', '-p', '2'], programArgs: [] });
    expect(splitRunArgs(['run', '-d', '--'])).toEqual({ argv: ['run', '-d'], programArgs: [] });
  });
});

describe('normaliseArgs', () => {
  it('refuses a switch given a value that is not true or false', () => {
    for (const token of ['--strict=maybe', '--no-strict=1', '--dry-run=yes', '--dryRun=0', '-d=no']) {
      expect(() => normaliseArgs(['validate', token]), token).toThrow(UsageError);
    }
    expect(() => normaliseArgs(['validate', '--strict=maybe'])).toThrow(
      '--strict=maybe: --strict is a switch; give it alone, or --strict=true or --strict=false.',
    );
    expect(normaliseArgs(['validate', '--strict=false', '--dry-run=true'])).toEqual([
      'validate',
      '--strict=false',
      '--dry-run=true',
    ]);
  });

  it('leaves what follows -- alone', () => {
    expect(normaliseArgs(['ha', '-Dk=v', '--', '-Dk=v', '-jm'])).toEqual(['ha', '-D', 'k=v', '--', '-Dk=v', '-jm']);
  });
});

describe("splitRunArgs: flink run's -j, -y forms and restore flags", () => {
  it("-j JAR: every argument after the options is the program's, a jar-looking one too", () => {
    expect(splitRunArgs(['run', '-j', 'job.jar', 'a', 'b'])).toEqual({
      argv: ['run', 'job.jar'],
      programArgs: ['a', 'b'],
    });
    expect(splitRunArgs(['run', '-j', 'job.jar', '-p', '2', 'other.jar', '-p', '3', '-j', 'x.jar'])).toEqual({
      argv: ['run', 'job.jar', '-p', '2'],
      programArgs: ['other.jar', '-p', '3', '-j', 'x.jar'],
    });
    expect(splitRunArgs(['run', '-p', '2', '-j', 'job.jar', 'job.jar'])).toEqual({
      argv: ['run', 'job.jar', '-p', '2'],
      programArgs: ['job.jar'],
    });
    // A -- ends the options; what follows is the program's as it is.
    expect(splitRunArgs(['run', '-j', 'a.jar', '--', '-j', 'b.jar', '--'])).toEqual({
      argv: ['run', 'a.jar'],
      programArgs: ['-j', 'b.jar', '--'],
    });
    // Only options: no program arguments.
    expect(splitRunArgs(['run', '-d', '-j', 'job.jar', '-p', '2'])).toEqual({
      argv: ['run', 'job.jar', '-d', '-p', '2'],
      programArgs: [],
    });
  });

  it('--jarfile=JAR, --jarfile JAR, -j./JAR and -j=JAR name the jar alike', () => {
    expect(splitRunArgs(['run', '--jarfile=job.jar', 'job.jar', 'x'])).toEqual({
      argv: ['run', 'job.jar'],
      programArgs: ['job.jar', 'x'],
    });
    expect(splitRunArgs(['run', '--jarfile', 'job.jar', 'x'])).toEqual({
      argv: ['run', 'job.jar'],
      programArgs: ['x'],
    });
    expect(splitRunArgs(['run', '-j./job.jar', 'x'])).toEqual({ argv: ['run', './job.jar'], programArgs: ['x'] });
    expect(splitRunArgs(['run', '-j/abs/job.jar'])).toEqual({ argv: ['run', '/abs/job.jar'], programArgs: [] });
    expect(splitRunArgs(['run', '-j=job.jar', 'x'])).toEqual({ argv: ['run', 'job.jar'], programArgs: ['x'] });
    // -jm is yarn-session's JobManager memory, not a jar.
    expect(splitRunArgs(['run', '-jm', '1g', 'job.jar'])).toEqual({
      argv: ['run', 'job.jar', '--jobManagerMemory', '1g'],
      programArgs: [],
    });
  });

  it('-j given twice, or without its value, is bad usage', () => {
    for (const argv of [
      ['run', '-j', 'a.jar', '-j', 'b.jar'],
      ['run', '--jarfile=a.jar', '-p', '2', '-j', 'b.jar', 'x'],
      ['run', '-j', 'a.jar', '--jarfile', 'a.jar'],
    ]) {
      expect(() => splitRunArgs(argv), argv.join(' ')).toThrow(
        new UsageError('-j (--jarfile) was given 2 times; it takes one value.'),
      );
    }
    expect(() => splitRunArgs(['run', '-p', '2', '-j'])).toThrow(
      new UsageError("-j (--jarfile) takes the path of the job's jar."),
    );
  });

  it('-yD k=v and -yDk=v become -D k=v', () => {
    expect(splitRunArgs(['run', '-yD', 'k=v', '-yDk2=v=2', '-Dk3=v3', 'job.jar', '-yDprogram=arg'])).toEqual({
      argv: ['run', 'job.jar', '-D', 'k=v', '-D', 'k2=v=2', '-D', 'k3=v3'],
      programArgs: ['-yDprogram=arg'],
    });
  });

  it("normalises Flink's -y forms and run's two-letter flags to the long flags, with their values", () => {
    expect(
      splitRunArgs([
        'run',
        '-yid',
        'application_1_1',
        '-yjm',
        '1g',
        '-ytm',
        '2g',
        '-ys',
        '2',
        '-yt',
        'dir',
        '-ynm',
        'n',
        '-yqu',
        'q',
        '-yj',
        'dist.jar',
        '-yz',
        'ns',
        '-yd',
        '-sae',
        '-cm',
        'claim',
        'job.jar',
      ]).argv,
    ).toEqual([
      'run',
      'job.jar',
      '--applicationId',
      'application_1_1',
      '--jobManagerMemory',
      '1g',
      '--taskManagerMemory',
      '2g',
      '--slots',
      '2',
      '--ship',
      'dir',
      '--name',
      'n',
      '--queue',
      'q',
      '--jar',
      'dist.jar',
      '--zookeeperNamespace',
      'ns',
      '--detached',
      '--shutdownOnAttachedExit',
      '--claimMode',
      'claim',
    ]);
  });

  it("-s PATH stays -s (the savepoint) and its value is not the jar; the program's -s is left alone", () => {
    expect(splitRunArgs(['run', '-s', 'hdfs:///sp/savepoint-1', '-n', 'job.jar', '-s', 'x', '-yid', 'y'])).toEqual({
      argv: ['run', 'job.jar', '-s', 'hdfs:///sp/savepoint-1', '-n'],
      programArgs: ['-s', 'x', '-yid', 'y'],
    });
  });

  it('keeps the program arguments byte for byte after -y forms and -j', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' })), (program) => {
        expect(
          splitRunArgs(['run', '-yid', 'application_1_1', '-yD', 'k=v', 'job.jar', ...program]).programArgs,
        ).toEqual(program);
        const first = program[0];
        // With -j, a first argument that is an option would be read as ours.
        if (first === undefined || !first.startsWith('-')) {
          expect(splitRunArgs(['run', '-j', 'job.jar', '-ys', '2', ...program]).programArgs).toEqual(program);
        }
      }),
    );
  });
});

describe('run through the real parser', () => {
  const io = captureIo;

  async function parsed(argv: string[]): Promise<RunArgs> {
    const { io: given, stderr } = io();
    const code = await main(argv, given);
    expect(code, stderr()).toBe(0);
    expect(runJob).toHaveBeenCalledTimes(1);
    return runJob.mock.calls[0]![0] as RunArgs;
  }

  beforeEach(() => runJob.mockClear());

  it("hands flink run's flags to the command as options, and the program's arguments untouched", async () => {
    const args = await parsed([
      'run',
      '-yid',
      'application_1_1',
      '-yjm',
      '1g',
      '-ys',
      '2',
      '-yt',
      'dir',
      '-sae',
      '-cm',
      'claim',
      '-s',
      'hdfs:///sp/savepoint-1',
      '-n',
      '-yD',
      'k=v',
      '-yDk2=v:2',
      '-C',
      'file:///a.jar',
      '-C',
      'http://h/b.jar',
      '-c',
      'org.example.Main',
      '-p',
      '3',
      '-j',
      'job.jar',
      'input',
      '-s',
      'x',
      '--',
      '-yid',
    ]);
    expect(args).toMatchObject({
      jarFile: 'job.jar',
      applicationId: 'application_1_1',
      jobManagerMemory: '1g',
      slots: 2,
      ship: ['dir'],
      shutdownOnAttachedExit: true,
      claimMode: 'claim',
      fromSavepoint: 'hdfs:///sp/savepoint-1',
      allowNonRestoredState: true,
      dynamicProperties: { k: 'v', k2: 'v:2' },
      classpaths: ['file:///a.jar', 'http://h/b.jar'],
      mainClass: 'org.example.Main',
      parallelism: 3,
      detached: false,
      programArgs: ['input', '-s', 'x', '--', '-yid'],
    });
  });

  it('reads -t, -d, -yd and -j= as flink run does; no -s means no savepoint', async () => {
    const args = await parsed(['run', '-t', 'yarn-session', '-yd', '-j=job.jar']);
    expect(args).toMatchObject({ jarFile: 'job.jar', target: 'yarn-session', detached: true, programArgs: [] });
    expect(args.fromSavepoint).toBeUndefined();
    expect(args.allowNonRestoredState).toBe(false);
    expect(args.shutdownOnAttachedExit).toBe(false);
  });

  it('refuses -j twice, a -cm it does not know, and a -t it does not know, with exit 2 and nothing run', async () => {
    for (const [argv, message] of [
      [['run', '-j', 'a.jar', '-j', 'b.jar'], /-j \(--jarfile\) was given 2 times/],
      [['run', '-cm', 'keep', 'job.jar'], /Argument: claimMode, Given: "keep"/],
      [['run', '-t', 'yarn-cluster', 'job.jar'], /Argument: target, Given: "yarn-cluster"/],
      [['run', '-ys', '2', '-ys', '3', 'job.jar'], /--slots \(-ys\) was given 2 times/],
    ] as const) {
      const { io: given, stderr } = io();
      expect(await main(argv, given), argv.join(' ')).toBe(2);
      expect(stderr()).toMatch(/^flink-yarn: /);
      expect(stderr()).toMatch(message);
    }
    expect(runJob).not.toHaveBeenCalled();
  });
});
