import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DigestMemo } from '../../../src/operations/session/staging.js';

describe('DigestMemo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flink-yarn-digest-'));
  const file = join(dir, 'lib.jar');
  const memoFile = join(dir, 'memo', 'digests.json');
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');

  it('hashes the content, remembers it across instances, and rehashes a changed file', async () => {
    writeFileSync(file, 'version 1');
    const first = new DigestMemo(memoFile);
    expect(await first.sha256(file)).toBe(sha('version 1'));
    first.save();
    expect(Object.values(JSON.parse(readFileSync(memoFile, 'utf8')))).toEqual([sha('version 1')]);

    // A remembered digest is used as long as path, size and modification time agree...
    const remembered = JSON.parse(readFileSync(memoFile, 'utf8')) as Record<string, string>;
    const key = Object.keys(remembered)[0]!;
    writeFileSync(memoFile, JSON.stringify({ [key]: 'f'.repeat(64) }));
    expect(await new DigestMemo(memoFile).sha256(file)).toBe('f'.repeat(64));
    // ...and not once the file changed.
    writeFileSync(file, 'version 2');
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    expect(await new DigestMemo(memoFile).sha256(file)).toBe(sha('version 2'));
  });

  it('starts afresh from an unreadable memo, and a null memo writes nothing', async () => {
    writeFileSync(memoFile, '{not json');
    writeFileSync(file, 'x');
    expect(await new DigestMemo(memoFile).sha256(file)).toBe(sha('x'));
    const none = new DigestMemo(null);
    expect(await none.sha256(file)).toBe(sha('x'));
    none.save();
  });
});
