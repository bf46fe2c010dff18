import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { FlinkYarnError } from '../errors/index.js';

/**
 * What SPNEGO needs of GSSAPI: a first token for a server. negotiateTransport speaks only this,
 * so tests use a fake and never load the native module.
 */
export interface Gssapi {
  /**
   * A base64 SPNEGO token for the service `HTTP@<host>`, with the credentials of `principal` (the
   * ticket cache's default principal when undefined). Every call starts a new security context:
   * a token is good for one request, as the server's replay cache refuses it a second time.
   */
  token(host: string, principal?: string): Promise<string>;
}

/** The part of the npm `kerberos` module (mongodb-js, v7) used here. */
export interface KerberosModule {
  initializeClient(
    service: string,
    options: { readonly principal?: string; readonly mechOID?: number },
  ): Promise<{ step(challenge: string): Promise<string> }>;
  readonly GSS_MECH_OID_SPNEGO: number;
}

/**
 * The optional `kerberos` module is not installed, or it is and does not load (not built, or
 * libgssapi_krb5 missing). negotiateTransport turns it into KERBEROS_UNAVAILABLE, naming the
 * server that asked for Kerberos.
 */
export class GssapiUnavailableError extends Error {
  constructor(
    /** What failed, in one line: the loader's own words. */
    readonly reason: string,
    /** The module itself is absent (an optional dependency whose build failed is removed by npm). */
    readonly notInstalled: boolean,
    options?: { cause?: unknown },
  ) {
    super(`the 'kerberos' module is ${notInstalled ? 'not installed' : 'not loadable'}: ${reason}`, options);
  }
}

export interface KerberosGssapiOptions {
  /**
   * A keytab to log in from instead of the ticket cache (with the principal of each call). MIT
   * Kerberos gets tickets from it by itself when KRB5_CLIENT_KTNAME names it; KRB5CCNAME then
   * points at a private in-memory cache, so the user's own ticket cache is neither read nor
   * overwritten. Both are set in `env` before the first GSSAPI call, for the rest of the process.
   * @default undefined: the ticket cache (KRB5CCNAME, kinit)
   */
  readonly keytab?: string | undefined;
  /** Where KRB5_CLIENT_KTNAME and KRB5CCNAME are set for a keytab. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Loads the native module. @default `require('kerberos')`, resolved from this file */
  readonly load?: () => KerberosModule;
}

/**
 * GSSAPI through the optional npm module `kerberos`, loaded on the first token and not before:
 * a command against an insecure cluster never loads the native addon.
 */
export function kerberosGssapi(options: KerberosGssapiOptions = {}): Gssapi {
  const load = options.load ?? loadKerberosModule;
  let loaded: { module: KerberosModule } | { failure: GssapiUnavailableError } | undefined;
  let keytabReady = false;
  const module = (): KerberosModule => {
    loaded ??= tryLoad(load);
    if ('failure' in loaded) throw loaded.failure;
    return loaded.module;
  };
  return {
    async token(host, principal) {
      const kerberos = module();
      if (options.keytab !== undefined && !keytabReady) {
        useKeytab(options.keytab, principal, options.env ?? process.env);
        keytabReady = true;
      }
      const client = await kerberos.initializeClient(`HTTP@${host}`, {
        mechOID: kerberos.GSS_MECH_OID_SPNEGO,
        ...(principal !== undefined ? { principal } : {}),
      });
      return client.step('');
    },
  };
}

function loadKerberosModule(): KerberosModule {
  // Resolved from this file (from dist/cli.cjs in the bundle, where esbuild leaves it external).
  return createRequire(import.meta.url)('kerberos') as KerberosModule;
}

function tryLoad(load: () => KerberosModule): { module: KerberosModule } | { failure: GssapiUnavailableError } {
  try {
    return { module: load() };
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    const reason = String(error?.message ?? e).split('\n', 1)[0]!;
    // "Cannot find module 'kerberos'": absent. "Cannot find module '../build/Release/kerberos.node'": not built.
    const notInstalled = error?.code === 'MODULE_NOT_FOUND' && /Cannot find module 'kerberos'/.test(reason);
    return { failure: new GssapiUnavailableError(reason, notInstalled, { cause: e }) };
  }
}

/** Points MIT Kerberos at the keytab, with a ticket cache of this process's own. */
function useKeytab(keytab: string, principal: string | undefined, env: NodeJS.ProcessEnv): void {
  let file = false;
  try {
    file = statSync(keytab).isFile();
  } catch {
    file = false;
  }
  if (!file) {
    throw new FlinkYarnError(
      'KERBEROS_NO_CREDENTIALS',
      `The keytab ${keytab}${principal !== undefined ? ` (for ${principal})` : ''} does not exist or is not a file on this machine: fix --keytab (or security.kerberos.login.keytab), or run \`kinit\` and give no keytab.`,
    );
  }
  // MIT Kerberos reads these once per process: a second keytab would sign the first one's requests too.
  const keytabInUse = keytabsInUse.get(env);
  if (keytabInUse !== undefined && keytabInUse !== keytab) {
    throw new FlinkYarnError(
      'KERBEROS_FAILED',
      `This process already logs in from the keytab ${keytabInUse}; it cannot also log in from ${keytab}: use one keytab per process.`,
    );
  }
  keytabsInUse.set(env, keytab);
  env.KRB5_CLIENT_KTNAME = keytab;
  env.KRB5CCNAME ??= `MEMORY:flink-yarn-${randomUUID()}`;
  if (!env.KRB5CCNAME.startsWith('MEMORY:flink-yarn-')) env.KRB5CCNAME = `MEMORY:flink-yarn-${randomUUID()}`;
}

/** The keytab each environment (the process's, in practice) logs in from, once one was used. */
const keytabsInUse = new WeakMap<NodeJS.ProcessEnv, string>();
