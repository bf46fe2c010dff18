import { spawnSync } from 'node:child_process';
import { FlinkYarnError } from '../../errors/index.js';

/** Java 17+ and Maven must be on PATH to build and run the local cluster. */
export function checkToolchain(env: Readonly<Record<string, string | undefined>>): { java: string; mvn: string } {
  const java = probe('java', ['-version'], env);
  if (java === undefined) {
    throw new FlinkYarnError(
      'TOOLCHAIN_MISSING',
      'java was not found on PATH. The minicluster runs Hadoop and ZooKeeper on a JVM: install Java 17 (Debian: apt-get install openjdk-17-jdk-headless) or set PATH to include $JAVA_HOME/bin.',
    );
  }
  const major = Number(/version "(\d+)/.exec(java)?.[1] ?? '0');
  if (major !== 0 && major < 17) {
    throw new FlinkYarnError('TOOLCHAIN_MISSING', `java is version ${major}; the minicluster needs Java 17 or later.`);
  }
  const mvn = probe('mvn', ['-v'], env);
  if (mvn === undefined) {
    throw new FlinkYarnError(
      'TOOLCHAIN_MISSING',
      'mvn was not found on PATH. The minicluster fetches Hadoop, ZooKeeper and Flink jars from Maven Central with Maven: install it (Debian: apt-get install maven).',
    );
  }
  return { java: java.split('\n')[0] ?? java, mvn: mvn.split('\n')[0] ?? mvn };
}

function probe(command: string, args: string[], env: Readonly<Record<string, string | undefined>>): string | undefined {
  const r = spawnSync(command, args, { env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 30_000 });
  if (r.error !== undefined || r.status !== 0) return undefined;
  return `${r.stdout}${r.stderr}`.trim();
}
