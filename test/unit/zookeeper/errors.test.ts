import zookeeper from 'node-zookeeper-client';
import { describe, expect, it } from 'vitest';
import { FlinkYarnError } from '../../../src/errors/index.js';
import {
  translateZooKeeperError,
  zkCodeOf,
  ZooKeeperError,
  type TranslationContext,
} from '../../../src/zookeeper/errors.js';

const ctx: TranslationContext = { quorum: 'zk1:2181', op: 'data', path: '/flink/x', acl: 'open', authorization: [] };

/** An exception exactly as node-zookeeper-client makes them. */
function libraryException(name: keyof typeof zookeeper.Exception): unknown {
  const create = (zookeeper.Exception as unknown as { create(code: number, path?: string): unknown }).create;
  return create(zookeeper.Exception[name], '/flink/x');
}

function translated(error: unknown, over: Partial<TranslationContext> = {}): ZooKeeperError {
  const e = translateZooKeeperError(error, { ...ctx, ...over });
  expect(e).toBeInstanceOf(ZooKeeperError);
  return e as ZooKeeperError;
}

describe("ZooKeeper's codes to ours", () => {
  it("reads the code of the library's own exceptions", () => {
    expect(zkCodeOf(libraryException('NO_AUTH'))).toBe(-102);
    expect(zkCodeOf({ code: 'ECONNREFUSED' })).toBeUndefined();
    expect(zkCodeOf(null)).toBeUndefined();
  });

  it('marks exactly the codes Curator retries as retriable ZK_UNREACHABLE', () => {
    for (const code of [-4, -7, -13, -112, -118]) {
      expect(translated({ code })).toMatchObject({ code: 'ZK_UNREACHABLE', retriable: true, zkCode: code });
    }
    for (const code of [-101, -102, -110, -115, -124]) expect(translated({ code }).retriable).toBe(false);
  });

  it('maps auth answers to their own codes and everything else to ZK_REMOTE naming the path', () => {
    expect(translated(libraryException('NO_AUTH')).code).toBe('ZK_NO_AUTH');
    expect(translated(libraryException('AUTH_FAILED')).code).toBe('ZK_AUTH_FAILED');
    expect(translated({ code: -124 }).code).toBe('ZK_SASL_REQUIRED');
    const notEmpty = translated(libraryException('NOT_EMPTY'), { op: 'delete' });
    expect(notEmpty).toMatchObject({ code: 'ZK_REMOTE', zkPath: '/flink/x', op: 'delete' });
    expect(notEmpty.message).toBe('ZooKeeper zk1:2181 refused delete /flink/x: NotEmpty (-111).');
    expect(translated({ code: -999 }).message).toBe('ZooKeeper zk1:2181 refused data /flink/x: code -999 (-999).');
    // InvalidACL is an identity problem only for creator-mode creates.
    expect(translated({ code: -114 }, { op: 'create', acl: 'creator' }).code).toBe('ZK_NO_AUTH');
    expect(translated({ code: -114 }, { op: 'create', acl: 'open' }).code).toBe('ZK_REMOTE');
  });

  it('leaves errors without a ZooKeeper code alone', () => {
    const ours = new FlinkYarnError('INTERNAL', 'x');
    expect(translateZooKeeperError(ours, ctx)).toBe(ours);
    const plain = new TypeError('y');
    expect(translateZooKeeperError(plain, ctx)).toBe(plain);
  });
});
