import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlinkYarnError } from '../../../src/errors/index.js';
import { deploySession, type SessionEvent, type SessionOptions } from '../../../src/operations/session/index.js';
import { UndoList } from '../../../src/operations/session/undo.js';
import { FakeZooKeeper } from '../zookeeper/fake.js';
import { FakeCluster, fakeDeployOptions, fakeInstallation, type Step } from './fake-cluster.js';

const BASE_CONF = { 'jobmanager.memory.process.size': '1600m', 'taskmanager.memory.process.size': '1728m' };
const HA_CONF = {
  ...BASE_CONF,
  'high-availability.type': 'zookeeper',
  'high-availability.zookeeper.quorum': 'zk1:2181',
  'high-availability.storageDir': 'hdfs:///flink/ha',
};

/** A deployment against the fake cluster (and, with HA, a ZooKeeper in memory), with its events. */
function setup(conf: Record<string, string> = BASE_CONF, overrides: Partial<SessionOptions> = {}) {
  const cluster = new FakeCluster();
  const zk = new FakeZooKeeper().add('/flink');
  const install = fakeInstallation(conf);
  const events: SessionEvent[] = [];
  const controller = new AbortController();
  const options: SessionOptions = {
    ...fakeDeployOptions(cluster, install),
    signal: controller.signal,
    zookeeper: {
      transport: zk.transport,
      sleep: async () => undefined,
      reachability: async (quorum) => [{ member: quorum, up: true, reason: null }],
    },
    onEvent: (e) => events.push(e),
    ...overrides,
  };
  const cleanups = () => events.flatMap((e) => (e.kind === 'cleanup' ? [e.detail] : []));
  return { cluster, zk, install, events, cleanups, controller, deploy: () => deploySession(options) };
}

const stagingDir = '/user/alice/.flink/application_1_0001';

describe('deploySession: the pipeline with fake transports', () => {
  it('deploys to RUNNING: stages, submits the plan, writes the properties file, undoes nothing', async () => {
    const { cluster, cleanups, deploy, install } = setup();
    const result = await deploy();
    expect(result.state).toBe('RUNNING');
    expect(result.stagingDir).toBe(stagingDir);
    expect(cluster.submitted?.['application-id']).toBe('application_1_0001');
    expect([...cluster.files.keys()].sort()).toEqual([
      `${stagingDir}/flink-conf.yaml`,
      `${stagingDir}/flink-dist-1.20.1.jar`,
    ]);
    expect(cluster.dirs.has(stagingDir)).toBe(true);
    expect(readdirSync(install.propertiesDir)).toEqual(['.yarn-properties-alice']);
    expect(cleanups()).toEqual([]);
    expect(cluster.steps).not.toContain('kill');
  });

  it("application mode writes no properties file: Flink's CLI must never take the cluster for a session", async () => {
    const jarDir = mkdtempSync(join(tmpdir(), 'deploy-app-'));
    const jar = join(jarDir, 'job.jar');
    writeFileSync(jar, 'not a real jar');
    // A properties directory that does not exist is no reason to refuse an application cluster.
    const { deploy, install } = setup(BASE_CONF, { program: { jar } });
    rmSync(install.propertiesDir, { recursive: true, force: true });
    const result = await deploy();
    rmSync(jarDir, { recursive: true, force: true });
    expect(result.state).toBe('RUNNING');
    expect(result.propertiesFile).toBeNull();
    expect(existsSync(install.propertiesDir)).toBe(false);
  });

  it("uploads with yarn.file-replication, and submits the default queue's default priority", async () => {
    const { cluster, deploy } = setup({ ...BASE_CONF, 'yarn.file-replication': '2' });
    cluster.defaultPriority = 4;
    await deploy();
    expect(cluster.creates.length).toBeGreaterThan(0);
    for (const url of cluster.creates) expect(new URL(url).searchParams.get('replication')).toBe('2');
    expect(cluster.submitted?.priority).toBe(4);
    // Unset (-1): the cluster's own replication.
    const plain = setup();
    await plain.deploy();
    for (const url of plain.cluster.creates) expect(new URL(url).searchParams.has('replication')).toBe(false);
    expect(plain.cluster.submitted?.priority).toBe(0);
  });

  it("-t replaces yarn.ship-files (Flink's CLI), and yarn.ship-files is split at ';' only", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-ship-'));
    for (const name of ['a,1.txt', 'b.txt', 'c.txt']) writeFileSync(join(dir, name), name);
    const fromConf = setup({ ...BASE_CONF, 'yarn.ship-files': `${join(dir, 'a,1.txt')};${join(dir, 'b.txt')}` });
    await fromConf.deploy();
    const keys = (c: FakeCluster) => [...c.files.keys()].map((k) => k.slice(k.lastIndexOf('/') + 1));
    expect(keys(fromConf.cluster)).toEqual(expect.arrayContaining(['a,1.txt', 'b.txt']));
    const flag = setup({ ...BASE_CONF, 'yarn.ship-files': join(dir, 'b.txt') }, { shipFiles: [join(dir, 'c.txt')] });
    await flag.deploy();
    expect(keys(flag.cluster)).toContain('c.txt');
    expect(keys(flag.cluster)).not.toContain('b.txt');
    rmSync(dir, { recursive: true, force: true });
  });

  it("the properties file records only the -D pairs, as Flink's CLI does, not the keys flags set", async () => {
    const { deploy, install } = setup(BASE_CONF, {
      dynamicProperties: { 'yarn.application.name': 'from-nm', 'parallelism.default': '3' },
      recordedProperties: { 'parallelism.default': '3' },
    });
    await deploy();
    const text = readFileSync(join(install.propertiesDir, '.yarn-properties-alice'), 'utf8');
    expect(text).toContain('dynamicPropertiesString=parallelism.default\\=3\n');
    expect(text).not.toContain('from-nm');
  });

  it('pre-flight: a plan error stops the deploy before any application exists', async () => {
    const { cluster, cleanups, deploy } = setup({});
    await expect(deploy()).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(cluster.steps).toEqual(['info']);
    expect(cleanups()).toEqual([]);
  });

  it('pre-flight: a missing directory for the properties file is a typed error before anything exists', async () => {
    const { cluster, cleanups, deploy } = setup(
      { ...BASE_CONF, 'yarn.properties-file.location': '/nonexistent/flink-yarn-props' },
      { propertiesDir: undefined },
    );
    const e = await deploy().catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'INVALID_VALUE' });
    expect((e as Error).message).toMatch(
      /\/nonexistent\/flink-yarn-props \(yarn\.properties-file\.location, set in .*flink-conf\.yaml:3\)/,
    );
    expect(cluster.steps).toEqual(['info']);
    expect(cleanups()).toEqual([]);
  });

  it('allocate: a refused new-application leaves nothing to undo', async () => {
    const { cluster, cleanups, deploy } = setup();
    cluster.failAt('new-application');
    await expect(deploy()).rejects.toBeInstanceOf(FlinkYarnError);
    expect(cluster.steps).not.toContain('MKDIRS');
    expect(cleanups()).toEqual([]);
  });

  it('stage: a failed upload removes the staging directory, and no application is killed', async () => {
    const { cluster, cleanups, deploy } = setup();
    cluster.failAt('datanode', () => ({ status: 500, headers: {}, body: 'disk full' }));
    await expect(deploy()).rejects.toBeInstanceOf(FlinkYarnError);
    expect(cleanups()).toEqual([`removed ${stagingDir}`]);
    expect(cluster.dirs.has(stagingDir)).toBe(false);
    expect(cluster.steps).not.toContain('submit');
    expect(cluster.steps).not.toContain('kill');
  });

  it('submit: a failed submission kills the application (it may have arrived), then removes the staging directory', async () => {
    const { cluster, cleanups, deploy } = setup();
    cluster.failAt('submit');
    await expect(deploy()).rejects.toBeInstanceOf(FlinkYarnError);
    expect(cleanups()).toEqual(['application application_1_0001 is KILLED', `removed ${stagingDir}`]);
    expect(cluster.dirs.has(stagingDir)).toBe(false);
  });

  it('wait: a FAILED application is killed, its HA namespace and staging directory removed, in reverse order', async () => {
    const { cluster, zk, cleanups, deploy } = setup(HA_CONF);
    cluster.states = ['ACCEPTED', 'FAILED'];
    // The JobManager got as far as creating its HA nodes.
    cluster.onSubmit = () => void zk.add('/flink/application_1_0001', '/flink/application_1_0001/leader');
    await expect(deploy()).rejects.toMatchObject({ message: expect.stringContaining('is FAILED') });
    expect(cleanups()).toEqual([
      'application application_1_0001 is FAILED',
      'removed ZooKeeper /flink/application_1_0001 (2 nodes)',
      `removed ${stagingDir}`,
    ]);
    expect(zk.nodes.has('/flink/application_1_0001')).toBe(false);
    expect(zk.connections.every((c) => c.closed)).toBe(true);
  });

  it('after RUNNING: a properties file that cannot be written is a typed error, and the session is undone', async () => {
    const { cleanups, deploy, install } = setup();
    mkdirSync(join(install.propertiesDir, '.yarn-properties-alice'));
    await expect(deploy()).rejects.toMatchObject({ code: 'LOCAL_FILE_UNWRITABLE' });
    expect(cleanups()).toEqual(['application application_1_0001 is KILLED', `removed ${stagingDir}`]);
  });

  it('wait: the deadline is a TIMEOUT, and what was created is removed', async () => {
    const { cluster, cleanups, deploy } = setup();
    cluster.states = ['ACCEPTED'];
    await expect(deploy()).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(cleanups()).toEqual(['application application_1_0001 is KILLED', `removed ${stagingDir}`]);
  });

  it('an interrupt during the wait is INTERRUPTED, after the same cleanup', async () => {
    const { cluster, cleanups, controller, deploy } = setup();
    cluster.states = ['ACCEPTED', 'ACCEPTED', 'ACCEPTED'];
    const original = cluster.request.bind(cluster);
    cluster.request = async (req) => {
      const res = await original(req);
      if (new URL(req.url).pathname.endsWith('/apps/application_1_0001')) controller.abort();
      return res;
    };
    await expect(deploy()).rejects.toMatchObject({ code: 'INTERRUPTED' });
    expect(cleanups()).toEqual(['application application_1_0001 is KILLED', `removed ${stagingDir}`]);
  });

  it('a failure inside the cleanup is reported, the remaining steps still run, and the first error is thrown', async () => {
    const { cluster, cleanups, deploy } = setup();
    cluster.failAt('submit').failAt('kill', () => ({ status: 403, headers: {}, body: 'no' }));
    await expect(deploy()).rejects.toMatchObject({ message: expect.stringContaining('submit failed') });
    const lines = cleanups();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^could not kill application_1_0001: /);
    expect(lines[1]).toBe(`removed ${stagingDir}`);
    expect(cluster.dirs.has(stagingDir)).toBe(false);
  });

  it('leaves no local temp files behind, whatever the outcome', async () => {
    for (const step of ['submit', 'datanode'] as Step[]) {
      const { cluster, deploy } = setup();
      cluster.failAt(step);
      const before = new Set(
        readdirSync(process.env.TMPDIR ?? '/tmp').filter((f) => f.startsWith('flink-yarn-') && !f.includes('deploy')),
      );
      await expect(deploy()).rejects.toBeInstanceOf(FlinkYarnError);
      const after = readdirSync(process.env.TMPDIR ?? '/tmp').filter(
        (f) => f.startsWith('flink-yarn-') && !f.includes('deploy'),
      );
      expect(after.filter((f) => !before.has(f))).toEqual([]);
    }
  });
});

describe('UndoList', () => {
  it('unwinds in reverse, reports each step, and goes on past a failing one', async () => {
    const reported: string[] = [];
    const undo = new UndoList((d) => reported.push(d));
    const ran: string[] = [];
    undo.push('remove a', async () => (ran.push('a'), 'removed a'));
    undo.push('kill b', async () => {
      ran.push('b');
      throw new Error('RM gone');
    });
    undo.push('quiet c', async () => (ran.push('c'), null));
    await undo.unwind();
    expect(ran).toEqual(['c', 'b', 'a']);
    expect(reported).toEqual(['could not kill b: RM gone', 'removed a']);
    expect(undo.size).toBe(0);
  });
});
