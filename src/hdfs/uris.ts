/** Where a configured path is, as Hadoop's Path would place it for Flink's client. */
export type PathLocation =
  | { readonly kind: 'local'; readonly path: string }
  /** On fs.defaultFS: absolute, or relative to the user's home directory. */
  | { readonly kind: 'hdfs'; readonly path: string }
  /** Another file system (s3a://, another NameNode, ...): only a JVM client reaches it. */
  | { readonly kind: 'elsewhere'; readonly uri: string };

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
/** HDFS's default NameNode RPC port: `hdfs://nn` and `hdfs://nn:8020` are one file system. */
const DEFAULT_NAMENODE_PORT = '8020';

/**
 * Places a path from the Flink configuration. Without a scheme it is local for ship files (Flink's
 * client reads them from disk) and on the default file system for the options Hadoop qualifies
 * against fs.defaultFS (yarn.provided.lib.dirs, yarn.provided.usrlib.dir, yarn.staging-directory).
 * `defaultFs` is `hdfs://authority`. Pure.
 */
export function locatePath(value: string, defaultFs: string, schemeless: 'local' | 'hdfs'): PathLocation {
  const text = value.trim();
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: schemeless, path: normalize(text) };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { kind: 'elsewhere', uri: text };
  }
  const path = normalize(decodeURIComponent(url.pathname));
  if (scheme === 'file') return { kind: 'local', path };
  if (scheme !== 'hdfs') return { kind: 'elsewhere', uri: text };
  if (url.host === '' || sameAuthority(url, new URL(defaultFs))) return { kind: 'hdfs', path };
  return { kind: 'elsewhere', uri: text };
}

/** An HDFS path made absolute against the user's home, as Hadoop qualifies a relative one. */
export function absoluteOn(path: string, homeDir: string): string {
  return normalize(path.startsWith('/') ? path : `${homeDir}/${path}`);
}

function sameAuthority(a: URL, b: URL): boolean {
  const port = (u: URL) => (u.port === '' ? DEFAULT_NAMENODE_PORT : u.port);
  return a.hostname.toLowerCase() === b.hostname.toLowerCase() && port(a) === port(b);
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
