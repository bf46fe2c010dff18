import type { Difference } from './launch-context.js';

/**
 * A difference between our launch and Flink's client's that is accepted, and why. `open` marks
 * one that is a gap still to close (issue 14), not a choice: it is allowed so that the harness
 * guards everything else meanwhile, and it is listed in every run.
 */
export interface Allowed {
  readonly aspect: Difference['aspect'];
  readonly key: RegExp;
  readonly reason: string;
  /** A test of the values too, where the key alone would allow too much. */
  readonly when?: (difference: Difference) => boolean;
  readonly open?: true;
}

const REUSE =
  'content-addressed reuse (README): each file but the configuration is stored once on HDFS under its SHA-256 (<home>/.flink-yarn/cache) and registered from there as PRIVATE, so the NodeManager keeps its localized copy across applications; Flink uploads it per application (APPLICATION). --no-reuse-uploads does as Flink does.';

/** The same resource, but PRIVATE from the cache where Flink's is APPLICATION from the application's directory. */
const reused = (d: Difference): boolean => {
  const visibility = /^(PRIVATE|APPLICATION) (.*)$/;
  const [, ours, oursRest] = visibility.exec(d.ours ?? '') ?? [];
  const [, flink, flinkRest] = visibility.exec(d.flink ?? '') ?? [];
  return ours === 'PRIVATE' && flink === 'APPLICATION' && oursRest === flinkRest;
};
const fromCache = (d: Difference): boolean =>
  /\/\.flink-yarn\/cache\/[0-9a-f]{64}\//.test(d.ours ?? '') && /\/\.flink\/APP\//.test(d.flink ?? '');
const CONFIG = /(^|\[)(flink-conf|config)\.yaml(\]|$)/;

const STANDARD_YAML =
  "Flink 2.x's config.yaml is written in another YAML style: ours quotes every key and value (a double-quoted scalar, which every YAML reader takes as text), Flink's writes them plain and nested. Its size differs; its keys and values are compared one by one (the configuration aspect) and must be equal.";

/** The same file of the same visibility and type, only its size in bytes differs. */
const sameFileOtherSize = (d: Difference): boolean => {
  const shape = (v: string | undefined) => /^(\w+ \w+) \d+ bytes$/.exec(v ?? '')?.[1];
  return shape(d.ours) !== undefined && shape(d.ours) === shape(d.flink);
};

export const ALLOWED: readonly Allowed[] = [
  { aspect: 'resource', key: /^(?!(flink-conf|config)\.yaml$)/, when: reused, reason: REUSE },
  {
    aspect: 'environment',
    key: /^(_CLIENT_SHIP_FILES|_FLINK_DIST_JAR)\[.+\]$/,
    when: (d) => !CONFIG.test(d.key) && reused(d),
    reason: `the TaskManagers get the same resources: ${REUSE}`,
  },
  {
    aspect: 'environment',
    key: /^(_CLIENT_SHIP_FILES|_FLINK_DIST_JAR)\[.+\]\.path$/,
    when: (d) => !CONFIG.test(d.key) && fromCache(d),
    reason: `the TaskManagers get the same resources: ${REUSE}`,
  },
  {
    aspect: 'environment',
    key: /^(_CLIENT_SHIP_FILES|_FLINK_DIST_JAR)\[(flink-conf|config)\.yaml\]\.path$/,
    reason:
      "Flink uploads the configuration under a temporary file's name (APP-flink-conf.yaml<random>.tmp); ours keeps its name.",
  },
  {
    aspect: 'resource',
    key: /^config\.yaml$/,
    when: sameFileOtherSize,
    reason: STANDARD_YAML,
  },
  {
    aspect: 'environment',
    key: /^_CLIENT_SHIP_FILES\[config\.yaml\]$/,
    when: sameFileOtherSize,
    reason: STANDARD_YAML,
  },
  {
    aspect: 'environment',
    key: /^LOCALIZATION_COUNTERS$/,
    reason: 'set by the NodeManager: bytes and files it downloaded, fewer when reused jars are already localized.',
  },
  { aspect: 'environment', key: /^APP_SUBMIT_TIME_ENV$/, reason: 'set by YARN: when each application was submitted.' },
];

export function explain(
  differences: readonly Difference[],
  allowed: readonly Allowed[],
): {
  explained: { difference: Difference; reason: string }[];
  unexplained: Difference[];
} {
  const explained: { difference: Difference; reason: string }[] = [];
  const unexplained: Difference[] = [];
  for (const difference of differences) {
    const rule = allowed.find(
      (a) => a.aspect === difference.aspect && a.key.test(difference.key) && (a.when?.(difference) ?? true),
    );
    if (rule === undefined) unexplained.push(difference);
    else explained.push({ difference, reason: `${rule.open === true ? '(open, issue 14) ' : ''}${rule.reason}` });
  }
  return { explained, unexplained };
}
