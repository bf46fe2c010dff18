import { describe, expect, it } from 'vitest';
import { absoluteOn, locatePath } from '../../../src/hdfs/uris.js';

const FS = 'hdfs://same-host:8020';

describe('locatePath', () => {
  it('places a path without a scheme as the caller says: local for ship files, hdfs for provided dirs', () => {
    expect(locatePath('conf/extra.txt', FS, 'local')).toEqual({ kind: 'local', path: 'conf/extra.txt' });
    expect(locatePath('/opt/x', FS, 'local')).toEqual({ kind: 'local', path: '/opt/x' });
    expect(locatePath('/flink/lib', FS, 'hdfs')).toEqual({ kind: 'hdfs', path: '/flink/lib' });
    expect(locatePath('flink/lib', FS, 'hdfs')).toEqual({ kind: 'hdfs', path: 'flink/lib' });
    expect(locatePath('  /flink/lib  ', FS, 'hdfs')).toEqual({ kind: 'hdfs', path: '/flink/lib' });
  });

  it('places file: URIs on the local disk whatever the default for a bare path', () => {
    expect(locatePath('file:///x', FS, 'hdfs')).toEqual({ kind: 'local', path: '/x' });
    expect(locatePath('file:///etc/flink/extra/', FS, 'local')).toEqual({ kind: 'local', path: '/etc/flink/extra' });
  });

  it('places hdfs:///p and hdfs://<default authority>/p on the default file system', () => {
    expect(locatePath('hdfs:///p', FS, 'local')).toEqual({ kind: 'hdfs', path: '/p' });
    expect(locatePath('hdfs://same-host:8020/p', FS, 'local')).toEqual({ kind: 'hdfs', path: '/p' });
    // The scheme and the host name are case-insensitive.
    expect(locatePath('HDFS://Same-Host:8020/p', FS, 'local')).toEqual({ kind: 'hdfs', path: '/p' });
  });

  it("counts a NameNode without a port as 8020, HDFS's default RPC port, on either side", () => {
    expect(locatePath('hdfs://same-host/p', FS, 'local')).toEqual({ kind: 'hdfs', path: '/p' });
    expect(locatePath('hdfs://same-host:8020/p', 'hdfs://same-host', 'local')).toEqual({ kind: 'hdfs', path: '/p' });
    expect(locatePath('hdfs://same-host/p', 'hdfs://same-host:9000', 'local')).toEqual({
      kind: 'elsewhere',
      uri: 'hdfs://same-host/p',
    });
  });

  it('places another NameNode, another port and other schemes elsewhere, keeping the text as written', () => {
    expect(locatePath('hdfs://other-host:8020/p', FS, 'local')).toEqual({
      kind: 'elsewhere',
      uri: 'hdfs://other-host:8020/p',
    });
    expect(locatePath('hdfs://same-host:9000/p', FS, 'hdfs')).toEqual({
      kind: 'elsewhere',
      uri: 'hdfs://same-host:9000/p',
    });
    expect(locatePath('s3a://bucket/flink/lib', FS, 'hdfs')).toEqual({
      kind: 'elsewhere',
      uri: 's3a://bucket/flink/lib',
    });
    expect(locatePath('viewfs://cluster/p', FS, 'local')).toEqual({ kind: 'elsewhere', uri: 'viewfs://cluster/p' });
  });

  it("normalizes as Hadoop's Path does: repeated and trailing slashes, '.' and '..'", () => {
    expect(locatePath('hdfs:///a//b/./c/', FS, 'local')).toEqual({ kind: 'hdfs', path: '/a/b/c' });
    expect(locatePath('hdfs:///a/b/../c', FS, 'local')).toEqual({ kind: 'hdfs', path: '/a/c' });
    expect(locatePath('/a/../../b', FS, 'hdfs')).toEqual({ kind: 'hdfs', path: '/b' });
    expect(locatePath('hdfs:///', FS, 'local')).toEqual({ kind: 'hdfs', path: '/' });
    expect(locatePath('a/./b//', FS, 'local')).toEqual({ kind: 'local', path: 'a/b' });
    // A relative path keeps the '..' it cannot resolve: it climbs out of the directory it is taken against.
    expect(locatePath('a/../../b', FS, 'hdfs')).toEqual({ kind: 'hdfs', path: '../b' });
    expect(locatePath('./', FS, 'local')).toEqual({ kind: 'local', path: '.' });
  });

  it("keeps the path as written, as Hadoop's Path(String) does: no percent-decoding, '?' and '#' included", () => {
    expect(locatePath('hdfs:///flink/my%20lib', FS, 'local')).toEqual({ kind: 'hdfs', path: '/flink/my%20lib' });
    expect(locatePath('hdfs:///flink/100%lib', FS, 'local')).toEqual({ kind: 'hdfs', path: '/flink/100%lib' });
    expect(locatePath('file:///opt/a?b#c.jar', FS, 'hdfs')).toEqual({ kind: 'local', path: '/opt/a?b#c.jar' });
    expect(locatePath('/flink/my%20lib', FS, 'hdfs')).toEqual({ kind: 'hdfs', path: '/flink/my%20lib' });
    // A colon after the first slash is part of the path, not a scheme.
    expect(locatePath('/opt/a:b.jar', FS, 'local')).toEqual({ kind: 'local', path: '/opt/a:b.jar' });
  });
});

describe('absoluteOn', () => {
  it('qualifies a relative path against the home directory, as Hadoop does, and normalizes both kinds', () => {
    expect(absoluteOn('staging', '/user/alice')).toBe('/user/alice/staging');
    expect(absoluteOn('a/../b/', '/user/alice')).toBe('/user/alice/b');
    expect(absoluteOn('.', '/user/alice')).toBe('/user/alice');
    expect(absoluteOn('../bob', '/user/alice')).toBe('/user/bob');
    expect(absoluteOn('/flink//staging/', '/user/alice')).toBe('/flink/staging');
    expect(absoluteOn('/', '/user/alice')).toBe('/');
  });
});
