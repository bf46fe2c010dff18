import { MASK, isSecretName, maskSecretsIn } from '../config/secrets.js';
import { FlinkYarnError } from '../errors/index.js';
import { jvmMemoryFlags, memoryDynamicArgs, type JobManagerMemory } from './memory.js';

/** A file staged on HDFS for the AM, as YARN's NodeManager will localise it. */
export interface StagedResource {
  /** Its name in the container's working directory: `lib/x.jar`, `log4j.properties`, ... */
  readonly key: string;
  /** `hdfs://authority/path` */
  readonly uri: string;
  /** Must equal the HDFS file's length and modification time, or the NodeManager refuses it. */
  readonly size: number;
  readonly modificationTime: number;
  readonly visibility: 'APPLICATION' | 'PUBLIC' | 'PRIVATE';
  readonly type: 'FILE' | 'ARCHIVE';
  /**
   * What the file is to Flink: the dist jar, the configuration, a shipped file, the user's
   * program jar or usrlib/ (application and per-job mode), a serialized JobGraph (per-job mode);
   * `archive` (yarn.ship-archives) and `plugin` are shipped off the classpath; `keytab` and
   * `krb5` reach the TaskManagers through their own variables, not the ship list.
   */
  readonly role: 'dist' | 'config' | 'ship' | 'user' | 'job-graph' | 'archive' | 'plugin' | 'keytab' | 'krb5';
}

/** `yarn.classpath.include-user-jar`: where the user's jar goes on the JobManager's classpath. */
export type UserJarInclusion = 'ORDER' | 'FIRST' | 'LAST' | 'DISABLED';

export type Entrypoint = 'session' | 'application' | 'job';

export const ENTRYPOINT_CLASSES: Record<Entrypoint, string> = {
  session: 'org.apache.flink.yarn.entrypoint.YarnSessionClusterEntrypoint',
  application: 'org.apache.flink.yarn.entrypoint.YarnApplicationClusterEntryPoint',
  job: 'org.apache.flink.yarn.entrypoint.YarnJobClusterEntrypoint',
};

export interface AmContainerInput {
  readonly entrypoint: Entrypoint;
  /** The Flink version of the shipped distribution: the descriptor encoding changed in 1.19. */
  readonly flinkVersion: readonly [number, number, number];
  readonly resources: readonly StagedResource[];
  readonly memory: JobManagerMemory;
  /** env.java.opts.all etc., already joined. */
  readonly jvmOptions: string;
  /** yarn.container-start-command-template. @default DEFAULT_START_COMMAND_TEMPLATE */
  readonly commandTemplate?: string | undefined;
  readonly applicationId: string;
  readonly user: string;
  /** HADOOP_USER_NAME, when it is not `user`: the full Kerberos principal. */
  readonly hadoopUserName?: string;
  /** `hdfs://.../user/<u>` */
  readonly clientHomeDir: string;
  /** `hdfs://.../user/<u>/.flink/<appId>`: Flink deletes it when the cluster shuts down. */
  readonly yarnFilesDir: string;
  /** yarn.application.classpath entries (yarn-site or YARN's default). */
  readonly yarnApplicationClasspath: readonly string[];
  /** containerized.master.env.* */
  readonly extraEnvironment: Readonly<Record<string, string>>;
  /** The shipped log configuration's key (its file name): log4j.properties and logback.xml get Flink's flags. */
  readonly logConfigKey: string | undefined;
  /** @default ORDER */
  readonly userJarInclusion?: UserJarInclusion;
  /**
   * A keytab login (security.kerberos.login.keytab and .principal): where the containers find the
   * keytab (the shipped resource's key, or a path on every node) and the principal.
   */
  readonly keytab?: { readonly localPath: string; readonly principal: string } | undefined;
  /** Delegation tokens for the AM's credentials; none on an insecure cluster. */
  readonly tokens?: readonly ContainerToken[] | undefined;
}

/**
 * A delegation token for the AM container, filed under `alias`: the token's service, as Flink's
 * client files them (`credentials.addToken(token.getService(), token)`).
 */
export interface ContainerToken {
  /** `ip:port` of a NameNode, `ha-hdfs:<nameservice>` ... */
  readonly alias: string;
  /**
   * Hadoop's `Token.encodeToUrlString`. Undefined in a plan made without fetching (a dry run): the
   * submission then shows MASK in its place.
   */
  readonly urlString: string | undefined;
}

/**
 * The RM's CredentialsInfo as its JAXB JSON reads it: each map an `entry` array of key and value
 * (RMWebAppUtil.createCredentials decodes each token with Token.decodeFromUrlString).
 */
export interface ContainerCredentials {
  readonly tokens: { readonly entry: readonly { key: string; value: string }[] };
  readonly secrets?: { readonly entry: readonly { key: string; value: string }[] };
}

export interface AmContainerSpec {
  readonly 'local-resources': { readonly entry: readonly { key: string; value: Record<string, unknown> }[] };
  readonly environment: { readonly entry: readonly { key: string; value: string }[] };
  readonly commands: { readonly command: string };
  /** Delegation tokens (YarnClusterDescriptor.setTokensFor); absent when there are none. */
  readonly credentials?: ContainerCredentials;
  /** yarn.view.acls / yarn.modify.acls: VIEW_APP, MODIFY_APP. */
  readonly 'application-acls'?: { readonly entry: readonly { key: string; value: string }[] };
}

/** YARN's default yarn.application.classpath (YarnConfiguration.DEFAULT_YARN_APPLICATION_CLASSPATH). */
export const DEFAULT_YARN_APPLICATION_CLASSPATH = [
  '$HADOOP_CONF_DIR',
  '$HADOOP_COMMON_HOME/share/hadoop/common/*',
  '$HADOOP_COMMON_HOME/share/hadoop/common/lib/*',
  '$HADOOP_HDFS_HOME/share/hadoop/hdfs/*',
  '$HADOOP_HDFS_HOME/share/hadoop/hdfs/lib/*',
  '$HADOOP_YARN_HOME/share/hadoop/yarn/*',
  '$HADOOP_YARN_HOME/share/hadoop/yarn/lib/*',
];

/** yarn.container-start-command-template's default. */
export const DEFAULT_START_COMMAND_TEMPLATE = '%java% %jvmmem% %jvmopts% %logging% %class% %args% %redirects%';

/** Java's String.hashCode. */
function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * Flink's Utils.getStartCommand: each %name% replaced in the order a Java HashMap of these seven
 * keys iterates (by bucket of 16, then insertion), each replacement followed by one pass that
 * turns double spaces into single ones, then trimmed; so a custom template ends up spaced as
 * Flink's client spaces it.
 */
export function startCommand(template: string, values: Readonly<Record<string, string>>): string {
  const bucket = (k: string) => {
    const h = javaHash(k);
    return (h ^ (h >>> 16)) & 15;
  };
  const keys = Object.keys(values)
    .map((k, i) => ({ k, i, b: bucket(k) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((x) => x.k);
  let out = template;
  for (const k of keys) out = out.split(`%${k}%`).join(values[k]!).split('  ').join(' ').trim();
  return out;
}

/**
 * The AM container, exactly as Flink 1.19+'s YarnClusterDescriptor lays it out: the same local
 * resource keys, the environment the entrypoint and YarnResourceManagerDriver read back (they
 * rebuild every TaskManager's container from `_FLINK_DIST_JAR` and `_CLIENT_SHIP_FILES`), and the
 * start command from Flink's template `%java% %jvmmem% %jvmopts% %logging% %class% %args% %redirects%`.
 */
export function amContainerSpec(input: AmContainerInput): AmContainerSpec {
  const dist = input.resources.find((r) => r.role === 'dist');
  const config = input.resources.find((r) => r.role === 'config');
  if (dist === undefined || config === undefined)
    throw new FlinkYarnError('INTERNAL', 'the AM needs the Flink dist jar and a configuration file');
  // What Flink lists for the TaskManagers: not the uploaded dist (_FLINK_DIST_JAR), the JobGraph (read
  // by the JobManager only), the keytab or krb5.conf (their own variables); a provided (PUBLIC) dist is.
  const shipped = input.resources.filter(
    (r) => (r.role !== 'dist' || r.visibility === 'PUBLIC') && !['job-graph', 'keytab', 'krb5'].includes(r.role),
  );
  const keytab = input.resources.find((r) => r.role === 'keytab');
  const krb5 = input.resources.find((r) => r.role === 'krb5');
  const legacy = input.flinkVersion[0] === 1 && input.flinkVersion[1] < 19;
  const encode = (r: StagedResource): string => (legacy ? legacyDescriptor(r) : descriptor(r));
  const flinkClasspath = `${classpath(input.resources, input.userJarInclusion ?? 'ORDER').join(':')}:`;
  const environment: Record<string, string> = {
    ...input.extraEnvironment,
    _FLINK_CLASSPATH: flinkClasspath,
    FLINK_LIB_DIR: './lib',
    FLINK_OPT_DIR: './opt',
    _FLINK_DIST_JAR: encode(dist),
    _APP_ID: input.applicationId,
    _CLIENT_HOME_DIR: input.clientHomeDir,
    _CLIENT_SHIP_FILES: shipped.map(encode).join(';'),
    _FLINK_YARN_FILES: input.yarnFilesDir,
    HADOOP_USER_NAME: input.hadoopUserName ?? input.user,
    // The JobManager logs in from _LOCAL_KEYTAB_PATH (it rewrites its keytab option to it) and hands
    // the TaskManagers _REMOTE_KEYTAB_PATH and _KRB5_PATH to localize.
    ...(input.keytab !== undefined
      ? {
          _LOCAL_KEYTAB_PATH: input.keytab.localPath,
          _KEYTAB_PRINCIPAL: input.keytab.principal,
          ...(keytab !== undefined ? { _REMOTE_KEYTAB_PATH: keytab.uri } : {}),
        }
      : {}),
    ...(krb5 !== undefined ? { _KRB5_PATH: krb5.uri } : {}),
    CLASSPATH: [
      ...(input.extraEnvironment.CLASSPATH !== undefined ? [input.extraEnvironment.CLASSPATH] : []),
      flinkClasspath,
      ...input.yarnApplicationClasspath.map((e) => e.trim()),
    ].join(':'),
  };
  // YarnLogConfigUtil.getLoggingYarnCommand: flags only for the two names Flink knows.
  const logFile = '-Dlog.file="<LOG_DIR>/jobmanager.log"';
  const logging =
    input.logConfigKey === 'log4j.properties'
      ? `${logFile} -Dlog4j.configuration=file:log4j.properties -Dlog4j.configurationFile=file:log4j.properties`
      : input.logConfigKey === 'logback.xml'
        ? `${logFile} -Dlogback.configurationFile=file:logback.xml`
        : '';
  const command = startCommand(input.commandTemplate ?? DEFAULT_START_COMMAND_TEMPLATE, {
    java: '$JAVA_HOME/bin/java',
    jvmmem: jvmMemoryFlags(input.memory),
    jvmopts: [
      input.jvmOptions,
      '-XX:+IgnoreUnrecognizedVMOptions',
      ...(krb5 !== undefined ? ['-Djava.security.krb5.conf=krb5.conf'] : []),
    ]
      .filter((o) => o.trim() !== '')
      .join(' '),
    logging,
    class: ENTRYPOINT_CLASSES[input.entrypoint],
    redirects: '1> <LOG_DIR>/jobmanager.out 2> <LOG_DIR>/jobmanager.err',
    args: memoryDynamicArgs(input.memory),
  });
  return {
    'local-resources': {
      entry: input.resources.map((r) => ({
        key: r.key,
        value: {
          resource: uriOf(r.uri),
          type: r.type,
          visibility: r.visibility,
          size: r.size,
          timestamp: r.modificationTime,
        },
      })),
    },
    environment: { entry: Object.entries(environment).map(([key, value]) => ({ key, value })) },
    commands: { command },
    ...(input.tokens !== undefined && input.tokens.length > 0 ? { credentials: credentialsOf(input.tokens) } : {}),
  };
}

/** `{"tokens":{"entry":[{"key":alias,"value":urlString}]}}`; a token not fetched (dry run) shows MASK. */
export function credentialsOf(tokens: readonly ContainerToken[]): ContainerCredentials {
  return { tokens: { entry: tokens.map((t) => ({ key: t.alias, value: t.urlString ?? MASK })) } };
}

/**
 * `_FLINK_CLASSPATH` as Flink's client builds it: user jars first (FIRST), the shipped entries and
 * (ORDER) the user jars sorted together, the dist jar, the JobGraph, the configuration, then user
 * jars again for LAST. DISABLED leaves them off: the entrypoint loads them from usrlib/.
 */
export function classpath(resources: readonly StagedResource[], inclusion: UserJarInclusion): string[] {
  const of = (role: StagedResource['role']) => resources.filter((r) => r.role === role).map((r) => r.key);
  // The user jar and usrlib/'s files: jars by key, other files by their directory, as Flink lists them.
  const user = classpathEntries(resources.filter((r) => r.role === 'user'));
  return [
    ...(inclusion === 'FIRST' ? user : []),
    ...[...classpathEntries(resources.filter((r) => r.role === 'ship')), ...(inclusion === 'ORDER' ? user : [])].sort(),
    ...of('dist'),
    ...of('job-graph'),
    ...of('config'),
    ...(inclusion === 'LAST' ? user : []),
  ];
}

/**
 * Flink's classpath order: the container directory ('', for non-jar files such as log4j.properties)
 * and every shipped jar, sorted; the dist jar and the configuration come last.
 */
export function classpathEntries(shipped: readonly StagedResource[]): string[] {
  const entries = new Set<string>();
  for (const r of shipped) {
    if (r.key.endsWith('jar')) entries.add(r.key);
    // A top-level file's parent is the empty entry, as Flink writes it (Java reads it as '.').
    else entries.add(r.key.includes('/') ? r.key.slice(0, r.key.lastIndexOf('/')) : '');
  }
  return [...entries].sort();
}

/**
 * A resource's location as the RM parses it (java.net.URI): characters a URI path cannot hold
 * (space, %, ?, #, non-ASCII ...) percent-encoded, as Flink's client sends Path.toUri(). The
 * descriptors in the environment keep the plain path, as Flink writes Path.toString().
 */
export function uriOf(location: string): string {
  const at = /^([a-z][a-z0-9+.-]*:\/\/[^/]*)(.*)$/i.exec(location);
  const [prefix, path] = at === null ? ['', location] : [at[1]!, at[2]!];
  return `${prefix}${path.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/gu, (c) => encodeURIComponent(c))}`;
}

/** Flink 1.19+'s YarnLocalResourceDescriptor: single-quoted JSON, fixed field order. */
export function descriptor(r: StagedResource): string {
  const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return `{'resourceKey':${q(r.key)},'path':${q(r.uri)},'size':${r.size},'modificationTime':${r.modificationTime},'visibility':${q(r.visibility)},'resourceType':${q(r.type)}}`;
}

/** Flink 1.11-1.18's YarnLocalResourceDescriptor text form (parsed back with a whitespace-free regex). */
export function legacyDescriptor(r: StagedResource): string {
  return `YarnLocalResourceDescriptor{key=${r.key}, path=${r.uri}, size=${r.size}, modificationTime=${r.modificationTime}, visibility=${r.visibility}, type=${r.type}}`;
}

/**
 * The spec as it may be shown (--dry-run, results): variables named like secrets hidden, secrets
 * inside other values (a JDBC URL, `-D...password=` in JAVA_TOOL_OPTIONS) and in the start
 * command's JVM options hidden, and any credentials (tokens, secrets) hidden.
 */
export function maskAmContainerSpec(spec: AmContainerSpec): AmContainerSpec {
  const masked: AmContainerSpec = {
    ...spec,
    environment: {
      entry: spec.environment.entry.map((e) => ({
        key: e.key,
        value: isSecretName(e.key) ? MASK : maskSecretsIn(e.value),
      })),
    },
    commands: { command: maskSecretsIn(spec.commands.command) },
  };
  // YARN's CredentialsInfo ({tokens, secrets}: {entry: [{key, value}]}): the aliases stay, every value goes.
  const credentials = spec.credentials;
  if (credentials === undefined) return masked;
  const hide = (map: { readonly entry: readonly { key: string }[] }) => ({
    entry: map.entry.map((e) => ({ key: e.key, value: MASK })),
  });
  return {
    ...masked,
    credentials: {
      tokens: hide(credentials.tokens),
      ...(credentials.secrets !== undefined ? { secrets: hide(credentials.secrets) } : {}),
    },
  };
}
