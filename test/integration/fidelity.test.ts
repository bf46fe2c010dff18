import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { flinkClientCommand, writeBenchConfDir } from '../../bench/deploy.js';
import { ResourceManagerClient } from '../../src/yarn/rm-client.js';
import { cli, ROOT } from '../cli/run.js';
import { ALLOWED, explain } from './fidelity/allowed.js';
import { compare, launchScript, normaliser, readLaunchContext, type Difference } from './fidelity/launch-context.js';
import { user, waitFor } from './helpers.js';

// The fidelity harness: the same configuration deployed by Flink's own client (FlinkYarnSessionCli,
// run as bin/yarn-session.sh runs it) and by ours, on the same cluster; what the NodeManager
// launched and what the RM recorded must be the same, but for the reasoned differences in
// fidelity/allowed.ts.
const cluster = inject('minicluster');
const rm = new ResourceManagerClient({ endpoints: [cluster.rm], user });
const started: string[] = [];

afterAll(async () => {
  for (const id of started) {
    cli(['kill', id, '--yes', '--cleanup-ha', '--yarn-conf-dir', cluster.confDir], {}, 'flink-yarn', 120_000);
  }
});

/** The RM's view of an application, the fields a client decides. */
async function appFields(id: string): Promise<Record<string, string>> {
  const r = await fetch(`${cluster.rm}/ws/v1/cluster/apps/${id}?user.name=${user}`);
  const app = ((await r.json()) as { app: Record<string, unknown> }).app;
  const fields = [
    'name',
    'applicationType',
    'queue',
    'priority',
    'applicationTags',
    'amNodeLabelExpression',
    'unmanagedApplication',
    'allocatedMB',
    'allocatedVCores',
    'timeouts',
  ];
  return Object.fromEntries(fields.map((f) => [f, JSON.stringify(app[f] ?? null)]));
}

/** The AM container's launch context and the RM's fields, once the application RUNS. */
async function launched(id: string) {
  expect(await waitFor(async () => (await rm.app(id)).state === 'RUNNING', 180_000)).toBe(true);
  const attempts = await rm.appAttempts(id);
  const container = attempts.at(-1)!.containerId!;
  return { ...readLaunchContext(launchScript(cluster.stateDir, container)), app: await appFields(id) };
}

async function deployBoth(name: string, extra: readonly string[]) {
  const conf = await writeBenchConfDir(
    ROOT,
    cluster,
    mkdtempSync(join(tmpdir(), `flink-yarn-fidelity-${name}-`)),
    extra,
  );
  const ours = cli(
    [
      'session',
      '--flink-conf-dir',
      conf.dir,
      '--yarn-conf-dir',
      cluster.confDir,
      '--flink-home',
      cluster.flinkHome,
      '-d',
      '-nm',
      `fidelity-${name}-us`,
      '-o',
      'json',
    ],
    {},
    'flink-yarn',
    300_000,
  );
  expect(ours.code, ours.stderr).toBe(0);
  const oursId = (JSON.parse(ours.stdout) as { applicationId: string }).applicationId;
  started.push(oursId);

  const flink = flinkClientCommand({ root: ROOT, cluster, conf, log: () => undefined });
  const theirs = spawnSync(flink.command, [...flink.args, '-d', '-nm', `fidelity-${name}-fl`], {
    env: flink.env,
    encoding: 'utf8',
    timeout: 300_000,
  });
  const flinkId = /application_\d+_\d+/.exec(`${theirs.stdout}\n${theirs.stderr}`)?.[0];
  expect(flinkId, `${theirs.stdout}\n${theirs.stderr}`).toBeDefined();
  started.push(flinkId!);
  // Names of one length: the shipped configuration, which holds the name, keeps its size.
  const norm = normaliser([
    [`fidelity-${name}-us`, 'NAME'],
    [`fidelity-${name}-fl`, 'NAME'],
  ]);
  return { ours: await launched(oursId), flink: await launched(flinkId!), norm };
}

const show = (d: Difference) => `${d.aspect} ${d.key}: ours ${d.ours ?? '(none)'} | Flink's ${d.flink ?? '(none)'}`;

describe("fidelity: what the AM and the RM get from us and from Flink's own client", () => {
  it('an HA session: every difference is on the allow-list with its reason', async () => {
    const { ours, flink, norm } = await deployBoth('ha-session', []);
    const differences = compare(ours, flink, norm);
    const { explained, unexplained } = explain(differences, ALLOWED);
    const byReason = new Map<string, string[]>();
    for (const { difference, reason } of explained)
      byReason.set(reason, [...(byReason.get(reason) ?? []), `${difference.aspect} ${difference.key}`]);
    process.stderr.write(
      `[fidelity] ${differences.length} differences, ${explained.length} on the allow-list:\n${[...byReason]
        .map(([reason, keys]) => `  ${keys.join(', ')}\n    because ${reason}`)
        .join('\n')}\n`,
    );
    expect(unexplained.map(show)).toEqual([]);
    // The harness sees what it must: the same jars, the same entrypoint.
    expect(Object.keys(ours.resources)).toContain('flink-conf.yaml');
    expect(ours.command.join(' ')).toContain('org.apache.flink.yarn.entrypoint.YarnSessionClusterEntrypoint');
    expect(flink.command.join(' ')).toContain('org.apache.flink.yarn.entrypoint.YarnSessionClusterEntrypoint');
  });
});
