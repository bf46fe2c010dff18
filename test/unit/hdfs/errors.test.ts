import { describe, expect, it } from 'vitest';
import { HdfsUnreachableError, translateHdfsError } from '../../../src/hdfs/errors.js';

const remote = (exception: string, message: string, javaClassName = `org.apache.hadoop.x.${exception}`) =>
  JSON.stringify({ RemoteException: { exception, javaClassName, message } });
const ctx = { endpoint: 'http://nn1:9870', op: 'CREATE', path: '/user/alice/job.jar', user: 'alice' };

describe('translateHdfsError', () => {
  it.each([
    [404, 'FileNotFoundException', 'HDFS_NOT_FOUND', false],
    [403, 'AccessControlException', 'HDFS_PERMISSION', false],
    [403, 'FileAlreadyExistsException', 'HDFS_EXISTS', false],
    [403, 'SafeModeException', 'HDFS_SAFE_MODE', true],
    [403, 'RetriableException', 'HDFS_SAFE_MODE', true],
    [403, 'StandbyException', 'HDFS_STANDBY', true],
    [403, 'PathIsNotEmptyDirectoryException', 'HDFS_BAD_REQUEST', false],
    [403, 'ParentNotDirectoryException', 'HDFS_BAD_REQUEST', false],
    [400, 'IllegalArgumentException', 'HDFS_BAD_REQUEST', false],
    [403, 'IOException', 'HDFS_REMOTE', false],
    [500, 'NullPointerException', 'HDFS_REMOTE', false],
  ])('HTTP %i %s -> %s', (status, exception, code, retriable) => {
    const error = translateHdfsError(status, remote(exception, 'something happened'), ctx);
    expect(error.code).toBe(code);
    expect(error.retriable).toBe(retriable);
    expect(error.exception).toBe(exception);
    expect(error.status).toBe(status);
  });

  it('decides by the exception before the status: WebHDFS answers most IOExceptions with 403', () => {
    expect(translateHdfsError(403, remote('FileAlreadyExistsException', 'exists'), ctx).code).toBe('HDFS_EXISTS');
    expect(translateHdfsError(403, '', ctx).code).toBe('HDFS_PERMISSION');
  });

  it('falls back to the status when there is no RemoteException', () => {
    expect(translateHdfsError(404, 'not here', ctx).code).toBe('HDFS_NOT_FOUND');
    expect(translateHdfsError(401, '', ctx).code).toBe('HDFS_AUTH');
    expect(translateHdfsError(503, '<html><body>busy</body></html>', ctx)).toMatchObject({
      code: 'HDFS_REMOTE',
      retriable: true,
    });
    expect(translateHdfsError(503, '<html>busy</html>', ctx).message).toContain('an HTML page (HTTP 503)');
  });

  it('uses the class name when only javaClassName is present', () => {
    const body = JSON.stringify({
      RemoteException: { javaClassName: 'org.apache.hadoop.ipc.StandbyException', message: 'standby' },
    });
    expect(translateHdfsError(403, body, ctx).code).toBe('HDFS_STANDBY');
  });

  it('names the path, the endpoint and the user, and drops the Java stack trace', () => {
    const message =
      'Permission denied: user=bob, access=EXECUTE, inode="/user/alice":alice:supergroup:drwx------\n\tat org.apache.hadoop.hdfs.server.namenode.FSPermissionChecker.check(FSPermissionChecker.java:661)\n\tat x';
    const error = translateHdfsError(403, remote('AccessControlException', message), { ...ctx, user: 'bob' });
    expect(error.message).toContain('/user/alice/job.jar');
    expect(error.message).toContain('http://nn1:9870');
    expect(error.message).toContain('Permission denied: user=bob');
    expect(error.message).toContain("as user 'bob'");
    expect(error.message).not.toContain('FSPermissionChecker');
    expect(error).toMatchObject({ path: '/user/alice/job.jar', endpoint: 'http://nn1:9870', op: 'CREATE' });
  });

  it('says when no user was sent', () => {
    const error = translateHdfsError(403, remote('AccessControlException', 'denied'), { ...ctx, user: undefined });
    expect(error.message).toContain('No user.name was sent');
    expect(error.message).toContain('dr.who');
  });
});

describe('HdfsUnreachableError', () => {
  it('names every NameNode and the last error', () => {
    const error = new HdfsUnreachableError(
      [
        { endpoint: 'http://nn1:9870', reason: 'connect ECONNREFUSED' },
        { endpoint: 'http://nn2:9870', reason: 'getaddrinfo ENOTFOUND nn2' },
      ],
      { op: 'GETFILESTATUS', path: '/x', standby: false },
    );
    expect(error.code).toBe('HDFS_UNREACHABLE');
    expect(error.message).toContain('http://nn1:9870 (connect ECONNREFUSED)');
    expect(error.message).toContain('Last error: getaddrinfo ENOTFOUND nn2');
    expect(error.endpoint).toBe('http://nn2:9870');
  });
});
