/** ZooKeeper's answer to the `srvr` four-letter word (allowed by default since 3.5). */
export interface SrvrAnswer {
  /** It answered with its statistics: it serves clients. */
  readonly serving: boolean;
  /** standalone, leader, follower, observer ... */
  readonly mode: string | null;
  readonly version: string | null;
  /** Why it does not serve, in ZooKeeper's words (no quorum yet, srvr not allowed ...). */
  readonly reason: string | null;
}

export function parseSrvr(text: string): SrvrAnswer {
  const field = (name: string): string | null => new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(text)?.[1]?.trim() ?? null;
  const mode = field('Mode');
  const version = field('Zookeeper version')?.split(/[-,\s]/)[0] ?? null;
  const reason = mode === null ? text.trim() || 'no answer' : null;
  return { serving: mode !== null, mode, version, reason };
}
