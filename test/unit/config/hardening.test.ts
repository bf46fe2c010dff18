import { describe, expect, it } from 'vitest';
import { assembleConfig } from '../../../src/config/assemble.js';
import { parseMasters } from '../../../src/config/files/masters.js';
import { parseZooCfg } from '../../../src/config/files/zoo-cfg.js';
import { FlinkConfiguration } from '../../../src/config/flink/configuration.js';
import { parseLegacyFlinkConf } from '../../../src/config/flink/legacy.js';
import { OPTIONS } from '../../../src/config/flink/options.js';
import { locateKeys, MAX_COLLECTION_ALIASES, parseStandardYaml } from '../../../src/config/flink/yaml.js';
import { parseHadoopXml } from '../../../src/config/hadoop/xml.js';
import { parseDuration } from '../../../src/config/values/duration.js';
import { parseMemorySize } from '../../../src/config/values/memory.js';
import { parseJavaInt, parseWhole } from '../../../src/config/values/numbers.js';
import { parsePortSpec } from '../../../src/config/values/ports.js';
import { clip, diagnostic } from '../../../src/diagnostics/index.js';
import { InvalidValueError, ParseError } from '../../../src/errors/index.js';
import { check, codes } from '../validation/helpers.js';

/** Runs `f`, which must finish within `ms`, and returns what it threw. */
function thrownWithin(ms: number, f: () => unknown): unknown {
  const started = performance.now();
  try {
    f();
    return undefined;
  } catch (e) {
    return e;
  } finally {
    expect(performance.now() - started).toBeLessThan(ms);
  }
}

describe('YAML aliases are bounded', () => {
  it('fails a billion-laughs document fast, naming the file', () => {
    const names = 'abcdefghi';
    const lines = [`a: &a [${Array(9).fill('"lol"').join(', ')}]`];
    for (let i = 1; i < 9; i++)
      lines.push(
        `${names[i]}: &${names[i]} [${Array(9)
          .fill(`*${names[i - 1]}`)
          .join(', ')}]`,
      );
    const text = lines.join('\n');
    expect(text.length).toBeLessThan(500);
    const e = thrownWithin(1_000, () => parseStandardYaml(text, '/conf/config.yaml'));
    expect(e).toBeInstanceOf(ParseError);
    expect((e as ParseError).code).toBe('PARSE_ERROR');
    expect((e as ParseError).message).toMatch(
      new RegExp(
        `^/conf/config\\.yaml: more than ${MAX_COLLECTION_ALIASES} aliases \\(\\*name\\) refer to lists or maps`,
      ),
    );
  });

  it('fails a bomb that stays within the alias count (two per level) on the expansion budget', () => {
    const lines = ['l0: &l0 [x, x]'];
    for (let i = 1; i <= 25; i++) lines.push(`l${i}: &l${i} [*l${i - 1}, *l${i - 1}]`);
    const e = thrownWithin(3_000, () => parseStandardYaml(lines.join('\n'), 'config.yaml'));
    expect(e).toBeInstanceOf(ParseError);
    expect((e as ParseError).message).toMatch(/expands to more than 16 Mi characters/);
  });

  it('fails aliases of a long scalar on the expansion budget', () => {
    const text = `a: &a ${'x'.repeat(1_000_000)}\nb: [${Array(40).fill('*a').join(', ')}]\n`;
    const e = thrownWithin(3_000, () => parseStandardYaml(text, 'config.yaml'));
    expect((e as ParseError).message).toMatch(/expands to more than/);
  });

  it('refuses an alias inside the list it names (a structure without end)', () => {
    const e = thrownWithin(1_000, () => parseStandardYaml('a: &a [1, *a]\n', 'config.yaml'));
    expect((e as ParseError).message).toMatch(/refers to a list or map that contains the alias itself/);
  });

  it('still reads a few aliases', () => {
    const r = parseStandardYaml('base: &b [x, y]\nc: *b\nd: *b\n', 'config.yaml');
    expect(r.entries.map((e) => [e.key, e.value])).toEqual([
      ['base', '[x, y]'],
      ['c', '[x, y]'],
      ['d', '[x, y]'],
    ]);
  });

  it('refuses 200,000 nested brackets as a parse error, not a stack overflow', () => {
    const e = thrownWithin(2_000, () => parseStandardYaml(`a: ${'['.repeat(200_000)}`, 'config.yaml'));
    expect(e).toBeInstanceOf(ParseError);
    expect((e as ParseError).message).toMatch(/nesting exceeded maxDepth/);
  });
});

describe('long values in messages are cut', () => {
  it('clip keeps 200 characters and says how long the whole was', () => {
    expect(clip('short')).toBe('short');
    const cut = clip('é'.repeat(1000));
    expect(cut).toBe(`${'é'.repeat(200)}... (2000 bytes)`);
  });

  it('a 5 MB malformed line is not echoed whole', () => {
    const r = parseLegacyFlinkConf(`ok: 1\n${'x'.repeat(5_000_000)}\n`, 'flink-conf.yaml');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.message.length).toBeLessThan(1_000);
    expect(r.diagnostics[0]!.message).toContain('... (5000000 bytes)');
    expect(r.diagnostics[0]!.line).toBe(2);
  });

  it('masters, zoo.cfg and value errors cut long values too', () => {
    const long = 'h'.repeat(100_000);
    for (const d of [
      ...parseMasters(`${long} x\n${long}!\n`, 'masters').diagnostics,
      ...parseZooCfg(`server.1=${long}:1:2\nclientPort=${long}\n`, 'zoo.cfg').diagnostics,
    ]) {
      expect(d.message.length).toBeLessThan(1_000);
    }
    for (const f of [parseDuration, parseMemorySize, parsePortSpec]) {
      const e = thrownWithin(2_000, () => f(`1${long}x`));
      expect(e).toBeInstanceOf(InvalidValueError);
      expect((e as Error).message.length).toBeLessThan(1_000);
    }
  });

  it('a runaway message built without clip is cut by diagnostic() itself', () => {
    const d = diagnostic('error', 'X', `value '${'v'.repeat(10_000)}' is bad; fix it.`);
    expect(d.message).toBe(`value '${'v'.repeat(200)}... (10000 bytes)' is bad; fix it.`);
  });
});

describe('parsers stay linear on long lines', () => {
  const spaces = `a${' '.repeat(2_000_000)}b`;
  it.each([
    ['locateKeys', () => locateKeys(`k: "x\n${spaces}"`)],
    ['parseStandardYaml', () => parseStandardYaml(`k: "x\n${spaces}"`, 'config.yaml')],
    ['parseLegacyFlinkConf', () => parseLegacyFlinkConf(spaces, 'flink-conf.yaml')],
    ['parseMasters', () => parseMasters(`${'a/'.repeat(500_000)}:`, 'masters')],
    ['parseZooCfg', () => parseZooCfg(spaces, 'zoo.cfg')],
    ['parseHadoopXml', () => parseHadoopXml(`<configuration>${'<a>'.repeat(200_000)}`, 'x.xml')],
  ])('%s', (_, f) => {
    const e = thrownWithin(3_000, f);
    if (e !== undefined) expect(e).toBeInstanceOf(ParseError);
  });
});

describe('numbers are exact or refused', () => {
  it('reads Java ints as Integer.parseInt does', () => {
    expect(parseJavaInt('+2147483647')).toBe(2_147_483_647);
    expect(parseJavaInt('-2147483648')).toBe(-2_147_483_648);
    expect(parseJavaInt('2147483648')).toBeUndefined();
    expect(parseJavaInt('1e3')).toBeUndefined();
    expect(parseWhole('9007199254740993', 0, Number.MAX_SAFE_INTEGER)).toEqual({ ok: false, problem: 'out-of-range' });
    expect(parseWhole(`1${'0'.repeat(1_000_000)}`, 0, Number.MAX_SAFE_INTEGER)).toEqual({
      ok: false,
      problem: 'out-of-range',
    });
  });

  it('refuses yarn.application-attempts above the Java int range with an error, as Flink does', () => {
    const r = check({ flink: 'yarn.application-attempts: 3000000000' });
    const d = r.diagnostics.find((x) => x.code === 'ATTEMPTS_NOT_POSITIVE_INTEGER');
    expect(d).toMatchObject({ severity: 'error', key: 'yarn.application-attempts', line: 1 });
    expect(d!.message).toMatch(/from 1 to 2147483647/);
    expect(codes({ flink: 'yarn.application-attempts: 2147483647' })).not.toContain('ATTEMPTS_NOT_POSITIVE_INTEGER');
  });

  it('typed getters: int options within the Java int range, others below 2^53, never rounded', () => {
    const flink = new FlinkConfiguration([
      { key: OPTIONS.taskSlots.key, value: '2147483648', source: 'file' },
      { key: OPTIONS.attemptFailuresValidityInterval.key, value: '9007199254740993', source: 'file' },
      { key: OPTIONS.appMasterVcores.key, value: 'four', source: 'file' },
    ]);
    expect(() => flink.integer(OPTIONS.taskSlots)).toThrow(
      /outside -2147483648\.\.2147483647: Flink reads it as a Java int/,
    );
    expect(() => flink.integer(OPTIONS.attemptFailuresValidityInterval)).toThrow(/beyond 2\^53/);
    expect(() => flink.integer(OPTIONS.appMasterVcores)).toThrow(/must be an integer, but is 'four'/);
    expect(codes({ flink: 'taskmanager.numberOfTaskSlots: 99999999999' })).toContain('INVALID_VALUE');
  });

  it('durations and memory sizes beyond 2^53 are too large, not rounded', () => {
    expect(() => parseDuration('9007199254740993 ns')).toThrow(/too large/);
    expect(() => parseDuration('99999999999999999999')).toThrow(/too large/);
    expect(parseDuration('000000000000000000010 s')).toBe(10_000);
    expect(() => parseMemorySize(`${'9'.repeat(2_000_000)}m`)).toThrow(/too large/);
  });

  it('a yarn-site number beyond the int range is named as such, not as "not an integer"', () => {
    const r = check({ flink: '', yarnSite: { 'yarn.resourcemanager.am.max-attempts': '3000000000' } });
    const d = r.diagnostics.find((x) => x.code === 'YARN_SITE_INVALID_VALUE');
    expect(d!.message).toMatch(/is '3000000000', which is beyond 2147483647, the largest number Hadoop reads here/);
  });
});

describe('many findings', () => {
  it('assembles 150,000 diagnostics without overflowing the stack', () => {
    const bad = 'not a pair\n'.repeat(150_000);
    const model = assembleConfig(
      {
        flink: { path: 'flink-conf.yaml', format: 'legacy', text: bad },
        masters: { path: 'masters', text: 'a b\n'.repeat(150_000) },
        zooCfg: { path: 'zoo.cfg', text: 'server.x=a\n'.repeat(10) },
        hadoop: { core: [], yarn: [], hdfs: [] },
      },
      { expansion: { env: {}, systemProperties: {} } },
    );
    expect(model.diagnostics.length).toBeGreaterThanOrEqual(300_000);
  });
});
