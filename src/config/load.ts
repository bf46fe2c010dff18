import { statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appendAll, clip, diagnostic, type Diagnostic } from '../diagnostics/index.js';
import { UsageError } from '../errors/index.js';
import {
  assembleConfig,
  catchParse,
  FLINK_FILES,
  type AssembleOptions,
  type ConfigModel,
  type ConfigTexts,
} from './assemble.js';
import { parseHadoopXml, type HadoopResource } from './hadoop/xml.js';
import { ABSENT, describeKind, linkTarget, readConfigFile, reportEmpty } from './read.js';

export {
  firstInvalidUtf8,
  MAX_CONFIG_FILE_BYTES,
  readConfigFile,
  type ConfigFileFormat,
  type ConfigFileRead,
} from './read.js';

/** The config layer's loader: with read.ts, the only code of the layer that touches the disk. */

export type Env = Readonly<Record<string, string | undefined>>;

export interface ConfDirRequest {
  /** --flink-conf-dir */
  readonly flinkConfDir?: string | undefined;
  /** --yarn-conf-dir */
  readonly yarnConfDir?: string | undefined;
  readonly env: Env;
  readonly cwd: string;
}

export interface ResolvedDir {
  readonly dir: string;
  /** How it was found, for messages: `--flink-conf-dir`, `$FLINK_CONF_DIR`, ... */
  readonly via: string;
}

/** The contract's chain: --flink-conf-dir, $FLINK_CONF_DIR, $FLINK_HOME/conf, ./conf. */
export function resolveFlinkConfDir(req: ConfDirRequest): ResolvedDir {
  const chain: [string | undefined, string][] = [
    [req.flinkConfDir, '--flink-conf-dir'],
    [req.env.FLINK_CONF_DIR, '$FLINK_CONF_DIR'],
    [req.env.FLINK_HOME && join(req.env.FLINK_HOME, 'conf'), '$FLINK_HOME/conf'],
    ['conf', './conf'],
  ];
  const found = firstSet(chain, req.cwd);
  const problem = found === undefined ? 'does not exist' : directoryProblem(found.dir);
  if (found === undefined || problem !== undefined) {
    const tried = found === undefined ? './conf' : `${found.dir} (from ${found.via})`;
    throw new UsageError(
      `Flink configuration directory ${tried} ${problem}. Pass --flink-conf-dir DIR (the directory that holds ${FLINK_FILES.standard} or ${FLINK_FILES.legacy}) or set FLINK_CONF_DIR.`,
      'CONF_DIR_NOT_FOUND',
    );
  }
  return found;
}

/**
 * The contract's chain: --yarn-conf-dir, $YARN_CONF_DIR, $HADOOP_CONF_DIR, $HADOOP_HOME/etc/hadoop.
 * Undefined when none is set: callers then use YARN's defaults and say so.
 */
export function resolveYarnConfDir(req: ConfDirRequest): ResolvedDir | undefined {
  const chain: [string | undefined, string][] = [
    [req.yarnConfDir, '--yarn-conf-dir'],
    [req.env.YARN_CONF_DIR, '$YARN_CONF_DIR'],
    [req.env.HADOOP_CONF_DIR, '$HADOOP_CONF_DIR'],
    [req.env.HADOOP_HOME && join(req.env.HADOOP_HOME, 'etc', 'hadoop'), '$HADOOP_HOME/etc/hadoop'],
  ];
  const found = firstSet(chain, req.cwd);
  const problem = found === undefined ? undefined : directoryProblem(found.dir);
  if (found !== undefined && problem !== undefined) {
    throw new UsageError(
      `Hadoop configuration directory ${found.dir} (from ${found.via}) ${problem}. Pass --yarn-conf-dir DIR (the directory that holds yarn-site.xml) or fix ${found.via.replace(/\/.*/, '')}.`,
      'CONF_DIR_NOT_FOUND',
    );
  }
  return found;
}

export interface LoadRequest extends AssembleOptions {
  /** Undefined: read only the Hadoop side. */
  readonly flinkConfDir: string | undefined;
  readonly yarnConfDir?: string | undefined;
  /** Also read hdfs-site.xml (where HDFS is used). */
  readonly hdfs?: boolean;
}

export interface LoadedConfig extends ConfigModel {
  readonly flinkConfDir: string | undefined;
  readonly yarnConfDir?: string;
}

/** Reads every configuration file and assembles the model. Unreadable files become diagnostics. */
export function loadConfig(req: LoadRequest): LoadedConfig {
  const diagnostics: Diagnostic[] = [];

  // Flink 1.19/1.20 read flink-conf.yaml when it exists and ignore config.yaml; 2.x reads only config.yaml.
  const flinkDir = req.flinkConfDir;
  const legacyPath = flinkDir === undefined ? '' : join(flinkDir, FLINK_FILES.legacy);
  const standardPath = flinkDir === undefined ? '' : join(flinkDir, FLINK_FILES.standard);
  const legacy = flinkDir === undefined ? ABSENT : readConfigFile(legacyPath, 'text', diagnostics);
  // Read config.yaml only where it counts; where flink-conf.yaml wins, only whether it is there matters.
  const standard =
    flinkDir === undefined
      ? ABSENT
      : legacy.present
        ? { present: exists(standardPath) }
        : readConfigFile(standardPath, 'yaml', diagnostics);
  const flinkPath = legacy.present ? legacyPath : standard.present ? standardPath : undefined;
  if (legacy.present && standard.present) {
    diagnostics.push(
      diagnostic(
        'warning',
        'FLINK_CONF_BOTH_FILES',
        `Both ${FLINK_FILES.legacy} and ${FLINK_FILES.standard} exist. Flink 1.19/1.20 read ${FLINK_FILES.legacy} and ignore ${FLINK_FILES.standard}; Flink 2.x reads only ${FLINK_FILES.standard}. Keep one.`,
        { file: standardPath },
      ),
    );
  }
  const flinkText = legacy.present ? legacy.text : standard.text;
  if (flinkPath !== undefined && flinkText !== undefined) {
    reportEmpty(flinkPath, flinkText, "Flink's defaults apply", diagnostics);
  }
  const optional = (name: string, empty: string): { path: string; text: string } | undefined => {
    if (flinkDir === undefined) return undefined;
    const path = join(flinkDir, name);
    const { text } = readConfigFile(path, 'text', diagnostics);
    if (text === undefined) return undefined;
    reportEmpty(path, text, empty, diagnostics);
    return { path, text };
  };
  const hadoopFiles = (name: string): HadoopResource[] => {
    if (req.yarnConfDir === undefined) return [];
    return loadHadoopFile(join(req.yarnConfDir, name), diagnostics, [], { files: 0 }) ?? [];
  };

  const masters = optional(FLINK_FILES.masters, 'it lists no JobManager');
  const zooCfg = optional(FLINK_FILES.zooCfg, 'it defines no ZooKeeper server');
  const texts: ConfigTexts = {
    ...(flinkPath !== undefined && flinkText !== undefined
      ? {
          flink: {
            path: flinkPath,
            format: flinkPath === standardPath ? ('yaml' as const) : ('legacy' as const),
            text: flinkText,
          },
        }
      : {}),
    ...(masters !== undefined ? { masters } : {}),
    ...(zooCfg !== undefined ? { zooCfg } : {}),
    hadoop: {
      core: hadoopFiles('core-site.xml'),
      yarn: hadoopFiles('yarn-site.xml'),
      hdfs: req.hdfs === true ? hadoopFiles('hdfs-site.xml') : [],
    },
  };
  if (flinkPath === undefined && flinkDir !== undefined) {
    diagnostics.push(
      diagnostic(
        'info',
        'FLINK_CONF_MISSING',
        `${flinkDir} has neither ${FLINK_FILES.standard} nor ${FLINK_FILES.legacy}; Flink's defaults apply.`,
        { file: flinkDir },
      ),
    );
  }
  const model = assembleConfig(texts, req);
  appendAll(diagnostics, model.diagnostics);
  return {
    ...model,
    diagnostics,
    flinkConfDir: req.flinkConfDir,
    ...(req.yarnConfDir !== undefined ? { yarnConfDir: req.yarnConfDir } : {}),
  };
}

/** Hadoop resolves xi:include recursively; ten levels is far beyond any real configuration. */
const MAX_INCLUDE_DEPTH = 10;
/** Included files per site file: includes can fan out (each file including two others ...). */
const MAX_INCLUDED_FILES = 100;

/** URL schemes Java's URL opens, which Hadoop then fetches; any other prefix is a file name to it. */
const URL_SCHEMES = new Set(['http', 'https', 'ftp', 'jar', 'jrt', 'mailto']);

/**
 * A site file with its includes spliced in: one resource when it is broken (so a yarn-site.xml
 * that fails to parse still counts as present), undefined when there is no such file.
 */
function loadHadoopFile(
  path: string,
  diagnostics: Diagnostic[],
  chain: readonly string[],
  budget: { files: number },
): HadoopResource[] | undefined {
  const { present, text } = readConfigFile(path, 'xml', diagnostics);
  if (!present) return undefined;
  if (text === undefined) return [{ file: path, items: [] }];
  const resource = catchParse(diagnostics, () => parseHadoopXml(text, path));
  if (resource === undefined) return [{ file: path, items: [] }];
  // Splice includes where they stand, so that document order decides overrides.
  const out: HadoopResource[] = [];
  let current: HadoopResource['items'][number][] = [];
  const here = [...chain, resolve(path)];
  for (const item of resource.items) {
    if (item.kind === 'property') {
      current.push(item);
      continue;
    }
    out.push({ file: path, items: current });
    current = [];
    const at = { file: path, line: item.line };
    const target = includeTarget(item.href, path);
    if (target.kind === 'url') {
      diagnostics.push(
        diagnostic(
          'warning',
          'HADOOP_INCLUDE_REMOTE',
          `xi:include of ${clip(item.href)} is a URL: Hadoop fetches it when it loads this file, but flink-yarn reads only local files, so its settings are not checked or applied here. Copy it into a local file and include that.`,
          at,
        ),
      );
      continue;
    }
    if (target.kind === 'invalid') {
      diagnostics.push(
        diagnostic('error', 'HADOOP_INCLUDE_MISSING', `xi:include of ${clip(item.href)}: ${target.reason}.`, at),
      );
      continue;
    }
    if (here.includes(target.path)) {
      diagnostics.push(
        diagnostic(
          'error',
          'HADOOP_INCLUDE_CYCLE',
          `xi:include of ${clip(item.href)} includes ${target.path} again (${[...here, target.path].join(' -> ')}); Hadoop recurses until it fails. Remove the include.`,
          at,
        ),
      );
      continue;
    }
    if (chain.length >= MAX_INCLUDE_DEPTH) {
      diagnostics.push(
        diagnostic(
          'error',
          'HADOOP_INCLUDE_TOO_DEEP',
          `xi:include of ${clip(item.href)} nests deeper than ${MAX_INCLUDE_DEPTH} files.`,
          at,
        ),
      );
      continue;
    }
    if (++budget.files > MAX_INCLUDED_FILES) {
      diagnostics.push(
        diagnostic(
          'error',
          'HADOOP_INCLUDE_TOO_MANY',
          `xi:include of ${clip(item.href)} would read more than ${MAX_INCLUDED_FILES} included files for one site file; no real configuration needs that many. Include each file once.`,
          at,
        ),
      );
      continue;
    }
    const included = loadHadoopFile(target.path, diagnostics, here, budget);
    if (included !== undefined) appendAll(out, included);
    else if (!item.hasFallback) {
      diagnostics.push(
        diagnostic(
          'error',
          'HADOOP_INCLUDE_MISSING',
          `xi:include of ${clip(item.href)} finds no file at ${target.path}, and there is no <xi:fallback>; Hadoop fails to load this configuration.`,
          at,
        ),
      );
    }
  }
  out.push({ file: path, items: current });
  return out;
}

/** Where an include points, as Hadoop's Configuration.handleInclude reads the href. */
function includeTarget(
  href: string,
  from: string,
): { kind: 'file'; path: string } | { kind: 'url' } | { kind: 'invalid'; reason: string } {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]+):/.exec(href)?.[1]?.toLowerCase();
  if (scheme === 'file') {
    try {
      return { kind: 'file', path: fileURLToPath(href) };
    } catch (e) {
      return { kind: 'invalid', reason: `not a usable file: URL (${(e as Error).message})` };
    }
  }
  if (scheme !== undefined && URL_SCHEMES.has(scheme)) return { kind: 'url' };
  return { kind: 'file', path: isAbsolute(href) ? resolve(href) : resolve(dirname(from), href) };
}

/** Whether the path names something, following links as Java's File.exists does. */
function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Why a configuration directory cannot be used, or undefined when it is a directory. */
function directoryProblem(path: string): string | undefined {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return `cannot be read (${clip((e as Error).message)})`;
    const target = linkTarget(path);
    return target === undefined ? 'does not exist' : `is a symbolic link to ${target}, which does not exist`;
  }
  if (stats.isDirectory()) return undefined;
  return stats.isFile() ? 'is a file, not a directory' : `is ${describeKind(stats)}, not a directory`;
}

function firstSet(chain: [string | undefined, string][], cwd: string): ResolvedDir | undefined {
  for (const [dir, via] of chain) {
    if (dir !== undefined && dir !== '') return { dir: resolve(cwd, dir), via };
  }
  return undefined;
}
