import { dynamicProperties, type Flag } from './spec.js';

// The flags more than one command reads; a command's own are in its spec (specs/).

/** yarn-session.sh's memory flags: a bare number means megabytes. */
function megabytesIfBare(value: string): string {
  return /^\d+$/.test(value.trim()) ? `${value.trim()}m` : value.trim();
}

export const OUTPUT = {
  name: 'output',
  alias: 'o',
  choices: ['text', 'json'],
  default: 'text',
  describe: 'text for people; json prints one JSON document on stdout',
  global: true,
} as const satisfies Flag;
export const FLINK_CONF_DIR = {
  name: 'flink-conf-dir',
  type: 'string',
  describe: 'default: $FLINK_CONF_DIR, $FLINK_HOME/conf, ./conf',
  global: true,
} as const satisfies Flag;
export const YARN_CONF_DIR = {
  name: 'yarn-conf-dir',
  type: 'string',
  describe: 'default: $YARN_CONF_DIR, $HADOOP_CONF_DIR, $HADOOP_HOME/etc/hadoop',
  global: true,
} as const satisfies Flag;
export const DYNAMIC_PROPERTIES = {
  name: 'D',
  property: 'dynamicProperties',
  type: 'string',
  array: true,
  describe: 'key=value: override a Flink configuration key',
  global: true,
  map: dynamicProperties,
} as const satisfies Flag;
export const USER = {
  name: 'user',
  type: 'string',
  describe: 'Hadoop user on simple-auth clusters (default: $HADOOP_USER_NAME, then the OS user)',
  global: true,
} as const satisfies Flag;
export const RM = {
  name: 'rm',
  type: 'string',
  describe: 'ResourceManager web address(es), comma-separated (default: from yarn-site.xml)',
  global: true,
} as const satisfies Flag;

export const KEYTAB = {
  name: 'keytab',
  type: 'string',
  describe: 'Kerberos keytab, with --principal (default: security.kerberos.login.keytab, then the ticket cache)',
  global: true,
} as const satisfies Flag;
export const PRINCIPAL = {
  name: 'principal',
  type: 'string',
  describe: 'Kerberos principal of --keytab; its short name is the Hadoop user',
  global: true,
} as const satisfies Flag;
export const CA = {
  name: 'ca',
  type: 'string',
  describe: "PEM file of CA certificates to trust for https endpoints, besides Node's own",
  global: true,
} as const satisfies Flag;

/** Accepted by every command, in this order in `--help`. */
export const GLOBAL_FLAGS = [
  OUTPUT,
  FLINK_CONF_DIR,
  YARN_CONF_DIR,
  DYNAMIC_PROPERTIES,
  USER,
  RM,
  KEYTAB,
  PRINCIPAL,
  CA,
] as const;

/** What a command that talks to the ResourceManager reads. */
export const CONNECTION_FLAGS = [OUTPUT, YARN_CONF_DIR, RM, USER, KEYTAB, PRINCIPAL, CA] as const;

/**
 * The deployment flags `session` and `run` share (yarn-session.sh's, plus ours), by the property
 * they fill. A command that spells one differently spreads it: `{ ...DEPLOYMENT.slots, short: '-ys' }`.
 */
export const DEPLOYMENT = {
  jobManagerMemory: {
    name: 'jobManagerMemory',
    type: 'string',
    short: '-jm',
    describe: 'JobManager process memory (MB without unit)',
    flink: { key: 'jobmanager.memory.process.size', value: megabytesIfBare },
  },
  taskManagerMemory: {
    name: 'taskManagerMemory',
    type: 'string',
    short: '-tm',
    describe: 'TaskManager process memory (MB without unit)',
    flink: { key: 'taskmanager.memory.process.size', value: megabytesIfBare },
  },
  slots: {
    name: 'slots',
    alias: 's',
    type: 'number',
    describe: 'task slots per TaskManager',
    flink: { key: 'taskmanager.numberOfTaskSlots' },
  },
  name: {
    name: 'name',
    type: 'string',
    short: '-nm',
    describe: 'YARN application name',
    flink: { key: 'yarn.application.name' },
  },
  queue: {
    name: 'queue',
    type: 'string',
    short: '-qu',
    describe: 'YARN queue',
    flink: { key: 'yarn.application.queue' },
  },
  nodeLabel: {
    name: 'nodeLabel',
    type: 'string',
    short: '-nl',
    describe: 'YARN node label',
    flink: { key: 'yarn.application.node-label' },
  },
  applicationType: {
    name: 'applicationType',
    type: 'string',
    short: '-at',
    describe: 'YARN application type (default "Apache Flink")',
    flink: { key: 'yarn.application.type' },
  },
  ship: {
    name: 'ship',
    alias: 't',
    type: 'string',
    array: true,
    describe: 'ship a file or directory to the cluster (replaces yarn.ship-files)',
    flink: { key: 'yarn.ship-files', value: (files: readonly string[]) => files.join(';') },
  },
  jar: { name: 'jar', alias: 'j', type: 'string', describe: "path to Flink's dist jar" },
  zookeeperNamespace: {
    name: 'zookeeperNamespace',
    alias: 'z',
    type: 'string',
    describe: 'HA cluster-id (default: the application id)',
  },
  noWait: {
    name: 'wait',
    property: 'noWait',
    type: 'boolean',
    default: true,
    describe: 'with -d, --no-wait returns right after submission',
    map: (wait: boolean) => !wait,
  },
  timeout: { name: 'timeout', type: 'number', describe: 'seconds to wait for RUNNING (default 300)' },
  flinkHome: { name: 'flink-home', type: 'string', describe: 'the Flink distribution to ship (default $FLINK_HOME)' },
  reuseUploads: {
    name: 'reuse-uploads',
    type: 'boolean',
    default: true,
    optional: true,
    describe:
      'register jars already on HDFS with the same content instead of uploading them again (--no-reuse-uploads)',
  },
  dryRun: { name: 'dry-run', type: 'boolean', default: false, describe: 'print the plan; submit and create nothing' },
  hadoopVersion: {
    name: 'hadoop-version',
    type: 'string',
    describe: 'with --dry-run and --applicationId: plan offline',
  },
} as const satisfies Readonly<Record<string, Flag>>;

/** A flag without its one-letter alias, for a command where that letter means something else. */
export function withoutAlias<F extends Flag>(flag: F): Omit<F, 'alias'> {
  const { alias, ...rest } = flag;
  void alias;
  return rest;
}

/** What `session` and `run` read: the global flags and the deployment flags, in `--help` order. */
export const DEPLOYMENT_FLAGS = [...GLOBAL_FLAGS, ...Object.values(DEPLOYMENT)] as const;
