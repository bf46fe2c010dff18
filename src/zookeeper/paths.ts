/** Flink's ZooKeeper path for a namespace: root and cluster-id joined with single slashes. */
export function zkPath(root: string, clusterId: string): string {
  return `/${[root, clusterId]
    .join('/')
    .split('/')
    .filter((p) => p !== '')
    .join('/')}`;
}
