/**
 * The RM's JSON, normalised. Hadoop's REST API returns `null` for empty lists, a single object
 * where an array is expected, tags as one comma-separated string, and shifts shapes between
 * Jersey 1 (Hadoop 3.4) and Jersey 2 (3.5). These pure functions absorb all of that, so the
 * rest of the product sees one shape, and refuse what no RM sends (a `null` app, a time beyond
 * 2^53) with RM_UNEXPECTED_RESPONSE. Field names stay the RM's own (camelCase).
 */

import { clip } from '../diagnostics/index.js';
import { YarnError } from './errors.js';

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

/**
 * Unwraps `{outer: {inner: [...]}}`, `{outer: null}`, `{inner: [...]}` and bare arrays alike.
 * Every element must be an object: a `null` or a number inside the list is a malformed answer,
 * reported as RM_UNEXPECTED_RESPONSE naming the element, never dereferenced.
 */
export function listOf(json: unknown, outer: string, inner: string): Json[] {
  if (Array.isArray(json)) return objects(json, outer);
  if (!isObject(json)) throw malformed(`the answer is ${describe(json)}, where an object with "${outer}" was expected`);
  if (outer in json) {
    const wrapper = json[outer];
    if (wrapper === null || wrapper === undefined) return [];
    if (Array.isArray(wrapper)) return objects(wrapper, outer);
    if (isObject(wrapper)) return objects(asArray(wrapper[inner]), `${outer}.${inner}`);
    throw malformed(`"${outer}" is ${describe(wrapper)}, where an object or a list was expected`);
  }
  if (inner in json) return objects(asArray(json[inner]), inner);
  return [];
}

function objects(list: readonly unknown[], path: string): Json[] {
  for (let i = 0; i < list.length; i++) {
    if (!isObject(list[i])) throw malformed(`${path}[${i}] is ${describe(list[i])}, where an object was expected`);
  }
  return list as Json[];
}

/** Normalizes in place: a listing of 100,000 apps must not exist twice in memory. */
export function normalizeApp(raw: Json): YarnApplication {
  const where = `application ${typeof raw.id === 'string' ? clip(raw.id, 40) : '(no id)'}`;
  return Object.assign(raw, {
    id: str(raw.id, where, 'id'),
    user: str(raw.user, where, 'user'),
    name: str(raw.name, where, 'name'),
    queue: str(raw.queue, where, 'queue'),
    state: str(raw.state, where, 'state') as YarnAppState,
    finalStatus: str(raw.finalStatus, where, 'finalStatus') as FinalStatus,
    progress: num(raw.progress, where, 'progress', false),
    diagnostics: str(raw.diagnostics, where, 'diagnostics'),
    applicationType: str(raw.applicationType, where, 'applicationType'),
    applicationTags: tags(raw.applicationTags),
    startedTime: num(raw.startedTime, where, 'startedTime'),
    finishedTime: num(raw.finishedTime, where, 'finishedTime'),
    elapsedTime: num(raw.elapsedTime, where, 'elapsedTime'),
    ...(raw.priority !== undefined ? { priority: num(raw.priority, where, 'priority') } : {}),
  }) as YarnApplication;
}

export function normalizeApps(json: unknown): YarnApplication[] {
  return listOf(json, 'apps', 'app').map(normalizeApp);
}

/** `{app: {...}}` (Jersey 1 and 2) or the bare object. */
export function normalizeAppResponse(json: unknown): YarnApplication {
  return normalizeApp(unwrap(json, 'app'));
}

export function normalizeAttempts(json: unknown): AppAttempt[] {
  return listOf(json, 'appAttempts', 'appAttempt').map((raw) => {
    const where = `application attempt ${isScalar(raw.id) ? clip(String(raw.id), 40) : '(no id)'}`;
    return {
      ...raw,
      id: num(raw.id, where, 'id'),
      startTime: num(raw.startTime, where, 'startTime'),
      finishedTime: num(raw.finishedTime, where, 'finishedTime'),
    } as AppAttempt;
  });
}

export function normalizeClusterInfo(json: unknown): ClusterInfo {
  const raw = unwrap(json, 'clusterInfo');
  const where = 'clusterInfo';
  return {
    ...raw,
    id: num(raw.id, where, 'id'),
    state: str(raw.state, where, 'state'),
    haState: str(raw.haState, where, 'haState'),
    resourceManagerVersion: str(raw.resourceManagerVersion, where, 'resourceManagerVersion'),
    hadoopVersion: str(raw.hadoopVersion, where, 'hadoopVersion'),
  } as ClusterInfo;
}

export function normalizeNewApplication(json: unknown): NewApplication {
  if (!isObject(json)) throw malformed(`new-application answered ${describe(json)}, where an object was expected`);
  const where = 'new-application';
  const applicationId = str(json['application-id'], where, 'application-id');
  if (applicationId === '') throw malformed('new-application answered without an "application-id"');
  const cap = isObject(json['maximum-resource-capability']) ? json['maximum-resource-capability'] : {};
  return {
    applicationId,
    maximumResourceCapability: {
      memory: num(cap.memory, where, 'maximum-resource-capability.memory'),
      vCores: num(cap.vCores, where, 'maximum-resource-capability.vCores'),
    },
  };
}

/** The `hadoopVersion` string's numeric prefix: "3.4.1" -> [3, 4, 1]. */
export function parseHadoopVersion(version: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version.trim());
  return m === null ? undefined : [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

function tags(value: unknown): string[] {
  if (Array.isArray(value))
    return value
      .filter((t) => isScalar(t))
      .map(String)
      .filter((t) => t !== '');
  if (isObject(value) && 'tag' in value) return asArray(value.tag).filter(isScalar).map(String);
  // Not parseList: a tag is reported as YARN stored it, spaces included; only empty joins go.
  if (typeof value === 'string') return value.split(',').filter((t) => t !== '');
  return [];
}

function unwrap(json: unknown, wrapper: string): Json {
  if (!isObject(json)) throw malformed(`the answer is ${describe(json)}, where an object was expected`);
  const inner = json[wrapper];
  if (inner === undefined) return json;
  if (!isObject(inner)) throw malformed(`"${wrapper}" is ${describe(inner)}, where an object was expected`);
  return inner;
}

/** A text field; absent is empty, a number or boolean is its text, anything else is malformed. */
function str(value: unknown, where: string, field: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw malformed(`${where}: "${field}" is ${describe(value)}, where text was expected`);
}

/**
 * A numeric field; absent is 0. Whole-number fields (times, ids, memory) must be exact: a value
 * beyond 2^53 has already been rounded by JSON.parse, so it is refused rather than shown wrong.
 */
function num(value: unknown, where: string, field: string, whole = true): number {
  if (value === null || value === undefined) return 0;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?\s*$/.test(value)
        ? Number(value)
        : NaN;
  if (Number.isNaN(n)) throw malformed(`${where}: "${field}" is ${describe(value)}, where a number was expected`);
  if (whole ? Number.isSafeInteger(n) : Number.isFinite(n)) return n;
  // Past 2^53 the parsed number is already rounded: showing it would show a value never sent.
  const shown = Math.abs(n) >= 2 ** 53 ? `beyond 2^53 (about ${n.toExponential(3)})` : describe(value);
  throw malformed(
    `${where}: "${field}" is ${shown}, where ${whole ? 'a whole number below 2^53' : 'a number'} was expected`,
  );
}

function malformed(what: string): YarnError {
  return new YarnError(
    'RM_UNEXPECTED_RESPONSE',
    `The ResourceManager's answer is malformed: ${what}. Is this a ResourceManager's web address, and is a proxy changing the answer?`,
  );
}

/** A JSON value for a message, cut short. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list (${value.length} elements)`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `'${clip(value, 80)}'`;
  return String(value);
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
