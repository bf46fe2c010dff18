import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FlinkYarnError } from '../../errors/index.js';
import type { MiniclusterEvent } from './events.js';

/** One Maven module of test/cluster that must be packaged before the cluster can start. */
export interface MavenModule {
  readonly name: string;
  readonly dir: string;
  /** Extra -D properties (e.g. hadoop.version). */
  readonly properties?: Readonly<Record<string, string>>;
  /** Maven profiles to activate (-P). */
  readonly profiles?: readonly string[];
  /** Files the build must produce; a missing one means "build again". */
  readonly outputs: readonly string[];
}

/**
 * Packages each module unless its inputs (pom, sources, properties) are unchanged since the
 * last successful build. The first build downloads from Maven Central; progress is reported as
 * artifacts arrive. Maven's local repository (~/.m2) is shared, so later builds are offline.
 */
export async function ensureBuilt(
  modules: readonly MavenModule[],
  options: { logDir: string; env: NodeJS.ProcessEnv; onEvent: (e: MiniclusterEvent) => void },
): Promise<void> {
  mkdirSync(options.logDir, { recursive: true });
  for (const module of modules) {
    mkdirSync(join(module.dir, 'target'), { recursive: true });
    const stamp = join(module.dir, 'target', `.flink-yarn-build-${module.name}`);
    const fingerprint = fingerprintOf(module);
    const fresh =
      existsSync(stamp) &&
      readFileSync(stamp, 'utf8') === fingerprint &&
      module.outputs.every((o) => existsSync(join(module.dir, o)));
    if (fresh) {
      options.onEvent({ kind: 'build-skipped', module: module.name });
      continue;
    }
    options.onEvent({ kind: 'build-started', module: module.name });
    const started = Date.now();
    const logFile = join(options.logDir, `build-${module.name}.log`);
    await runMaven(module, logFile, options.env, (downloads, bytes) =>
      options.onEvent({ kind: 'build-progress', module: module.name, downloads, bytes }),
    );
    const missing = module.outputs.filter((o) => !existsSync(join(module.dir, o)));
    if (missing.length > 0) {
      throw new FlinkYarnError(
        'BUILD_FAILED',
        `Maven built ${module.name} but ${missing.join(', ')} is missing; see ${logFile}.`,
      );
    }
    writeFileSync(stamp, fingerprint);
    options.onEvent({ kind: 'build-finished', module: module.name, ms: Date.now() - started });
  }
}

function runMaven(
  module: MavenModule,
  logFile: string,
  env: NodeJS.ProcessEnv,
  progress: (downloads: number, bytes: number) => void,
): Promise<void> {
  const props = Object.entries(module.properties ?? {}).map(([k, v]) => `-D${k}=${v}`);
  const profiles =
    module.profiles !== undefined && module.profiles.length > 0 ? [`-P${module.profiles.join(',')}`] : [];
  const args = ['-B', '-f', join(module.dir, 'pom.xml'), 'package', '-DskipTests', ...profiles, ...props];
  return new Promise((resolve, reject) => {
    const log = createWriteStream(logFile);
    const child = spawn('mvn', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let downloads = 0;
    let bytes = 0;
    let last = 0;
    const onData = (chunk: Buffer): void => {
      log.write(chunk);
      for (const line of chunk.toString('utf8').split('\n')) {
        // "Downloaded from central: https://... (1.2 MB at 3.4 MB/s)"
        const m = /^\[INFO\] Downloaded from [^:]+: \S+ \(([\d.]+) (B|kB|KB|MB|GB)/.exec(line);
        if (m === null) continue;
        downloads++;
        bytes += Number(m[1]) * ({ B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9 } as Record<string, number>)[m[2]!]!;
        if (Date.now() - last > 1_000) {
          last = Date.now();
          progress(downloads, bytes);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => reject(new FlinkYarnError('BUILD_FAILED', `cannot run mvn: ${e.message}`, { cause: e })));
    child.on('close', (code) => {
      log.end();
      if (downloads > 0) progress(downloads, bytes);
      if (code === 0) resolve();
      else {
        reject(
          new FlinkYarnError(
            'BUILD_FAILED',
            `Maven failed to build ${module.name} (exit ${code}): ${lastErrors(logFile)} Full log: ${logFile}`,
          ),
        );
      }
    });
  });
}

function lastErrors(logFile: string): string {
  try {
    const errors = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('[ERROR]'))
      .slice(0, 3);
    return errors.length > 0 ? `${errors.join(' ').slice(0, 600)}.` : '';
  } catch {
    return '';
  }
}

/** A hash of everything that decides the build's result. */
function fingerprintOf(module: MavenModule): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(module.properties ?? {}));
  hash.update(JSON.stringify(module.profiles ?? []));
  for (const file of walk(module.dir)) {
    hash.update(relative(module.dir, file));
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

// Appends into one list: a spread push of a big subtree overflows the stack.
function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir).sort()) {
    if (entry === 'target') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}
