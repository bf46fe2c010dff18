import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';
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

/** The only module of the config layer that touches the disk. */

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
  if (found === undefined || !isDirectory(found.dir)) {
    const tried = found === undefined ? './conf' : `${found.dir} (from ${found.via})`;
    throw new UsageError(
      `Flink configuration directory ${tried} does not exist. Pass --flink-conf-dir DIR or set FLINK_CONF_DIR.`,
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
  if (found !== undefined && !isDirectory(found.dir)) {
    throw new UsageError(
      `Hadoop configuration directory ${found.dir} (from ${found.via}) does not exist. Pass --yarn-conf-dir DIR or fix ${found.via.replace(/\/.*/, '')}.`,
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
  const read = (path: string): string | undefined => readText(path, diagnostics);

  // Flink 1.19/1.20 read flink-conf.yaml when it exists and ignore config.yaml; 2.x reads only config.yaml.
  const flinkDir = req.flinkConfDir;
  const legacyPath = flinkDir === undefined ? '' : join(flinkDir, FLINK_FILES.legacy);
  const standardPath = flinkDir === undefined ? '' : join(flinkDir, FLINK_FILES.standard);
  const flinkPath = existsSync(legacyPath) ? legacyPath : existsSync(standardPath) ? standardPath : undefined;
  if (flinkPath === legacyPath && existsSync(standardPath)) {
    diagnostics.push(
      diagnostic(
        'warning',
        'FLINK_CONF_BOTH_FILES',
        `Both ${FLINK_FILES.legacy} and ${FLINK_FILES.standard} exist. Flink 1.19/1.20 read ${FLINK_FILES.legacy} and ignore ${FLINK_FILES.standard}; Flink 2.x reads only ${FLINK_FILES.standard}. Keep one.`,
        { file: standardPath },
      ),
    );
  }
  const flinkText = flinkPath === undefined ? undefined : read(flinkPath);
  const optional = (name: string): { path: string; text: string } | undefined => {
    if (flinkDir === undefined) return undefined;
    const path = join(flinkDir, name);
    if (!existsSync(path)) return undefined;
    const text = read(path);
    return text === undefined ? undefined : { path, text };
  };
  const hadoopFiles = (name: string): HadoopResource[] =>
    req.yarnConfDir === undefined ? [] : loadHadoopFile(join(req.yarnConfDir, name), diagnostics, 0);

  const masters = optional(FLINK_FILES.masters);
  const zooCfg = optional(FLINK_FILES.zooCfg);
  const texts: ConfigTexts = {
    ...(flinkPath !== undefined && flinkText !== undefined
      ? {
          flink: {
            path: flinkPath,
            format: flinkPath.endsWith(FLINK_FILES.standard) ? ('yaml' as const) : ('legacy' as const),
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
  return {
    ...model,
    diagnostics: [...diagnostics, ...model.diagnostics],
    flinkConfDir: req.flinkConfDir,
    ...(req.yarnConfDir !== undefined ? { yarnConfDir: req.yarnConfDir } : {}),
  };
}

/** Hadoop resolves xi:include recursively; ten levels is far beyond any real configuration. */
const MAX_INCLUDE_DEPTH = 10;

function loadHadoopFile(path: string, diagnostics: Diagnostic[], depth: number): HadoopResource[] {
  if (!existsSync(path)) return [];
  const text = readText(path, diagnostics);
  if (text === undefined) return [];
  const resource = catchParse(diagnostics, () => parseHadoopXml(text, path));
  if (resource === undefined) return [];
  // Splice includes where they stand, so that document order decides overrides.
  const out: HadoopResource[] = [];
  let current: HadoopResource['items'][number][] = [];
  for (const item of resource.items) {
    if (item.kind === 'property') {
      current.push(item);
      continue;
    }
    out.push({ file: path, items: current });
    current = [];
    const target = isAbsolute(item.href) ? item.href : resolve(dirname(path), item.href);
    if (depth >= MAX_INCLUDE_DEPTH) {
      diagnostics.push(
        diagnostic(
          'error',
          'HADOOP_INCLUDE_TOO_DEEP',
          `xi:include of ${item.href} nests deeper than ${MAX_INCLUDE_DEPTH} files.`,
          {
            file: path,
            line: item.line,
          },
        ),
      );
    } else if (existsSync(target)) {
      out.push(...loadHadoopFile(target, diagnostics, depth + 1));
    } else if (!item.hasFallback) {
      diagnostics.push(
        diagnostic(
          'error',
          'HADOOP_INCLUDE_MISSING',
          `xi:include of ${item.href} finds no file at ${target}, and there is no <xi:fallback>; Hadoop fails to load this configuration.`,
          {
            file: path,
            line: item.line,
          },
        ),
      );
    }
  }
  out.push({ file: path, items: current });
  return out;
}

function readText(path: string, diagnostics: Diagnostic[]): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    diagnostics.push(
      diagnostic('error', 'CONFIG_FILE_UNREADABLE', `${path} cannot be read: ${(e as Error).message}`, { file: path }),
    );
    return undefined;
  }
}

function firstSet(chain: [string | undefined, string][], cwd: string): ResolvedDir | undefined {
  for (const [dir, via] of chain) {
    if (dir !== undefined && dir !== '') return { dir: resolve(cwd, dir), via };
  }
  return undefined;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
