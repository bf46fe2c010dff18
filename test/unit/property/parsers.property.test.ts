import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMasters } from '../../../src/config/files/masters.js';
import { parseZooCfg } from '../../../src/config/files/zoo-cfg.js';
import { parseLegacyFlinkConf } from '../../../src/config/flink/legacy.js';
import { locateKeys, parseStandardYaml } from '../../../src/config/flink/yaml.js';
import { HadoopConfiguration } from '../../../src/config/hadoop/configuration.js';
import { parseHadoopXml } from '../../../src/config/hadoop/xml.js';
import { loadConfig } from '../../../src/config/load.js';
import { parseDuration } from '../../../src/config/values/duration.js';
import { parseHostPort, parseList } from '../../../src/config/values/lists.js';
import { parseMemorySize } from '../../../src/config/values/memory.js';
import { parsePortSpec } from '../../../src/config/values/ports.js';
import { FlinkYarnError } from '../../../src/errors/index.js';
import { translateHdfsError } from '../../../src/hdfs/errors.js';
import { normalizeChecksum, normalizeFileStatus } from '../../../src/hdfs/model.js';
import { safeJson } from '../../../src/http/responses.js';
import type { StagedResource } from '../../../src/session/am-container.js';
import { buildSessionPlan } from '../../../src/session/plan.js';
import { validateConfig } from '../../../src/validation/index.js';
import { translateRmError } from '../../../src/yarn/errors.js';
import {
  normalizeAppResponse,
  normalizeApps,
  normalizeAttempts,
  normalizeClusterInfo,
  normalizeNewApplication,
} from '../../../src/yarn/model.js';
import { decodeLeaderInfo, encodeLeaderInfo, LeaderInfoError } from '../../../src/zookeeper/leader-info.js';
import { model } from '../validation/helpers.js';

/**
 * The fuzz tier: every parser, normaliser and the plan builder, over generated input. Any input
 * gives a result (with diagnostics) or a FlinkYarnError, never another exception, and each case
 * finishes within CASE_MS. The seed is fixed, so a run is deterministic; a failure prints the
 * counterexample and the seed to replay it.
 */
const SEED = 1_300_013;
const RUNS = { seed: SEED, numRuns: 1_000 };
/** Far above a normal case (a few ms), far below a hang; generous for a loaded 2-core machine. */
const CASE_MS = 2_000;

/** Runs one case: a result or a FlinkYarnError, in time. Anything else fails the property. */
function typedOrResult<T>(run: () => T): T | FlinkYarnError {
  const started = performance.now();
  let outcome: T | FlinkYarnError;
  try {
    outcome = run();
  } catch (e) {
    if (!(e instanceof FlinkYarnError)) throw e;
    outcome = e;
  }
  const ms = performance.now() - started;
  if (ms > CASE_MS) throw new Error(`one case took ${Math.round(ms)} ms (bound: ${CASE_MS} ms)`);
  return outcome;
}

/** Text made of the characters that matter to these formats, so inputs reach deep branches. */
function textOf(alphabet: string, maxLength = 200): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...alphabet.split('')), maxLength });
}

const anyText = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 100 }));

/** Numbers at the edges: 2^31, 2^53, huge, negative, fractional, not finite as text. */
const edgyNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 53, 2 ** 53 - 1, 2 ** 63, 1e300, -0, 0.5),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((b) => b.toString()),
);

/** JSON values, with edgy numbers and, now and then, deep nesting. */
const jsonish: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 2, arbitrary: edgyNumber },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 700 }).map((n) => JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`) as unknown),
  },
);

describe('every parser returns typed data or a typed error, for any input', () => {
  it('parseHadoopXml', () => {
    const xmlish = fc.oneof(
      anyText,
      textOf('<>/="\' \nabconfigurationpropertynamevaluefinalxi:include', 300),
      fc
        .array(fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), fc.boolean()), { maxLength: 8 })
        .map(
          (ps) =>
            `<configuration>${ps.map(([n, v, f]) => `<property><name>${n}</name><value>${v}</value>${f ? '<final>true</final>' : ''}</property>`).join('\n')}</configuration>`,
        ),
      fc.nat(3000).map((n) => `<configuration>${'<a>'.repeat(n)}`),
    );
    fc.assert(
      fc.property(xmlish, (text) => {
        const r = typedOrResult(() => parseHadoopXml(text, 'f.xml'));
        if (!(r instanceof FlinkYarnError)) for (const item of r.items) expect(item.line).toBeGreaterThanOrEqual(1);
      }),
      RUNS,
    );
  });

  it('HadoopConfiguration.expand terminates and never throws', () => {
    const expr = textOf('${}.-:abenv', 60);
    fc.assert(
      fc.property(fc.dictionary(textOf('abe.nv', 4), expr, { maxKeys: 6 }), expr, (props, e) => {
        const conf = HadoopConfiguration.layer(
          [
            {
              file: 'x.xml',
              items: Object.entries(props).map(([name, value]) => ({
                kind: 'property' as const,
                name,
                value,
                final: false,
                file: 'x.xml',
                line: 1,
              })),
            },
          ],
          { env: { a: 'A', b: '' }, systemProperties: {} },
        );
        const r = typedOrResult(() => conf.expand(e));
        expect(r).not.toBeInstanceOf(FlinkYarnError);
      }),
      RUNS,
    );
  });

  it('parseLegacyFlinkConf never throws', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, textOf('ab: #\n\t', 200)), (text) => {
        const r = typedOrResult(() => parseLegacyFlinkConf(text, 'f'));
        expect(r).not.toBeInstanceOf(FlinkYarnError);
        if (!(r instanceof FlinkYarnError)) for (const e of r.entries) expect(e.key).not.toBe('');
      }),
      RUNS,
    );
  });

  it('parseStandardYaml, aliases and anchors included', () => {
    // Anchors and aliases, so generated documents share and nest nodes.
    const aliasy = fc
      .array(
        fc.tuple(
          fc.constantFrom('a', 'b', 'c', 'd'),
          fc.oneof(
            fc.constant('x'),
            fc.constantFrom('*a', '*b', '*c'),
            fc.constantFrom('[*a, *a]', '{k: *b}', '[x, *c]'),
          ),
        ),
        { maxLength: 12 },
      )
      .map((kvs) => kvs.map(([k, v], i) => `${k}${i}: &${k} ${v}`).join('\n'));
    fc.assert(
      fc.property(fc.oneof(anyText, textOf('ab:- \n[]{}"\'#|>&*!%@`', 200), aliasy), (text) => {
        typedOrResult(() => parseStandardYaml(text, 'config.yaml'));
        typedOrResult(() => locateKeys(text));
      }),
      RUNS,
    );
  });

  it('parseMasters and parseZooCfg never throw', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, textOf('server.01:=;h/# \n', 200)), (text) => {
        expect(typedOrResult(() => parseMasters(text, 'masters'))).not.toBeInstanceOf(FlinkYarnError);
        expect(typedOrResult(() => parseZooCfg(text, 'zoo.cfg'))).not.toBeInstanceOf(FlinkYarnError);
      }),
      RUNS,
    );
  });

  it('value parsers: durations, memory sizes, ports, lists, host:port', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(
        fc.oneof(
          anyText,
          textOf('0123456789 msinhdkgbt-,µ+', 30),
          fc
            .tuple(digits, fc.constantFrom('', ' ms', 'ns', ' s', 'min', 'd', 'b', 'k', 'm', 'g', 't'))
            .map(([n, u]) => n + u),
        ),
        (text) => {
          typedOrResult(() => parseDuration(text));
          typedOrResult(() => parseMemorySize(text));
          typedOrResult(() => parsePortSpec(text));
          expect(typedOrResult(() => parseHostPort(text))).not.toBeInstanceOf(FlinkYarnError);
          expect(typedOrResult(() => parseList(text))).not.toBeInstanceOf(FlinkYarnError);
          const d = typedOrResult(() => parseDuration(text));
          if (typeof d === 'number') expect(Number.isSafeInteger(d)).toBe(true);
          const m = typedOrResult(() => parseMemorySize(text));
          if (typeof m === 'number') expect(Number.isSafeInteger(m)).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('parsed values round-trip for valid inputs', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.constantFrom('s', 'min', 'ms', ''), (n, unit) => {
        const scale = unit === 's' ? 1000 : unit === 'min' ? 60_000 : 1;
        expect(parseDuration(`${n} ${unit}`)).toBe(n * scale);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65_534 }), fc.integer({ min: 1, max: 1000 }), (from, span) => {
        const to = Math.min(65_535, from + span);
        if (to > from) expect(parsePortSpec(`${from}-${to}`)).toEqual([{ from, to }]);
      }),
      RUNS,
    );
  });
});

describe('server answers are normalised or refused with a typed error', () => {
  const appFields = fc.dictionary(
    fc.constantFrom(
      'id',
      'user',
      'name',
      'state',
      'finalStatus',
      'progress',
      'startedTime',
      'finishedTime',
      'elapsedTime',
      'priority',
      'applicationTags',
      'diagnostics',
    ),
    jsonish,
    { maxKeys: 8 },
  );
  const appList = fc.oneof(
    jsonish,
    fc.record({
      apps: fc.oneof(
        jsonish,
        fc.record({ app: fc.oneof(appFields, fc.array(fc.oneof(appFields, jsonish), { maxLength: 5 })) }),
      ),
    }),
    fc.array(fc.oneof(appFields, jsonish), { maxLength: 5 }),
  );

  it('RM normalizers', () => {
    fc.assert(
      fc.property(appList, jsonish, (list, other) => {
        const apps = typedOrResult(() => normalizeApps(list));
        if (!(apps instanceof FlinkYarnError)) {
          for (const a of apps) {
            expect(typeof a.id).toBe('string');
            expect(Number.isSafeInteger(a.startedTime)).toBe(true);
          }
          // The CLI prints it as JSON: no structure that overflows the stack gets through.
          JSON.stringify(apps);
        }
        for (const normalize of [
          normalizeAppResponse,
          normalizeAttempts,
          normalizeClusterInfo,
          normalizeNewApplication,
        ] as ((json: unknown) => unknown)[]) {
          const r = typedOrResult(() => normalize(other));
          if (r instanceof FlinkYarnError) expect(r.code).toBe('RM_UNEXPECTED_RESPONSE');
          else JSON.stringify(r);
        }
      }),
      RUNS,
    );
  });

  it('response bodies: safeJson, and the RM and WebHDFS error tables', () => {
    const body = fc.oneof(
      anyText,
      jsonish.map((v) => JSON.stringify(v) ?? ''),
      jsonish.map((v) => JSON.stringify({ RemoteException: { exception: v, message: v, javaClassName: v } }) ?? ''),
      fc.nat(100_000).map((n) => '['.repeat(n)),
    );
    fc.assert(
      fc.property(body, fc.integer({ min: 100, max: 599 }), (text, status) => {
        typedOrResult(() => safeJson(text));
        const rm = typedOrResult(() =>
          translateRmError(status, text, { endpoint: 'http://rm', method: 'GET', path: '/x' }),
        );
        expect(rm).toBeInstanceOf(FlinkYarnError);
        const hdfs = typedOrResult(() =>
          translateHdfsError(status, text, { endpoint: 'http://nn', op: 'OPEN', path: '/x', user: 'a' }),
        );
        expect(hdfs).toBeInstanceOf(FlinkYarnError);
      }),
      RUNS,
    );
  });

  it('WebHDFS FileStatus and checksum', () => {
    const statusFields = fc.dictionary(
      fc.constantFrom(
        'pathSuffix',
        'type',
        'length',
        'modificationTime',
        'permission',
        'owner',
        'group',
        'replication',
        'blockSize',
      ),
      fc.oneof(jsonish, fc.constantFrom('FILE', 'DIRECTORY', 'SYMLINK', '..', 'a/b', '')),
      { maxKeys: 9 },
    );
    fc.assert(
      fc.property(fc.oneof(statusFields, jsonish), jsonish, (raw, checksum) => {
        const s = typedOrResult(() => normalizeFileStatus(raw, '/user/alice'));
        if (s instanceof FlinkYarnError) expect(s.code).toBe('HDFS_UNEXPECTED_RESPONSE');
        else if (s !== undefined) {
          expect(Number.isSafeInteger(s.length)).toBe(true);
          expect(s.path.startsWith('/user/alice')).toBe(true);
          expect(s.path.split('/')).not.toContain('..');
        }
        typedOrResult(() => normalizeChecksum({ FileChecksum: checksum }));
        typedOrResult(() => normalizeChecksum(checksum));
      }),
      RUNS,
    );
  });

  it('ZooKeeper leader information: any bytes, and damaged real records', () => {
    const record = fc
      .tuple(fc.string({ maxLength: 300 }), fc.uuid())
      .map(([address, sessionId]) => encodeLeaderInfo({ address, sessionId }));
    const damaged = fc.tuple(record, fc.nat(), fc.nat(255), fc.nat()).map(([bytes, at, value, cut]) => {
      const copy = Uint8Array.from(bytes);
      copy[at % copy.length] = value;
      return copy.subarray(0, Math.max(1, cut % (copy.length + 1)));
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), record, damaged), (bytes) => {
        const r = typedOrResult(() => decodeLeaderInfo(bytes));
        if (r instanceof FlinkYarnError) expect(r.code).toBe('LEADER_INFO_MALFORMED');
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.uuid(), (address, sessionId) => {
        expect(decodeLeaderInfo(encodeLeaderInfo({ address, sessionId }))).toEqual({ address, sessionId });
      }),
      { seed: SEED, numRuns: 100 },
    );

    // An address too long for writeUTF is refused, not spread into push() until the stack overflows.
    expect(() =>
      encodeLeaderInfo({ address: 'a'.repeat(200_000), sessionId: '00000000-0000-0000-0000-000000000001' }),
    ).toThrow(LeaderInfoError);
  });
});

describe('the loader takes any bytes in any configuration file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flink-yarn-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 400 }),
    fc.string({ unit: 'binary', maxLength: 200 }).map((t) => Buffer.from(t)),
    fc
      .tuple(fc.string({ maxLength: 100 }), fc.uint8Array({ maxLength: 4 }), fc.string({ maxLength: 100 }))
      .map(([a, b, c]) => Buffer.concat([Buffer.from(a), b, Buffer.from(c)])),
  );

  it('loadConfig gives diagnostics, never an exception', () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.constantFrom('flink-conf.yaml', 'config.yaml'),
        bytes,
        bytes,
        bytes,
        (flinkFile, flink, xml, zoo) => {
          const conf = join(dir, `c${n}`);
          const hadoop = join(dir, `h${n++}`);
          for (const d of [conf, hadoop]) rmSync(d, { recursive: true, force: true });
          mkdirs(conf, hadoop);
          writeFileSync(join(conf, flinkFile), flink);
          writeFileSync(join(conf, 'zoo.cfg'), zoo);
          writeFileSync(join(conf, 'masters'), zoo);
          writeFileSync(join(hadoop, 'yarn-site.xml'), xml);
          writeFileSync(join(hadoop, 'core-site.xml'), Buffer.concat([Buffer.from('<configuration>'), xml]));
          const r = typedOrResult(() =>
            loadConfig({ flinkConfDir: conf, yarnConfDir: hadoop, expansion: { env: {}, systemProperties: {} } }),
          );
          expect(r).not.toBeInstanceOf(FlinkYarnError);
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
  });
});

function mkdirs(...dirs: string[]): void {
  for (const d of dirs) mkdirSync(d, { recursive: true });
}

describe('validation and the plan builder take any configuration', () => {
  const key = fc.oneof(
    fc.constantFrom(
      'high-availability.type',
      'high-availability',
      'yarn.application-attempts',
      'high-availability.zookeeper.quorum',
      'high-availability.storageDir',
      'high-availability.cluster-id',
      'high-availability.jobmanager.port',
      'high-availability.zookeeper.client.max-retry-attempts',
      'high-availability.zookeeper.client.session-timeout',
      'pekko.ask.timeout',
      'security.kerberos.login.keytab',
      'security.kerberos.login.contexts',
      'jobmanager.memory.process.size',
      'taskmanager.numberOfTaskSlots',
      'yarn.appmaster.vcores',
      'yarn.application.priority',
      'yarn.application-attempt-failures-validity-interval',
      'yarn.application.queue',
      'yarn.tags',
      'yarn.classpath.include-user-jar',
      'yarn.ship-files',
      'env.java.opts.jobmanager',
    ),
    fc.string({ maxLength: 10 }),
  );
  const value = fc.oneof(
    fc.constantFrom('zookeeper', 'NONE', '0', '3', '-1', 'zk:2181', 'hdfs:///x', '/x', '10 s', '1-0', '1600m', 'FIRST'),
    edgyNumber.map(String),
    fc.string({ maxLength: 15 }),
  );
  const configuration = fc.record({
    pairs: fc.array(fc.tuple(key, value), { maxLength: 10 }),
    zooCfg: fc.option(textOf('server.01=:lochst\n', 80), { nil: undefined }),
    masters: fc.option(textOf('lochst:8012\n #', 60), { nil: undefined }),
    cap: fc.oneof(fc.constantFrom('2', '4', '2147483648'), fc.string({ maxLength: 4 })),
    minMb: fc.oneof(fc.constantFrom('256', '1024', '0', '-1'), fc.string({ maxLength: 4 })),
  });
  interface Generated {
    readonly pairs: [string, string][];
    readonly zooCfg: string | undefined;
    readonly masters: string | undefined;
    readonly cap: string;
    readonly minMb: string;
  }
  const build = (c: Generated) =>
    model({
      flink: c.pairs.map(([k, v]) => `${k}: ${v}`).join('\n'),
      yarnSite: {
        'yarn.resourcemanager.am.max-attempts': c.cap.replace(/[<&]/g, ''),
        'yarn.scheduler.minimum-allocation-mb': c.minMb.replace(/[<&]/g, ''),
      },
      ...(c.zooCfg !== undefined ? { zooCfg: c.zooCfg } : {}),
      ...(c.masters !== undefined ? { masters: c.masters } : {}),
    });

  it('validation never throws', () => {
    fc.assert(
      fc.property(configuration, (c) => {
        const r = typedOrResult(() => validateConfig(build(c)));
        expect(r).not.toBeInstanceOf(FlinkYarnError);
        if (!(r instanceof FlinkYarnError)) {
          expect(typeof r.effective['yarn.application-attempts']).toBe('number');
          for (const d of r.diagnostics) expect(['error', 'warning', 'info']).toContain(d.severity);
        }
      }),
      RUNS,
    );
  });

  it('buildSessionPlan gives a plan (with diagnostics) or a typed error', () => {
    const resources: StagedResource[] = [
      {
        key: 'flink-dist-1.20.1.jar',
        uri: 'hdfs://nn:8020/user/alice/.flink/application_1_0001/flink-dist-1.20.1.jar',
        size: 100,
        modificationTime: 1,
        visibility: 'APPLICATION',
        type: 'FILE',
        role: 'dist',
      },
      {
        key: 'flink-conf.yaml',
        uri: 'hdfs://nn:8020/user/alice/.flink/application_1_0001/flink-conf.yaml',
        size: 6,
        modificationTime: 6,
        visibility: 'APPLICATION',
        type: 'FILE',
        role: 'config',
      },
    ];
    fc.assert(
      fc.property(
        configuration,
        fc.constantFrom('2.4.1', '2.5.2', '2.7.0', '3.1.0', '3.4.2', '3.5.0', 'x', ''),
        fc.constantFrom('session', 'application', 'job'),
        fc.constantFrom('1.19.1', '1.20.1', '2.0.0', '2.2.0', 'weird'),
        fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
        fc.option(fc.record({ memory: edgyNumber.map(Number), vCores: edgyNumber.map(Number) }), { nil: undefined }),
        fc.boolean(),
        (c, hadoopVersion, entrypoint, flinkVersion, namespace, maximumCapability, detached) => {
          const plan = typedOrResult(() =>
            buildSessionPlan({
              config: build(c),
              hadoopVersion,
              applicationId: 'application_1_0001',
              entrypoint,
              flinkVersion,
              zookeeperNamespace: namespace,
              detached,
              user: 'alice',
              defaultFs: 'hdfs://nn:8020',
              stagingBase: '/user/alice',
              resources,
              maximumCapability,
              defaultName: 'Flink session cluster',
              ...(entrypoint === 'session' ? {} : { program: { jarPath: '/tmp/job.jar', args: ['a'] } }),
            }),
          );
          if (!(plan instanceof FlinkYarnError)) {
            for (const d of plan.diagnostics) expect(['error', 'warning', 'info']).toContain(d.severity);
            JSON.stringify(plan);
          }
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });
});
