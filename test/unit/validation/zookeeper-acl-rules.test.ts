import { describe, expect, it } from 'vitest';
import { zookeeperAclKnown, zookeeperCreatorAclIdentity } from '../../../src/validation/rules/ha.js';
import { validateConfig } from '../../../src/validation/index.js';
import { HA, model, type Texts } from './helpers.js';

const run = (t: Texts) => validateConfig(model(t), [zookeeperAclKnown, zookeeperCreatorAclIdentity]).diagnostics;

describe('the ZooKeeper ACL mode', () => {
  it('must be open or creator, in any case', () => {
    expect(run({ flink: `${HA}\nhigh-availability.zookeeper.client.acl: OPEN` })).toEqual([]);
    expect(run({ flink: `${HA}\nhigh-availability.zookeeper.client.acl: secure` })).toMatchObject([
      { code: 'ZK_ACL_UNKNOWN', severity: 'error', key: 'high-availability.zookeeper.client.acl', line: 4 },
    ]);
    expect(run({ flink: 'high-availability.zookeeper.client.acl: secure' })).toEqual([]); // no ZooKeeper HA
  });

  it('creator with zookeeper.sasl.disable: true stops the JobManager, as Flink refuses the pair', () => {
    const d = run({
      flink: `${HA}\nhigh-availability.zookeeper.client.acl: creator\nzookeeper.sasl.disable: true\nhigh-availability.zookeeper.client.authorization: digest:'a:b'`,
    });
    expect(d).toMatchObject([{ code: 'ZK_CREATOR_ACL_SASL_DISABLED', severity: 'error', line: 4 }]);
    expect(d[0]!.message).toMatch(/set in flink-conf\.yaml:5/);
  });

  it('creator without any identity is a warning; authorization (also as a prefix key) or a Kerberos context is one', () => {
    const creator = `${HA}\nhigh-availability.zookeeper.client.acl: creator`;
    expect(run({ flink: creator })).toMatchObject([{ code: 'ZK_CREATOR_ACL_NO_IDENTITY', severity: 'warning' }]);
    expect(run({ flink: `${creator}\nhigh-availability.zookeeper.client.authorization: digest:'a:b'` })).toEqual([]);
    expect(
      run({ flink: creator, dynamic: { 'high-availability.zookeeper.client.authorization.digest': 'a:b' } }),
    ).toEqual([]);
    expect(run({ flink: `${creator}\nsecurity.kerberos.login.contexts: Client` })).toEqual([]);
  });
});
