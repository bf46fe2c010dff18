/** Where a configured path is, as Hadoop's Path would place it for Flink's client. */
export type PathLocation =
  | { readonly kind: 'local'; readonly path: string }
  /** On fs.defaultFS: absolute, or relative to the user's home directory. */
  | { readonly kind: 'hdfs'; readonly path: string }
  /** Another file system (s3a://, another NameNode, ...): only a JVM client reaches it. */
  | { readonly kind: 'elsewhere'; readonly uri: string };

/** HDFS's default NameNode RPC port: `hdfs://nn` and `hdfs://nn:8020` are one file system. */
const DEFAULT_NAMENODE_PORT = '8020';

/**
 * Places a path from the Flink configuration. Without a scheme it is local for ship files (Flink's
 * client reads them from disk) and on the default file system for the options Hadoop qualifies
 * against fs.defaultFS (yarn.provided.lib.dirs, yarn.provided.usrlib.dir, yarn.staging-directory).
 * `defaultFs` is `hdfs://authority`. Read as Hadoop's Path(String) reads it: a scheme before the
 * first slash, an authority after `//`, and the rest the path as written (no percent-decoding). Pure.
 */
export function locatePath(value: string, defaultFs: string, schemeless: 'local' | 'hdfs'): PathLocation {
  const text = value.trim();
  const colon = text.indexOf(':');
  const slash = text.indexOf('/');
  if (colon <= 0 || (slash !== -1 && slash < colon)) return { kind: schemeless, path: normalize(text) };
  const scheme = text.slice(0, colon).toLowerCase();
  let rest = text.slice(colon + 1);
  let authority = '';
  if (rest.startsWith('//') && rest.length > 2) {
    const end = rest.indexOf('/', 2);
    authority = end === -1 ? rest.slice(2) : rest.slice(2, end);
    rest = end === -1 ? '' : rest.slice(end);
  }
  const path = normalize(rest === '' ? '/' : rest);
  if (scheme === 'file') return { kind: 'local', path };
  if (scheme !== 'hdfs') return { kind: 'elsewhere', uri: text };
  if (authority === '' || sameAuthority(authority, defaultFs.replace(/^hdfs:\/\//i, ''))) return { kind: 'hdfs', path };
  return { kind: 'elsewhere', uri: text };
}

/** An HDFS path made absolute against the user's home, as Hadoop qualifies a relative one. */
export function absoluteOn(path: string, homeDir: string): string {
  return normalize(path.startsWith('/') ? path : `${homeDir}/${path}`);
}

/** `host[:port]` twice: the same NameNode, an absent port being HDFS's default. */
function sameAuthority(a: string, b: string): boolean {
  const split = (s: string) => {
    const m = /^(.*?)(?::(\d+))?$/.exec(s.toLowerCase())!;
    return `${m[1]}:${m[2] ?? DEFAULT_NAMENODE_PORT}`;
  };
  return split(a) === split(b);
}

/** As Hadoop's Path normalizes (java.net.URI.normalize): repeated and trailing slashes, `.` and `..`. */
function normalize(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const p of path.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..' && parts.length > 0 && parts.at(-1) !== '..') parts.pop();
    else if (p !== '..' || !absolute) parts.push(p);
  }
  return `${absolute ? '/' : ''}${parts.join('/')}` || (absolute ? '/' : '.');
}
