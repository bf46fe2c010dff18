import { FlinkYarnError } from '../errors/index.js';

/** A leader as Flink records it in ZooKeeper: the component's address and its session id. */
export interface LeaderInfo {
  /** An RPC address (pekko://...) or, for the REST server, a URL. */
  readonly address: string;
  /** The leader session id (a java.util.UUID), in canonical form. */
  readonly sessionId: string;
}

export class LeaderInfoError extends FlinkYarnError {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super('LEADER_INFO_MALFORMED', `leader information is malformed at byte ${offset}: ${message}`);
    this.offset = offset;
  }
}

// Java object serialization constants (java.io.ObjectStreamConstants).
const STREAM_MAGIC = 0xaced;
const STREAM_VERSION = 5;
const TC_NULL = 0x70;
const TC_REFERENCE = 0x71;
const TC_CLASSDESC = 0x72;
const TC_OBJECT = 0x73;
const TC_BLOCKDATA = 0x77;
const TC_ENDBLOCKDATA = 0x78;
const TC_BLOCKDATALONG = 0x7a;
const UUID_CLASS = 'java.util.UUID';

/**
 * Decodes the bytes of a leader node (`.../connection_info`, or the leader node itself before
 * Flink 1.14). Flink writes them with an ObjectOutputStream: `writeUTF(address)`, then
 * `writeObject(UUID)`. Empty data means "no leader". Anything else throws LeaderInfoError.
 */
export function decodeLeaderInfo(data: Uint8Array): LeaderInfo | null {
  if (data.length === 0) return null;
  const r = new Reader(data);
  if (r.u16() !== STREAM_MAGIC) throw new LeaderInfoError('not a Java serialization stream (magic AC ED expected)', 0);
  if (r.u16() !== STREAM_VERSION) throw new LeaderInfoError('unsupported serialization stream version', 2);
  const block = r.blockData();
  const address = new Reader(block).utf();
  const sessionId = readUuid(r);
  return { address, sessionId };
}

/** Reads the UUID object: a class descriptor for java.util.UUID, then two longs. */
function readUuid(r: Reader): string {
  const tc = r.u8();
  if (tc === TC_NULL) throw new LeaderInfoError('the leader session id is null', r.pos - 1);
  if (tc !== TC_OBJECT) throw new LeaderInfoError(`expected an object (0x73), found 0x${hex(tc)}`, r.pos - 1);
  const descriptor = r.u8();
  if (descriptor === TC_REFERENCE)
    throw new LeaderInfoError('back-references are not expected in a leader record', r.pos - 1);
  if (descriptor !== TC_CLASSDESC)
    throw new LeaderInfoError(`expected a class descriptor, found 0x${hex(descriptor)}`, r.pos - 1);
  const className = r.utf();
  if (className !== UUID_CLASS) throw new LeaderInfoError(`expected ${UUID_CLASS}, found ${className}`, r.pos);
  r.skip(8); // serialVersionUID
  r.u8(); // flags
  const count = r.u16();
  const fields: string[] = [];
  for (let i = 0; i < count; i++) {
    const type = String.fromCharCode(r.u8());
    const name = r.utf();
    if (type !== 'J') throw new LeaderInfoError(`UUID field ${name} has type ${type}, expected long`, r.pos);
    fields.push(name);
  }
  if (r.u8() !== TC_ENDBLOCKDATA) throw new LeaderInfoError('class annotation is not empty', r.pos - 1);
  if (r.u8() !== TC_NULL) throw new LeaderInfoError('java.util.UUID has no serializable superclass', r.pos - 1);
  const values = new Map<string, bigint>();
  for (const name of fields) values.set(name, r.i64());
  const most = values.get('mostSigBits');
  const least = values.get('leastSigBits');
  if (most === undefined || least === undefined)
    throw new LeaderInfoError('UUID without mostSigBits/leastSigBits', r.pos);
  return formatUuid(most, least);
}

export function formatUuid(most: bigint, least: bigint): string {
  const h =
    BigInt.asUintN(64, most).toString(16).padStart(16, '0') + BigInt.asUintN(64, least).toString(16).padStart(16, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Encodes a leader record exactly as Flink's ObjectOutputStream would; used by tests and by
 * anything that needs to fake nothing but compare bytes.
 */
export function encodeLeaderInfo(info: LeaderInfo): Uint8Array {
  const utf = modifiedUtf8(info.address);
  if (utf.length > 0xffff) {
    throw new LeaderInfoError(`the address is ${utf.length} bytes, more than writeUTF's 65535`, 0);
  }
  const out: number[] = [0xac, 0xed, 0x00, 0x05];
  const payloadLength = utf.length + 2;
  if (payloadLength <= 0xff) out.push(TC_BLOCKDATA, payloadLength);
  else append(out, [TC_BLOCKDATALONG, ...u32(payloadLength)]);
  out.push((utf.length >> 8) & 0xff, utf.length & 0xff);
  append(out, utf);
  const cls = modifiedUtf8(UUID_CLASS);
  append(out, [TC_OBJECT, TC_CLASSDESC, 0, cls.length, ...cls]);
  append(out, [0xbc, 0x99, 0x03, 0xf7, 0x98, 0x6d, 0x85, 0x2f, 0x02, 0x00, 0x02]);
  for (const name of ['leastSigBits', 'mostSigBits']) append(out, [0x4a, 0, name.length, ...modifiedUtf8(name)]);
  out.push(TC_ENDBLOCKDATA, TC_NULL);
  const hexId = info.sessionId.replace(/-/g, '');
  append(out, u64(BigInt(`0x${hexId.slice(16)}`)));
  append(out, u64(BigInt(`0x${hexId.slice(0, 16)}`)));
  return Uint8Array.from(out);
}

/** A loop, not `push(...bytes)`: spreading a long address overflows the stack. */
function append(out: number[], bytes: readonly number[]): void {
  for (const b of bytes) out.push(b);
}

class Reader {
  pos = 0;
  constructor(private readonly data: Uint8Array) {}

  private need(n: number): void {
    if (this.pos + n > this.data.length) {
      throw new LeaderInfoError(`truncated: needs ${n} more byte(s), ${this.data.length - this.pos} left`, this.pos);
    }
  }
  u8(): number {
    this.need(1);
    return this.data[this.pos++]!;
  }
  u16(): number {
    return (this.u8() << 8) | this.u8();
  }
  u32(): number {
    return ((this.u16() << 16) >>> 0) + this.u16();
  }
  i64(): bigint {
    this.need(8);
    let v = 0n;
    for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(this.data[this.pos++]!);
    return BigInt.asIntN(64, v);
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const b = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  /** Primitive data written before the object: one block (short or long). */
  blockData(): Uint8Array {
    const tc = this.u8();
    if (tc === TC_BLOCKDATA) return this.bytes(this.u8());
    if (tc === TC_BLOCKDATALONG) return this.bytes(this.u32());
    throw new LeaderInfoError(`expected block data with the address, found 0x${hex(tc)}`, this.pos - 1);
  }
  /** DataInput.readUTF: a 2-byte length, then modified UTF-8. */
  utf(): string {
    const start = this.pos;
    return decodeModifiedUtf8(this.bytes(this.u16()), start + 2);
  }
}

function decodeModifiedUtf8(b: Uint8Array, offset: number): string {
  let s = '';
  for (let i = 0; i < b.length;) {
    const c = b[i]!;
    if (c < 0x80) {
      s += String.fromCharCode(c);
      i += 1;
    } else if ((c & 0xe0) === 0xc0 && i + 1 < b.length && (b[i + 1]! & 0xc0) === 0x80) {
      s += String.fromCharCode(((c & 0x1f) << 6) | (b[i + 1]! & 0x3f));
      i += 2;
    } else if ((c & 0xf0) === 0xe0 && i + 2 < b.length && (b[i + 1]! & 0xc0) === 0x80 && (b[i + 2]! & 0xc0) === 0x80) {
      s += String.fromCharCode(((c & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f));
      i += 3;
    } else {
      throw new LeaderInfoError('invalid modified UTF-8', offset + i);
    }
  }
  return s;
}

function modifiedUtf8(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 1 && c <= 0x7f) out.push(c);
    else if (c <= 0x7ff) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return out;
}

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

function u64(n: bigint): number[] {
  const v = BigInt.asUintN(64, n);
  return Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(56 - 8 * i)) & 0xffn));
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}
