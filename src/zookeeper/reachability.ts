import { connect, type Socket } from 'node:net';
import { parseHostPort } from '../config/values/lists.js';
import { quorumMembers } from '../validation/rules/ha.js';

export interface MemberReachability {
  /** As written in the quorum: `host:port`. */
  readonly member: string;
  readonly up: boolean;
  /** Why it is down: `refused`, `unresolvable`, `timeout`, or another socket error code. */
  readonly reason: string | null;
}

/**
 * Tries a TCP connection to every quorum member at once. Each try is bounded by its own timer,
 * which also covers a DNS lookup that never returns: one dead or unknown host cannot hang the check.
 */
export async function quorumReachability(
  quorum: string,
  timeoutMs = 3_000,
  dial: (options: { host: string; port: number }) => Socket = connect,
): Promise<MemberReachability[]> {
  return Promise.all(
    quorumMembers(quorum).map(async (member) => {
      const hp = parseHostPort(member);
      if (hp === undefined) return { member, up: false, reason: 'not host:port' };
      const reason = await tryConnect(dial({ host: hp.host.replace(/^\[|\]$/g, ''), port: hp.port }), timeoutMs);
      return { member, up: reason === null, reason };
    }),
  );
}

function tryConnect(socket: Socket, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const done = (reason: string | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reason);
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    socket.once('connect', () => done(null));
    socket.once('error', (e: NodeJS.ErrnoException) =>
      done(
        e.code === 'ECONNREFUSED'
          ? 'refused'
          : e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN'
            ? 'unresolvable'
            : (e.code ?? 'error'),
      ),
    );
  });
}
