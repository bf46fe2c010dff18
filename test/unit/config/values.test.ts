import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/config/values/duration.js';
import { parseMemorySize } from '../../../src/config/values/memory.js';
import { parsePortSpec } from '../../../src/config/values/ports.js';
import { parseHostPort, parseList } from '../../../src/config/values/lists.js';
import { InvalidValueError } from '../../../src/errors/index.js';

describe('parseDuration (Flink TimeUtils)', () => {
  it.each([
    ['10 s', 10_000],
    ['10s', 10_000],
    ['1 min', 60_000],
    ['1m', 60_000],
    ['2 MIN', 120_000],
    ['500', 500],
    ['  500  ', 500],
    ['3 h', 10_800_000],
    ['1 d', 86_400_000],
    ['250 millis', 250],
    ['5 seconds', 5_000],
    ['2000000 ns', 2],
    ['1500 µs', 1],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '   ', 's', '-1 s', '1.5 s', '10 weeks', '10 hrs', '1 μs'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(InvalidValueError);
  });

  it('formats with the largest exact unit', () => {
    expect(formatDuration(10_000)).toBe('10 s');
    expect(formatDuration(90_000)).toBe('90 s');
    expect(formatDuration(120_000)).toBe('2 min');
    expect(formatDuration(1_500)).toBe('1500 ms');
  });
});

describe('parseMemorySize (Flink MemorySize)', () => {
  it.each([
    ['1600m', 1600 * 2 ** 20],
    ['2g', 2 * 2 ** 30],
    ['2 GB', 2 * 2 ** 30],
    ['1024', 1024],
    ['64 kibibytes', 64 * 1024],
    ['1 t', 2 ** 40],
    ['7 bytes', 7],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseMemorySize(text)).toBe(bytes);
  });

  it.each(['', 'm', '1.5g', '-1m', '10 mib', '99999999999 t'])('rejects %j', (text) => {
    expect(() => parseMemorySize(text)).toThrow(InvalidValueError);
  });
});

describe('parsePortSpec (high-availability.jobmanager.port)', () => {
  it('reads the reference example', () => {
    expect(parsePortSpec('50010,50011,50020-50025,50050-50075')).toEqual([
      { from: 50010, to: 50010 },
      { from: 50011, to: 50011 },
      { from: 50020, to: 50025 },
      { from: 50050, to: 50075 },
    ]);
  });

  it('accepts 0, surrounding blanks and a trailing comma', () => {
    expect(parsePortSpec('0')).toEqual([{ from: 0, to: 0 }]);
    expect(parsePortSpec(' 50010 , 50020-50025 ,')).toEqual([
      { from: 50010, to: 50010 },
      { from: 50020, to: 50025 },
    ]);
  });

  it.each([
    ['50025-50020', /must end above its start/],
    ['50020-50020', /must end above its start/],
    ['70000', /out of range/],
    ['50000-70000', /out of range/],
    ['50000 - 50010', /not a port/],
    [',5000', /not a port/],
    ['1,,2', /not a port/],
    ['abc', /not a port/],
    ['-5', /not a port/],
    ['', /empty/],
  ])('rejects %j', (text, message) => {
    expect(() => parsePortSpec(text)).toThrow(message);
  });
});

describe('lists and host:port', () => {
  it('splits and trims lists', () => {
    expect(parseList('Client, KafkaClient ,,')).toEqual(['Client', 'KafkaClient']);
  });

  it('parses host:port, bracketed IPv6 included', () => {
    expect(parseHostPort('zk1:2181')).toEqual({ host: 'zk1', port: 2181 });
    expect(parseHostPort('[::1]:2181')).toEqual({ host: '[::1]', port: 2181 });
    expect(parseHostPort('zk1')).toBeUndefined();
    expect(parseHostPort('zk1:0')).toBeUndefined();
    expect(parseHostPort('zk1:99999')).toBeUndefined();
    expect(parseHostPort(':2181')).toBeUndefined();
  });
});
