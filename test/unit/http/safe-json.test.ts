import { describe, expect, it } from 'vitest';
import { describeBody, MAX_JSON_DEPTH, safeJson } from '../../../src/http/responses.js';

describe('safeJson', () => {
  it('parses JSON, and gives undefined for empty text and non-JSON', () => {
    expect(safeJson('{"a":[1,{"b":null}]}')).toEqual({ a: [1, { b: null }] });
    expect(safeJson('  ')).toBeUndefined();
    expect(safeJson('<html></html>')).toBeUndefined();
  });

  it('refuses 200,000 nested brackets instead of handing on a structure that overflows the stack', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(JSON.parse(deep)).toBeDefined(); // JSON.parse itself copes; what walks it next does not
    expect(safeJson(deep)).toBeUndefined();
    expect(safeJson(`{"apps":{"app":${'['.repeat(200_000)}`)).toBeUndefined();
    expect(describeBody(deep)).toBe(`JSON nested deeper than ${MAX_JSON_DEPTH} levels (400000 bytes)`);
  });

  it('counts only brackets outside strings, escapes included', () => {
    const nested = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
    expect(safeJson(nested(MAX_JSON_DEPTH))).toBeDefined();
    expect(safeJson(nested(MAX_JSON_DEPTH + 1))).toBeUndefined();
    const inString = JSON.stringify({ s: `\\"${'['.repeat(10_000)}` });
    expect(safeJson(inString)).toEqual({ s: `\\"${'['.repeat(10_000)}` });
  });

  it('describes a body for messages without repeating all of it', () => {
    expect(describeBody('<!DOCTYPE html><html>')).toBe('an HTML page');
    expect(describeBody('x'.repeat(1_000_000))).toBe(`'${'x'.repeat(120)}... (1000000 bytes)'`);
  });
});
