import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseArgs, splitRunArgs } from '../../../src/cli/args.js';
import { UsageError } from '../../../src/errors/index.js';

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
