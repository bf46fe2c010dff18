import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, ROOT, type CliResult } from './run.js';

/** Hostile inputs through the built CLI: a clear message and an exit code, never a crash. */
const root = mkdtempSync(join(tmpdir(), 'flink-yarn-hardening-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
function confDir(files: Record<string, string | ((path: string) => void)>): string {
  const dir = join(root, String(count++));
  mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    if (typeof content === 'string') writeFileSync(path, content);
    else content(path);
  }
  return dir;
}

const fifo = (path: string): void => void execFileSync('mkfifo', [path]);

function noCrash(r: CliResult): void {
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

/** `cli` keeps spawnSync's 1 MiB output buffer; 150,000 findings need more. */
function validate(conf: string, hadoop?: string): CliResult & { doc: { diagnostics: { code: string }[] } } {
  const args = ['validate', '--output', 'json', '--flink-conf-dir', conf];
  if (hadoop !== undefined) args.push('--yarn-conf-dir', hadoop);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(FLINK|YARN|HADOOP)_/.test(k)));
  const p = spawnSync(process.execPath, [join(ROOT, 'bin', 'flink-yarn.cjs'), ...args], {
    cwd: ROOT,
    env: { ...env, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 25_000,
    maxBuffer: 512 * 1024 * 1024,
  });
  const r: CliResult = { code: p.status, stdout: p.stdout, stderr: p.stderr };
  noCrash(r);
  return { ...r, doc: JSON.parse(r.stdout) as { diagnostics: { code: string }[] } };
}

describe('validate on hostile configuration files (spawned)', () => {
  it('a FIFO and a device instead of configuration files: errors, exit 1, no hang', () => {
    const conf = confDir({ 'flink-conf.yaml': fifo, masters: (p) => symlinkSync('/dev/zero', p) });
    const hadoop = confDir({ 'yarn-site.xml': fifo, 'core-site.xml': (p) => symlinkSync('/dev/zero', p) });
    const r = validate(conf, hadoop);
    expect(r.code).toBe(1);
    expect(r.doc.diagnostics.filter((d) => d.code === 'CONFIG_FILE_NOT_REGULAR')).toHaveLength(4);
    expect(r.doc.diagnostics.map((d) => d.code)).not.toContain('YARN_SITE_MISSING');
  });

  it('150,000 malformed lines: every one reported, no stack overflow', () => {
    const conf = confDir({ 'flink-conf.yaml': 'no pair here\n'.repeat(150_000) });
    const r = validate(conf);
    expect(r.code).toBe(0);
    expect(r.doc.diagnostics.filter((d) => d.code === 'FLINK_CONF_LINE_IGNORED')).toHaveLength(150_000);
  });

  it('a YAML alias bomb fails fast as a parse error naming the file', () => {
    const names = 'abcdefghi';
    const lines = [`a: &a [${Array(9).fill('"lol"').join(', ')}]`];
    for (let i = 1; i < 9; i++)
      lines.push(
        `${names[i]}: &${names[i]} [${Array(9)
          .fill(`*${names[i - 1]}`)
          .join(', ')}]`,
      );
    const conf = confDir({ 'config.yaml': lines.join('\n') });
    const r = validate(conf);
    expect(r.code).toBe(1);
    expect(r.doc.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'CONFIG_PARSE_ERROR', file: join(conf, 'config.yaml') }),
    );
  });

  it('zookeeper status refuses a FIFO zoo.cfg instead of blocking on it', () => {
    const conf = confDir({ 'zoo.cfg': fifo });
    const r = cli(['zookeeper', 'status', '--flink-conf-dir', conf]);
    noCrash(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/zoo\.cfg is a named pipe \(FIFO\), not a regular file.*\[ZOOKEEPER_CFG_INVALID\]/);
  });

  it('a file given as --flink-conf-dir is named as a file, with exit 2', () => {
    const conf = confDir({ 'flink-conf.yaml': 'a: 1\n' });
    const r = cli(['validate', '--flink-conf-dir', join(conf, 'flink-conf.yaml')]);
    noCrash(r);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/flink-conf\.yaml \(from --flink-conf-dir\) is a file, not a directory/);
  });
});

describe('session --dry-run on a hostile Flink home (spawned)', () => {
  it('a symbolic link loop in lib/ is a usage error, not a stack overflow', () => {
    const home = join(root, 'home-loop');
    mkdirSync(join(home, 'lib'), { recursive: true });
    writeFileSync(join(home, 'lib', 'flink-dist-1.20.1.jar'), 'jar');
    symlinkSync(join(home, 'lib'), join(home, 'lib', 'again'));
    const conf = confDir({ 'flink-conf.yaml': 'jobmanager.memory.process.size: 1600m\n' });
    const r = cli(
      [
        '--flink-home',
        home,
        '--flink-conf-dir',
        conf,
        '--dry-run',
        '--hadoop-version',
        '3.4.2',
        '--application-id',
        'application_1700000000000_0001',
      ],
      {},
      'yarn-session',
    );
    noCrash(r);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lib\/again is a symbolic link to .* a loop/);
  });
});
