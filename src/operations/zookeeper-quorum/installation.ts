import { existsSync, readdirSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { FlinkYarnError } from '../../errors/index.js';

/** An installed ZooKeeper that can run a server: its classpath, and where it was found. */
export interface ZooKeeperInstallation {
  readonly kind: 'zookeeper-home' | 'debian';
  readonly home: string;
  /** How it was found, for messages: `--zookeeper-home`, `$ZOOKEEPER_HOME`, `Debian's zookeeper package`. */
  readonly via: string;
  readonly classpath: readonly string[];
}

export interface LocateOptions {
  /** --zookeeper-home; else $ZOOKEEPER_HOME. */
  readonly zookeeperHome?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Where Debian's package puts ZooKeeper. @default DEBIAN_ZOOKEEPER */
  readonly debian?: { readonly jar: string; readonly home: string; readonly conf: string };
}

/**
 * Debian's packages (bookworm: zookeeper + libzookeeper-java): the server jar names its
 * dependencies in /usr/share/java through its manifest's Class-Path, so it is a whole classpath;
 * /etc/zookeeper/conf holds the logging configuration, as in the package's own `environment`.
 */
export const DEBIAN_ZOOKEEPER = {
  jar: '/usr/share/java/zookeeper.jar',
  home: '/usr/share/zookeeper',
  conf: '/etc/zookeeper/conf',
} as const;

/** The server jar itself (zookeeper-3.9.5.jar, zookeeper.jar), not zookeeper-jute or the like. */
const SERVER_JAR = /^zookeeper(-\d[\w.-]*)?\.jar$/;

/**
 * Finds ZooKeeper as its own scripts would run it: `ZOOKEEPER_HOME` (the binary release: every
 * jar in lib/, 3.4's server jar at the top, conf/ for logging), else Debian's package.
 */
export function locateZooKeeper(options: LocateOptions): ZooKeeperInstallation {
  const given =
    options.zookeeperHome !== undefined
      ? { dir: options.zookeeperHome, via: '--zookeeper-home' }
      : options.env.ZOOKEEPER_HOME
        ? { dir: options.env.ZOOKEEPER_HOME, via: '$ZOOKEEPER_HOME' }
        : undefined;
  if (given !== undefined) {
    const home = resolve(options.cwd, given.dir);
    const classpath = homeClasspath(home);
    if (classpath === undefined) {
      const what = isDirectory(home) ? 'has no ZooKeeper server jar in lib/ or at its top' : 'does not exist';
      throw new FlinkYarnError(
        'ZOOKEEPER_NOT_INSTALLED',
        `ZooKeeper home ${home} (from ${given.via}) ${what}. Point it at an unpacked ZooKeeper binary release (apache-zookeeper-<version>-bin.tar.gz; the source release has no jars).`,
      );
    }
    return { kind: 'zookeeper-home', home, via: given.via, classpath };
  }

  const debian = options.debian ?? DEBIAN_ZOOKEEPER;
  if (existsSync(debian.jar)) {
    return {
      kind: 'debian',
      home: debian.home,
      via: "Debian's zookeeper package",
      classpath: [...(isDirectory(debian.conf) ? [debian.conf] : []), debian.jar],
    };
  }
  const packaged = homeClasspath(debian.home);
  if (packaged !== undefined) {
    return { kind: 'debian', home: debian.home, via: `the packaged ZooKeeper in ${debian.home}`, classpath: packaged };
  }
  throw new FlinkYarnError(
    'ZOOKEEPER_NOT_INSTALLED',
    `No ZooKeeper installation found: ZOOKEEPER_HOME is not set and Debian's package is not installed (${debian.jar}). Set ZOOKEEPER_HOME (or --zookeeper-home) to an unpacked ZooKeeper binary release (apache-zookeeper-<version>-bin.tar.gz from https://zookeeper.apache.org/releases.html), or install the package: apt-get install zookeeper.`,
  );
}

/** conf/, the jars at the top (3.4), then lib/*.jar (3.5+); undefined without a server jar. */
function homeClasspath(home: string): string[] | undefined {
  if (!isDirectory(home)) return undefined;
  const jars = (dir: string): string[] =>
    isDirectory(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.jar'))
          .sort()
          .map((f) => join(dir, f))
      : [];
  const top = jars(home);
  const lib = jars(join(home, 'lib'));
  if (![...top, ...lib].some((j) => SERVER_JAR.test(j.slice(j.lastIndexOf('/') + 1)))) return undefined;
  const conf = join(home, 'conf');
  return [...(isDirectory(conf) ? [conf] : []), ...top, ...lib];
}

/** The java a ZooKeeper server runs on: $JAVA_HOME/bin/java, else java on PATH. */
export function locateJava(env: Readonly<Record<string, string | undefined>>): string {
  if (env.JAVA_HOME) {
    const java = join(env.JAVA_HOME, 'bin', 'java');
    if (isExecutable(java)) return java;
    throw new FlinkYarnError(
      'TOOLCHAIN_MISSING',
      `JAVA_HOME is ${env.JAVA_HOME} but ${java} does not exist. ZooKeeper runs on a JVM: fix JAVA_HOME or unset it to use java from PATH.`,
    );
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && isExecutable(join(dir, 'java'))) return join(dir, 'java');
  }
  throw new FlinkYarnError(
    'TOOLCHAIN_MISSING',
    'java was not found on PATH. ZooKeeper runs on a JVM: install Java (Debian: apt-get install default-jre-headless) or set JAVA_HOME.',
  );
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isExecutable(path: string): boolean {
  try {
    return statSync(path).isFile() && (statSync(path).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}
