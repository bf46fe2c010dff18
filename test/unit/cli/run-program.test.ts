import { describe, expect, it } from 'vitest';
import { programOf, targetOf } from '../../../src/cli/commands/run-program.js';
import type { RunArgs } from '../../../src/cli/specs/run.js';
import { errorClassOf, UsageError } from '../../../src/errors/index.js';

const APP = 'application_1700000000000_0007';

/** `run`'s options as the parser hands them over: the switches' defaults, and what is given. */
const args = (given: Partial<RunArgs> = {}): RunArgs =>
  ({
    jarFile: 'job.jar',
    programArgs: [],
    detached: false,
    dryRun: false,
    allowNonRestoredState: false,
    shutdownOnAttachedExit: false,
    ...given,
  }) as RunArgs;

/** The usage error targetOf throws. */
function refusal(given: Partial<RunArgs>): UsageError {
  try {
    targetOf(args(given));
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect(errorClassOf((e as UsageError).code)).toBe('usage');
    return e as UsageError;
  }
  throw new Error(`expected ${JSON.stringify(given)} to be refused`);
}

describe("targetOf: where flink run's flags send the job", () => {
  it('application mode without -t, -yid or --job-graph', () => {
    expect(targetOf(args())).toBe('application');
    expect(targetOf(args({ target: 'yarn-application' }))).toBe('application');
  });

  it('-yid is a session, as in Flink; with --dry-run it is the id an application plan uses', () => {
    expect(targetOf(args({ applicationId: APP }))).toBe('session');
    expect(targetOf(args({ applicationId: APP, dryRun: true }))).toBe('application');
    expect(targetOf(args({ applicationId: APP, dryRun: true, target: 'yarn-application' }))).toBe('application');
  });

  it('-t yarn-session is a session, with or without -yid', () => {
    expect(targetOf(args({ target: 'yarn-session' }))).toBe('session');
    expect(targetOf(args({ target: 'yarn-session', applicationId: APP }))).toBe('session');
  });

  it('-t yarn-session refuses --job-graph and --dry-run', () => {
    expect(refusal({ target: 'yarn-session', jobGraph: 'job.graph' }).message).toMatch(/--job-graph/);
    expect(refusal({ target: 'yarn-session', dryRun: true }).message).toMatch(/--dry-run/);
    // -yid makes it a session too: a JobGraph has no place there.
    expect(refusal({ applicationId: APP, jobGraph: 'job.graph' }).message).toMatch(/--job-graph/);
  });

  it('--job-graph alone, or with -t yarn-per-job, is per-job', () => {
    expect(targetOf(args({ jobGraph: 'job.graph' }))).toBe('per-job');
    expect(targetOf(args({ jobGraph: 'job.graph', target: 'yarn-per-job' }))).toBe('per-job');
    expect(targetOf(args({ jobGraph: 'job.graph', applicationId: APP, dryRun: true }))).toBe('per-job');
  });

  it('-t yarn-per-job needs --job-graph', () => {
    expect(refusal({ target: 'yarn-per-job' }).message).toMatch(/-t yarn-per-job needs .*--job-graph FILE/);
  });

  it('-t yarn-application refuses --job-graph', () => {
    expect(refusal({ target: 'yarn-application', jobGraph: 'job.graph' }).message).toMatch(
      /--job-graph runs the per-job entrypoint/,
    );
  });

  it('a target that starts a new cluster refuses -yid without --dry-run, instead of ignoring it', () => {
    expect(refusal({ target: 'yarn-application', applicationId: APP }).message).toBe(
      '-yid names a running session, but -t yarn-application starts a new cluster: drop one of them.',
    );
    expect(refusal({ target: 'yarn-per-job', jobGraph: 'job.graph', applicationId: APP }).message).toBe(
      '-yid names a running session, but -t yarn-per-job starts a new cluster: drop one of them.',
    );
  });
});

describe("programOf: flink run's program options", () => {
  it('maps -s, -n and -cm to a restore', () => {
    expect(
      programOf(
        args({
          mainClass: 'org.example.Main',
          programArgs: ['--input', 'x'],
          parallelism: 4,
          classpaths: ['file:///a.jar'],
          fromSavepoint: 'hdfs:///sp/savepoint-1',
          allowNonRestoredState: true,
          claimMode: 'claim',
        }),
      ),
    ).toEqual({
      jar: 'job.jar',
      mainClass: 'org.example.Main',
      args: ['--input', 'x'],
      parallelism: 4,
      classpaths: ['file:///a.jar'],
      restore: { path: 'hdfs:///sp/savepoint-1', allowNonRestoredState: true, claimMode: 'claim' },
    });
  });

  it('-s alone restores with the defaults: unclaimed state refused, the claim mode left to Flink', () => {
    expect(programOf(args({ fromSavepoint: 'hdfs:///sp/savepoint-1' })).restore).toEqual({
      path: 'hdfs:///sp/savepoint-1',
      allowNonRestoredState: false,
      claimMode: undefined,
    });
  });

  it('no -s, no restore: -n and -cm alone mean nothing', () => {
    expect(programOf(args()).restore).toBeUndefined();
    expect(programOf(args({ allowNonRestoredState: true, claimMode: 'legacy' })).restore).toBeUndefined();
  });
});
