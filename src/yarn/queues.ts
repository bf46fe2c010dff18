/**
 * Queue names and paths from /ws/v1/cluster/scheduler (capacity and fair schedulers nest queues
 * under `queues.queue`, or `childQueues` for the fair scheduler). Pure.
 */
export function schedulerQueues(schedulerInfo: Record<string, unknown>): {
  names: Set<string>;
  paths: Set<string>;
  /** A queue's default application priority (Capacity Scheduler), by name and by path. */
  defaultPriority: Map<string, number>;
} {
  const names = new Set<string>();
  const paths = new Set<string>();
  const defaultPriority = new Map<string, number>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const q = node as Record<string, unknown>;
    if (typeof q.queueName === 'string') names.add(q.queueName);
    if (typeof q.queuePath === 'string') paths.add(q.queuePath);
    if (typeof q.defaultPriority === 'number' && Number.isInteger(q.defaultPriority)) {
      for (const id of [q.queueName, q.queuePath])
        if (typeof id === 'string') defaultPriority.set(id, q.defaultPriority);
    }
    for (const key of ['queues', 'childQueues']) {
      const children = q[key] as { queue?: unknown } | unknown[] | undefined;
      const list = Array.isArray(children) ? children : children?.queue;
      for (const child of Array.isArray(list) ? list : list === undefined ? [] : [list]) visit(child);
    }
  };
  visit(schedulerInfo);
  return { names, paths, defaultPriority };
}

/** The scheduler's leaf and parent queues with their capacities (Capacity Scheduler fields; null where absent). */
export function schedulerQueueList(schedulerInfo: Record<string, unknown>): {
  name: string;
  capacity: number | null;
  maxCapacity: number | null;
  usedCapacity: number | null;
  applications: number | null;
}[] {
  const out: ReturnType<typeof schedulerQueueList> = [];
  const n = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const visit = (node: unknown, top: boolean): void => {
    if (node === null || typeof node !== 'object') return;
    const q = node as Record<string, unknown>;
    if (!top && typeof q.queueName === 'string') {
      out.push({
        name: typeof q.queuePath === 'string' ? q.queuePath : q.queueName,
        capacity: n(q.capacity),
        maxCapacity: n(q.maxCapacity),
        usedCapacity: n(q.usedCapacity),
        applications: n(q.numApplications),
      });
    }
    for (const key of ['queues', 'childQueues']) {
      const children = q[key] as { queue?: unknown } | unknown[] | undefined;
      const list = Array.isArray(children) ? children : children?.queue;
      for (const child of Array.isArray(list) ? list : list === undefined ? [] : [list]) visit(child, false);
    }
  };
  visit(schedulerInfo, true);
  return out;
}
