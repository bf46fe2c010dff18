import type { StagedResource } from '../../../src/session/am-container.js';
import type { SessionPlanInput } from '../../../src/session/plan.js';
import { HA, model } from '../validation/helpers.js';

/** A session plan's input for alice on hdfs://nn:8020: an HA configuration, Hadoop 3.4.2, these resources. */
export function planInput(
  resources: readonly StagedResource[],
  overrides: Partial<SessionPlanInput> & { flink?: string; cap?: string } = {},
): SessionPlanInput {
  const { flink = `${HA}\njobmanager.memory.process.size: 1600m`, cap = '4', ...rest } = overrides;
  return {
    config: model({
      flink,
      yarnSite: { 'yarn.resourcemanager.am.max-attempts': cap, 'yarn.scheduler.minimum-allocation-mb': '256' },
    }),
    hadoopVersion: '3.4.2',
    applicationId: 'application_1_0001',
    entrypoint: 'session',
    detached: true,
    user: 'alice',
    defaultFs: 'hdfs://nn:8020',
    stagingBase: '/user/alice',
    resources,
    defaultName: 'Flink session cluster',
    ...rest,
  };
}
