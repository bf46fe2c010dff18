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

/** The application directory of planInput's application. */
export const APP_DIR = 'hdfs://nn:8020/user/alice/.flink/application_1_0001';

/** A file staged into the application directory, as stage() reports it. */
export function stagedResource(
  key: string,
  role: StagedResource['role'],
  extra: Partial<StagedResource> = {},
): StagedResource {
  return {
    key,
    uri: `${APP_DIR}/${key}`,
    size: 10,
    modificationTime: 1,
    visibility: 'APPLICATION',
    type: 'FILE',
    role,
    ...extra,
  };
}
