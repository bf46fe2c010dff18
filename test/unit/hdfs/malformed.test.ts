import { describe, expect, it } from 'vitest';
import { HdfsError, parseRemoteException, translateHdfsError } from '../../../src/hdfs/errors.js';
import { normalizeChecksum, normalizeFileStatus } from '../../../src/hdfs/model.js';

function hdfsError(f: () => unknown): HdfsError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(HdfsError);
    expect((e as HdfsError).code).toBe('HDFS_UNEXPECTED_RESPONSE');
    return e as HdfsError;
  }
  throw new Error('expected HDFS_UNEXPECTED_RESPONSE');
}

const status = { type: 'FILE', pathSuffix: 'a.jar', length: 10, modificationTime: 5, permission: '644' };

describe('WebHDFS JSON', () => {
  it('reads a FileStatus, and nothing from what is not one', () => {
    expect(normalizeFileStatus(status, '/d')).toMatchObject({ path: '/d/a.jar', length: 10, modificationTime: 5 });
    expect(normalizeFileStatus(null, '/d')).toBeUndefined();
    expect(normalizeFileStatus({ type: 'PIPE' }, '/d')).toBeUndefined();
    expect(normalizeChecksum(null)).toBeUndefined();
    expect(normalizeChecksum({ FileChecksum: null })).toBeUndefined();
  });

  it('refuses sizes and times that are not exact whole numbers, instead of NaN or a rounded value', () => {
    expect(hdfsError(() => normalizeFileStatus({ ...status, length: 'big' }, '/d')).message).toMatch(
      /the FileStatus of \/d\/a\.jar has "length" 'big', where a whole number below 2\^53 was expected/,
    );
    hdfsError(() => normalizeFileStatus(JSON.parse('{"type":"FILE","length":90071992547409930}'), '/d'));
    hdfsError(() => normalizeFileStatus({ ...status, modificationTime: 1.5 }, '/d'));
    hdfsError(() => normalizeChecksum({ FileChecksum: { algorithm: 'MD5', bytes: 'ab', length: {} } }));
  });

  it('refuses a name that is not a file name, since it is joined into paths that may be deleted', () => {
    hdfsError(() => normalizeFileStatus({ ...status, pathSuffix: '../../etc' }, '/user/a/.flink'));
    hdfsError(() => normalizeFileStatus({ ...status, pathSuffix: '..' }, '/user/a/.flink'));
  });

  it('error bodies with odd RemoteException fields do not crash, and long ones are cut', () => {
    expect(parseRemoteException('null')).toBeUndefined();
    expect(parseRemoteException('[1]')).toBeUndefined();
    expect(parseRemoteException('{"RemoteException":{"message":{"x":1}}}')).toEqual({});
    const e = translateHdfsError(
      403,
      JSON.stringify({ RemoteException: { exception: 'E'.repeat(10_000), message: 'm'.repeat(1_000_000) } }),
      { endpoint: 'http://nn:9870', op: 'GETFILESTATUS', path: '/x', user: 'alice' },
    );
    expect(e.message.length).toBeLessThan(1_000);
  });
});
