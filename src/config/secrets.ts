import type { Diagnostic } from '../diagnostics/index.js';

/**
 * What this product never prints: configuration values under sensitive keys, and secrets inside
 * other values (JVM options, URLs, JDBC parameters, environment variables, program arguments).
 * Everything shown to a person (messages, diagnostics, plans, events) goes through here; what is
 * sent to the cluster never does.
 */

/** What a hidden value is shown as: Flink's GlobalConfiguration.HIDDEN_CONTENT. */
export const MASK = '******';

/** Flink 1.20's GlobalConfiguration.SENSITIVE_KEYS: a key containing one of these (any case) is hidden. */
const FLINK_SENSITIVE_KEYS = [
  'password',
  'secret',
  'fs.azure.account.key',
  'apikey',
  'auth-params',
  'service-key',
  'token',
  'basic-auth',
  'jaas.config',
  'http-headers',
];

/** Ours, on top of Flink's. */
const OUR_SENSITIVE_KEYS = [
  // A digest `user:password`, which Flink's list misses.
  'zookeeper.client.authorization',
  'api-key',
  'private-key',
  'credential',
  'passphrase',
  'passwd',
  'keytab-content',
  'encryption-key',
  'signing-key',
];

/** Hadoop 3.4's hadoop.security.sensitive-config-keys (core-default.xml), for the site files. */
const HADOOP_SENSITIVE_KEYS = [
  /secret$/,
  /password$/,
  /ssl\.keystore\.pass$/,
  /fs\.s3a\..*server-side-encryption\.key/,
  /fs\.s3a\.encryption\.(algorithm|key)/,
  /fs\.s3a\..*(secret|session)\.key/,
  /fs\.s3a\..*session\.token/,
  /fs\.azure\.account\.key/,
  /fs\.(azure|adl)\.oauth2\./,
  /fs\.gs\.(encryption|proxy|auth)\./,
  /credential$/,
  /oauth.*(secret|password|token)/,
];

/** Last words that name a password in environment variables and flags (`DB_PASS`, `--pwd`). */
const PASSWORD_WORDS = new Set(['pass', 'passwd', 'pwd', 'pw']);

/** `containerized.master.env.NAME`: an environment variable, hidden when NAME looks secret. */
const ENV_KEY = /^containerized\.(?:master|taskmanager)\.env\.(.+)$/;

/** Flink's list-typed key holding the program's arguments, shipped to application clusters. */
const PROGRAM_ARGS_KEY = '$internal.application.program-args';

/** `keyStorePassword`, `API_KEY`, `auth.params` as lower-case words joined by `-`. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

const FRAGMENTS = [...FLINK_SENSITIVE_KEYS, ...OUR_SENSITIVE_KEYS];
// The same, for names spelled with `_`, `-` or camelCase (`API_KEY`, `jaasConfig`).
const WORD_FRAGMENTS = FRAGMENTS.map((f) => f.replace(/\./g, '-'));

function fragmentMatch(name: string): boolean {
  const lower = name.toLowerCase();
  if (FRAGMENTS.some((f) => lower.includes(f))) return true;
  const joined = words(name).join('-');
  return WORD_FRAGMENTS.some((f) => joined.includes(f));
}

/**
 * Configuration keys whose values are never printed: Flink's own list, Hadoop's, a few of ours,
 * and `containerized.*.env.NAME` where NAME looks like a secret.
 */
export function isSensitiveKey(key: string): boolean {
  if (fragmentMatch(key)) return true;
  const lower = key.toLowerCase();
  if (HADOOP_SENSITIVE_KEYS.some((p) => p.test(lower))) return true;
  const env = ENV_KEY.exec(key);
  return env !== null && isSecretName(env[1]!);
}

/**
 * A name that labels a secret: an environment variable (`DB_PASSWORD`, `API_TOKEN`, `MYSQL_PWD`),
 * a program flag (`--pass`, `--api-key`), a `-D` or URL parameter name. Broader than the keys.
 */
export function isSecretName(name: string): boolean {
  const last = words(name).pop();
  return fragmentMatch(name) || (last !== undefined && PASSWORD_WORDS.has(last));
}

// `name=value` or `name: value` inside a value, after a start, a space, a URL/JDBC separator or
// another `=`/`:` (so `opts:-Dpassword=x` is found); `-D` and `--` prefixes stay with the name.
const NAMED_VALUE = /(?<=^|[\s?&;,"'({[=:])(-D|-{1,2})?([A-Za-z_][\w.-]*)(=|:[ \t]*)/g;
// After `=` a value runs to a space, `&`, `;` or a quote; after `:` (a map) also to `,` `}` `]`.
const VALUE_AFTER_EQUALS = /"[^"]*"|'[^']*'|[^\s&;"']+/y;
const VALUE_AFTER_COLON = /"[^"]*"|'[^']*'|[^\s&;,"'})\]]+/y;
// `scheme://user:password@host`
// (the scheme starts where a word does, which keeps a long value linear to scan)
const URL_USERINFO = /(?<![a-zA-Z0-9+.-])([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s/@:]*):([^\s/@]+)@/g;
// Oracle's `jdbc:oracle:thin:user/password@host`
const ORACLE_JDBC = /(jdbc:oracle:[a-z]+:[^\s/@:]+)\/([^\s@]+)@/gi;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/-]+=*/g;

/**
 * A value with the secrets inside it hidden: `-Djavax.net.ssl.keyStorePassword=x` in JVM
 * options, `password=x` and `token: x`, JDBC `;password=x` and `&password=x`, `user:pass@` in
 * URLs, `Bearer x`.
 */
export function maskSecretsIn(text: string): string {
  return maskNamedValues(text)
    .replace(URL_USERINFO, `$1:${MASK}@`)
    .replace(ORACLE_JDBC, `$1/${MASK}@`)
    .replace(BEARER, `$1${MASK}`);
}

function maskNamedValues(text: string): string {
  let out = '';
  let copied = 0;
  NAMED_VALUE.lastIndex = 0;
  for (let m = NAMED_VALUE.exec(text); m !== null; m = NAMED_VALUE.exec(text)) {
    // A name that is not secret: scan on from its value, which may hold one (`opts=-Dpassword=x`).
    if (!isSecretName(m[2]!)) continue;
    const value = m[3]!.startsWith('=') ? VALUE_AFTER_EQUALS : VALUE_AFTER_COLON;
    value.lastIndex = NAMED_VALUE.lastIndex;
    const found = value.exec(text);
    if (found === null) continue;
    out += `${text.slice(copied, NAMED_VALUE.lastIndex)}${MASK}`;
    copied = NAMED_VALUE.lastIndex = value.lastIndex;
  }
  return out + text.slice(copied);
}

/** A configuration value as it may be shown: hidden under a sensitive key, else its inner secrets. */
export function maskValue(key: string, value: string): string {
  if (isSensitiveKey(key)) return MASK;
  if (key === PROGRAM_ARGS_KEY) return maskEncodedProgramArgs(value);
  return maskSecretsIn(value);
}

/** A configuration (the shipped one, effective values) as it may be shown. */
export function maskConfiguration<V>(config: Readonly<Record<string, V>>): Record<string, V | string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === 'string' ? maskValue(k, v) : v]));
}

/** A diagnostic whose message may quote a value: the last guard before it is shown. */
export function maskDiagnostic(d: Diagnostic): Diagnostic {
  const message = maskSecretsIn(d.message);
  return message === d.message ? d : { ...d, message };
}

/**
 * A configuration line Flink or ZooKeeper skipped, as it may be echoed: the part after the first
 * `:`, `=` or space is hidden when the part before looks like a sensitive key.
 */
export function maskConfigLine(content: string): string {
  const sep = /[:=\s]/.exec(content);
  if (sep === null) return maskSecretsIn(content);
  const key = content.slice(0, sep.index).trim();
  return isSensitiveKey(key) || isSecretName(key)
    ? `${content.slice(0, sep.index + 1)}${MASK}`
    : maskSecretsIn(content);
}

/**
 * Program arguments as they may be shown: the value after a secret-looking flag (`--password x`,
 * `--pass x`), `--token=x`, and secrets inside any argument (`password=x`, JDBC and URL passwords).
 */
export function maskProgramArgs(args: readonly string[]): string[] {
  return args.map((arg, i) => {
    const flagWithValue = /^(-{1,2}([^=\s]+))=/.exec(arg);
    if (flagWithValue !== null && isSecretName(flagWithValue[2]!)) return `${flagWithValue[1]}=${MASK}`;
    const previous = args[i - 1];
    const flag = previous === undefined ? undefined : /^-{1,2}([A-Za-z][^=\s]*)$/.exec(previous)?.[1];
    if (flag !== undefined && isSecretName(flag)) return MASK;
    return maskSecretsIn(arg);
  });
}

/** `$internal.application.program-args` in either encoding (a JSON list for 2.x, `a;'b;c'` for 1.x). */
function maskEncodedProgramArgs(value: string): string {
  if (value.startsWith('[')) {
    try {
      const list: unknown = JSON.parse(value);
      if (Array.isArray(list) && list.every((a) => typeof a === 'string')) {
        return JSON.stringify(maskProgramArgs(list));
      }
    } catch {
      // not JSON: a 1.x list that happens to start with '['
    }
  }
  return maskProgramArgs(splitLegacyList(value))
    .map((v) => (/[;'"]/.test(v) ? `'${v.replace(/'/g, "''")}'` : v))
    .join(';');
}

/** Flink 1.x's list encoding: `;`-separated, an element holding `;` or a quote single-quoted, quotes doubled. */
function splitLegacyList(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted) {
      if (c === "'" && value[i + 1] === "'") {
        current += "'";
        i++;
      } else if (c === "'") quoted = false;
      else current += c;
    } else if (c === "'" && current === '') quoted = true;
    else if (c === ';') {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** A credential that never prints: JSON, util.inspect and string conversion all show the mask. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The value, for the one place that sends it. */
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return MASK;
  }
  toString(): string {
    return MASK;
  }
  [INSPECT](): string {
    return MASK;
  }
}
