import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMasters } from '../../../src/config/files/masters.js';
import { parseZooCfg } from '../../../src/config/files/zoo-cfg.js';
import { parseLegacyFlinkConf } from '../../../src/config/flink/legacy.js';
import { locateKeys, parseStandardYaml } from '../../../src/config/flink/yaml.js';
import { HadoopConfiguration } from '../../../src/config/hadoop/configuration.js';
import { parseHadoopXml } from '../../../src/config/hadoop/xml.js';
import { parseDuration } from '../../../src/config/values/duration.js';
import { parseHostPort, parseList } from '../../../src/config/values/lists.js';
import { parseMemorySize } from '../../../src/config/values/memory.js';
import { parsePortSpec } from '../../../src/config/values/ports.js';
import { InvalidValueError, ParseError } from '../../../src/errors/index.js';
import { validateConfig } from '../../../src/validation/index.js';
import { model } from '../validation/helpers.js';

const RUNS = { numRuns: 300 };

/** Text made of the characters that matter to these formats, so inputs reach deep branches. */
function textOf(alphabet: string, maxLength = 200): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...alphabet.split('')), maxLength });
}

const anyText = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 100 }));

/** Runs `parse` and accepts only a result or the given typed error. */
function onlyTyped(parse: () => unknown, ...allowed: (new (...args: never[]) => Error)[]): void {
  try {
    parse();
  } catch (e) {
    if (!allowed.some((cls) => e instanceof cls)) throw e;
  }
}

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
    );
    fc.assert(
      fc.property(xmlish, (text) => {
        onlyTyped(() => {
          const r = parseHadoopXml(text, 'f.xml');
          for (const item of r.items) expect(item.line).toBeGreaterThanOrEqual(1);
        }, ParseError);
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
        expect(typeof conf.expand(e).value).toBe('string');
      }),
      RUNS,
    );
  });

  it('parseLegacyFlinkConf never throws', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, textOf('ab: #\n\t', 200)), (text) => {
        const r = parseLegacyFlinkConf(text, 'f');
        for (const e of r.entries) expect(e.key).not.toBe('');
      }),
      RUNS,
    );
  });

  it('parseStandardYaml', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, textOf('ab:- \n[]{}"\'#|>&*!%@`', 200)), (text) => {
        onlyTyped(() => parseStandardYaml(text, 'config.yaml'), ParseError);
        locateKeys(text);
      }),
      RUNS,
    );
  });

  it('parseMasters and parseZooCfg never throw', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, textOf('server.01:=;h/# \n', 200)), (text) => {
        parseMasters(text, 'masters');
        parseZooCfg(text, 'zoo.cfg');
      }),
      RUNS,
    );
  });

  it('value parsers throw only InvalidValueError', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, textOf('0123456789 msinhdkgbt-,µ+', 30)), (text) => {
        onlyTyped(() => parseDuration(text), InvalidValueError);
        onlyTyped(() => parseMemorySize(text), InvalidValueError);
        onlyTyped(() => parsePortSpec(text), InvalidValueError);
        parseHostPort(text);
        parseList(text);
      }),
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

  it('validation of arbitrary configuration never throws', () => {
    const line = fc.oneof(
      fc.constantFrom(
        'high-availability.type',
        'high-availability',
        'yarn.application-attempts',
        'high-availability.zookeeper.quorum',
        'high-availability.storageDir',
        'high-availability.cluster-id',
        'high-availability.jobmanager.port',
        'pekko.ask.timeout',
        'security.kerberos.login.keytab',
        'security.kerberos.login.contexts',
        'jobmanager.memory.process.size',
      ),
      fc.string({ maxLength: 10 }),
    );
    const value = fc.oneof(
      fc.constantFrom('zookeeper', 'NONE', '0', '3', '-1', 'zk:2181', 'hdfs:///x', '/x', '10 s', '1-0'),
      fc.string({ maxLength: 15 }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(line, value), { maxLength: 10 }),
        fc.oneof(fc.constant(undefined), textOf('server.01=:lochst\n', 80)),
        fc.oneof(fc.constant(undefined), textOf('lochst:8012\n #', 60)),
        fc.oneof(fc.constant('2'), fc.string({ maxLength: 4 })),
        (pairs, zooCfg, masters, cap) => {
          const flink = pairs.map(([k, v]) => `${k}: ${v}`).join('\n');
          const m = model({
            flink,
            yarnSite: { 'yarn.resourcemanager.am.max-attempts': cap.replace(/[<&]/g, '') },
            ...(zooCfg !== undefined ? { zooCfg } : {}),
            ...(masters !== undefined ? { masters } : {}),
          });
          const r = validateConfig(m);
          expect(typeof r.effective['yarn.application-attempts']).toBe('number');
          for (const d of r.diagnostics) expect(['error', 'warning', 'info']).toContain(d.severity);
        },
      ),
      RUNS,
    );
  });
});
