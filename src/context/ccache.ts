import { closeSync, openSync, readSync, statSync } from 'node:fs';

/**
 * The default principal of an MIT Kerberos ticket cache (`FILE:` caches, format 3 or 4: what
 * `kinit` writes), as `klist` shows it; undefined for anything else. Hadoop names the user it
 * logs in from the cache by this full principal (UserGroupInformation.getUserName).
 */
export function ccachePrincipal(bytes: Uint8Array): string | undefined {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (data.length < 4 || data[0] !== 5 || (data[1] !== 3 && data[1] !== 4)) return undefined;
  let at = 2;
  if (data[1] === 4) at = 4 + data.readUInt16BE(2);
  const u32 = (): number | undefined => {
    if (at + 4 > data.length) return undefined;
    const n = data.readUInt32BE(at);
    at += 4;
    return n;
  };
  const text = (): string | undefined => {
    const n = u32();
    if (n === undefined || n > 1024 || at + n > data.length) return undefined;
    const s = data.toString('utf8', at, at + n);
    at += n;
    return s;
  };
  if (u32() === undefined) return undefined; // name type
  const count = u32();
  if (count === undefined || count < 1 || count > 16) return undefined;
  const realm = text();
  const components: string[] = [];
  for (let i = 0; i < count; i++) {
    const c = text();
    if (c === undefined) return undefined;
    components.push(c);
  }
  if (realm === undefined || components.some((c) => c === '')) return undefined;
  return `${components.join('/')}@${realm}`;
}

/**
 * The ticket cache's default principal, read from its file: `KRB5CCNAME` (a `FILE:` name or a
 * plain path), else MIT's default `/tmp/krb5cc_<uid>`. Undefined for other cache types (KCM,
 * KEYRING, DIR), a missing or unreadable cache, or one that is not a regular file.
 */
export function ticketCachePrincipal(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const name = env.KRB5CCNAME;
  const uid = process.getuid?.();
  let path: string | undefined;
  if (name === undefined || name === '') path = uid === undefined ? undefined : `/tmp/krb5cc_${uid}`;
  else if (name.startsWith('FILE:')) path = name.slice('FILE:'.length);
  else if (!/^[A-Z]+:/.test(name)) path = name;
  if (path === undefined) return undefined;
  try {
    // A stat first: a FIFO or device named here must not block the read.
    if (!statSync(path).isFile()) return undefined;
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(8192);
      const n = readSync(fd, head, 0, head.length, 0);
      return ccachePrincipal(head.subarray(0, n));
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
