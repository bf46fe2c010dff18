import {
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
  type Stats,
} from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describeKind } from '../../config/read.js';
import { UsageError } from '../../errors/index.js';

/** A local file to stage for the AM, under the key it will have in the container. */
export interface LocalFile {
  readonly key: string;
  readonly path: string;
  readonly size: number;
  /**
   * `user`: usrlib/, on the classpath as the user jar is (yarn.classpath.include-user-jar);
   * `plugin`: plugins/, shipped but off the classpath.
   */
  readonly role: 'dist' | 'ship' | 'user' | 'archive' | 'plugin';
}

export interface FlinkDistribution {
  readonly home: string;
  /** From the dist jar's name or a VERSION file. */
  readonly version: string;
  readonly files: readonly LocalFile[];
  /** The local dist jar: shipped unless yarn.provided.lib.dirs holds one; the configuration names it either way. */
  readonly distJar: string;
  /** The log configuration shipped (Flink's `$internal.yarn.log-config-file`), when there is one. */
  readonly logConfig?: string | undefined;
}

/**
 * Lists what a session ships from a Flink distribution, as Flink's client does: the dist jar,
 * every file of lib/, plugins/ and usrlib/, the log configuration, and the user's ship files.
 */
export function readDistribution(options: {
  flinkHome: string;
  flinkConfDir: string;
  distJar?: string | undefined;
  shipFiles?: readonly string[];
  /** yarn.ship-archives: local archives the NodeManager unpacks. */
  shipArchives?: readonly string[];
  /** `$internal.yarn.log-config-file` when the configuration sets it. */
  logConfig?: string | undefined;
  /** yarn.provided.lib.dirs is set: the dist jar, lib/ and plugins/ come from there, not from here. */
  providedLib?: boolean;
  /** yarn.provided.usrlib.dir is set: the local usrlib/ stays here. */
  providedUsrlib?: boolean;
}): FlinkDistribution {
  const lib = join(options.flinkHome, 'lib');
  if (!existsSync(lib) || !statSync(lib).isDirectory()) {
    throw new UsageError(
      `${options.flinkHome} is not a Flink distribution (no lib/ directory). Pass --flink-home or set FLINK_HOME.`,
    );
  }
  const libFiles = walk(lib);
  const distPath = options.distJar ?? libFiles.find((f) => /^flink-dist.*\.jar$/.test(basename(f)));
  if (distPath === undefined || !existsSync(distPath)) {
    throw new UsageError(`No flink-dist jar in ${lib}; pass -j with the path of Flink's dist jar.`);
  }
  const files: LocalFile[] = [];
  const provided = options.providedLib === true;
  if (!provided) files.push(file(basename(distPath), distPath, 'dist'));
  if (!provided) for (const f of libFiles) files.push(file(`lib/${relative(lib, f)}`, f, 'ship'));
  const plugins = join(options.flinkHome, 'plugins');
  if (!provided && statOrUndefined(plugins) !== undefined) {
    // All of it, README.txt too, as Flink's client ships it: without a file the JobManager finds no
    // plugins/ directory and logs that it does not exist.
    for (const f of walk(plugins)) files.push(file(`plugins/${relative(plugins, f)}`, f, 'plugin'));
  }
  // The distribution's usrlib/ goes with every cluster, its jars loaded as the user jar is.
  const usrlib = join(options.flinkHome, 'usrlib');
  if (options.providedUsrlib !== true && statOrUndefined(usrlib)?.isDirectory() === true) {
    for (const f of walk(usrlib)) files.push(file(`usrlib/${relative(usrlib, f)}`, f, 'user'));
  }
  // As Flink's YarnLogConfigUtil: the configured file, else log4j.properties, else logback.xml.
  const logConfig =
    options.logConfig ??
    [join(options.flinkConfDir, 'log4j.properties'), join(options.flinkConfDir, 'logback.xml')].find((f) =>
      existsSync(f),
    );
  if (logConfig !== undefined) {
    if (!existsSync(logConfig))
      throw new UsageError(`The log configuration ${logConfig} ($internal.yarn.log-config-file) does not exist.`);
    files.push(file(basename(logConfig), logConfig, 'ship'));
  }
  for (const s of options.shipFiles ?? []) {
    if (!existsSync(s)) throw new UsageError(`Ship file ${s} (-t / yarn.ship-files) does not exist.`);
    if (statChecked(s).isDirectory())
      for (const f of walk(s)) files.push(file(`${basename(s)}/${relative(s, f)}`, f, 'ship'));
    else files.push(file(basename(s), s, 'ship'));
  }
  for (const a of options.shipArchives ?? []) {
    // Flink's client accepts only these (YarnClusterDescriptor.isArchiveOnlyIncludedInShipArchiveFiles).
    if (!existsSync(a) || !statChecked(a).isFile() || !ARCHIVE_NAME.test(a)) {
      throw new UsageError(
        `yarn.ship-archives: ${a} is not an archive file (.tar.gz, .tgz, .tar, .dst, .jar or .zip); Flink's client refuses directories and other files there.`,
      );
    }
    files.push(file(basename(a), a, 'archive'));
  }
  // Flink's uploader ships no other flink-dist*.jar (from lib/ or anywhere): the dist goes once, as the dist.
  const shipped = files.filter((f) => f.role === 'dist' || !isFlinkDistJar(basename(f.key)));
  return {
    home: options.flinkHome,
    version: flinkVersion(options.flinkHome, distPath),
    files: shipped,
    distJar: distPath,
    logConfig,
  };
}

/** The archive types Flink's client accepts in yarn.ship-archives. */
export const ARCHIVE_NAME = /\.(tar\.gz|tar|tgz|dst|jar|zip)$/i;

/** Flink's uploader ships a flink-dist*.jar only as the dist. */
export function isFlinkDistJar(name: string): boolean {
  return name.startsWith('flink-dist') && name.endsWith('jar');
}

function flinkVersion(home: string, distPath: string): string {
  const fromJar = /flink-dist(?:_\d+\.\d+)?-(\d+\.\d+(?:\.\d+)?)/.exec(basename(distPath))?.[1];
  if (fromJar !== undefined) return fromJar;
  const versionFile = join(home, 'VERSION');
  // Only a small regular file: a FIFO named VERSION would block the read.
  const stats = statOrUndefined(versionFile);
  return stats?.isFile() === true && stats.size < 4096 ? readFileSync(versionFile, 'utf8').trim() : 'unknown';
}

function file(key: string, path: string, role: LocalFile['role']): LocalFile {
  const stats = statChecked(path);
  if (!stats.isFile()) {
    throw new UsageError(
      `${path} is ${describeKind(stats)}, not a regular file; Flink ships every file of lib/, plugins/ and the ship files, and reading this one would block or fail. Remove it.`,
    );
  }
  return { key, path, size: stats.size, role };
}

/**
 * Every file under `root`, in name order, following symbolic links as Flink's client does
 * (Files.walkFileTree with FOLLOW_LINKS). A link back to a directory being walked is a loop:
 * Java fails with FileSystemLoopException, and so does this, instead of recursing until the
 * stack overflows.
 */
function walk(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string, open: ReadonlySet<string>): void => {
    const real = realpathSync(dir);
    if (open.has(real)) {
      throw new UsageError(
        `${dir} is a symbolic link to ${real}, a directory that contains it: a loop. Flink's client fails on it too (FileSystemLoopException). Remove the link.`,
      );
    }
    const inside = new Set(open).add(real);
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch (e) {
      throw new UsageError(`Cannot list ${dir}: ${(e as Error).message}`);
    }
    for (const entry of entries) {
      const path = join(dir, entry);
      if (statChecked(path).isDirectory()) visit(path, inside);
      else out.push(path);
    }
  };
  if (!statChecked(root).isDirectory()) throw new UsageError(`${root} is not a directory.`);
  visit(root, new Set());
  return out;
}

/** stat, with a dangling link or an unreadable entry as a UsageError naming it. */
function statChecked(path: string): Stats {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const target = code === 'ENOENT' ? linkTarget(path) : undefined;
    throw new UsageError(
      target !== undefined
        ? `${path} is a symbolic link to ${target}, which does not exist; Flink's client cannot ship it either. Fix or remove the link.`
        : code === 'ELOOP'
          ? `${path} is a loop of symbolic links. Remove it.`
          : `Cannot read ${path}: ${(e as Error).message}`,
    );
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function linkTarget(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}
