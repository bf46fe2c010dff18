import { describe, expect, it } from 'vitest';
import { FlinkConfiguration } from '../../../src/config/flink/configuration.js';
import { OPTIONS } from '../../../src/config/flink/options.js';
import { InvalidValueError } from '../../../src/errors/index.js';
import {
  kerberosConfigured,
  kerberosCredentials,
  lenientFlag,
  zooKeeperLoginContext,
  zooKeeperLoginContextListed,
  zooKeeperSasl,
  zooKeeperSaslDisabled,
} from '../../../src/policy/kerberos.js';

const conf = (entries: Record<string, string>) =>
  new FlinkConfiguration(
    Object.entries(entries).map(([key, value], i) => ({
      key,
      value,
      source: 'file',
      file: 'flink-conf.yaml',
      line: i + 1,
    })),
  );

describe('the Kerberos decisions', () => {
  it('calls Kerberos configured when a keytab or a principal is set, under current or deprecated keys', () => {
    expect(kerberosConfigured(conf({}))).toBe(false);
    expect(kerberosConfigured(conf({ 'security.kerberos.login.principal': 'flink@EXAMPLE.COM' }))).toBe(true);
    expect(kerberosConfigured(conf({ 'security.keytab': '/etc/flink.keytab' }))).toBe(true);
  });

  it('takes credentials from a non-blank keytab, else the ticket cache unless it is off', () => {
    expect(kerberosCredentials(conf({ 'security.kerberos.login.keytab': ' /k ' }))).toMatchObject({
      kind: 'keytab',
      keytab: '/k',
    });
    expect(kerberosCredentials(conf({ 'security.kerberos.login.keytab': ' ' }))).toMatchObject({
      kind: 'ticket-cache',
    });
    expect(kerberosCredentials(conf({ 'security.kerberos.login.use-ticket-cache': 'false' }))).toBeUndefined();
  });

  it('finds the ZooKeeper login context among the listed ones', () => {
    expect(zooKeeperLoginContext(conf({}))).toBe('Client');
    expect(zooKeeperLoginContextListed(conf({ 'security.kerberos.login.contexts': 'KafkaClient, Client' }))).toBe(true);
    const renamed = conf({ 'zookeeper.sasl.login-context-name': ' Zk ', 'security.kerberos.login.contexts': 'Client' });
    expect(zooKeeperLoginContextListed(renamed)).toBe(false);
  });

  it('reads flags as Flink does, or leniently for rules that report bad values elsewhere', () => {
    const maybe = conf({ 'zookeeper.sasl.disable': 'maybe', 'security.kerberos.login.contexts': 'Client' });
    expect(() => zooKeeperSaslDisabled(maybe)).toThrow(InvalidValueError);
    expect(() => zooKeeperSasl(maybe)).toThrow(/zookeeper\.sasl\.disable must be true or false/);
    expect(zooKeeperSaslDisabled(maybe, lenientFlag)).toBe(false);
    expect(zooKeeperSaslDisabled(conf({ 'zookeeper.sasl.disable': ' TRUE ' }), lenientFlag)).toBe(true);
  });

  it('says why Flink would use SASL for ZooKeeper, naming the keys and where they are set', () => {
    const flink = conf({ 'security.kerberos.login.contexts': 'Client', 'security.kerberos.login.keytab': '/k' });
    const decision = zooKeeperSasl(flink);
    expect(decision).toEqual({
      required: true,
      reason: expect.stringContaining('from the keytab /k (security.kerberos.login.keytab, set in flink-conf.yaml:2)'),
      keys: [
        OPTIONS.kerberosLoginContexts.key,
        OPTIONS.zkSaslLoginContextName.key,
        OPTIONS.kerberosKeytab.key,
        OPTIONS.zkSaslDisable.key,
      ],
    });
    expect(zooKeeperSasl(conf({ 'security.kerberos.login.contexts': 'KafkaClient' }))).toEqual({ required: false });
  });
});
