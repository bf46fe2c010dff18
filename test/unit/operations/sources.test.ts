import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors/index.js';
import { kerberosFiles, shipSources, shipsLocalKeytab } from '../../../src/operations/session/sources.js';
import { model } from '../validation/helpers.js';

const FS = 'hdfs://nn:8020';
const flink = (...lines: string[]) => model({ flink: lines.join('\n') }).flink;

function usageError(f: () => unknown): UsageError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('shipSources', () => {
  it('ships nothing and provides nothing when no option is set', () => {
    expect(shipSources(flink(), FS, undefined)).toEqual({
      localShipFiles: [],
      localShipArchives: [],
      remote: [],
      providedLib: false,
      providedUsrlib: false,
    });
  });

  it('splits yarn.ship-files into local paths and remote ship files on the default file system', () => {
    const s = shipSources(flink('yarn.ship-files: a; hdfs:///x ;file:///etc/extra/;hdfs://nn:8020/y/../z'), FS, []);
    expect(s.localShipFiles).toEqual(['a', '/etc/extra']);
    expect(s.remote).toEqual([
      { kind: 'ship', option: 'yarn.ship-files', path: '/x' },
      { kind: 'ship', option: 'yarn.ship-files', path: '/z' },
    ]);
    expect(s.providedLib).toBe(false);
  });

  it('lets -t paths replace yarn.ship-files, remote entries included, and keeps them as given', () => {
    const s = shipSources(flink('yarn.ship-files: /conf/a;hdfs:///x'), FS, ['./t1', '/opt/t2/']);
    expect(s.localShipFiles).toEqual(['./t1', '/opt/t2/']);
    expect(s.remote).toEqual([]);
  });

  it('registers a remote yarn.ship-archives entry as an archive and keeps the local ones local', () => {
    const s = shipSources(flink('yarn.ship-archives: hdfs:///envs/py.tgz;/opt/env.zip'), FS, undefined);
    expect(s.localShipArchives).toEqual(['/opt/env.zip']);
    expect(s.remote).toEqual([{ kind: 'archive', option: 'yarn.ship-archives', path: '/envs/py.tgz' }]);
    expect(s.localShipFiles).toEqual([]);
  });

  it('reads yarn.provided.lib.dirs as a ;-list on the default file system, bare paths included', () => {
    const s = shipSources(
      flink('yarn.provided.lib.dirs: hdfs:///flink/lib;/flink/plugins/; shared/lib ;hdfs://nn/flink/opt'),
      FS,
      undefined,
    );
    expect(s.remote).toEqual([
      { kind: 'provided-lib', option: 'yarn.provided.lib.dirs', path: '/flink/lib' },
      { kind: 'provided-lib', option: 'yarn.provided.lib.dirs', path: '/flink/plugins' },
      { kind: 'provided-lib', option: 'yarn.provided.lib.dirs', path: 'shared/lib' },
      { kind: 'provided-lib', option: 'yarn.provided.lib.dirs', path: '/flink/opt' },
    ]);
    expect(s.providedLib).toBe(true);
    expect(s.providedUsrlib).toBe(false);
  });

  it('reads yarn.provided.usrlib.dir as one remote directory', () => {
    const s = shipSources(flink('yarn.provided.usrlib.dir: hdfs://nn:8020/jobs/usrlib'), FS, undefined);
    expect(s.remote).toEqual([{ kind: 'provided-usrlib', option: 'yarn.provided.usrlib.dir', path: '/jobs/usrlib' }]);
    expect(s.providedUsrlib).toBe(true);
    expect(s.providedLib).toBe(false);
  });

  it('lists every kind together: ship files, archives, provided lib dirs, then the provided usrlib', () => {
    const s = shipSources(
      flink(
        'yarn.provided.usrlib.dir: /jobs/usrlib',
        'yarn.provided.lib.dirs: /flink/lib',
        'yarn.ship-archives: hdfs:///a.tgz',
        'yarn.ship-files: hdfs:///f',
      ),
      FS,
      undefined,
    );
    expect(s.remote.map((r) => `${r.kind} ${r.path}`)).toEqual([
      'ship /f',
      'archive /a.tgz',
      'provided-lib /flink/lib',
      'provided-usrlib /jobs/usrlib',
    ]);
  });

  it('refuses a local (file:) provided dir, naming the option and where it was set', () => {
    const lib = usageError(() =>
      shipSources(flink('yarn.ship-files: a', 'yarn.provided.lib.dirs: file:///opt/flink/lib'), FS, undefined),
    );
    expect(lib.message).toContain('yarn.provided.lib.dirs');
    expect(lib.message).toContain('file:///opt/flink/lib');
    expect(lib.message).toContain('flink-conf.yaml:2');
    expect(lib.message).toContain('local path');
    const usrlib = usageError(() => shipSources(flink('yarn.provided.usrlib.dir: file:///opt/usrlib'), FS, undefined));
    expect(usrlib.message).toContain('yarn.provided.usrlib.dir');
  });

  it.each([
    ['yarn.ship-files', 's3a://bucket/conf.txt'],
    ['yarn.ship-archives', 'hdfs://other-nn:8020/env.tgz'],
    ['yarn.provided.lib.dirs', 's3a://bucket/flink/lib'],
    ['yarn.provided.usrlib.dir', 'hdfs://nn:9000/usrlib'],
  ])('refuses %s on another file system (%s), naming the option', (key, value) => {
    const e = usageError(() => shipSources(flink(`${key}: ${value}`), FS, undefined));
    expect(e.message).toContain(key);
    expect(e.message).toContain(value);
    expect(e.message).toContain(FS);
  });

  it('does not look at yarn.ship-files when -t replaces it, so a bad entry there is no error', () => {
    expect(shipSources(flink('yarn.ship-files: s3a://bucket/x'), FS, ['/t']).localShipFiles).toEqual(['/t']);
  });
});

/** The one error a configuration's Kerberos files give: nothing is shipped, and the plan lists it. */
function problemOf(files: ReturnType<typeof kerberosFiles>) {
  expect(files.files).toEqual([]);
  expect(files.problems).toHaveLength(1);
  const [problem] = files.problems;
  expect(problem).toMatchObject({ severity: 'error', code: 'KERBEROS_FILE_UNREADABLE' });
  return problem!;
}

describe('kerberosFiles', () => {
  const root = mkdtempSync(join(tmpdir(), 'flink-yarn-krb-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const keytab = join(root, 'alice.keytab');
  writeFileSync(keytab, 'KEYTAB-BYTES');
  const krb5 = join(root, 'krb5.conf');
  writeFileSync(krb5, '[libdefaults]\n');
  mkdirSync(join(root, 'dir.keytab'));

  const login = (...extra: string[]) =>
    flink(
      `security.kerberos.login.keytab: ${keytab}`,
      'security.kerberos.login.principal: alice@EXAMPLE.COM',
      ...extra,
    );

  it('ships nothing without a keytab or krb5.conf', () => {
    expect(kerberosFiles(flink(), root).files).toEqual([]);
    expect(kerberosFiles(flink('security.kerberos.login.principal: alice@EXAMPLE.COM'), root).files).toEqual([]);
  });

  it("ships the keytab under krb5.keytab, uploaded under the file's own name", () => {
    expect(kerberosFiles(login(), '/elsewhere').files).toEqual([
      { key: 'krb5.keytab', path: keytab, size: 'KEYTAB-BYTES'.length, uploadAs: 'alice.keytab', role: 'keytab' },
    ]);
  });

  it('ships it under yarn.security.kerberos.localized-keytab-path when set', () => {
    const [file] = kerberosFiles(login('yarn.security.kerberos.localized-keytab-path: flink.keytab'), root).files;
    expect(file).toMatchObject({ key: 'flink.keytab', uploadAs: 'alice.keytab', role: 'keytab' });
  });

  it('resolves a relative keytab path against the working directory', () => {
    const files = kerberosFiles(flink('security.kerberos.login.keytab: alice.keytab'), root).files;
    expect(files).toMatchObject([{ key: 'krb5.keytab', path: keytab, uploadAs: 'alice.keytab' }]);
  });

  it('does not ship the keytab when yarn.security.kerberos.ship-local-keytab is false', () => {
    const flinkConf = login('yarn.security.kerberos.ship-local-keytab: false');
    expect(shipsLocalKeytab(flinkConf)).toBe(false);
    expect(kerberosFiles(flinkConf, root).files).toEqual([]);
    expect(shipsLocalKeytab(login())).toBe(true);
    expect(shipsLocalKeytab(login('yarn.security.kerberos.ship-local-keytab: TRUE'))).toBe(true);
  });

  it("checks a keytab it does not ship all the same, as Flink's client does before deploying", () => {
    const absent = flink(
      `security.kerberos.login.keytab: ${join(root, 'nowhere.keytab')}`,
      'yarn.security.kerberos.ship-local-keytab: false',
    );
    expect(problemOf(kerberosFiles(absent, root)).message).toContain('does not exist');
    const present = flink(
      `security.kerberos.login.keytab: ${keytab}`,
      'yarn.security.kerberos.ship-local-keytab: false',
    );
    expect(kerberosFiles(present, root)).toEqual({ files: [], problems: [] });
  });

  it('ships security.kerberos.krb5-conf.path as krb5.conf, with or without a keytab', () => {
    expect(kerberosFiles(flink(`security.kerberos.krb5-conf.path: ${krb5}`), root).files).toEqual([
      { key: 'krb5.conf', path: krb5, size: '[libdefaults]\n'.length, uploadAs: 'krb5.conf', role: 'krb5' },
    ]);
    expect(
      kerberosFiles(login(`security.kerberos.krb5-conf.path: ${krb5}`), root).files.map((f) => `${f.role} ${f.key}`),
    ).toEqual(['keytab krb5.keytab', 'krb5 krb5.conf']);
  });

  it('refuses a missing keytab, naming the option and where it was set', () => {
    const e = problemOf(kerberosFiles(flink('security.kerberos.login.keytab: missing.keytab'), root));
    expect(e.message).toContain('security.kerberos.login.keytab');
    expect(e.message).toContain(join(root, 'missing.keytab'));
    expect(e.message).toContain('flink-conf.yaml:1');
    expect(e.message).toContain('does not exist');
    expect(e).toMatchObject({ key: 'security.kerberos.login.keytab', line: 1 });
  });

  it('refuses a keytab that is a directory', () => {
    const e = problemOf(kerberosFiles(flink(`security.kerberos.login.keytab: ${join(root, 'dir.keytab')}`), root));
    expect(e.message).toContain('security.kerberos.login.keytab');
    expect(e.message).toContain('not a regular file');
  });

  it('refuses a missing krb5.conf, naming its option', () => {
    const e = problemOf(kerberosFiles(flink('security.kerberos.krb5-conf.path: /nonexistent/krb5.conf'), root));
    expect(e.message).toContain('security.kerberos.krb5-conf.path');
    expect(e.message).toContain('does not exist');
  });

  it.skipIf(process.getuid?.() === 0)('refuses a keytab this user cannot read', () => {
    const locked = join(root, 'locked.keytab');
    writeFileSync(locked, 'x');
    chmodSync(locked, 0o000);
    const e = problemOf(kerberosFiles(flink(`security.kerberos.login.keytab: ${locked}`), root));
    expect(e.message).toContain('cannot be read');
    chmodSync(locked, 0o600);
  });
});
