import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { assembleConfig } from '../../../src/config/assemble.js';
import { parseZooCfg } from '../../../src/config/files/zoo-cfg.js';
import { parseLegacyFlinkConf } from '../../../src/config/flink/legacy.js';
import { HadoopConfiguration } from '../../../src/config/hadoop/configuration.js';
import { parseHadoopXml } from '../../../src/config/hadoop/xml.js';
import { defaultFsUri } from '../../../src/hdfs/endpoints.js';
import {
  isSecretName,
  isSensitiveKey,
  MASK,
  maskConfigLine,
  maskConfiguration,
  maskDiagnostic,
  maskProgramArgs,
  maskSecretsIn,
  maskValue,
  Secret,
} from '../../../src/config/secrets.js';
import { check, HA } from '../validation/helpers.js';

const SECRET = 'hunter2';

describe('sensitive keys', () => {
  it("hides every key of Flink 1.20's GlobalConfiguration.SENSITIVE_KEYS, in any case", () => {
    for (const key of [
      'security.ssl.internal.keystore-password',
      's3.secret-key',
      'fs.azure.account.key.acct.blob.core.windows.net',
      'metrics.reporter.dghttp.apikey',
      'fs.gs.auth-params',
      'fs.oss.service-key',
      'security.delegation.token.provider.x',
      'metrics.reporter.x.basic-auth',
      'security.kerberos.login.jaas.config',
      'metrics.reporter.otel.http-headers',
      'SECURITY.SSL.REST.TRUSTSTORE-PASSWORD',
    ]) {
      expect(isSensitiveKey(key), key).toBe(true);
    }
  });

  it("hides ours (ZooKeeper's digest) and Hadoop's (hadoop.security.sensitive-config-keys)", () => {
    for (const key of [
      'high-availability.zookeeper.client.authorization',
      'high-availability.zookeeper.client.authorization.digest',
      'fs.s3a.secret.key',
      'fs.s3a.bucket.b.session.token',
      'fs.s3a.encryption.key',
      'ssl.server.keystore.keypassword',
      'ssl.keystore.pass',
      'fs.azure.oauth2.client.id',
      'hadoop.security.credential',
      'x.private-key',
    ]) {
      expect(isSensitiveKey(key), key).toBe(true);
    }
  });

  it('hides containerized.*.env.NAME when NAME looks like a secret', () => {
    expect(isSensitiveKey('containerized.master.env.DB_PASSWORD')).toBe(true);
    expect(isSensitiveKey('containerized.taskmanager.env.API_TOKEN')).toBe(true);
    expect(isSensitiveKey('containerized.master.env.MYSQL_PWD')).toBe(true);
    expect(isSensitiveKey('containerized.master.env.PATH')).toBe(false);
  });

  it('leaves ordinary keys readable', () => {
    for (const key of [
      'high-availability.zookeeper.quorum',
      'high-availability.storageDir',
      'security.kerberos.login.keytab',
      'security.ssl.rest.keystore',
      'env.java.opts.all',
      'fs.s3a.access.key',
      'taskmanager.numberOfTaskSlots',
    ]) {
      expect(isSensitiveKey(key), key).toBe(false);
    }
  });

  it('names secrets in environment variables and flags, whatever the spelling', () => {
    for (const name of [
      'DB_PASSWORD',
      'API_TOKEN',
      'AWS_SECRET_ACCESS_KEY',
      'OPENAI_API_KEY',
      'MYSQL_PWD',
      'DB_PASS',
    ]) {
      expect(isSecretName(name), name).toBe(true);
    }
    for (const name of ['pass', 'passwd', 'apiKey', 'client-secret', 'keyStorePassword']) {
      expect(isSecretName(name), name).toBe(true);
    }
    for (const name of ['PATH', 'CLASSPATH', 'HADOOP_USER_NAME', '_FLINK_CLASSPATH', 'input', 'p', 'bypass']) {
      expect(isSecretName(name), name).toBe(false);
    }
  });
});

describe('secrets inside values', () => {
  const masked: [string, string][] = [
    ['-Dpassword=hunter2 -Xmx1g', `-Dpassword=${MASK} -Xmx1g`],
    ['-Djavax.net.ssl.keyStorePassword=hunter2 -Dfoo=bar', `-Djavax.net.ssl.keyStorePassword=${MASK} -Dfoo=bar`],
    ['-XX:+UseG1GC -D s3.secret-key=hunter2', `-XX:+UseG1GC -D s3.secret-key=${MASK}`],
    ['-Dtrust.password="hunter2 with spaces" -Da=b', `-Dtrust.password=${MASK} -Da=b`],
    ['--password=hunter2', `--password=${MASK}`],
    ['password=hunter2', `password=${MASK}`],
    ['token: hunter2', `token: ${MASK}`],
    ['{password: hunter2, user: bob}', `{password: ${MASK}, user: bob}`],
    ['opts:-Dpassword=hunter2', `opts:-Dpassword=${MASK}`],
    [
      'jdbc:mysql://db:3306/app?user=bob&password=hunter2&ssl=true',
      `jdbc:mysql://db:3306/app?user=bob&password=${MASK}&ssl=true`,
    ],
    [
      'jdbc:sqlserver://db;user=bob;password=hunter2;encrypt=true',
      `jdbc:sqlserver://db;user=bob;password=${MASK};encrypt=true`,
    ],
    ['jdbc:postgresql://bob:hunter2@db/app', `jdbc:postgresql://bob:${MASK}@db/app`],
    ['jdbc:oracle:thin:scott/hunter2@//db:1521/x', `jdbc:oracle:thin:scott/${MASK}@//db:1521/x`],
    ['s3://AKIA:hunter2@bucket/ha', `s3://AKIA:${MASK}@bucket/ha`],
    ['Authorization: Bearer hunter2.jwt', `Authorization: Bearer ${MASK}`],
  ];
  it.each(masked)('%s', (value, shown) => {
    expect(maskSecretsIn(value)).toBe(shown);
  });

  it('leaves values without secrets as they are', () => {
    for (const value of [
      'hdfs://nn:8020/flink/ha',
      '-Dlog4j.configuration=file:log4j.properties -Dlog.file="<LOG_DIR>/jobmanager.log"',
      'YarnLocalResourceDescriptor{key=lib/x.jar, path=hdfs://nn/x, size=1}',
      "digest:'user:password'",
      '$HADOOP_CONF_DIR:$HADOOP_COMMON_HOME/share/hadoop/common/*',
    ]) {
      expect(maskSecretsIn(value)).toBe(value);
    }
  });

  it('hides a whole value under a sensitive key, and secrets inside the others', () => {
    expect(maskValue('s3.secret-key', SECRET)).toBe(MASK);
    expect(maskValue('env.java.opts.all', `-Dpassword=${SECRET}`)).toBe(`-Dpassword=${MASK}`);
    expect(
      maskConfiguration({
        'security.ssl.rest.key-password': SECRET,
        'high-availability.storageDir': 'hdfs:///ha',
        n: 3,
      }),
    ).toEqual({ 'security.ssl.rest.key-password': MASK, 'high-availability.storageDir': 'hdfs:///ha', n: 3 });
  });

  it('hides secrets in the shipped program arguments, in either list encoding', () => {
    const key = '$internal.application.program-args';
    expect(maskValue(key, JSON.stringify(['--password', SECRET, '--in', 'a;b']))).toBe(
      JSON.stringify(['--password', MASK, '--in', 'a;b']),
    );
    expect(maskValue(key, `--password;${SECRET};'a;b';--token=${SECRET}`)).toBe(
      `--password;${MASK};'a;b';--token=${MASK}`,
    );
  });

  it('masks a diagnostic message, and leaves one without secrets untouched', () => {
    const d = { severity: 'warning' as const, code: 'X', message: `opts are -Dpassword=${SECRET}` };
    expect(maskDiagnostic(d).message).toBe(`opts are -Dpassword=${MASK}`);
    const clean = { severity: 'info' as const, code: 'Y', message: "e.g. digest:'user:password'" };
    expect(maskDiagnostic(clean)).toBe(clean);
  });
});

describe('program arguments', () => {
  it('hides the value after a secret-looking flag, --flag=value, and secrets inside an argument', () => {
    expect(
      maskProgramArgs([
        '--input',
        'in.txt',
        '--password',
        'a1',
        '--pass',
        'a2',
        '--password=a3',
        'password=a4',
        '-p',
        '2',
        '--db',
        'jdbc:mysql://h/d?user=u&password=a5',
        'https://u:a6@host/x',
        '--apiKey',
        'a7',
      ]),
    ).toEqual([
      '--input',
      'in.txt',
      '--password',
      MASK,
      '--pass',
      MASK,
      `--password=${MASK}`,
      `password=${MASK}`,
      '-p',
      '2',
      '--db',
      `jdbc:mysql://h/d?user=u&password=${MASK}`,
      `https://u:${MASK}@host/x`,
      '--apiKey',
      MASK,
    ]);
  });
});

describe('configuration messages', () => {
  it('never echoes a secret from an ignored flink-conf.yaml line, whatever separates key and value', () => {
    const r = parseLegacyFlinkConf(
      [
        `password=${SECRET}`,
        `security.ssl.internal.keystore-password ${SECRET}`,
        `s3.secret-key:${SECRET}`,
        `env.java.opts.all:-Djavax.net.ssl.keyStorePassword=${SECRET}`,
        'jobmanager.memory.process.size=1600m',
      ].join('\n'),
      'flink-conf.yaml',
    );
    expect(r.diagnostics.map((d) => d.code)).toEqual(Array(5).fill('FLINK_CONF_LINE_IGNORED'));
    for (const d of r.diagnostics) expect(d.message).not.toContain(SECRET);
    expect(r.diagnostics[0]!.message).toContain(`'password=${MASK}'`);
    // An ordinary line is still echoed, so the user can find it.
    expect(r.diagnostics[4]!.message).toContain("'jobmanager.memory.process.size=1600m'");
  });

  it('masks a skipped line by its would-be key', () => {
    expect(maskConfigLine(`containerized.master.env.DB_PASSWORD=${SECRET}`)).toBe(
      `containerized.master.env.DB_PASSWORD=${MASK}`,
    );
    expect(maskConfigLine('just-a-key')).toBe('just-a-key');
  });

  it('never echoes a secret from a malformed zoo.cfg line', () => {
    // A line that starts with its separator has no key, so ZooKeeper cannot read it.
    const r = parseZooCfg(`=ssl.keyStore.password=${SECRET}`, 'zoo.cfg');
    expect(r.diagnostics[0]?.code).toBe('ZOO_CFG_MALFORMED_LINE');
    expect(r.diagnostics[0]?.message).not.toContain(SECRET);
  });

  it('shows neither value of a secret key in the final-override warning', () => {
    const site = (file: string, value: string, final: boolean) =>
      parseHadoopXml(
        `<configuration>\n<property><name>fs.s3a.secret.key</name><value>${value}</value>${final ? '<final>true</final>' : ''}</property>\n</configuration>`,
        file,
      );
    const model = assembleConfig(
      {
        hadoop: {
          core: [site('core-site.xml', 'kept-hunter2', true), site('other.xml', 'ignored-hunter2', false)],
          yarn: [],
          hdfs: [],
        },
      },
      { expansion: { env: {}, systemProperties: {} } },
    );
    const warning = model.diagnostics.find((d) => d.code === 'HADOOP_FINAL_OVERRIDE_IGNORED');
    expect(warning?.message).toContain(`('${MASK}'), so Hadoop ignores '${MASK}' here`);
    expect(JSON.stringify(model.diagnostics)).not.toContain('hunter2');
  });

  it('masks a URL password in validation messages and effective values', () => {
    const local = check({
      flink: `${HA.replace('hdfs:///flink/recovery', `file://bob:${SECRET}@host/ha`)}`,
    });
    expect(local.diagnostics.map((d) => d.code)).toContain('HA_STORAGE_DIR_LOCAL');
    expect(JSON.stringify(local)).not.toContain(SECRET);
    const remote = check({ flink: `${HA.replace('hdfs:///flink/recovery', `hdfs://bob:${SECRET}@nn/ha`)}` });
    expect(remote.effective['high-availability.storageDir']).toBe(`hdfs://bob:${MASK}@nn/ha`);
  });
});

describe('other messages that quote a configured value', () => {
  it('masks a password in a non-HDFS fs.defaultFS', () => {
    const core = parseHadoopXml(
      `<configuration><property><name>fs.defaultFS</name><value>s3a://AKIA:${SECRET}@bucket</value></property></configuration>`,
      'core-site.xml',
    );
    const conf = HadoopConfiguration.layer([core], { env: {}, systemProperties: {} });
    expect(() => defaultFsUri(conf)).toThrow(`fs.defaultFS is 's3a://AKIA:${MASK}@bucket'`);
  });
});

describe('Secret', () => {
  it('shows the mask in JSON, util.inspect and strings, and reveals the value only when asked', () => {
    const s = new Secret(SECRET);
    for (const printed of [JSON.stringify({ s }), inspect({ s }), `${s}`]) expect(printed).not.toContain(SECRET);
    expect(s.reveal()).toBe(SECRET);
  });
});
