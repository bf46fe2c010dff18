import { accessSync, constants, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { FlinkConfiguration } from '../../config/flink/configuration.js';
import { describeEntry } from '../../config/flink/entries.js';
import { OPTIONS, type FlinkOption } from '../../config/flink/options.js';
import { parseList } from '../../config/values/lists.js';
import { diagnostic, type Diagnostic } from '../../diagnostics/index.js';
import { UsageError } from '../../errors/index.js';
import { locatePath } from '../../hdfs/uris.js';
import type { RemoteSource } from './remote.js';
import type { StageFile } from './staging.js';

/** Where the files a deployment ships come from: local paths to upload, remote ones to register. */
export interface ShipSources {
  readonly localShipFiles: readonly string[];
  readonly localShipArchives: readonly string[];
  readonly remote: readonly RemoteSource[];
  /** yarn.provided.lib.dirs is set: the dist, lib/ and plugins/ come from there. */
  readonly providedLib: boolean;
  /** yarn.provided.usrlib.dir is set: it replaces the local usrlib/. */
  readonly providedUsrlib: boolean;
}

/**
 * Splits the ship options into local and remote paths, as Flink's client reads them: `-t` paths
 * are local (each must exist, and they replace yarn.ship-files); yarn.ship-files and
 * yarn.ship-archives entries without a scheme are local, `hdfs://` ones remote; the provided dirs
 * are always remote, a path without a scheme being on fs.defaultFS. Other file systems are only
 * reachable from a JVM: refused, naming the option.
 */
export function shipSources(
  flink: FlinkConfiguration,
  defaultFs: string,
  cliShipFiles: readonly string[] | undefined,
): ShipSources {
  const remote: RemoteSource[] = [];
  const local = (option: FlinkOption, values: readonly string[]): string[] =>
    values.flatMap((value) => {
      const at = locatePath(value, defaultFs, 'local');
      if (at.kind === 'local') return [at.path];
      if (at.kind === 'elsewhere') throw elsewhere(flink, option, value, defaultFs);
      remote.push({ kind: option === OPTIONS.shipArchives ? 'archive' : 'ship', option: option.key, path: at.path });
      return [];
    });
  const localShipFiles =
    cliShipFiles !== undefined && cliShipFiles.length > 0
      ? [...cliShipFiles]
      : local(OPTIONS.shipFiles, parseList(flink.string(OPTIONS.shipFiles) ?? '', /;/));
  const localShipArchives = local(OPTIONS.shipArchives, parseList(flink.string(OPTIONS.shipArchives) ?? '', /;/));
  const onCluster = (option: FlinkOption, value: string): string => {
    const at = locatePath(value, defaultFs, 'hdfs');
    if (at.kind === 'hdfs') return at.path;
    if (at.kind === 'elsewhere') throw elsewhere(flink, option, value, defaultFs);
    throw new UsageError(
      `${option.key} holds '${value}' (${describeEntry(flink.lookup(option)?.entry)}), a local path: it must name a directory every NodeManager reads, on ${defaultFs}, as Flink's client requires.`,
    );
  };
  const libDirs = parseList(flink.string(OPTIONS.providedLibDirs) ?? '', /;/);
  for (const dir of libDirs)
    remote.push({
      kind: 'provided-lib',
      option: OPTIONS.providedLibDirs.key,
      path: onCluster(OPTIONS.providedLibDirs, dir),
    });
  const usrlib = flink.string(OPTIONS.providedUsrlibDir)?.trim() ?? '';
  if (usrlib !== '')
    remote.push({
      kind: 'provided-usrlib',
      option: OPTIONS.providedUsrlibDir.key,
      path: onCluster(OPTIONS.providedUsrlibDir, usrlib),
    });
  return {
    localShipFiles,
    localShipArchives,
    remote,
    providedLib: libDirs.length > 0,
    providedUsrlib: usrlib !== '',
  };
}

function elsewhere(flink: FlinkConfiguration, option: FlinkOption, value: string, defaultFs: string): UsageError {
  return new UsageError(
    `${option.key} holds '${value}' (${describeEntry(flink.lookup(option)?.entry)}), on a file system flink-yarn cannot reach: it registers remote files on fs.defaultFS (${defaultFs}) only, through WebHDFS. Copy it there, or give a local path.`,
  );
}

/**
 * The keytab and krb5.conf Flink's client ships for a Kerberos login (YarnClusterDescriptor): the
 * keytab as `yarn.security.kerberos.localized-keytab-path` (krb5.keytab) unless
 * yarn.security.kerberos.ship-local-keytab is false, and security.kerberos.krb5-conf.path as
 * krb5.conf. Each is uploaded under its own name into the application's directory only (never the
 * shared cache: a keytab is a secret) and goes when the application does. A file that cannot be
 * read is an error of the plan (KERBEROS_FILE_UNREADABLE), so a dry run lists it with the others.
 */
export function kerberosFiles(flink: FlinkConfiguration, cwd: string): { files: StageFile[]; problems: Diagnostic[] } {
  const files: StageFile[] = [];
  const problems: Diagnostic[] = [];
  const add = (option: FlinkOption, value: string, key: string, role: 'keytab' | 'krb5') => {
    const found = readable(flink, option, resolve(cwd, value));
    if ('problem' in found) problems.push(found.problem);
    else files.push({ ...found, key, role });
  };
  const keytab = flink.string(OPTIONS.kerberosKeytab)?.trim() ?? '';
  if (keytab !== '' && shipsLocalKeytab(flink))
    add(OPTIONS.kerberosKeytab, keytab, flink.string(OPTIONS.localizedKeytabPath)?.trim() || 'krb5.keytab', 'keytab');
  else if (keytab !== '') {
    // Not shipped, but Flink's client still checks it (SecurityConfiguration) before deploying.
    const found = readable(flink, OPTIONS.kerberosKeytab, resolve(cwd, keytab));
    if ('problem' in found) problems.push(found.problem);
  }
  const krb5 = flink.string(OPTIONS.kerberosKrb5Path)?.trim() ?? '';
  if (krb5 !== '') add(OPTIONS.kerberosKrb5Path, krb5, 'krb5.conf', 'krb5');
  return { files, problems };
}

/** yarn.security.kerberos.ship-local-keytab: Flink's boolean, true unless set to false. */
export function shipsLocalKeytab(flink: FlinkConfiguration): boolean {
  return flink.boolean(OPTIONS.shipLocalKeytab) ?? true;
}

function readable(
  flink: FlinkConfiguration,
  option: FlinkOption,
  path: string,
): { path: string; size: number; uploadAs: string } | { problem: Diagnostic } {
  const entry = flink.lookup(option)?.entry;
  const where = `${option.key} is '${path}' (${describeEntry(entry)})`;
  const problem = (message: string) => ({
    problem: diagnostic('error', 'KERBEROS_FILE_UNREADABLE', message, {
      key: option.key,
      ...(entry === undefined || entry.source === 'dynamic' ? {} : { file: entry.file, line: entry.line }),
    }),
  });
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return problem(`${where}, which is not a regular file. Name the file itself.`);
    accessSync(path, constants.R_OK);
    return { path, size: stat.size, uploadAs: basename(path) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return problem(
      code === 'ENOENT'
        ? `${where}, which does not exist; Flink's client refuses it too. Fix the path.`
        : `${where}, which cannot be read (${code ?? 'error'}). Make it readable by this user.`,
    );
  }
}
