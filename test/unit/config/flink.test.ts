import { describe, expect, it } from 'vitest';
import { FlinkConfiguration } from '../../../src/config/flink/configuration.js';
import { parseLegacyFlinkConf } from '../../../src/config/flink/legacy.js';
import { DEPRECATED_KEYS, OPTIONS } from '../../../src/config/flink/options.js';
import { isSensitiveKey } from '../../../src/config/secrets.js';
import { locateKeys, parseStandardYaml } from '../../../src/config/flink/yaml.js';
import { ParseError } from '../../../src/errors/index.js';

describe('parseLegacyFlinkConf (flink-conf.yaml, line based)', () => {
  it('splits at the first ": " and drops comments', () => {
    const r = parseLegacyFlinkConf(
      ['# comment', 'a: 1', '  b   :   two words  # trailing', 'url: http://x:8081/y', 'empty.line:', ''].join('\n'),
      'flink-conf.yaml',
    );
    expect(r.entries.map((e) => [e.key, e.value, e.line])).toEqual([
      ['a', '1', 2],
      ['b', 'two words', 3],
      ['url', 'http://x:8081/y', 4],
    ]);
    expect(r.diagnostics).toMatchObject([{ code: 'FLINK_CONF_LINE_IGNORED', line: 5, severity: 'warning' }]);
  });

  it('is not YAML: quotes stay, nesting is not understood, # cuts values', () => {
    const r = parseLegacyFlinkConf(['q: "quoted"', 'parent:', '  child: 1', 'pw: a#b'].join('\n'), 'f');
    expect(Object.fromEntries(r.entries.map((e) => [e.key, e.value]))).toEqual({ q: '"quoted"', child: '1', pw: 'a' });
  });

  it('warns about a missing space after the colon', () => {
    const r = parseLegacyFlinkConf('high-availability.type:zookeeper', 'f');
    expect(r.entries).toEqual([]);
    expect(r.diagnostics[0]?.message).toMatch(/space after ':' missing/);
  });

  it('ignores an empty key', () => {
    const r = parseLegacyFlinkConf(': value', 'f');
    expect(r.entries).toEqual([]);
    expect(r.diagnostics[0]?.code).toBe('FLINK_CONF_LINE_IGNORED');
  });

  it('never echoes a secret from an ignored line', () => {
    const r = parseLegacyFlinkConf('s3.secret-key:hunter2', 'f');
    expect(r.diagnostics[0]?.message).not.toContain('hunter2');
    expect(r.diagnostics[0]?.message).toContain('******');
  });

  it('lets a later duplicate win', () => {
    const conf = new FlinkConfiguration(parseLegacyFlinkConf('a: 1\na: 2', 'f').entries);
    expect(conf.raw('a')).toMatchObject({ value: '2', line: 2 });
  });
});

describe('parseStandardYaml (config.yaml)', () => {
  it('flattens nested maps with line numbers', () => {
    const text = [
      'high-availability:',
      '  type: zookeeper',
      '  zookeeper:',
      '    quorum: zk1:2181,zk2:2181',
      '    path.root: /flink',
      'yarn.application-attempts: 4',
      'taskmanager:',
      '  numberOfTaskSlots: 2',
    ].join('\n');
    const r = parseStandardYaml(text, 'config.yaml');
    expect(r.entries.map((e) => [e.key, e.value, e.line])).toEqual([
      ['high-availability.type', 'zookeeper', 2],
      ['high-availability.zookeeper.quorum', 'zk1:2181,zk2:2181', 4],
      ['high-availability.zookeeper.path.root', '/flink', 5],
      ['yarn.application-attempts', '4', 6],
      ['taskmanager.numberOfTaskSlots', '2', 8],
    ]);
  });

  it('keeps scalars as written and renders lists as flow YAML', () => {
    const r = parseStandardYaml(
      ['a: "10 s"', 'b: 1.0', 'c:', '  - x', '  - y', 'd: [1, 2]', "e: 'it''s'"].join('\n'),
      'config.yaml',
    );
    expect(Object.fromEntries(r.entries.map((e) => [e.key, e.value]))).toEqual({
      a: '10 s',
      b: '1.0',
      c: '[x, y]',
      d: '[1, 2]',
      e: "it's",
    });
  });

  it('reports a null value as an error, since Flink then fails to load the file', () => {
    const r = parseStandardYaml('a: 1\nb:\nc: ~', 'config.yaml');
    expect(r.entries.map((e) => e.key)).toEqual(['a']);
    expect(r.diagnostics).toMatchObject([
      { severity: 'error', code: 'FLINK_CONF_NULL_VALUE', key: 'b', line: 2 },
      { severity: 'error', code: 'FLINK_CONF_NULL_VALUE', key: 'c', line: 3 },
    ]);
  });

  it('throws ParseError with the line for invalid YAML and duplicates', () => {
    expect(() => parseStandardYaml('a: 1\nb: [unclosed\nc: 2', 'config.yaml')).toThrow(ParseError);
    try {
      parseStandardYaml('a: 1\na: 2', 'config.yaml');
      expect.unreachable();
    } catch (e) {
      expect((e as ParseError).line).toBe(2);
    }
  });

  it('rejects a document that is not a mapping', () => {
    expect(() => parseStandardYaml('- a\n- b', 'config.yaml')).toThrow(/must be a mapping/);
    expect(parseStandardYaml('', 'config.yaml').entries).toEqual([]);
  });

  it('locates keys past block scalars and comments', () => {
    const lines = locateKeys(['a: |', '  text: not a key', 'b:', '  # c', '  "q.k": 1', 'd: 2'].join('\n'));
    expect(Object.fromEntries(lines)).toEqual({ a: 1, b: 3, 'b.q.k': 5, d: 6 });
  });
});

describe('FlinkConfiguration', () => {
  it('looks up the current key first, then deprecated keys in Flink order', () => {
    const conf = new FlinkConfiguration([
      { key: 'high-availability', value: 'zookeeper', source: 'file' },
      { key: 'recovery.mode', value: 'NONE', source: 'file' },
    ]);
    const found = conf.lookup(OPTIONS.haType);
    expect(found?.entry.key).toBe('recovery.mode');
    expect(found?.deprecated).toBe(true);
    expect(found?.shadowed.map((e) => e.key)).toEqual(['high-availability']);
  });

  it('layers -D above the file', () => {
    const conf = new FlinkConfiguration([{ key: 'a', value: '1', source: 'file' }]).withDynamic({ a: '2' });
    expect(conf.raw('a')).toEqual({ key: 'a', value: '2', source: 'dynamic' });
  });

  it('parses typed values and names the key on failure', () => {
    const conf = new FlinkConfiguration([
      { key: 'pekko.ask.timeout', value: '30 s', source: 'file' },
      { key: 'jobmanager.memory.process.size', value: 'lots', source: 'file' },
    ]);
    expect(conf.duration(OPTIONS.askTimeout)).toBe(30_000);
    expect(() => conf.memory(OPTIONS.jobManagerProcessSize)).toThrow(/^jobmanager.memory.process.size: /);
    expect(conf.duration(OPTIONS.zkSessionTimeout)).toBe(60_000);
  });

  it('maps every deprecated key to its current name', () => {
    expect(DEPRECATED_KEYS.get('high-availability')).toBe('high-availability.type');
    expect(DEPRECATED_KEYS.get('recovery.mode')).toBe('high-availability.type');
    expect(DEPRECATED_KEYS.get('akka.ask.timeout')).toBe('pekko.ask.timeout');
    expect(DEPRECATED_KEYS.get('recovery.zookeeper.quorum')).toBe('high-availability.zookeeper.quorum');
    expect(DEPRECATED_KEYS.get('high-availability.zookeeper.path.namespace')).toBe('high-availability.cluster-id');
  });

  it('knows sensitive keys', () => {
    expect(isSensitiveKey('s3.secret-key')).toBe(true);
    expect(isSensitiveKey('security.ssl.keystore-password')).toBe(true);
    expect(isSensitiveKey('security.kerberos.login.jaas.config')).toBe(true);
    expect(isSensitiveKey('high-availability.zookeeper.quorum')).toBe(false);
  });
});
