import type { ResourceManagerClient } from '../../src/yarn/rm-client.js';
import type { YarnApplication, YarnAppState } from '../../src/yarn/model.js';

export interface ShellApp {
  readonly name: string;
  /** Run by the NodeManager as the AM's command line (bash). */
  readonly command: string;
  readonly type?: string;
  readonly tags?: readonly string[];
  readonly maxAttempts?: number;
  readonly memoryMb?: number;
}

/** Submits a shell command as an AM through the RM REST API and returns its id. */
export async function submitShellApp(client: ResourceManagerClient, app: ShellApp): Promise<string> {
  const { applicationId } = await client.newApplication();
  await client.submit({
    'application-id': applicationId,
    'application-name': app.name,
    'application-type': app.type ?? 'flink-yarn-it',
    queue: 'default',
    'max-app-attempts': app.maxAttempts ?? 1,
    resource: { memory: app.memoryMb ?? 64, vCores: 1 },
    'application-tags': { tag: [...(app.tags ?? [])] },
    'am-container-spec': {
      commands: { command: app.command },
      environment: { entry: [] },
      'local-resources': { entry: [] },
    },
  });
  return applicationId;
}

/** Polls the RM until the app reaches one of `states`. */
export async function waitForState(
  client: ResourceManagerClient,
  applicationId: string,
  states: readonly YarnAppState[],
  timeoutMs = 120_000,
): Promise<YarnApplication> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const app = await client.app(applicationId);
    if (states.includes(app.state)) return app;
    if (Date.now() > deadline)
      throw new Error(`${applicationId} is ${app.state}, not ${states.join('/')}, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
