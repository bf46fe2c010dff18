import { userInfo } from 'node:os';
import { loadConfig, resolveFlinkConfDir, resolveYarnConfDir, type Env } from '../config/load.js';
import { diagnostic } from '../diagnostics/index.js';
import { validateConfig, type ValidationResult } from '../validation/index.js';

export interface ValidateOptions {
  /** @default the contract's chain ($FLINK_CONF_DIR, $FLINK_HOME/conf, ./conf) */
  readonly flinkConfDir?: string | undefined;
  /** @default the contract's chain ($YARN_CONF_DIR, $HADOOP_CONF_DIR, $HADOOP_HOME/etc/hadoop) */
  readonly yarnConfDir?: string | undefined;
  /** -D overrides, highest precedence. @default {} */
  readonly dynamicProperties?: Readonly<Record<string, string>>;
  /** @default process.env */
  readonly env?: Env;
  /** @default process.cwd() */
  readonly cwd?: string;
  /** The Hadoop user, for `${user.name}`. @default $HADOOP_USER_NAME, then the OS user */
  readonly user?: string | undefined;
}

export interface ValidateReport extends ValidationResult {
  readonly flinkConfDir: string;
  readonly yarnConfDir: string | null;
}

/** `flink-yarn validate`: reads the configuration and cross-checks it. Throws UsageError (exit 2). */
export function validate(options: ValidateOptions = {}): ValidateReport {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const request = { flinkConfDir: options.flinkConfDir, yarnConfDir: options.yarnConfDir, env, cwd };
  const flinkDir = resolveFlinkConfDir(request);
  const yarnDir = resolveYarnConfDir(request);
  const user = options.user ?? env.HADOOP_USER_NAME ?? safeUser();
  const config = loadConfig({
    flinkConfDir: flinkDir.dir,
    yarnConfDir: yarnDir?.dir,
    dynamicProperties: options.dynamicProperties ?? {},
    expansion: { env, systemProperties: { 'user.name': user, 'java.io.tmpdir': '/tmp' } },
  });
  const result = validateConfig(
    yarnDir === undefined || !config.hasYarnSite
      ? {
          ...config,
          diagnostics: [
            ...config.diagnostics,
            diagnostic(
              'info',
              'YARN_SITE_MISSING',
              yarnDir === undefined
                ? 'No Hadoop configuration directory is set (--yarn-conf-dir, YARN_CONF_DIR, HADOOP_CONF_DIR, HADOOP_HOME); checking against YARN defaults (am.max-attempts 2).'
                : `${yarnDir.dir} has no yarn-site.xml; checking against YARN defaults (am.max-attempts 2).`,
            ),
          ],
        }
      : config,
  );
  return { ...result, flinkConfDir: flinkDir.dir, yarnConfDir: yarnDir?.dir ?? null };
}

function safeUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
