import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WebHdfsClient } from '../../src/hdfs/webhdfs-client.js';
import { ResourceManagerClient } from '../../src/yarn/rm-client.js';
import { cli } from '../cli/run.js';
import { hdfsExists, home, user } from './helpers.js';
import { submitShellApp, waitForState } from './yarn-apps.js';

// What killed and SIGKILLed runs leave on HDFS, laid out as they leave it, and what gc and kill do with it.
const cluster = inject('minicluster');
const client = new ResourceManagerClient({ endpoints: [cluster.rm], user });
const hdfs = new WebHdfsClient({ endpoints: [cluster.webhdfs], user });
const conf = ['--yarn-conf-dir', cluster.confDir];
const sleeper = 'sleep 300 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr';
const UNKNOWN = 'application_1_9999';
let running: string;
let ended: string;
let base: string;
const staging = (id: string) => `${base}/.flink/${id}`;
const digestDir = () => `${base}/.flink-yarn/cache/${'e'.repeat(64)}`;

interface Leftover {
  kind: string;
  path: string;
  reason: string;
}
const gc = (...args: string[]) => {
  const r = cli(['gc', ...conf, '-o', 'json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { removed: Leftover[]; kept: Leftover[] };
};
const paths = (list: Leftover[]) => list.map((l) => l.path);

beforeAll(async () => {
  base = await home();
  running = await submitShellApp(client, { name: 'it gc running', command: sleeper, type: 'Apache Flink' });
  ended = await submitShellApp(client, { name: 'it gc ended', command: sleeper, type: 'Apache Flink' });
  await waitForState(client, running, ['ACCEPTED', 'RUNNING']);
  await client.kill(ended);
  // A staging directory as a deploy leaves it, for a running, a killed and a never-submitted application.
  for (const id of [running, ended, UNKNOWN])
    await hdfs.upload(Buffer.from('conf'), `${staging(id)}/flink-conf.yaml`, { overwrite: true });
  // The cache: one complete jar, and the partial upload of a client that was SIGKILLed.
  await hdfs.upload(Buffer.from('jar'), `${digestDir()}/flink-dist.jar`, { overwrite: true });
  await hdfs.upload(Buffer.from('ja'), `${digestDir()}/.0123abcd.partial`, { overwrite: true });
});

afterAll(async () => {
  await client.kill(running).catch(() => undefined);
  await hdfs.delete(digestDir(), true).catch(() => false);
  for (const id of [running, ended, UNKNOWN]) await hdfs.delete(staging(id), true).catch(() => false);
});

describe('gc and kill against the real RM and HDFS', () => {
  it('--dry-run lists the killed application staging and keeps what may still be in use; removes nothing', async () => {
    const r = gc('--dry-run');
    expect(paths(r.removed)).toContain(staging(ended));
    expect(r.removed.find((l) => l.path === staging(ended))).toMatchObject({
      kind: 'staging',
      reason: `${ended} is KILLED`,
    });
    // Within the grace period, what YARN does not know may be a deploy that is still staging.
    expect(paths(r.kept)).toEqual(
      expect.arrayContaining([staging(running), staging(UNKNOWN), `${digestDir()}/.0123abcd.partial`]),
    );
    expect(paths(r.removed)).not.toContain(staging(running));
    expect(await hdfsExists(staging(ended))).toBe(true);
  });

  it('removes ended and abandoned leftovers, never a running application files or a complete cached jar', async () => {
    const r = gc('--grace', '0');
    expect(paths(r.removed)).toEqual(
      expect.arrayContaining([staging(ended), staging(UNKNOWN), `${digestDir()}/.0123abcd.partial`]),
    );
    expect(paths(r.kept)).toContain(staging(running));
    expect(await hdfsExists(staging(ended))).toBe(false);
    expect(await hdfsExists(staging(UNKNOWN))).toBe(false);
    expect(await hdfsExists(`${digestDir()}/.0123abcd.partial`)).toBe(false);
    expect(await hdfsExists(staging(running))).toBe(true);
    expect(await hdfsExists(`${digestDir()}/flink-dist.jar`)).toBe(true);
    // Nothing is left for a second run.
    const again = gc('--grace', '0');
    expect(paths(again.removed).filter((p) => [staging(ended), staging(UNKNOWN)].includes(p))).toEqual([]);
  });

  it('kill removes the application staging directory once YARN says KILLED', async () => {
    const r = cli(['kill', running, ...conf, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${running} is KILLED`);
    expect(r.stdout).toContain(`removed ${staging(running)}`);
    expect(await hdfsExists(staging(running))).toBe(false);
  });

  it('a malformed --grace is a usage error', () => {
    const r = cli(['gc', ...conf, '--grace', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('yarn.staging-directory: kill and gc look where the Flink configuration stages', () => {
  const stagingBase = `/it-staging-${process.pid}`;
  const moved = (id: string) => `${stagingBase}/.flink/${id}`;
  const partial = `${stagingBase}/.flink-yarn/cache/${'f'.repeat(64)}/.4567cdef.partial`;
  let flinkConf: string;
  let live: string;
  let killed: string;

  beforeAll(async () => {
    flinkConf = mkdtempSync(join(tmpdir(), 'flink-yarn-it-staging-'));
    writeFileSync(join(flinkConf, 'flink-conf.yaml'), `yarn.staging-directory: hdfs://${stagingBase}\n`);
    live = await submitShellApp(client, { name: 'it staging live', command: sleeper, type: 'Apache Flink' });
    killed = await submitShellApp(client, { name: 'it staging killed', command: sleeper, type: 'Apache Flink' });
    await waitForState(client, live, ['ACCEPTED', 'RUNNING']);
    await client.kill(killed);
    for (const id of [live, killed])
      await hdfs.upload(Buffer.from('conf'), `${moved(id)}/flink-conf.yaml`, { overwrite: true });
    await hdfs.upload(Buffer.from('ja'), partial, { overwrite: true });
  });

  afterAll(async () => {
    await client.kill(live).catch(() => undefined);
    await hdfs.delete(stagingBase, true).catch(() => false);
  });

  it('gc removes what ended under the configured directory, and keeps a running application', async () => {
    const r = gc('--flink-conf-dir', flinkConf, '--grace', '0');
    expect(paths(r.removed)).toEqual(expect.arrayContaining([moved(killed), partial]));
    expect(paths(r.kept)).toContain(moved(live));
    expect(await hdfsExists(moved(killed))).toBe(false);
    expect(await hdfsExists(partial)).toBe(false);
    expect(await hdfsExists(moved(live))).toBe(true);
  });

  it('kill removes the staging directory under yarn.staging-directory', async () => {
    const r = cli(['kill', live, ...conf, '--flink-conf-dir', flinkConf, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`removed ${moved(live)}`);
    expect(await hdfsExists(moved(live))).toBe(false);
  });
});
