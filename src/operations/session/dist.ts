import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { UsageError } from '../../errors/index.js';

/** A local file to stage for the AM, under the key it will have in the container. */
export interface LocalFile {
  readonly key: string;
  readonly path: string;
  readonly size: number;
  readonly role: 'dist' | 'ship';
}

export interface FlinkDistribution {
  readonly home: string;
  /** From the dist jar's name or a VERSION file. */
  readonly version: string;
  readonly files: readonly LocalFile[];
}

/**
 * Lists what a session ships from a Flink distribution, as Flink's client does: the dist jar,
 * every file of lib/ and plugins/, the log configuration, and the user's ship files.
 */
export function readDistribution(options: {
  flinkHome: string;
  flinkConfDir: string;
  distJar?: string | undefined;
  shipFiles?: readonly string[];
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
  const files: LocalFile[] = [file(basename(distPath), distPath, 'dist')];
  for (const f of libFiles) if (f !== distPath) files.push(file(`lib/${relative(lib, f)}`, f, 'ship'));
  const plugins = join(options.flinkHome, 'plugins');
  if (existsSync(plugins)) {
    for (const f of walk(plugins))
      if (!basename(f).startsWith('README')) files.push(file(`plugins/${relative(plugins, f)}`, f, 'ship'));
  }
  const log4j = join(options.flinkConfDir, 'log4j.properties');
  if (existsSync(log4j)) files.push(file('log4j.properties', log4j, 'ship'));
  for (const s of options.shipFiles ?? []) {
    if (!existsSync(s)) throw new UsageError(`Ship file ${s} (-t / yarn.ship-files) does not exist.`);
    if (statSync(s).isDirectory())
      for (const f of walk(s)) files.push(file(`${basename(s)}/${relative(s, f)}`, f, 'ship'));
    else files.push(file(basename(s), s, 'ship'));
  }
  return { home: options.flinkHome, version: flinkVersion(options.flinkHome, distPath), files };
}

function flinkVersion(home: string, distPath: string): string {
  const fromJar = /flink-dist(?:_\d+\.\d+)?-(\d+\.\d+(?:\.\d+)?)/.exec(basename(distPath))?.[1];
  if (fromJar !== undefined) return fromJar;
  const versionFile = join(home, 'VERSION');
  return existsSync(versionFile) ? readFileSync(versionFile, 'utf8').trim() : 'unknown';
}

function file(key: string, path: string, role: 'dist' | 'ship'): LocalFile {
  return { key, path, size: statSync(path).size, role };
}

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}
