import type { ConfigModel } from '../config/assemble.js';
import { OPTIONS } from '../config/flink/options.js';
import { maskConfiguration, maskDiagnostic } from '../config/secrets.js';
import { sortDiagnostics, type Diagnostic } from '../diagnostics/index.js';
import { ruleContext, type Rule, type RuleContext } from './context.js';
import {
  applicationAttemptsPositiveInteger,
  attemptsWithinAmMaxAttempts,
  attemptsWithoutHa,
  haWithSingleAttempt,
} from './rules/attempts.js';
import {
  mastersWithoutHa,
  zooCfgMatchesQuorum,
  zooCfgOneServerPerHost,
  zooCfgServerIdsSingleDigit,
} from './rules/files.js';
import {
  clusterIdOnYarn,
  haTypeKnown,
  jobManagerPortSpec,
  storageDirNotLocal,
  storageDirRequired,
  zookeeperAclKnown,
  zookeeperCreatorAclIdentity,
  zookeeperQuorumValid,
} from './rules/ha.js';
import { deprecatedKeys, typedValuesParse, zookeeperSaslLoginContext } from './rules/keys.js';
import { hadoopFileSystemsNeedTokens, keytabWithPrincipal, ticketCacheOnly } from './rules/security.js';

/** Every rule, by name. Order does not matter: the output is sorted. */
export const RULES: readonly Rule[] = [
  applicationAttemptsPositiveInteger,
  attemptsWithinAmMaxAttempts,
  haWithSingleAttempt,
  attemptsWithoutHa,
  haTypeKnown,
  zookeeperQuorumValid,
  storageDirRequired,
  storageDirNotLocal,
  clusterIdOnYarn,
  jobManagerPortSpec,
  mastersWithoutHa,
  zooCfgOneServerPerHost,
  zooCfgMatchesQuorum,
  zooCfgServerIdsSingleDigit,
  zookeeperSaslLoginContext,
  zookeeperAclKnown,
  zookeeperCreatorAclIdentity,
  keytabWithPrincipal,
  hadoopFileSystemsNeedTokens,
  ticketCacheOnly,
  deprecatedKeys,
  typedValuesParse,
];

export interface ValidationResult {
  readonly diagnostics: readonly Diagnostic[];
  /** The values YARN and Flink will actually use, by configuration key. */
  readonly effective: Readonly<Record<string, string | number | boolean | null>>;
}

/** Runs every rule over an assembled configuration. Pure. Values it reports are masked for showing. */
export function validateConfig(
  config: ConfigModel,
  rules: readonly Rule[] = RULES,
  scope: { readonly onYarn?: boolean } = {},
): ValidationResult {
  const ctx = ruleContext(config, scope);
  const findings = rules.flatMap((rule) => rule(ctx));
  return {
    diagnostics: sortDiagnostics([...config.diagnostics, ...findings]).map(maskDiagnostic),
    effective: maskConfiguration(effectiveValues(ctx)),
  };
}

function effectiveValues(ctx: RuleContext): Record<string, string | number | boolean | null> {
  const { flink, yarnSite } = ctx.config;
  const safe = <T>(read: () => T | undefined): T | null => {
    try {
      return read() ?? null;
    } catch {
      return null;
    }
  };
  const effective: Record<string, string | number | boolean | null> = {
    'yarn.application-attempts': ctx.attempts.effective,
    'yarn.resourcemanager.am.max-attempts': yarnSite.amMaxAttempts.value,
    'high-availability.type':
      ctx.ha.kind === 'factory' ? ctx.ha.className : ctx.ha.kind === 'unknown' ? ctx.ha.value : ctx.ha.kind,
  };
  if (ctx.haOn) {
    // null: the YARN application id, decided at deploy time.
    effective['high-availability.cluster-id'] = flink.lookup(OPTIONS.haClusterId)?.entry.value ?? null;
    effective['high-availability.storageDir'] = flink.string(OPTIONS.haStorageDir) ?? null;
    if (ctx.ha.kind === 'zookeeper') {
      effective['high-availability.zookeeper.quorum'] = flink.string(OPTIONS.zkQuorum) ?? null;
      effective['high-availability.zookeeper.path.root'] = flink.string(OPTIONS.zkRoot) ?? null;
    }
    effective['yarn.application-attempt-failures-validity-interval'] = safe(() =>
      flink.integer(OPTIONS.attemptFailuresValidityInterval),
    );
  }
  effective['pekko.ask.timeout'] = safe(() => flink.duration(OPTIONS.askTimeout));
  return effective;
}
