import type { ConnectionOptions } from '../../context/index.js';
import type { Diagnostic } from '../../diagnostics/index.js';
import type { SavepointRestore } from '../../session/plan.js';
import type { PublicPlan } from '../../session/public-plan.js';
import type { YarnAppState } from '../../yarn/model.js';
import type { RmEvent } from '../../yarn/rm-client.js';

/** Everything `yarn-session` / `flink-yarn session` accepts. */
export interface SessionOptions extends ConnectionOptions {
  /** @default $FLINK_HOME */
  readonly flinkHome?: string | undefined;
  /** -D, plus what the short flags (-jm, -s, -nm ...) translate to. */
  readonly dynamicProperties?: Readonly<Record<string, string>>;
  /**
   * What `.yarn-properties-<user>` records as the session's dynamic properties: Flink's CLI writes
   * only the -D pairs there, not the keys its flags set. @default dynamicProperties
   */
  readonly recordedProperties?: Readonly<Record<string, string>>;
  /** -t */
  readonly shipFiles?: readonly string[];
  /** -j */
  readonly distJar?: string | undefined;
  /** -z */
  readonly zookeeperNamespace?: string | undefined;
  /** -d: return once RUNNING (or right after submission with noWait). */
  readonly detached: boolean;
  readonly noWait?: boolean;
  /** Bound on the wait for RUNNING. @default 300000 */
  readonly timeoutMs?: number;
  /** Print the plan; submit and create nothing. */
  readonly dryRun?: boolean;
  /** With applicationId, a dry run needs no ResourceManager. */
  readonly hadoopVersion?: string | undefined;
  readonly applicationId?: string | undefined;
  /** Where .yarn-properties-<user> goes. @default yarn.properties-file.location, then the OS temp dir */
  readonly propertiesDir?: string | undefined;
  /** Aborting (Ctrl-C) stops the deploy at the next step and cleans up what it created. */
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: SessionEvent) => void;
  /**
   * Registers files already on HDFS with the same content instead of uploading them again
   * (content-addressed under `<home>/.flink-yarn/cache`). @default true
   */
  readonly reuseUploads?: boolean;
  /** Deploys an application (or, with a JobGraph file, a per-job) cluster for one job instead of a session. */
  readonly program?: ProgramOptions | undefined;
  /** How often the wait for RUNNING looks. @default 250 */
  readonly pollMs?: number;
  /**
   * A NameNode host to the IP address that names its delegation token's service, on a
   * Kerberos-secured cluster (hadoop.security.token.service.use_ip). @default systemResolver (DNS, IPv4 first)
   */
  readonly resolveHost?: (host: string) => Promise<string>;
}

/** `flink-yarn run`: the job a dedicated cluster runs. */
export interface ProgramOptions {
  /** The user jar (local path). */
  readonly jar: string;
  readonly mainClass?: string | undefined;
  readonly args?: readonly string[];
  readonly parallelism?: number | undefined;
  /** A serialized JobGraph: runs the legacy per-job entrypoint instead of application mode. */
  readonly jobGraph?: string | undefined;
  /** -s, -n, -cm: restore from a savepoint. */
  readonly restore?: SavepointRestore | undefined;
  /** -C: class path URLs for the user code. */
  readonly classpaths?: readonly string[] | undefined;
  /** -sae */
  readonly shutdownOnAttachedExit?: boolean | undefined;
}

export type SessionEvent =
  | { readonly kind: 'preflight'; readonly detail: string }
  | { readonly kind: 'application-id'; readonly applicationId: string }
  | { readonly kind: 'staging'; readonly files: number; readonly bytes: number; readonly dir: string }
  | {
      readonly kind: 'staged';
      readonly files: number;
      readonly bytes: number;
      readonly ms: number;
      readonly reusedFiles: number;
      readonly reusedBytes: number;
    }
  | { readonly kind: 'submitted'; readonly applicationId: string }
  | { readonly kind: 'state'; readonly state: YarnAppState; readonly elapsedMs: number }
  | { readonly kind: 'cleanup'; readonly detail: string }
  | { readonly kind: 'diagnostic'; readonly diagnostic: Diagnostic }
  | RmEvent;

export interface SessionResult {
  readonly plan: PublicPlan;
  readonly state: YarnAppState | 'PLANNED' | 'SUBMITTED';
  readonly trackingUrl: string | null;
  readonly restAddress: string | null;
  readonly propertiesFile: string | null;
  readonly bytesUploaded: number;
  /** Bytes registered from earlier uploads of the same content instead of being sent again. */
  readonly bytesReused: number;
  readonly stagingDir: string | null;
}
