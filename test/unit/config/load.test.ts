import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  firstInvalidUtf8,
  loadConfig,
  MAX_CONFIG_FILE_BYTES,
  resolveFlinkConfDir,
  resolveYarnConfDir,
  type LoadedConfig,
} from '../../../src/config/load.js';
import { UsageError } from '../../../src/errors/index.js';
import { validate } from '../../../src/operations/validate.js';

const root = mkdtempSync(join(tmpdir(), 'flink-yarn-load-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
/** A fresh Flink conf dir and Hadoop conf dir. */
function dirs(): { conf: string; hadoop: string } {
  const base = join(root, String(count++));
  const conf = join(base, 'conf');
  const hadoop = join(base, 'hadoop');
  mkdirSync(conf, { recursive: true });
  mkdirSync(hadoop, { recursive: true });
  return { conf, hadoop };
}

function load(d: { conf: string; hadoop: string }): LoadedConfig {
  return loadConfig({
    flinkConfDir: d.conf,
    yarnConfDir: d.hadoop,
    hdfs: true,
    expansion: { env: {}, systemProperties: {} },
  });
}

const codes = (c: LoadedConfig): string[] => c.diagnostics.map((d) => d.code);
const site = (body: string): string => `<?xml version="1.0"?>\n<configuration>\n${body}\n</configuration>\n`;
const prop = (name: string, value: string): string =>
  `<property><name>${name}</name><value>${value}</value></property>`;
const mkfifo = (path: string): void => {
  execFileSync('mkfifo', [path]);
};

describe('configuration is read only from regular files', () => {
  it('refuses a FIFO in the place of every configuration file, without blocking', () => {
    const d = dirs();
    for (const f of ['flink-conf.yaml', 'masters', 'zoo.cfg']) mkfifo(join(d.conf, f));
    for (const f of ['core-site.xml', 'yarn-site.xml', 'hdfs-site.xml']) mkfifo(join(d.hadoop, f));
    const started = Date.now();
    const c = load(d);
    expect(Date.now() - started).toBeLessThan(5_000);
    const refused = c.diagnostics.filter((x) => x.code === 'CONFIG_FILE_NOT_REGULAR');
    expect(refused).toHaveLength(6);
    for (const x of refused) {
      expect(x.severity).toBe('error');
      expect(x.file).toBeDefined();
      expect(x.message).toContain(`${x.file} is a named pipe (FIFO), not a regular file`);
      expect(x.message).toMatch(/Replace it with the configuration file itself, or remove it/);
    }
    // Broken, but there: not reported as missing as well.
    expect(c.hasYarnSite).toBe(true);
    expect(codes(c)).not.toContain('FLINK_CONF_MISSING');
  });

  it('refuses a device (a link to /dev/zero) instead of reading it forever', () => {
    const d = dirs();
    symlinkSync('/dev/zero', join(d.conf, 'config.yaml'));
    symlinkSync('/dev/zero', join(d.hadoop, 'yarn-site.xml'));
    const c = load(d);
    const refused = c.diagnostics.filter((x) => x.code === 'CONFIG_FILE_NOT_REGULAR');
    expect(refused.map((x) => x.file).sort()).toEqual([join(d.conf, 'config.yaml'), join(d.hadoop, 'yarn-site.xml')]);
    expect(refused[0]!.message).toContain('is a character device');
  });

  it('refuses an xi:include of a device or a FIFO', () => {
    const d = dirs();
    mkfifo(join(d.hadoop, 'pipe.xml'));
    writeFileSync(
      join(d.hadoop, 'yarn-site.xml'),
      site(
        `<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/dev/zero"/>\n<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="pipe.xml"/>\n${prop('a', '1')}`,
      ),
    );
    const c = load(d);
    expect(c.diagnostics.filter((x) => x.code === 'CONFIG_FILE_NOT_REGULAR').map((x) => x.file)).toEqual([
      '/dev/zero',
      join(d.hadoop, 'pipe.xml'),
    ]);
    expect(c.hadoop.get('a')?.value).toBe('1');
  });

  it('reports a directory named like a configuration file, rather than treating it as absent', () => {
    const d = dirs();
    mkdirSync(join(d.conf, 'flink-conf.yaml'));
    mkdirSync(join(d.hadoop, 'yarn-site.xml'));
    const c = load(d);
    const refused = c.diagnostics.filter((x) => x.code === 'CONFIG_FILE_NOT_REGULAR');
    expect(refused).toHaveLength(2);
    expect(refused[0]!.message).toContain('is a directory, not a regular file');
    expect(c.hasYarnSite).toBe(true);
  });

  it('reports a dangling link, and reads it as missing as Flink does (config.yaml is used)', () => {
    const d = dirs();
    symlinkSync(join(d.conf, 'gone.yaml'), join(d.conf, 'flink-conf.yaml'));
    writeFileSync(join(d.conf, 'config.yaml'), 'yarn.application-attempts: 3\n');
    symlinkSync('/nonexistent/yarn-site.xml', join(d.hadoop, 'yarn-site.xml'));
    const c = load(d);
    const dangling = c.diagnostics.filter((x) => x.code === 'CONFIG_FILE_DANGLING_LINK');
    expect(dangling.map((x) => x.file)).toEqual([join(d.conf, 'flink-conf.yaml'), join(d.hadoop, 'yarn-site.xml')]);
    expect(dangling[1]!.message).toContain('is a symbolic link to /nonexistent/yarn-site.xml, which does not exist');
    expect(c.flinkFile).toBe(join(d.conf, 'config.yaml'));
    expect(c.flink.raw('yarn.application-attempts')?.value).toBe('3');
  });

  it('warns about an empty file, and fails an empty site file as Hadoop does', () => {
    const d = dirs();
    writeFileSync(join(d.conf, 'flink-conf.yaml'), '\n  \n');
    writeFileSync(join(d.conf, 'zoo.cfg'), '');
    writeFileSync(join(d.hadoop, 'yarn-site.xml'), '');
    const c = load(d);
    const empty = c.diagnostics.filter((x) => x.code === 'CONFIG_FILE_EMPTY');
    expect(empty.map((x) => [x.severity, x.file])).toEqual([
      ['warning', join(d.conf, 'flink-conf.yaml')],
      ['warning', join(d.conf, 'zoo.cfg')],
    ]);
    expect(empty[0]!.message).toMatch(/is empty, so Flink's defaults apply/);
    expect(c.diagnostics.find((x) => x.file === join(d.hadoop, 'yarn-site.xml'))).toMatchObject({
      severity: 'error',
      code: 'CONFIG_PARSE_ERROR',
      line: 1,
    });
    expect(c.hasYarnSite).toBe(true);
  });

  it('refuses a file above the size limit without reading it', () => {
    const d = dirs();
    const big = join(d.conf, 'flink-conf.yaml');
    writeFileSync(big, '');
    truncateSync(big, MAX_CONFIG_FILE_BYTES + 1); // sparse: nothing is written
    const started = Date.now();
    const c = load(d);
    expect(Date.now() - started).toBeLessThan(2_000);
    const x = c.diagnostics.find((y) => y.code === 'CONFIG_FILE_TOO_LARGE');
    expect(x).toMatchObject({ severity: 'error', file: big });
    expect(x!.message).toContain(`is ${MAX_CONFIG_FILE_BYTES + 1} bytes; configuration files are read up to 16 MiB`);
  });
});

describe('a broken yarn-site.xml is reported once, as broken', () => {
  it('is not also "missing" in validate', () => {
    const d = dirs();
    writeFileSync(join(d.conf, 'flink-conf.yaml'), 'yarn.application-attempts: 1\n');
    writeFileSync(join(d.hadoop, 'yarn-site.xml'), '<configuration><property>\n');
    const r = validate({ flinkConfDir: d.conf, yarnConfDir: d.hadoop, env: {}, cwd: root, user: 'alice' });
    const found = r.diagnostics.map((x) => x.code);
    expect(found).toContain('CONFIG_PARSE_ERROR');
    expect(found).not.toContain('YARN_SITE_MISSING');
  });
});

describe('invalid UTF-8', () => {
  it('is a warning naming file and line where Java reads U+FFFD (flink-conf.yaml)', () => {
    const d = dirs();
    writeFileSync(
      join(d.conf, 'flink-conf.yaml'),
      Buffer.concat([Buffer.from('a: 1\nb: 2\nc: '), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]),
    );
    const c = load(d);
    expect(c.diagnostics.find((x) => x.code === 'CONFIG_INVALID_UTF8')).toMatchObject({
      severity: 'warning',
      file: join(d.conf, 'flink-conf.yaml'),
      line: 3,
    });
    expect(c.flink.raw('c')?.value).toBe('\uFFFD(');
  });

  it('is an error where the parser fails on it (XML, config.yaml), with the line', () => {
    const d = dirs();
    writeFileSync(join(d.conf, 'config.yaml'), Buffer.concat([Buffer.from('a: 1\nb: '), Buffer.from([0xff])]));
    writeFileSync(
      join(d.hadoop, 'yarn-site.xml'),
      Buffer.concat([Buffer.from(site(prop('a', 'x'))).subarray(0, 60), Buffer.from([0xe2, 0x82])]),
    );
    const c = load(d);
    const bad = c.diagnostics.filter((x) => x.code === 'CONFIG_INVALID_UTF8');
    expect(bad.map((x) => [x.severity, x.file, x.line])).toEqual([
      ['error', join(d.conf, 'config.yaml'), 2],
      ['error', join(d.hadoop, 'yarn-site.xml'), 3],
    ]);
  });

  it('honours an XML encoding declaration, as Hadoop does', () => {
    const d = dirs();
    const text = `<?xml version="1.0" encoding="ISO-8859-1"?>\n<configuration>${prop('who', 'J\u00fcrgen')}</configuration>\n`;
    writeFileSync(join(d.hadoop, 'yarn-site.xml'), Buffer.from(text, 'latin1'));
    const c = load(d);
    expect(codes(c)).not.toContain('CONFIG_INVALID_UTF8');
    expect(c.hadoop.get('who')?.value).toBe('J\u00fcrgen');
  });

  it('finds the first bad byte, rejecting overlong forms and surrogates', () => {
    expect(firstInvalidUtf8(Buffer.from('h\u00e9llo \u{1F600}'))).toBe(-1);
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xc0, 0x80]))).toBe(1);
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0x62, 0xed, 0xa0, 0x80]))).toBe(2);
    expect(firstInvalidUtf8(Uint8Array.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xe2, 0x82]))).toBe(1);
  });
});

describe('xi:include', () => {
  const include = (href: string, fallback = false): string =>
    `<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="${href}">${fallback ? '<xi:fallback/>' : ''}</xi:include>`;

  it('does not read a URL as a local path, and says Hadoop would fetch it', () => {
    const d = dirs();
    writeFileSync(
      join(d.hadoop, 'yarn-site.xml'),
      site(`${include('http://config.example.com/yarn-extra.xml')}\n${include('https://x/y.xml')}`),
    );
    const c = load(d);
    const remote = c.diagnostics.filter((x) => x.code === 'HADOOP_INCLUDE_REMOTE');
    expect(remote.map((x) => [x.severity, x.line])).toEqual([
      ['warning', 3],
      ['warning', 4],
    ]);
    expect(remote[0]!.message).toContain('is a URL: Hadoop fetches it');
    expect(codes(c)).not.toContain('HADOOP_INCLUDE_MISSING');
  });

  it('reads a file: URL as the local file it names', () => {
    const d = dirs();
    writeFileSync(join(d.hadoop, 'extra.xml'), site(prop('from.extra', 'yes')));
    writeFileSync(
      join(d.hadoop, 'yarn-site.xml'),
      site(include(pathToFileURL(join(d.hadoop, 'extra.xml')).toString())),
    );
    const c = load(d);
    expect(c.diagnostics.filter((x) => x.file?.startsWith(d.hadoop))).toEqual([]);
    expect(c.hadoop.get('from.extra')?.value).toBe('yes');
  });

  it('reports a cycle instead of reading it ten times over', () => {
    const d = dirs();
    writeFileSync(join(d.hadoop, 'a.xml'), site(`${include('yarn-site.xml')}${include('a.xml')}`));
    writeFileSync(join(d.hadoop, 'yarn-site.xml'), site(include('a.xml')));
    const c = load(d);
    const cycles = c.diagnostics.filter((x) => x.code === 'HADOOP_INCLUDE_CYCLE');
    expect(cycles.length).toBeGreaterThan(0);
    expect(cycles[0]!.message).toContain(' -> ');
  });

  it('bounds includes that fan out', () => {
    const d = dirs();
    // Each level includes the next twice: 2^9 reads without a bound.
    for (let i = 0; i < 9; i++) writeFileSync(join(d.hadoop, `l${i}.xml`), site(include(`l${i + 1}.xml`).repeat(2)));
    writeFileSync(join(d.hadoop, 'l9.xml'), site(prop('deep', '1')));
    writeFileSync(join(d.hadoop, 'yarn-site.xml'), site(include('l0.xml')));
    const c = load(d);
    expect(codes(c)).toContain('HADOOP_INCLUDE_TOO_MANY');
    expect(c.hadoop.get('deep')?.value).toBe('1');
  });

  it('treats a dangling include as missing, with the fallback rule', () => {
    const d = dirs();
    symlinkSync('/nonexistent.xml', join(d.hadoop, 'gone.xml'));
    writeFileSync(join(d.hadoop, 'yarn-site.xml'), site(`${include('gone.xml')}${include('gone.xml', true)}`));
    const c = load(d);
    expect(c.diagnostics.filter((x) => x.code === 'HADOOP_INCLUDE_MISSING')).toHaveLength(1);
  });
});

describe('configuration directories', () => {
  it('says a file given as --flink-conf-dir is a file, not that it does not exist', () => {
    const d = dirs();
    const file = join(d.conf, 'flink-conf.yaml');
    writeFileSync(file, 'a: 1\n');
    expect(() => resolveFlinkConfDir({ flinkConfDir: file, env: {}, cwd: root })).toThrow(
      /flink-conf\.yaml \(from --flink-conf-dir\) is a file, not a directory\. Pass --flink-conf-dir DIR \(the directory that holds/,
    );
    expect(() => resolveYarnConfDir({ yarnConfDir: '/dev/null', env: {}, cwd: root })).toThrow(
      /\/dev\/null \(from --yarn-conf-dir\) is a character device, not a directory/,
    );
    const link = join(d.conf, 'link');
    symlinkSync('/nonexistent-dir', link);
    try {
      resolveFlinkConfDir({ flinkConfDir: link, env: {}, cwd: root });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      expect((e as UsageError).code).toBe('CONF_DIR_NOT_FOUND');
      expect((e as UsageError).message).toContain('is a symbolic link to /nonexistent-dir, which does not exist');
    }
  });
});

describe('many findings', () => {
  it('reports 150,000 bad lines without overflowing the stack', () => {
    const d = dirs();
    writeFileSync(join(d.conf, 'flink-conf.yaml'), 'not a pair\n'.repeat(150_000));
    writeFileSync(join(d.conf, 'masters'), 'bad host\n'.repeat(150_000));
    const c = load(d);
    expect(c.diagnostics.filter((x) => x.code === 'FLINK_CONF_LINE_IGNORED')).toHaveLength(150_000);
    expect(c.diagnostics.filter((x) => x.code === 'MASTERS_MALFORMED_LINE')).toHaveLength(150_000);
  });
});
