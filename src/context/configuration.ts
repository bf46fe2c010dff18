import { userInfo } from 'node:os';
import {
  loadConfig,
  resolveFlinkConfDir,
  resolveYarnConfDir,
  type Env,
  type LoadedConfig,
  type ResolvedDir,
} from '../config/load.js';
import { UsageError } from '../errors/index.js';
import { hadoopUser } from '../policy/hadoop-user.js';

/** Where configuration comes from: the contract's flags, with its default chains. */
export interface ConfigurationOptions {
  /** @default $FLINK_CONF_DIR, $FLINK_HOME/conf, ./conf */
  readonly flinkConfDir?: string | undefined;
  /** @default $YARN_CONF_DIR, $HADOOP_CONF_DIR, $HADOOP_HOME/etc/hadoop */
  readonly yarnConfDir?: string | undefined;
  /** -D overrides, highest precedence. @default {} */
  readonly dynamicProperties?: Readonly<Record<string, string>>;
  /** @default $HADOOP_USER_NAME, then the OS user */
  readonly user?: string | undefined;
  /** @default process.env */
  readonly env?: Env;
  /** @default process.cwd() */
  readonly cwd?: string;
}

/** Which files a command reads. */
export interface ConfigurationScope {
  /** The Flink conf dir: it must exist, or with 'optional' it is read only when it does. @default false */
  readonly flink?: boolean | 'optional';
  /** The Hadoop conf dir, when one is set. @default true */
  readonly hadoop?: boolean;
  /** hdfs-site.xml too. @default false */
  readonly hdfs?: boolean;
  /** `${java.io.tmpdir}` in expansions, where a command resolves it. */
  readonly tmpDir?: string;
}

/** Configuration resolved once: directories, user, and the assembled model. */
export interface ResolvedConfiguration {
  readonly env: Env;
  readonly cwd: string;
  /** The Hadoop user; undefined only where the OS user cannot be read and none was given. */
  readonly user: string | undefined;
  readonly flinkDir: ResolvedDir | undefined;
  readonly yarnDir: ResolvedDir | undefined;
  readonly config: LoadedConfig;
}

/** Resolves the directories and the user, and reads the configuration: the only place commands do so. */
export function resolveConfiguration(
  options: ConfigurationOptions,
  scope: ConfigurationScope = {},
): ResolvedConfiguration {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const request = { flinkConfDir: options.flinkConfDir, yarnConfDir: options.yarnConfDir, env, cwd };
  const flinkDir =
    scope.flink === true
      ? resolveFlinkConfDir(request)
      : scope.flink === 'optional'
        ? optionalFlinkConfDir(request)
        : undefined;
  const yarnDir = scope.hadoop === false ? undefined : resolveYarnConfDir(request);
  const user = hadoopUser({ explicit: options.user, env, osUser: osUserName });
  const systemProperties: Record<string, string> = {};
  if (user !== undefined) systemProperties['user.name'] = user;
  if (scope.tmpDir !== undefined) systemProperties['java.io.tmpdir'] = scope.tmpDir;
  const config = loadConfig({
    flinkConfDir: flinkDir?.dir,
    yarnConfDir: yarnDir?.dir,
    ...(scope.hdfs === true ? { hdfs: true } : {}),
    dynamicProperties: options.dynamicProperties ?? {},
    expansion: { env, systemProperties },
  });
  return { env, cwd, user, flinkDir, yarnDir, config };
}

/**
 * The Flink conf dir when the chain finds one; a command that only refines its work with it goes
 * on without. One that was named (--flink-conf-dir, $FLINK_CONF_DIR) must exist all the same.
 */
function optionalFlinkConfDir(request: Parameters<typeof resolveFlinkConfDir>[0]): ResolvedDir | undefined {
  try {
    return resolveFlinkConfDir(request);
  } catch (e) {
    const named = request.flinkConfDir !== undefined || request.env.FLINK_CONF_DIR !== undefined;
    if (e instanceof UsageError && !named) return undefined;
    throw e;
  }
}

function osUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
