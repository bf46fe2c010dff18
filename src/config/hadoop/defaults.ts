import type { HadoopResource } from './xml.js';

/**
 * The few built-in defaults we rely on, from Hadoop 3.4's core-default.xml and yarn-default.xml.
 * They are layered where Hadoop layers its default files, so a yarn key set in core-site.xml is
 * overridden by yarn-default exactly as in Hadoop.
 */
export const CORE_DEFAULT: HadoopResource = builtin('core-default.xml', {
  'fs.defaultFS': 'file:///',
  'hadoop.tmp.dir': '/tmp/hadoop-${user.name}',
  'hadoop.security.authentication': 'simple',
  'hadoop.http.authentication.type': 'simple',
});

export const YARN_DEFAULT: HadoopResource = builtin('yarn-default.xml', {
  'yarn.resourcemanager.am.max-attempts': '2',
  'yarn.resourcemanager.hostname': '0.0.0.0',
  'yarn.resourcemanager.webapp.address': '${yarn.resourcemanager.hostname}:8088',
  'yarn.resourcemanager.webapp.https.address': '${yarn.resourcemanager.hostname}:8090',
  'yarn.http.policy': 'HTTP_ONLY',
  'yarn.resourcemanager.ha.enabled': 'false',
  'yarn.scheduler.minimum-allocation-mb': '1024',
  'yarn.scheduler.maximum-allocation-mb': '8192',
  'yarn.scheduler.minimum-allocation-vcores': '1',
  'yarn.scheduler.maximum-allocation-vcores': '4',
});

export const HDFS_DEFAULT: HadoopResource = builtin('hdfs-default.xml', {
  'dfs.namenode.http-address': '0.0.0.0:9870',
  'dfs.namenode.https-address': '0.0.0.0:9871',
  'dfs.http.policy': 'HTTP_ONLY',
  'dfs.webhdfs.enabled': 'true',
});

/** Built-in resources carry the file name Hadoop would report, and no line. */
export function isBuiltinFile(file: string): boolean {
  return file === CORE_DEFAULT.file || file === YARN_DEFAULT.file || file === HDFS_DEFAULT.file;
}

function builtin(file: string, values: Record<string, string>): HadoopResource {
  return {
    file,
    items: Object.entries(values).map(([name, value]) => ({
      kind: 'property' as const,
      name,
      value,
      final: false,
      file,
      line: 0,
    })),
  };
}
