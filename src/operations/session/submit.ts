import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { poll } from '../../async/poll.js';
import type { ClusterContext } from '../../context/index.js';
import { FlinkYarnError, InterruptedError } from '../../errors/index.js';
import type { SessionPlan } from '../../session/plan.js';
import { renderYarnProperties, yarnPropertiesFileName } from '../../session/properties-file.js';
import type { YarnApplication, YarnAppState } from '../../yarn/model.js';
import type { ZooKeeperSession } from '../../zookeeper/client.js';
import type { SessionEvent } from './types.js';
import type { UndoList } from './undo.js';

/**
 * Submits the plan's body. The HA namespace this run claimed and the application itself go on
 * the undo list first: a submission that times out may still have been accepted.
 */
export async function submit(
  context: ClusterContext,
  plan: SessionPlan,
  zookeeper: { readonly session: ZooKeeperSession; readonly namespace: string } | null,
  signal: AbortSignal | undefined,
  undo: UndoList,
  onEvent: (e: SessionEvent) => void,
): Promise<void> {
  if (signal?.aborted === true) throw new InterruptedError();
  const rm = context.resourceManager();
  const applicationId = plan.applicationId;
  if (zookeeper !== null) {
    const { session, namespace } = zookeeper;
    undo.push(`remove ZooKeeper ${namespace}`, async () => {
      const removed = await session.deleteRecursive(namespace);
      return removed > 0 ? `removed ZooKeeper ${namespace} (${removed} nodes)` : null;
    });
  }
  undo.push(`kill ${applicationId}`, async () => {
    const state = await rm.kill(applicationId, {
      diagnostics: 'Killed by flink-yarn: the deployment failed',
      timeoutMs: 60_000,
    });
    return `application ${applicationId} is ${state}`;
  });
  await rm.submit(plan.submission);
  onEvent({ kind: 'submitted', applicationId });
}

export interface WaitSettings {
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly signal: AbortSignal | undefined;
  /** A job's cluster may end before anyone saw it RUNNING; its end is the caller's to report. */
  readonly endIsResult: boolean;
}

/** Waits for RUNNING (or FINISHED), reporting each new state; FAILED or KILLED is an error unless endIsResult. */
export async function waitForRunning(
  context: ClusterContext,
  applicationId: string,
  settings: WaitSettings,
  onEvent: (e: SessionEvent) => void,
): Promise<YarnApplication> {
  const rm = context.resourceManager();
  let last: YarnAppState | undefined;
  let latest: YarnApplication | undefined;
  const logs = () => (latest?.amContainerLogs ? ` JobManager logs: ${latest.amContainerLogs}` : '');
  return poll(
    async ({ elapsedMs }) => {
      const app = await rm.app(applicationId);
      latest = app;
      if (app.state !== last) {
        last = app.state;
        onEvent({ kind: 'state', state: app.state, elapsedMs });
      }
      if (app.state === 'RUNNING' || app.state === 'FINISHED') return app;
      if (app.state !== 'FAILED' && app.state !== 'KILLED') return undefined;
      if (settings.endIsResult) return app;
      throw new FlinkYarnError(
        'APPLICATION_FAILED',
        `The session ${applicationId} is ${app.state}. YARN says: ${app.diagnostics.trim() || '(no diagnostics)'}${logs()}`,
      );
    },
    {
      intervalMs: settings.pollMs,
      timeoutMs: settings.timeoutMs,
      signal: settings.signal,
      clock: context.clock,
      onTimeout: () =>
        new FlinkYarnError(
          'TIMEOUT',
          `The session ${applicationId} was still ${last ?? 'unknown'} after ${Math.round(settings.timeoutMs / 1000)} s (--timeout); it has been killed.${logs()}`,
        ),
    },
  );
}

/** Flink's `.yarn-properties-<user>`, so that `flink run` finds the session. */
export function writePropertiesFile(input: {
  readonly dir: string;
  readonly user: string;
  readonly applicationId: string;
  readonly dynamicProperties: Readonly<Record<string, string>>;
}): string {
  const path = join(input.dir, yarnPropertiesFileName(input.user));
  const text = renderYarnProperties(
    { applicationId: input.applicationId, dynamicProperties: input.dynamicProperties },
    new Date(),
  );
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new FlinkYarnError(
      'LOCAL_FILE_UNWRITABLE',
      `Cannot write Flink's properties file ${path}: ${(e as Error).message}.`,
      {
        cause: e,
      },
    );
  }
  return path;
}
