/**
 * What a REST launcher can do on each YARN version, in one table. Sources: the Hadoop changelogs
 * and the ResourceManager's submission DAO per release (writable REST API in 2.5.0, YARN-1713;
 * JSON numbers from 2.6.0, YARN-2546; validity interval and log aggregation context in the REST
 * body from 2.9.0, YARN-4625;
 * node labels 2.6.0; priority honoured from 2.8.0, YARN-1963; amRPCAddress in app reports from
 * 2.8), and Flink's HA documentation for container behaviour. Each row is checked against the
 * REST DAOs of 26 releases from 2.4.0 to 3.5.0 (fixtures/yarn-dao, test/unit/policy).
 */
export type Version = readonly [number, number, number];

export interface YarnVersionPolicy {
  /** The RM accepts new-application and POST /apps. */
  readonly restSubmit: boolean;
  /** The REST body must carry numbers and booleans as strings (2.5.x, before YARN-2546). */
  readonly numbersAsStrings: boolean;
  /** keep-containers-across-application-attempts can be sent (TaskManagers survive an AM restart). */
  readonly keepContainers: boolean;
  /** attempt-failures-validity-interval can be sent over REST. */
  readonly validityIntervalOverRest: boolean;
  /** YARN itself supports the interval (the Java API), even if REST cannot carry it. */
  readonly validityIntervalInYarn: boolean;
  /** log-aggregation-context (rolled-log patterns) can be sent over REST. */
  readonly logAggregationContextOverRest: boolean;
  readonly nodeLabels: boolean;
  /** The scheduler honours application priority. */
  readonly priority: boolean;
  /** App reports carry amRPCAddress, i.e. Flink's REST address. */
  readonly amRpcAddress: boolean;
  /** A known YARN bug that breaks HA on this version. */
  readonly knownBug?: string;
}

interface Row extends YarnVersionPolicy {
  readonly from: Version;
}

const NONE: YarnVersionPolicy = {
  restSubmit: false,
  numbersAsStrings: false,
  keepContainers: false,
  validityIntervalOverRest: false,
  validityIntervalInYarn: false,
  logAggregationContextOverRest: false,
  nodeLabels: false,
  priority: false,
  amRpcAddress: false,
};

/** Rows in ascending order; a version uses the last row whose `from` it reaches. */
export const VERSION_POLICY: readonly Row[] = [
  { from: [0, 0, 0], ...NONE },
  {
    from: [2, 4, 0],
    ...NONE,
    knownBug:
      'Hadoop 2.4.0 has a bug (YARN-2065, fixed in 2.5.0; FLINK-4142) that keeps a restarted ApplicationMaster from starting new containers, so JobManager failover does not work.',
  },
  { from: [2, 4, 1], ...NONE },
  {
    from: [2, 5, 0],
    ...NONE,
    restSubmit: true,
    numbersAsStrings: true,
    keepContainers: true,
  },
  {
    from: [2, 6, 0],
    ...NONE,
    restSubmit: true,
    keepContainers: true,
    validityIntervalInYarn: true,
    nodeLabels: true,
  },
  {
    from: [2, 8, 0],
    ...NONE,
    restSubmit: true,
    keepContainers: true,
    validityIntervalInYarn: true,
    nodeLabels: true,
    priority: true,
    amRpcAddress: true,
  },
  {
    from: [2, 9, 0],
    restSubmit: true,
    numbersAsStrings: false,
    keepContainers: true,
    validityIntervalOverRest: true,
    validityIntervalInYarn: true,
    logAggregationContextOverRest: true,
    nodeLabels: true,
    priority: true,
    amRpcAddress: true,
  },
];

export function policyFor(version: Version): YarnVersionPolicy {
  let chosen: Row = VERSION_POLICY[0]!;
  for (const row of VERSION_POLICY) if (compareVersions(version, row.from) >= 0) chosen = row;
  return withoutFrom(chosen);
}

function withoutFrom(row: Row): YarnVersionPolicy {
  const policy: Record<string, unknown> = { ...row };
  delete policy.from;
  return policy as unknown as YarnVersionPolicy;
}

export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export function parseVersion(text: string): Version | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  return m === null ? undefined : [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}
