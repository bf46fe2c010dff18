import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ccachePrincipal, ticketCachePrincipal } from '../../../src/context/ccache.js';

/** The start of a ticket cache as MIT's kinit writes it (format 4, or 3: no header). */
function ccache(components: readonly string[], realm: string, version: 3 | 4 = 4): Buffer {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const text = (s: string) => Buffer.concat([u32(Buffer.byteLength(s)), Buffer.from(s)]);
  // Format 4's header: one tag (delta time), 12 bytes.
  const header = version === 4 ? Buffer.from([0, 12, 0, 1, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0]) : Buffer.alloc(0);
  return Buffer.concat([
    Buffer.from([5, version]),
    header,
    u32(1),
    u32(components.length),
    text(realm),
    ...components.map(text),
    Buffer.from('credentials follow'),
  ]);
}

describe('the ticket cache default principal', () => {
  it('reads formats 4 and 3, with one or more components', () => {
    expect(ccachePrincipal(ccache(['alice'], 'EXAMPLE.COM'))).toBe('alice@EXAMPLE.COM');
    expect(ccachePrincipal(ccache(['flink', 'host.example.com'], 'CORP.EXAMPLE', 3))).toBe(
      'flink/host.example.com@CORP.EXAMPLE',
    );
  });

  it('is undefined for other formats and for truncated or absurd files', () => {
    const good = ccache(['alice'], 'EXAMPLE.COM');
    expect(ccachePrincipal(Buffer.from([5, 2, 0, 0]))).toBeUndefined();
    expect(ccachePrincipal(Buffer.from('not a cache'))).toBeUndefined();
    for (let n = 0; n < 40; n++) expect(ccachePrincipal(good.subarray(0, n))).toBeUndefined();
    const huge = Buffer.from(good);
    huge.writeUInt32BE(0xffffffff, 24); // the realm's length
    expect(ccachePrincipal(huge)).toBeUndefined();
  });

  it('reads KRB5CCNAME (FILE: or a path), never blocks on a FIFO, and ignores other cache types', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flink-yarn-ccache-'));
    const file = join(dir, 'cc');
    writeFileSync(file, ccache(['alice'], 'EXAMPLE.COM'));
    expect(ticketCachePrincipal({ KRB5CCNAME: `FILE:${file}` })).toBe('alice@EXAMPLE.COM');
    expect(ticketCachePrincipal({ KRB5CCNAME: file })).toBe('alice@EXAMPLE.COM');
    expect(ticketCachePrincipal({ KRB5CCNAME: 'KCM:' })).toBeUndefined();
    expect(ticketCachePrincipal({ KRB5CCNAME: `FILE:${join(dir, 'missing')}` })).toBeUndefined();
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(ticketCachePrincipal({ KRB5CCNAME: `FILE:${fifo}` })).toBeUndefined();
  });
});
