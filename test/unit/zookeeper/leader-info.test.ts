import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeLeaderInfo, encodeLeaderInfo, LeaderInfoError } from '../../../src/zookeeper/leader-info.js';

/** Records written by a real JVM (see fixtures/zookeeper). */
const JAVA = readFileSync(
  join(import.meta.dirname, '..', '..', '..', 'fixtures', 'zookeeper', 'leader-records.tsv'),
  'utf8',
)
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => {
    const [address, sessionId, hex] = l.split('\t') as [string, string, string];
    return { address, sessionId, bytes: Buffer.from(hex, 'hex') };
  });

describe('decodeLeaderInfo', () => {
  it('decodes what Java wrote, non-ASCII hosts included', () => {
    expect(JAVA.length).toBe(3);
    for (const { address, sessionId, bytes } of JAVA) expect(decodeLeaderInfo(bytes)).toEqual({ address, sessionId });
  });

  it('encodes byte for byte as Java does', () => {
    for (const { address, sessionId, bytes } of JAVA) {
      expect(Buffer.from(encodeLeaderInfo({ address, sessionId })).toString('hex')).toBe(bytes.toString('hex'));
    }
  });

  it('reads empty data as "no leader"', () => {
    expect(decodeLeaderInfo(new Uint8Array())).toBeNull();
  });

  it('round-trips any address and session id, long and non-ASCII ones included', () => {
    const uuid = fc.uuid();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), uuid, (address, sessionId) => {
        expect(decodeLeaderInfo(encodeLeaderInfo({ address, sessionId }))).toEqual({ address, sessionId });
      }),
      { numRuns: 300 },
    );
  });

  it('throws only LeaderInfoError on random and truncated bytes', () => {
    const valid = fc
      .tuple(fc.string({ maxLength: 80 }), fc.uuid())
      .map(([address, sessionId]) => encodeLeaderInfo({ address, sessionId }));
    const damaged = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      valid.chain((b) => fc.nat({ max: b.length }).map((n) => b.slice(0, n))),
      valid.chain((b) =>
        fc
          .tuple(fc.nat({ max: b.length - 1 }), fc.integer({ min: 0, max: 255 }))
          .map(([i, v]) => Uint8Array.from(b, (x, j) => (j === i ? v : x))),
      ),
    );
    fc.assert(
      fc.property(damaged, (bytes) => {
        try {
          decodeLeaderInfo(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(LeaderInfoError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
