import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { load } from 'js-yaml';

// What a NodeManager made of an AM's launch context, read back from the launch script it wrote
// (nmPrivate/<app>/<container>/launch_container.sh) and the files it localized: the ground truth
// the fidelity harness compares, whichever client submitted the application.

export type Visibility = 'PUBLIC' | 'PRIVATE' | 'APPLICATION';

export interface LocalResource {
  readonly visibility: Visibility;
  /** A localized directory (an archive, or a directory shipped as a file resource). */
  readonly directory: boolean;
  /** Bytes (a directory: the sum of its files). */
  readonly size: number;
}

export interface LaunchContext {
  readonly environment: Readonly<Record<string, string>>;
  readonly resources: Readonly<Record<string, LocalResource>>;
  /** The container's command line, split into words. */
  readonly command: readonly string[];
  /** The Flink configuration the AM reads (flink-conf.yaml or config.yaml in its working directory). */
  readonly configuration: Readonly<Record<string, string>>;
}

/** The launch script of a container, found under the NodeManager's local directories. */
export function launchScript(stateDir: string, containerId: string): string {
  const found = execFileSync('find', [stateDir, '-path', `*nmPrivate*/${containerId}/launch_container.sh`], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .filter((l) => l !== '');
  if (found.length !== 1) throw new Error(`${found.length} launch scripts for ${containerId} under ${stateDir}`);
  return found[0]!;
}

function visibilityOf(localized: string): Visibility {
  if (/\/usercache\/[^/]+\/appcache\//.test(localized)) return 'APPLICATION';
  if (/\/usercache\/[^/]+\/filecache\//.test(localized)) return 'PRIVATE';
  return 'PUBLIC';
}

function sizeOf(path: string): number {
  return Number(execFileSync('du', ['-sb', '--apparent-size', path], { encoding: 'utf8' }).split(/\s/)[0]);
}

/** Reads a launch script and what it links: environment, resources, command, shipped configuration. */
export function readLaunchContext(script: string): LaunchContext {
  const text = readFileSync(script, 'utf8');
  const environment: Record<string, string> = {};
  const resources: Record<string, LocalResource> = {};
  let command: string[] = [];
  let configFile: { key: string; path: string } | undefined;
  for (const line of text.split('\n')) {
    const exported = /^export (\w+)="(.*)"$/.exec(line);
    if (exported) {
      environment[exported[1]!] = exported[2]!.replace(/\\"/g, '"');
      continue;
    }
    const link = /^ln -sf -- "(.+)" "(.+)"$/.exec(line);
    if (link) {
      const [, localized, key] = link as unknown as [string, string, string];
      const target = realpathSync(localized);
      resources[key] = {
        visibility: visibilityOf(localized),
        directory: statSync(target).isDirectory(),
        size: sizeOf(target),
      };
      if (key === 'flink-conf.yaml' || key === 'config.yaml') configFile = { key, path: target };
      continue;
    }
    const exec = /^exec \/bin\/bash -c "(.*)"$/.exec(line);
    if (exec)
      command = exec[1]!
        .replace(/\\"/g, '"')
        .split(/\s+/)
        .filter((w) => w !== '');
  }
  if (configFile === undefined) throw new Error(`${script} links no flink-conf.yaml or config.yaml`);
  const shipped = readFileSync(configFile.path, 'utf8');
  const configuration = configFile.key === 'config.yaml' ? flatConfiguration(shipped) : legacyConfiguration(shipped);
  return { environment, resources, command, configuration };
}

/** flink-conf.yaml by Flink's own line rules (it is not YAML): `key: value`, split at the first ': '. */
function legacyConfiguration(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.split('#')[0]!.trim();
    const at = line.indexOf(': ');
    if (at > 0) out[line.slice(0, at).trim()] = line.slice(at + 2).trim();
    // A line Flink would not read as `key: value` still counts, so that no difference hides.
    else if (line !== '') out[`(line) ${line}`] = line;
  }
  return out;
}

/** config.yaml (Flink 2.x) as flat keys: a YAML map, nested or flat. */
function flatConfiguration(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (value: unknown, prefix: string): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, prefix === '' ? k : `${prefix}.${k}`);
    } else out[prefix] = Array.isArray(value) ? value.map(String).join(';') : String(value);
  };
  walk(load(text), '');
  return out;
}

/** One way the two launches differ: what, where, and the two values (absent as undefined). */
export interface Difference {
  readonly aspect: 'resource' | 'environment' | 'command' | 'configuration' | 'application';
  readonly key: string;
  readonly ours: string | undefined;
  readonly flink: string | undefined;
}

/** Makes two launches comparable: ids, ports, hosts and per-run paths become placeholders. */
export function normaliser(replacements: readonly (readonly [string | RegExp, string])[]) {
  return (value: string): string => {
    let out = value;
    for (const [from, to] of replacements) out = out.split(from as string).join(to);
    return out
      .replace(/application_\d+_\d+/g, 'APP')
      .replace(/appattempt_\d+_\d+_\d+/g, 'ATTEMPT')
      .replace(/container_(e\d+_)?\d+_\d+_\d+_\d+/g, 'CONTAINER')
      .replace(/\/filecache\/\d+\//g, '/filecache/N/')
      .replace(/(localhost|127\.0\.0\.1|[\w.-]+\.local):\d+/g, 'HOST:PORT');
  };
}

function diffMaps(
  aspect: Difference['aspect'],
  ours: Readonly<Record<string, string>>,
  flink: Readonly<Record<string, string>>,
  norm: (v: string) => string,
): Difference[] {
  const out: Difference[] = [];
  for (const key of [...new Set([...Object.keys(ours), ...Object.keys(flink)])].sort()) {
    const a = ours[key] === undefined ? undefined : norm(ours[key]!);
    const b = flink[key] === undefined ? undefined : norm(flink[key]!);
    if (a !== b) out.push({ aspect, key, ours: a, flink: b });
  }
  return out;
}

/** Every difference between our launch and Flink's, aspect by aspect. */
export function compare(
  ours: LaunchContext & { readonly app: Readonly<Record<string, string>> },
  flink: LaunchContext & { readonly app: Readonly<Record<string, string>> },
  norm: (v: string) => string,
): Difference[] {
  const describe = (r: LocalResource | undefined) =>
    r === undefined ? undefined : `${r.visibility} ${r.directory ? 'directory' : 'file'} ${r.size} bytes`;
  const resources = (c: LaunchContext) =>
    Object.fromEntries(Object.entries(c.resources).map(([k, r]) => [k, describe(r)!]));
  // The command's words as a multiset (an added option must not shift every word after it), and
  // its order once the words agree.
  const words = (c: LaunchContext) => {
    const counts: Record<string, string> = {};
    for (const w of c.command.map(norm)) counts[w] = String(Number(counts[w] ?? 0) + 1);
    return counts;
  };
  const order = (c: LaunchContext) => ({ order: c.command.map(norm).join(' ') });
  const classpath = (c: LaunchContext) =>
    Object.fromEntries((c.environment.CLASSPATH ?? '').split(':').map((e, i) => [`CLASSPATH[${i}]`, e]));
  // Flink's lists of resources for the TaskManagers, one entry per resource: where it is on HDFS,
  // and what it is (its modification time is the upload's, different in every run).
  const LISTS = ['_CLIENT_SHIP_FILES', '_FLINK_DIST_JAR'];
  const env = (c: LaunchContext) =>
    Object.fromEntries(Object.entries(c.environment).filter(([k]) => k !== 'CLASSPATH' && !LISTS.includes(k)));
  const listed = (c: LaunchContext) => {
    const out: Record<string, string> = {};
    const entry =
      /\{'resourceKey':'([^']*)','path':'([^']*)','size':(\d+),'modificationTime':\d+,'visibility':'(\w+)','resourceType':'(\w+)'\}/g;
    for (const list of LISTS) {
      for (const m of (c.environment[list] ?? '').matchAll(entry)) {
        out[`${list}[${m[1]}].path`] = m[2]!;
        out[`${list}[${m[1]}]`] = `${m[4]} ${m[5]} ${m[3]} bytes`;
      }
    }
    return out;
  };
  return [
    ...diffMaps('resource', resources(ours), resources(flink), norm),
    ...diffMaps('environment', env(ours), env(flink), norm),
    ...diffMaps('environment', listed(ours), listed(flink), norm),
    ...diffMaps('environment', classpath(ours), classpath(flink), norm),
    ...diffMaps('command', words(ours), words(flink), norm),
    ...(diffMaps('command', words(ours), words(flink), norm).length === 0
      ? diffMaps('command', order(ours), order(flink), norm)
      : []),
    ...diffMaps('configuration', ours.configuration, flink.configuration, norm),
    ...diffMaps('application', ours.app, flink.app, norm),
  ];
}
