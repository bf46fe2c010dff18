import type { Env } from '../config/load.js';
import { resolveConfiguration } from '../context/configuration.js';
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
  const { flinkDir, yarnDir, config } = resolveConfiguration(options, { flink: true, tmpDir: '/tmp' });
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
  return { ...result, flinkConfDir: flinkDir!.dir, yarnConfDir: yarnDir?.dir ?? null };
}
