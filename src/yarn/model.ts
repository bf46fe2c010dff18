/**
 * The RM's JSON, normalised. Hadoop's REST API returns `null` for empty lists, a single object
 * where an array is expected, tags as one comma-separated string, and shifts shapes between
 * Jersey 1 (Hadoop 3.4) and Jersey 2 (3.5). These pure functions absorb all of that, so the
 * rest of the product sees one shape. Field names stay the RM's own (camelCase).
 */

export type YarnAppState =
  'NEW' | 'NEW_SAVING' | 'SUBMITTED' | 'ACCEPTED' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';
export type FinalStatus = 'UNDEFINED' | 'SUCCEEDED' | 'FAILED' | 'KILLED' | 'ENDED';

export const TERMINAL_STATES: readonly YarnAppState[] = ['FINISHED', 'FAILED', 'KILLED'];

export interface YarnApplication {
  readonly id: string;
  readonly user: string;
  readonly name: string;
  readonly queue: string;
  readonly state: YarnAppState;
  readonly finalStatus: FinalStatus;
  readonly progress: number;
  readonly trackingUrl?: string;
  readonly diagnostics: string;
  readonly applicationType: string;
  readonly applicationTags: readonly string[];
  readonly priority?: number;
  readonly startedTime: number;
  readonly finishedTime: number;
  readonly elapsedTime: number;
  readonly amContainerLogs?: string;
  readonly amHostHttpAddress?: string;
  readonly amRPCAddress?: string;
  readonly runningContainers?: number;
  readonly allocatedMB?: number;
  readonly allocatedVCores?: number;
  /** Every other field the RM sent, untouched. */
  readonly [field: string]: unknown;
}

export interface AppAttempt {
  readonly id: number;
  readonly appAttemptId?: string;
  readonly startTime: number;
  readonly finishedTime: number;
  readonly containerId?: string;
  readonly nodeHttpAddress?: string;
  readonly nodeId?: string;
  readonly logsLink?: string;
  readonly appAttemptState?: string;
  readonly diagnosticsInfo?: string;
  readonly [field: string]: unknown;
}

export interface ClusterInfo {
  readonly id: number;
  readonly state: string;
  readonly haState: string;
  readonly resourceManagerVersion: string;
  readonly hadoopVersion: string;
  readonly haZooKeeperConnectionState?: string;
  readonly [field: string]: unknown;
}

export interface NewApplication {
  readonly applicationId: string;
  readonly maximumResourceCapability: { readonly memory: number; readonly vCores: number };
}

type Json = Record<string, unknown>;

/** One element, several, or none: always an array. */
export function asArray<T>(value: T | readonly T[] | null | undefined): T[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? [...(value as T[])] : [value as T];
}

/** Unwraps `{outer: {inner: [...]}}`, `{outer: null}`, `{inner: [...]}` and bare arrays alike. */
export function listOf(json: unknown, outer: string, inner: string): Json[] {
  if (Array.isArray(json)) return json as Json[];
  if (!isObject(json)) return [];
  if (outer in json) {
    const wrapper = json[outer];
    if (wrapper === null || wrapper === undefined) return [];
    if (Array.isArray(wrapper)) return wrapper as Json[];
    if (isObject(wrapper)) return asArray<Json>(wrapper[inner] as Json | Json[] | null);
    return [];
  }
  if (inner in json) return asArray<Json>(json[inner] as Json | Json[] | null);
  return [];
}

/** Normalizes in place: a listing of 100,000 apps must not exist twice in memory. */
export function normalizeApp(raw: Json): YarnApplication {
  return Object.assign(raw, {
    id: str(raw.id),
    user: str(raw.user),
    name: str(raw.name),
    queue: str(raw.queue),
    state: str(raw.state) as YarnAppState,
    finalStatus: str(raw.finalStatus) as FinalStatus,
    progress: num(raw.progress),
    diagnostics: str(raw.diagnostics),
    applicationType: str(raw.applicationType),
    applicationTags: tags(raw.applicationTags),
    startedTime: num(raw.startedTime),
    finishedTime: num(raw.finishedTime),
    elapsedTime: num(raw.elapsedTime),
    ...(raw.priority !== undefined ? { priority: num(raw.priority) } : {}),
  }) as YarnApplication;
}

export function normalizeApps(json: unknown): YarnApplication[] {
  return listOf(json, 'apps', 'app').map(normalizeApp);
}

/** `{app: {...}}` (Jersey 1 and 2) or the bare object. */
export function normalizeAppResponse(json: unknown): YarnApplication {
  const raw = isObject(json) && isObject(json.app) ? json.app : (json as Json);
  return normalizeApp(raw);
}

export function normalizeAttempts(json: unknown): AppAttempt[] {
  return listOf(json, 'appAttempts', 'appAttempt').map(
    (raw) =>
      ({
        ...raw,
        id: num(raw.id),
        startTime: num(raw.startTime),
        finishedTime: num(raw.finishedTime),
      }) as AppAttempt,
  );
}

export function normalizeClusterInfo(json: unknown): ClusterInfo {
  const raw = isObject(json) && isObject(json.clusterInfo) ? json.clusterInfo : (json as Json);
  return {
    ...raw,
    id: num(raw.id),
    state: str(raw.state),
    haState: str(raw.haState),
    resourceManagerVersion: str(raw.resourceManagerVersion),
    hadoopVersion: str(raw.hadoopVersion),
  } as ClusterInfo;
}

export function normalizeNewApplication(json: unknown): NewApplication {
  const raw = isObject(json) ? json : {};
  const cap = isObject(raw['maximum-resource-capability']) ? raw['maximum-resource-capability'] : {};
  return {
    applicationId: str(raw['application-id']),
    maximumResourceCapability: { memory: num(cap.memory), vCores: num(cap.vCores) },
  };
}

/** The `hadoopVersion` string's numeric prefix: "3.4.1" -> [3, 4, 1]. */
export function parseHadoopVersion(version: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version.trim());
  return m === null ? undefined : [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

function tags(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter((t) => t !== '');
  if (isObject(value) && 'tag' in value) return asArray(value.tag as string | string[]).map(String);
  // Not parseList: a tag is reported as YARN stored it, spaces included; only empty joins go.
  if (typeof value === 'string') return value.split(',').filter((t) => t !== '');
  return [];
}

function str(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

function num(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : 0;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
