import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, fixture } from './run.js';

/** The layout of a Flink distribution (what a dry run lists), without the real jars. */
const flinkHome = mkdtempSync(join(tmpdir(), 'flink-yarn-dist-'));
mkdirSync(join(flinkHome, 'lib'));
writeFileSync(join(flinkHome, 'lib', 'flink-dist-1.20.1.jar'), 'not a real jar');
writeFileSync(join(flinkHome, 'lib', 'log4j-core-2.17.1.jar'), 'not a real jar');
afterAll(() => rmSync(flinkHome, { recursive: true, force: true }));

const offline = [
  '--dry-run',
  '--hadoop-version',
  '3.4.2',
  '--application-id',
  'application_1700000000000_0001',
  '-o',
  'json',
];
const yarnSession = (...args: string[]) => cli(['--flink-home', flinkHome, ...args, ...offline], {}, 'yarn-session');

describe('yarn-session without a cluster', () => {
  it('plans offline: the dist jar and lib/ become local resources under the application directory', () => {
    const r = yarnSession('--flink-conf-dir', fixture('config', 'good-ha-legacy'), '-jm', '1600');
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    const keys = plan.submission['am-container-spec']['local-resources'].entry.map((e: { key: string }) => e.key);
    expect(keys).toEqual(['flink-dist-1.20.1.jar', 'lib/log4j-core-2.17.1.jar', 'flink-conf.yaml']);
    // 1600 MB rounded up to YARN's default minimum allocation (1024 MB) multiples.
    expect(plan.policy.amMemoryMb).toBe(2048);
    expect(plan.diagnostics.map((d: { code: string }) => d.code)).toContain('AM_MEMORY_ROUNDED');
  });

  it('names a ship file (-t) that does not exist, with exit 2', () => {
    const r = yarnSession('--flink-conf-dir', fixture('config', 'good-ha-legacy'), '-t', '/nonexistent/ship');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Ship file \/nonexistent\/ship .*does not exist/);
  });

  it('names a directory that is not a Flink distribution, with exit 2', () => {
    const r = cli(
      ['--flink-conf-dir', fixture('config', 'good-ha-legacy'), '--flink-home', tmpdir(), ...offline],
      {},
      'yarn-session',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a Flink distribution/);
  });

  it('exits 1 for a plan with errors, and lists them', () => {
    const r = yarnSession('--flink-conf-dir', fixture('config', 'bad-ha'), '-jm', '1600');
    expect(r.code).toBe(1);
    const codes = JSON.parse(r.stdout).diagnostics.map((d: { code: string }) => d.code);
    expect(codes).toEqual(expect.arrayContaining(['HA_QUORUM_INVALID', 'JM_PORT_INVALID']));
  });
});

describe('flink-yarn run without a cluster', () => {
  const jar = join(flinkHome, 'WordCount.jar');
  writeFileSync(jar, 'not a real jar either');
  const run = (...args: string[]) =>
    cli([
      'run',
      '--flink-home',
      flinkHome,
      '--flink-conf-dir',
      fixture('config', 'good-ha-legacy'),
      ...offline,
      ...args,
    ]);

  it('plans offline: the application entrypoint, the user jar staged by name, the program in the plan', () => {
    const r = run('-jm', '1600', '-p', '2', jar, '--input', 'in.txt', '--password', 'hunter2');
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    const spec = plan.submission['am-container-spec'];
    expect(spec.commands.command).toContain('YarnApplicationClusterEntryPoint');
    expect(spec['local-resources'].entry.map((e: { key: string }) => e.key)).toContain('WordCount.jar');
    expect(plan.program).toMatchObject({ entrypoint: 'application', jar, parallelism: 2, mainClass: null });
    expect(plan.program.args).toEqual(['--input', 'in.txt', '--password', '******']);
    expect(plan.program.jobId).toMatch(/^[0-9a-f]{16}0{16}$/);
    expect(r.stdout).not.toContain('hunter2');
  });

  it('names a jar that does not exist, with exit 2', () => {
    const r = run('/nonexistent/job.jar');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/The job jar \/nonexistent\/job.jar does not exist/);
  });

  it('asks for the jar, with exit 2', () => {
    const r = run();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/jarFile/);
  });
});
