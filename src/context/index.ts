import type { AgentOptions } from 'node:https';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { systemClock, type Clock } from '../async/poll.js';
import { UsageError } from '../errors/index.js';
import { FlinkRestClient } from '../flink/rest-client.js';
import { hdfsEndpoints, WebHdfsClient } from '../hdfs/webhdfs-client.js';
import { axiosTransport } from '../http/axios-transport.js';
import { negotiateStreamGet, negotiateTransport, Negotiator, type Gssapi } from '../http/negotiate.js';
import { streamGetWith, type StreamGet } from '../http/stream-get.js';
import { kerberosGssapi } from '../http/gssapi.js';
import type { RetryPolicy } from '../http/retry.js';
import { readCaFile, readExtraCaCerts, trustOptions } from '../http/tls.js';
import type { HttpTransport } from '../http/transport.js';
import { rmEndpoints } from '../yarn/endpoints.js';
import { ResourceManagerClient, type RmEvent } from '../yarn/rm-client.js';
import { connectZooKeeper, type ZooKeeperDeps, type ZooKeeperSession } from '../zookeeper/client.js';
import { quorumReachability, type MemberReachability } from '../zookeeper/reachability.js';
import { zooKeeperSettings, type ZooKeeperSettings } from '../zookeeper/settings.js';
import {
  resolveConfiguration,
  type ConfigurationOptions,
  type ConfigurationScope,
  type ResolvedConfiguration,
} from './configuration.js';
import { ticketCachePrincipal } from './ccache.js';
import { kerberosLogin, kerberosUser, principalShortName, type KerberosLogin } from './kerberos.js';
import { hadoopSecurityOn } from '../config/hadoop/security.js';

export { resolveConfiguration, type ConfigurationOptions, type ConfigurationScope, type ResolvedConfiguration };
export { kerberosLogin, principalShortName, type KerberosLogin };

/** What every command that talks to a cluster accepts: where configuration is, and how to connect. */
export interface ConnectionOptions extends ConfigurationOptions {
  /** Comma-separated ResourceManager web addresses; overrides yarn-site. */
  readonly rm?: string | undefined;
  /**
   * For the RM, WebHDFS and Flink REST clients. An injected transport is used as it is: no
   * SPNEGO (unless `gssapi` is given too) and no `ca`.
   * @default axios, with SPNEGO and `ca`
   */
  readonly transport?: HttpTransport;
  /**
   * A keytab to authenticate with (SPNEGO), with `principal`; resolved against `cwd`. Its
   * contents are never read by this client.
   * @default security.kerberos.login.keytab of the Flink configuration (when the command reads one), else the ticket cache
   */
  readonly keytab?: string | undefined;
  /**
   * The Kerberos principal of `keytab` (both or neither). Its short name is the Hadoop user (on a
   * cluster whose core-site does not turn Kerberos on, `user` wins).
   * @default security.kerberos.login.principal, with the keytab
   */
  readonly principal?: string | undefined;
  /** A PEM file of CA certificates trusted for https endpoints, besides Node's own. @default Node's (and NODE_EXTRA_CA_CERTS) */
  readonly ca?: string | undefined;
  /**
   * Makes SPNEGO tokens; given with `transport`, SPNEGO wraps that transport too.
   * @default kerberosGssapi(): the optional 'kerberos' module, loaded on the first 401 that offers Negotiate
   */
  readonly gssapi?: Gssapi;
  /** Per request. @default each client's (RM 10 s, WebHDFS 30 s) */
  readonly requestTimeoutMs?: number;
  /** Retries of what is safe to repeat, for the RM and WebHDFS clients. @default DEFAULT_RETRY_POLICY */
  readonly retry?: RetryPolicy;
  /** @default node-zookeeper-client, and TCP dials for the quorum check */
  readonly zookeeper?: ZooKeeperDeps & {
    readonly reachability?: (quorum: string) => Promise<MemberReachability[]>;
  };
  /** For every wait. @default systemClock */
  readonly clock?: Clock;
  /** ResourceManager failovers and retries. */
  readonly onEvent?: (event: RmEvent) => void;
}

/**
 * One cluster connection, resolved once: configuration, user, endpoints and transport. It makes
 * the clients (each once), so operations never build their own and tests swap the transport here.
 */
export class ClusterContext {
  readonly configuration: ResolvedConfiguration;
  readonly transport: HttpTransport;
  readonly clock: Clock;
  /** Where the client's Kerberos credentials come from; used only when a server asks for Kerberos. */
  readonly kerberos: KerberosLogin;
  private readonly options: ConnectionOptions;
  /** TLS options trusting --ca besides Node's roots; undefined without --ca. */
  private readonly tls: AgentOptions | undefined;
  /** SPNEGO state shared by the transport and streamGet: what each origin asked for, its cookie. */
  private readonly negotiator: Negotiator;
  private rm: ResourceManagerClient | undefined;
  private hdfs: WebHdfsClient | undefined;
  private rmAddresses: readonly string[] | undefined;

  constructor(options: ConnectionOptions, configuration: ResolvedConfiguration) {
    this.options = options;
    this.configuration = configuration;
    this.kerberos = kerberosLogin(options, configuration.config.flink, configuration.cwd);
    // A bad --ca is bad usage even where an injected transport makes it unused.
    const certificates =
      options.ca === undefined ? undefined : readCaFile(resolve(configuration.cwd, options.ca), options.ca);
    this.tls = certificates === undefined ? undefined : trustOptions(certificates, readExtraCaCerts(configuration.env));
    const login = this.kerberos;
    const keytab = login.source === 'ticket-cache' ? undefined : login.keytab;
    const principal = login.source === 'ticket-cache' ? undefined : login.principal;
    this.negotiator = new Negotiator({ gssapi: options.gssapi ?? kerberosGssapi({ keytab }), principal, keytab });
    this.transport = this.makeTransport();
    this.clock = options.clock ?? systemClock;
  }

  /** axios (trusting `ca`) under SPNEGO; an injected transport as it is, unless a GSSAPI is injected too. */
  private makeTransport(): HttpTransport {
    const { transport, gssapi } = this.options;
    if (transport !== undefined && gssapi === undefined) return transport;
    const inner = transport ?? axiosTransport(this.tls === undefined ? {} : { tls: this.tls });
    return negotiateTransport(inner, this.negotiator);
  }

  /**
   * Streaming GETs (container logs from NodeManagers), with the transport's TLS trust and SPNEGO
   * (sharing what the transport learnt of each server).
   */
  streamGet(): StreamGet {
    const { transport, gssapi } = this.options;
    const plain = streamGetWith(this.tls === undefined ? {} : { tls: this.tls });
    return transport !== undefined && gssapi === undefined ? plain : negotiateStreamGet(plain, this.negotiator);
  }

  /** Reads the configuration the scope names and returns the context over it. */
  static open(options: ConnectionOptions, scope: ConfigurationScope = {}): ClusterContext {
    return new ClusterContext(options, resolveConfiguration(options, scope));
  }

  get config(): ResolvedConfiguration['config'] {
    return this.configuration.config;
  }

  /**
   * The Hadoop user. Under Kerberos (core-site), the principal the client logs in as: its short
   * name (`alice` of `alice/host@REALM`, as Hadoop's default auth_to_local maps it; see
   * kerberosUser), or with a ticket cache the user the NameNode names (resolveUser); Hadoop
   * ignores HADOOP_USER_NAME there, and --user (user.name) too. Otherwise --user, else a given
   * principal's short name, else $HADOOP_USER_NAME or the OS user.
   */
  get user(): string | undefined {
    const kerberos = kerberosUser(this.kerberos, this.config.hadoop) ?? this.ticketCacheUser;
    // Under Kerberos the servers act as the authenticated principal; --user is simple auth's user.name.
    if (kerberos !== undefined && hadoopSecurityOn(this.config.hadoop)) return kerberos;
    return this.options.user ?? kerberos ?? this.configuration.user;
  }

  private ticketCacheUser: string | undefined;

  /**
   * The user name Flink's client gives the AM (HADOOP_USER_NAME): Hadoop's
   * UserGroupInformation.getUserName, the full principal under Kerberos (`alice@EXAMPLE.COM`),
   * from the login or the ticket cache's file; the Hadoop user otherwise, or where the cache
   * cannot be read (KCM, KEYRING).
   */
  get hadoopUserName(): string | undefined {
    if (!hadoopSecurityOn(this.config.hadoop)) return this.user;
    if (this.kerberos.source !== 'ticket-cache') return this.kerberos.principal;
    return ticketCachePrincipal(this.configuration.env) ?? this.user;
  }

  /**
   * With only a ticket cache on a Kerberos-secured cluster, the principal is known to GSSAPI alone:
   * the NameNode says whom it authenticated (its home directory, after its own auth_to_local), and
   * that user, not HADOOP_USER_NAME or the OS user, is the one deployments act as. A no-op elsewhere.
   */
  async resolveUser(): Promise<void> {
    if (this.kerberos.source !== 'ticket-cache' || this.ticketCacheUser !== undefined) return;
    if (!hadoopSecurityOn(this.config.hadoop)) return;
    const home = await this.webHdfs().homeDirectory();
    const name = home
      .split('/')
      .filter((s) => s !== '')
      .pop();
    if (name === undefined) return;
    this.ticketCacheUser = name;
    // The clients made so far carry the user that was assumed; later ones name this one.
    this.hdfs = undefined;
    this.rm = undefined;
  }

  /** The Kerberos principal given (flags or Flink configuration); undefined with the ticket cache. */
  get kerberosPrincipal(): string | undefined {
    return this.kerberos.source === 'ticket-cache' ? undefined : this.kerberos.principal;
  }

  /** The user deployments act as: they stage under its home and name it to the AM. */
  requireUser(): string {
    const user = this.user;
    if (user === undefined)
      throw new UsageError('Cannot tell the Hadoop user from the OS: pass --user NAME or set HADOOP_USER_NAME.');
    return user;
  }

  /** `--rm`, else every RM of yarn-site (all rm-ids under RM HA). */
  get rmEndpoints(): readonly string[] {
    this.rmAddresses ??= rmEndpoints(this.config.yarnSite, { override: this.options.rm, localHost: hostname() });
    return this.rmAddresses;
  }

  /** Refuses when neither --rm nor a Hadoop configuration says where the RM is (YARN's localhost default would mislead). */
  requireRmConfigured(): void {
    // A malformed --rm is the first thing to report.
    void this.rmEndpoints;
    if (this.options.rm === undefined && this.configuration.yarnDir === undefined) {
      throw new UsageError(
        'No ResourceManager to talk to: pass --rm http://host:8088, --yarn-conf-dir DIR, or set HADOOP_CONF_DIR.',
      );
    }
  }

  resourceManager(): ResourceManagerClient {
    this.rm ??= new ResourceManagerClient({
      endpoints: this.rmEndpoints,
      user: this.user,
      transport: this.transport,
      clock: this.clock,
      ...this.clientTuning(),
      ...(this.options.onEvent !== undefined ? { onEvent: this.options.onEvent } : {}),
    });
    return this.rm;
  }

  webHdfs(): WebHdfsClient {
    this.hdfs ??= this.webHdfsAt(hdfsEndpoints(this.config.hadoop, hostname()));
    return this.hdfs;
  }

  /** A WebHDFS client of other NameNodes (another nameservice, a webhdfs:// URL), tuned as the context's own. */
  webHdfsAt(endpoints: readonly string[]): WebHdfsClient {
    return new WebHdfsClient({ endpoints, user: this.user, transport: this.transport, ...this.clientTuning() });
  }

  private clientTuning(): { requestTimeoutMs?: number; retry?: RetryPolicy } {
    const { requestTimeoutMs, retry } = this.options;
    return {
      ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
      ...(retry !== undefined ? { retry } : {}),
    };
  }

  /** A JobManager's REST API, at the address YARN or ZooKeeper gave. */
  flinkRest(address: string): FlinkRestClient {
    return new FlinkRestClient(address, this.transport);
  }

  /** How Flink reaches ZooKeeper, from the Flink configuration (needs scope.flink). */
  zooKeeperSettings(): ZooKeeperSettings {
    const flinkFile = this.config.flinkFile ?? this.configuration.flinkDir?.dir;
    return zooKeeperSettings(this.config.flink, { flinkFile });
  }

  /** Which quorum members accept a connection, each bounded by its own timer. */
  quorumReachability(quorum: string): Promise<MemberReachability[]> {
    return (this.options.zookeeper?.reachability ?? quorumReachability)(quorum);
  }

  zooKeeper(settings: ZooKeeperSettings = this.zooKeeperSettings()): Promise<ZooKeeperSession> {
    return connectZooKeeper(settings, this.options.zookeeper ?? {});
  }
}
