#!/usr/bin/env node
// Records real ResourceManager REST responses into fixtures/rm/hadoop-<version>/ for the unit
// tests. Usage: node scripts/record-rm-fixtures.js http://localhost:<rm-port> [user]
// It submits two short shell applications (one killed), so run it against a test cluster only.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const rm = process.argv[2];
const user = process.argv[3] ?? process.env.USER ?? 'root';
if (!rm) throw new Error('usage: record-rm-fixtures.js RM_URL [user]');

async function call(method, path, body) {
  const url = `${rm}${path}${path.includes('?') ? '&' : '?'}user.name=${user}`;
  const res = await fetch(url, {
    method,
    redirect: 'manual',
    headers: { Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { request: { method, path }, status: res.status, contentType: res.headers.get('content-type'), body: text };
}

const info = await call('GET', '/ws/v1/cluster/info');
const version = JSON.parse(info.body).clusterInfo.hadoopVersion;
const dir = join(import.meta.dirname, '..', 'fixtures', 'rm', `hadoop-${version}`);
mkdirSync(dir, { recursive: true });
const save = (name, r) =>
  writeFileSync(
    join(dir, `${name}.json`),
    `${JSON.stringify({ source: `recorded from a Hadoop ${version} MiniYARNCluster ResourceManager`, ...r }, null, 2)}\n`,
  );

save('info', info);
save('metrics', await call('GET', '/ws/v1/cluster/metrics'));
save('scheduler', await call('GET', '/ws/v1/cluster/scheduler'));
save('nodes', await call('GET', '/ws/v1/cluster/nodes'));
save('apps-empty', await call('GET', '/ws/v1/cluster/apps?applicationTypes=no-such-type'));

const newApp = await call('POST', '/ws/v1/cluster/apps/new-application');
save('new-application', newApp);
const id = JSON.parse(newApp.body)['application-id'];
const submission = (appId, name, command) => ({
  'application-id': appId,
  'application-name': name,
  'application-type': 'Apache Flink',
  queue: 'default',
  'max-app-attempts': 1,
  resource: { memory: 64, vCores: 1 },
  'application-tags': { tag: ['fixture', 'flink-yarn'] },
  'am-container-spec': { commands: { command }, environment: { entry: [] }, 'local-resources': { entry: [] } },
});
save('submit', await call('POST', '/ws/v1/cluster/apps', submission(id, 'fixture sleeper', 'sleep 120')));
await waitFor(id, ['ACCEPTED', 'RUNNING']);
save('apps-one', await call('GET', `/ws/v1/cluster/apps?applicationTags=fixture&states=ACCEPTED,RUNNING`));
save('app', await call('GET', `/ws/v1/cluster/apps/${id}`));
save('app-state', await call('GET', `/ws/v1/cluster/apps/${id}/state`));
save('appattempts', await call('GET', `/ws/v1/cluster/apps/${id}/appattempts`));
save(
  'kill-accepted',
  await call('PUT', `/ws/v1/cluster/apps/${id}/state`, { state: 'KILLED', diagnostics: 'fixture kill' }),
);
await waitFor(id, ['KILLED']);
save('kill-done', await call('PUT', `/ws/v1/cluster/apps/${id}/state`, { state: 'KILLED' }));
save('app-killed', await call('GET', `/ws/v1/cluster/apps/${id}`));

const second = JSON.parse((await call('POST', '/ws/v1/cluster/apps/new-application')).body)['application-id'];
await call('POST', '/ws/v1/cluster/apps', submission(second, 'fixture echo', 'echo done'));
await waitFor(second, ['FINISHED', 'FAILED', 'KILLED']);
save('apps-many', await call('GET', `/ws/v1/cluster/apps?applicationTags=fixture`));
save('appattempts-failed', await call('GET', `/ws/v1/cluster/apps/${second}/appattempts`));

save('error-unknown-app', await call('GET', '/ws/v1/cluster/apps/application_1_99999'));
save('error-bad-state', await call('PUT', `/ws/v1/cluster/apps/${second}/state`, { state: 'RUNNING' }));
save(
  'error-over-max',
  await call('POST', '/ws/v1/cluster/apps', {
    ...submission(
      JSON.parse((await call('POST', '/ws/v1/cluster/apps/new-application')).body)['application-id'],
      'too big',
      'true',
    ),
    resource: { memory: 1_000_000, vCores: 1 },
  }),
);
save('error-no-user', {
  ...(await fetch(`${rm}/ws/v1/cluster/apps/new-application`, { method: 'POST' }).then(async (r) => ({
    request: { method: 'POST', path: '/ws/v1/cluster/apps/new-application (no user.name)' },
    status: r.status,
    contentType: r.headers.get('content-type'),
    body: await r.text(),
  }))),
});
console.log(`recorded into ${dir}`);

async function waitFor(appId, states) {
  for (let i = 0; i < 480; i++) {
    const r = await call('GET', `/ws/v1/cluster/apps/${appId}`);
    if (states.includes(JSON.parse(r.body).app.state)) return;
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error(`${appId} never reached ${states}`);
}
