import { InvalidValueError } from '../errors/index.js';
import { MIB } from '../config/values/memory.js';

/** Flink 1.20's JobManager memory defaults (JobManagerOptions). */
export const JM_DEFAULTS = {
  metaspace: 256 * MIB,
  offHeap: 128 * MIB,
  overheadFraction: 0.1,
  overheadMin: 192 * MIB,
  overheadMax: 1024 * MIB,
} as const;

/** The JobManager process split the way Flink's JobManagerProcessUtils splits it, in bytes. */
export interface JobManagerMemory {
  readonly processSize: number;
  readonly heap: number;
  readonly offHeap: number;
  readonly metaspace: number;
  readonly overhead: number;
}

export interface JobManagerMemoryOptions {
  readonly metaspace?: number | undefined;
  readonly offHeap?: number | undefined;
}

/** Derives heap, off-heap, metaspace and overhead from the total process size. */
export function jobManagerMemory(processSize: number, options: JobManagerMemoryOptions = {}): JobManagerMemory {
  const metaspace = options.metaspace ?? JM_DEFAULTS.metaspace;
  const offHeap = options.offHeap ?? JM_DEFAULTS.offHeap;
  const overhead = Math.min(
    JM_DEFAULTS.overheadMax,
    Math.max(JM_DEFAULTS.overheadMin, Math.floor(processSize * JM_DEFAULTS.overheadFraction)),
  );
  const heap = processSize - metaspace - overhead - offHeap;
  if (heap <= 0) {
    throw new InvalidValueError(
      `a JobManager process of ${Math.round(processSize / MIB)} MB leaves no heap after metaspace (${metaspace / MIB} MB), JVM overhead (${overhead / MIB} MB) and off-heap (${offHeap / MIB} MB); use at least ${Math.ceil((metaspace + overhead + offHeap) / MIB) + 64} MB`,
    );
  }
  return { processSize, heap, offHeap, metaspace, overhead };
}

/** The JVM flags Flink puts on the AM command line (%jvmmem%). */
export function jvmMemoryFlags(m: JobManagerMemory): string {
  return `-Xmx${m.heap} -Xms${m.heap} -XX:MaxMetaspaceSize=${m.metaspace}`;
}

/** The dynamic properties Flink passes the entrypoint (%args%), so the JobManager sees the same split. */
export function memoryDynamicArgs(m: JobManagerMemory): string {
  return [
    ['jobmanager.memory.off-heap.size', m.offHeap],
    ['jobmanager.memory.jvm-overhead.min', m.overhead],
    ['jobmanager.memory.jvm-metaspace.size', m.metaspace],
    ['jobmanager.memory.heap.size', m.heap],
    ['jobmanager.memory.jvm-overhead.max', m.overhead],
  ]
    .map(([k, v]) => `-D ${k}=${v}b`)
    .join(' ');
}
