/** Flink's ZooKeeper path for a namespace: root and cluster-id joined with single slashes. */
export function zkPath(root: string, clusterId: string): string {
  return `/${[root, clusterId]
    .join('/')
    .split('/')
    .filter((p) => p !== '')
    .join('/')}`;
}

/** Characters ZooKeeper's PathUtils.validatePath refuses in a node name. */
function forbidden(c: number): boolean {
  return c <= 0x1f || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xf8ff) || c >= 0xfff0;
}

/** Why ZooKeeper would refuse this absolute path, or undefined when it is valid. */
export function invalidPathReason(path: string): string | undefined {
  if (!path.startsWith('/')) return 'it does not start with /';
  if (path === '/') return undefined;
  if (path.endsWith('/')) return 'it ends with /';
  const parts = path.slice(1).split('/');
  if (parts.includes('')) return 'it has an empty node name (//)';
  if (parts.some((p) => p === '.' || p === '..')) return "it has a relative part ('.' or '..')";
  for (let i = 0; i < path.length; i++) {
    if (forbidden(path.charCodeAt(i))) return 'it has a control or reserved character';
  }
  return undefined;
}

/** The node itself and each ancestor up to `/`, nearest first. */
export function selfAndAncestors(path: string): string[] {
  const out = [path];
  for (let p = path; p !== '/';) {
    p = p.slice(0, p.lastIndexOf('/')) || '/';
    out.push(p);
  }
  return out;
}

/** `parent/child` without a doubled slash at the root. */
export function childPath(parent: string, child: string): string {
  return `${parent === '/' ? '' : parent}/${child}`;
}
