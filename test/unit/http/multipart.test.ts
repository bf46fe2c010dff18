import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { multipartFile } from '../../../src/http/multipart.js';

const dir = mkdtempSync(join(tmpdir(), 'multipart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file of the given bytes; returns its path and size. */
function file(name: string, bytes: Buffer): { path: string; size: number } {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, size: bytes.length };
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

function boundaryOf(headers: Readonly<Record<string, string>>): string {
  const match = /^multipart\/form-data; boundary=(.+)$/.exec(headers['content-type'] ?? '');
  expect(match, headers['content-type']).not.toBeNull();
  return match![1]!;
}

/** The body curl -F 'field=@file;filename=NAME;type=application/java-archive' sends. */
function expectedBody(boundary: string, field: string, fileName: string, bytes: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(
      `--${boundary}\r\n` +
        `Content-Disposition: form-data; name="${field}"; filename="${fileName}"\r\n` +
        'Content-Type: application/java-archive\r\n\r\n',
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

// Every byte value, and what a naive parser would take for a part's end or a header break.
const binary = Buffer.concat([
  Buffer.from('PK\u0003\u0004'),
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  Buffer.from('\r\n--\r\n----flink-yarn-\r\n\r\n--'),
  Buffer.from([0, 0xff, 0x0d, 0x0a, 0x2d, 0x2d]),
]);

describe('multipartFile: one file as a multipart/form-data body', () => {
  it("is exactly the part's headers, the file's bytes and the closing boundary", async () => {
    const jar = file('job.jar', binary);
    const form = multipartFile('jarfile', 'job.jar', jar.path, jar.size);
    const boundary = boundaryOf(form.headers);
    const body = await collect(form.open());
    expect(body.equals(expectedBody(boundary, 'jarfile', 'job.jar', binary))).toBe(true);
    expect(form.length).toBe(body.length);
    expect(Object.keys(form.headers)).toEqual(['content-type']);
  });

  it('picks a boundary that RFC 2046 allows and that the file does not hold, new for every body', () => {
    const jar = file('boundary.jar', binary);
    const a = boundaryOf(multipartFile('jarfile', 'a.jar', jar.path, jar.size).headers);
    const b = boundaryOf(multipartFile('jarfile', 'a.jar', jar.path, jar.size).headers);
    for (const boundary of [a, b]) {
      expect(boundary).toMatch(/^[0-9A-Za-z'()+_,./:=?-]{1,70}$/);
      expect(binary.includes(boundary)).toBe(false);
    }
    expect(a).not.toBe(b);
  });

  it('makes the file name safe in its quoted parameter: quotes, backslashes, CR, LF, non-ASCII become _', async () => {
    const jar = file('odd.jar', Buffer.from('x'));
    const name = 'we"ird\r\nContent-Type: text/html\\ jöb\t.jar';
    const form = multipartFile('jar"file', name, jar.path, jar.size);
    const body = await collect(form.open());
    const head = body.subarray(0, body.indexOf('\r\n\r\n')).toString('latin1');
    expect(head.split('\r\n')).toEqual([
      `--${boundaryOf(form.headers)}`,
      'Content-Disposition: form-data; name="jar_file"; filename="we_ird__Content-Type: text/html_ j_b_.jar"',
      'Content-Type: application/java-archive',
    ]);
    expect(form.length).toBe(body.length);
  });

  it('streams a file bigger than one read, and an empty one', async () => {
    const big = Buffer.alloc(300 * 1024 + 7);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 8)) & 0xff;
    for (const [name, bytes] of [
      ['big.jar', big],
      ['empty.jar', Buffer.alloc(0)],
    ] as const) {
      const jar = file(name, bytes);
      const form = multipartFile('jarfile', name, jar.path, jar.size);
      const body = await collect(form.open());
      expect(body.equals(expectedBody(boundaryOf(form.headers), 'jarfile', name, bytes)), name).toBe(true);
      expect(form.length, name).toBe(body.length);
    }
  });

  it('opens a new, whole stream every time: a body can be sent again', async () => {
    const jar = file('twice.jar', binary);
    const form = multipartFile('jarfile', 'twice.jar', jar.path, jar.size);
    const first = form.open();
    const second = form.open();
    expect(first).not.toBe(second);
    const [a, b] = await Promise.all([collect(first), collect(second)]);
    const expected = expectedBody(boundaryOf(form.headers), 'jarfile', 'twice.jar', binary);
    expect(a.equals(expected)).toBe(true);
    expect(b.equals(expected)).toBe(true);
    // And after both were read to the end.
    expect((await collect(form.open())).equals(expected)).toBe(true);
  });
});
