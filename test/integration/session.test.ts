import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zookeeper from 'node-zookeeper-client';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { writeSessionConfDir } from '../../src/operations/minicluster/index.js';
import { ResourceManagerClient } from '../../src/yarn/rm-client.js';
import { cli } from '../cli/run.js';
import { deployArgs, hdfsExists, killCurrentJobManager, home, live, user, waitFor, zkExists } from './helpers.js';

const cluster = inject('minicluster');
const rm = new ResourceManagerClient({ endpoints: [cluster.rm], user });
const started: string[] = [];

/** A Flink conf dir for this cluster: ZooKeeper HA, HDFS storage, 10 attempts against a cap of 2. */
function confDir(extra = ''): string {
  return writeSessionConfDir(cluster, mkdtempSync(join(tmpdir(), 'flink-yarn-it-conf-')), [extra]);
}

const session = (conf: string, ...more: string[]) => cli(['session', ...deployArgs(conf), ...more]);
/** The drop-in: the yarn-session binary with yarn-session.sh's flags. */
const yarnSession = (conf: string, ...more: string[]) => cli([...deployArgs(conf), ...more], {}, 'yarn-session');

async function appsNamed(name: string) {
  return (await rm.apps({ applicationTypes: ['Apache Flink'] })).filter((a) => a.name === name);
}

afterAll(async () => {
  for (const id of started) await rm.kill(id).catch(() => undefined);
});

describe('yarn-session -d on the real cluster, with a real Flink 1.20 JobManager as the AM', () => {
  it('reaches RUNNING with HA: REST answers, ZooKeeper has the HA nodes, the shipped config has the cluster-id', async () => {
    const conf = confDir();
    const r = yarnSession(conf, '-d', '-nm', 'it-session', '-s', '2');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    started.push(out.applicationId);
    expect(out.state).toBe('RUNNING');
    expect(out.clusterId).toBe(out.applicationId);
    expect(out.attempts).toEqual({ requested: 10, cap: 2, effective: 2 });
    expect(out.diagnostics.find((d: { code: string }) => d.code === 'ATTEMPTS_CAPPED_BY_YARN').message).toMatch(
      /YARN will use 2/,
    );

    // Flink's REST API answers at the reported address.
    const overview = (await (await fetch(`${out.restAddress}/overview`)).json()) as { 'flink-version': string };
    expect(overview['flink-version']).toMatch(/^1\.20\./);

    // The HA nodes live under /flink/<applicationId>.
    const zk = zookeeper.createClient(cluster.zookeeper, { sessionTimeout: 10_000 });
    await new Promise<void>((resolve) => {
      zk.once('connected', resolve);
      zk.connect();
    });
    try {
      const children = await new Promise<string[]>((resolve, reject) =>
        zk.getChildren(`/flink/${out.applicationId}`, (e, c) => (e ? reject(e) : resolve(c))),
      );
      expect(children).toContain('leader');
    } finally {
      zk.close();
    }

    // The configuration the JobManager got says cluster-id = application id.
    const home = (
      (await (await fetch(`${cluster.webhdfs}/webhdfs/v1/?op=GETHOMEDIRECTORY&user.name=${user}`)).json()) as {
        Path: string;
      }
    ).Path;
    const shipped = await (
      await fetch(
        `${cluster.webhdfs}/webhdfs/v1${home}/.flink/${out.applicationId}/flink-conf.yaml?op=OPEN&user.name=${user}`,
      )
    ).text();
    expect(shipped).toContain(`high-availability.cluster-id: ${out.applicationId}`);

    // ha status decodes the leaders Flink wrote: the REST leader is the address that answered.
    const ha = cli(['ha', 'status', out.applicationId, '--flink-conf-dir', conf, '-o', 'json']);
    expect(ha.code, ha.stderr).toBe(0);
    const status = JSON.parse(ha.stdout) as {
      layout: string;
      leaders: { component: string; leader: { address: string } | null }[];
    };
    expect(status.layout).toBe('1.15+');
    const leader = (c: string) => status.leaders.find((l) => l.component === c)?.leader;
    expect(new URL(leader('rest_server')!.address).port).toBe(new URL(out.restAddress).port);
    expect(leader('dispatcher')?.address).toMatch(/^pekko\.tcp:\/\/flink@/);
    expect(leader('resource_manager')?.address).toMatch(/resourcemanager/);

    // YARN agrees on everything.
    const app = await rm.app(out.applicationId);
    expect(app.state).toBe('RUNNING');
    expect(app.applicationType).toBe('Apache Flink');
    expect(app.name).toBe('it-session');
  });

  it('refuses before submitting when the JobManager does not fit, and leaves nothing behind', async () => {
    const r = session(confDir(), '-d', '-nm', 'it-too-big', '-jm', '100000');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/AM_MEMORY_OVER_MAX/);
    expect(await appsNamed('it-too-big')).toEqual([]);
  });

  it('cleans up when the AM fails at once: the app is gone from RUNNING and its staging removed', async () => {
    // The AM's java does not exist, so every attempt exits at once.
    const r = session(confDir('containerized.master.env.JAVA_HOME: /nonexistent-java'), '-d', '-nm', 'it-am-fails');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAILED|KILLED/);
    const [app] = await appsNamed('it-am-fails');
    expect(app).toBeDefined();
    expect(['FAILED', 'KILLED']).toContain(app!.state);
    const home = (
      (await (await fetch(`${cluster.webhdfs}/webhdfs/v1/?op=GETHOMEDIRECTORY&user.name=${user}`)).json()) as {
        Path: string;
      }
    ).Path;
    expect(await hdfsExists(`${home}/.flink/${app!.id}`)).toBe(false);
  });

  it('kills and cleans up on --timeout', async () => {
    const r = session(confDir(), '-d', '-nm', 'it-timeout', '--timeout', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--timeout/);
    const [app] = await appsNamed('it-timeout');
    expect(app?.state).toBe('KILLED');
    const home = (
      (await (await fetch(`${cluster.webhdfs}/webhdfs/v1/?op=GETHOMEDIRECTORY&user.name=${user}`)).json()) as {
        Path: string;
      }
    ).Path;
    expect(await hdfsExists(`${home}/.flink/${app!.id}`)).toBe(false);
  });

  it('-d --no-wait returns right after submission', async () => {
    const r = session(confDir(), '-d', '--no-wait', '-nm', 'it-no-wait');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    started.push(out.applicationId);
    expect(out.state).toBe('SUBMITTED');
    expect(r.stderr).not.toMatch(/YARN state RUNNING/);
    expect((await rm.app(out.applicationId)).applicationType).toBe('Apache Flink');
  });

  it('plans offline with --dry-run, creating nothing', () => {
    const r = session(
      confDir(),
      '--dry-run',
      '--hadoop-version',
      '3.4.2',
      '--application-id',
      'application_1700000000000_0001',
      '--rm',
      'http://127.0.0.1:1',
    );
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan).toMatchObject({
      applicationId: 'application_1700000000000_0001',
      clusterId: 'application_1700000000000_0001',
      hadoopVersion: '3.4.2',
    });
    expect(plan.submission['am-container-spec'].commands.command).toContain('YarnSessionClusterEntrypoint');
  });
});

/** Starts the real CLI and lets the test talk to it: wait for stderr text, type, signal. */

describe('attached sessions, spawned as a user runs them', () => {
  it("'stop' on stdin shuts down the session it started: app KILLED, staging and properties file removed", async () => {
    const propsDir = mkdtempSync(join(tmpdir(), 'flink-yarn-props-'));
    const s = live([
      'session',
      ...deployArgs(confDir(`yarn.properties-file.location: ${propsDir}`)),
      '-nm',
      'it-attached-stop',
    ]);
    const [, id] = await s.waitFor(/Attached to (application_\d+_\d+)/);
    expect((await rm.app(id!)).state).toBe('RUNNING');
    expect(existsSync(join(propsDir, `.yarn-properties-${user}`))).toBe(true);
    s.child.stdin.write('stop\n');
    expect(await s.exit).toBe(0);
    expect((await rm.app(id!)).state).toBe('KILLED');
    expect(await hdfsExists(`${await home()}/.flink/${id}`)).toBe(false);
    expect(existsSync(join(propsDir, `.yarn-properties-${user}`))).toBe(false);
  });

  it('Ctrl-C shuts down the session it started and exits 130', async () => {
    const s = live(['session', ...deployArgs(confDir()), '-nm', 'it-attached-sigint']);
    const [, id] = await s.waitFor(/Attached to (application_\d+_\d+)/);
    s.child.kill('SIGINT');
    expect(await s.exit).toBe(130);
    expect((await rm.app(id!)).state).toBe('KILLED');
  });

  it("with -id, Ctrl-C only detaches from someone else's session; 'stop' stops it", async () => {
    const deployed = JSON.parse(session(confDir(), '-d', '-nm', 'it-attach-id').stdout);
    started.push(deployed.applicationId);
    const a = live(['session', '-id', deployed.applicationId, '--yarn-conf-dir', cluster.confDir]);
    await a.waitFor(/Attached to/);
    a.child.kill('SIGINT');
    expect(await a.exit).toBe(130);
    expect((await rm.app(deployed.applicationId)).state).toBe('RUNNING');
    const b = live(['session', '-id', deployed.applicationId, '--yarn-conf-dir', cluster.confDir]);
    await b.waitFor(/Attached to/);
    b.child.stdin.write('stop\n');
    expect(await b.exit).toBe(0);
    expect((await rm.app(deployed.applicationId)).state).toBe('KILLED');
  });

  it("a failure after RUNNING removes the app, the staging directory and the JobManager's ZooKeeper nodes", async () => {
    // The properties file cannot be written (a directory stands where it goes), which fails the
    // deployment after the JobManager is up. A missing directory is refused before anything exists.
    const props = mkdtempSync(join(tmpdir(), 'flink-yarn-it-props-'));
    mkdirSync(join(props, `.yarn-properties-${user}`));
    const r = session(confDir(`yarn.properties-file.location: ${props}`), '-d', '-nm', 'it-late-failure');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Cannot write Flink's properties file .*\[LOCAL_FILE_UNWRITABLE\]/);
    expect(r.stderr).toMatch(/removed ZooKeeper \/flink\/application_\d+_\d+ \(\d+ nodes\)/);
    const [app] = await appsNamed('it-late-failure');
    expect(app?.state).toBe('KILLED');
    expect(await hdfsExists(`${await home()}/.flink/${app!.id}`)).toBe(false);
    expect(await zkExists(`/flink/${app!.id}`)).toBe(false);
  });

  it('Ctrl-C during the upload removes the staging directory and submits nothing (exit 130)', async () => {
    const s = live(['session', ...deployArgs(confDir()), '-d', '-nm', 'it-upload-interrupted', '--no-reuse-uploads']);
    const [, id] = await s.waitFor(/application id (application_\d+_\d+)/);
    await s.waitFor(/staging \d+ files/);
    s.child.kill('SIGINT');
    expect(await s.exit).toBe(130);
    expect(s.output().stderr).toMatch(/Interrupted/);
    expect(await appsNamed('it-upload-interrupted')).toEqual([]);
    expect(await hdfsExists(`${await home()}/.flink/${id}`)).toBe(false);
  });

  it('cleans up when YARN refuses the submission (an unknown queue)', async () => {
    const r = session(confDir(), '-d', '-nm', 'it-bad-queue', '-qu', 'no-such-queue');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/QUEUE_UNKNOWN: The scheduler reports no queue 'no-such-queue'/);
    const [app] = await appsNamed('it-bad-queue');
    expect(app === undefined || ['FAILED', 'KILLED'].includes(app.state)).toBe(true);
    if (app !== undefined) expect(await hdfsExists(`${await home()}/.flink/${app.id}`)).toBe(false);
  });
});

describe('HA data after a kill: ha ls, ha clean, kill --cleanup-ha', () => {
  it('finds the orphan a kill leaves, refuses to clean a running session, and cleans ZooKeeper and HDFS', async () => {
    const conf = confDir();
    const a = JSON.parse(session(conf, '-d', '-nm', 'it-ha-orphan').stdout).applicationId as string;
    started.push(a);
    const ha = (...args: string[]) =>
      cli(['ha', ...args, '--flink-conf-dir', conf, '--yarn-conf-dir', cluster.confDir, '-o', 'json']);

    const listed = JSON.parse(ha('ls').stdout) as { clusterId: string; applicationState: string; orphaned: boolean }[];
    expect(listed.find((n) => n.clusterId === a)).toMatchObject({ applicationState: 'RUNNING', orphaned: false });
    const refused = ha('clean', a);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is RUNNING.*--force/);

    // A kill leaves Flink's HA data behind (it is removed only on a graceful shutdown).
    expect(cli(['kill', a, '--yes', '--yarn-conf-dir', cluster.confDir]).code).toBe(0);
    expect(await zkExists(`/flink/${a}`)).toBe(true);
    const after = JSON.parse(ha('ls').stdout) as { clusterId: string; applicationState: string; orphaned: boolean }[];
    expect(after.find((n) => n.clusterId === a)).toMatchObject({ applicationState: 'KILLED', orphaned: true });

    // Flink keeps job blobs under <storageDir>/<cluster-id>/blob once a job runs; an idle session
    // has written none yet, so put a file where a job's blob would be, to see that it goes too.
    const mkdir = await fetch(`${cluster.webhdfs}/webhdfs/v1/flink/recovery/${a}/blob?op=MKDIRS&user.name=${user}`, {
      method: 'PUT',
    });
    expect(mkdir.status).toBe(200);
    expect(await hdfsExists(`/flink/recovery/${a}/blob`)).toBe(true);
    const planned = JSON.parse(ha('clean', '--orphans', '--dry-run').stdout) as {
      clusterId: string;
      zkNodes: number;
      dryRun: boolean;
    }[];
    expect(planned.find((r) => r.clusterId === a)).toMatchObject({ dryRun: true });
    expect(planned.find((r) => r.clusterId === a)!.zkNodes).toBeGreaterThan(1);
    expect(await zkExists(`/flink/${a}`)).toBe(true);

    const cleaned = JSON.parse(ha('clean', '--orphans').stdout) as { clusterId: string; storage: string }[];
    expect(cleaned.map((r) => r.clusterId)).toContain(a);
    expect(cleaned.find((r) => r.clusterId === a)!.storage).toBe(`/flink/recovery/${a}`);
    expect(await zkExists(`/flink/${a}`)).toBe(false);
    expect(await hdfsExists(`/flink/recovery/${a}`)).toBe(false);
  });

  it('kill --cleanup-ha removes the namespace right after the kill', async () => {
    const conf = confDir();
    const b = JSON.parse(session(conf, '-d', '-nm', 'it-ha-kill-clean').stdout).applicationId as string;
    started.push(b);
    expect(await zkExists(`/flink/${b}`)).toBe(true);
    const r = cli([
      'kill',
      b,
      '--yes',
      '--cleanup-ha',
      '--flink-conf-dir',
      conf,
      '--yarn-conf-dir',
      cluster.confDir,
      '-o',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      applicationId: b,
      state: 'KILLED',
      haCleanup: [{ namespace: `/flink/${b}` }],
    });
    expect(await zkExists(`/flink/${b}`)).toBe(false);
  });
});

describe('the HA story of the reference document, end to end', () => {
  it('kill the JobManager: attempt 2 starts, a new leader answers; kill again: FAILED, orphaned, cleaned', async () => {
    const conf = confDir();
    const id = JSON.parse(session(conf, '-d', '-nm', 'it-ha-story').stdout).applicationId as string;
    started.push(id);
    const yarn = ['--yarn-conf-dir', cluster.confDir];
    const haStatus = () =>
      JSON.parse(cli(['ha', 'status', id, '--flink-conf-dir', conf, '-o', 'json']).stdout) as {
        leaders: { component: string; leader: { address: string; sessionId: string } | null }[];
      };
    const restLeader = () => haStatus().leaders.find((l) => l.component === 'rest_server')?.leader ?? null;
    const first = restLeader();
    expect(first).not.toBeNull();

    // 1. Kill the JobManager's process (the AM container) on this machine's NodeManager.
    const killJobManager = () => killCurrentJobManager(rm, id);
    await killJobManager();

    // 2. YARN starts attempt 2 of the same application; `attempts` shows it.
    const deadline = Date.now() + 120_000;
    let report = JSON.parse(cli(['attempts', id, ...yarn, '-o', 'json']).stdout);
    while (
      !(
        report.state === 'RUNNING' &&
        report.attempts.length === 2 &&
        report.attempts[1].appAttemptState === 'RUNNING'
      ) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 1000));
      report = JSON.parse(cli(['attempts', id, ...yarn, '-o', 'json']).stdout);
    }
    expect(report.attempts.map((a: { appAttemptState: string }) => a.appAttemptState)).toEqual(['FAILED', 'RUNNING']);

    // 3. A new leader appears in ZooKeeper, and Flink's REST API answers there again.
    let second = restLeader();
    while ((second === null || second.sessionId === first!.sessionId) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      second = restLeader();
    }
    expect(second!.sessionId).not.toBe(first!.sessionId);
    const status = JSON.parse(cli(['status', id, ...yarn, '-o', 'json']).stdout);
    expect(new URL(second!.address).port).toBe(new URL(status.restAddress).port);
    expect((await fetch(`${status.restAddress}/overview`)).status).toBe(200);

    // 4. Once the attempts are exhausted the application fails, and its HA data is orphaned.
    await killJobManager();
    const failed = await waitFor(async () => (await rm.app(id)).state === 'FAILED');
    expect(failed).toBe(true);
    const listed = JSON.parse(cli(['ha', 'ls', '--flink-conf-dir', conf, ...yarn, '-o', 'json']).stdout) as {
      clusterId: string;
      orphaned: boolean;
    }[];
    expect(listed.find((n) => n.clusterId === id)?.orphaned).toBe(true);

    // 5. ha clean --orphans removes it.
    const cleaned = JSON.parse(
      cli(['ha', 'clean', '--orphans', '--flink-conf-dir', conf, ...yarn, '-o', 'json']).stdout,
    ) as { clusterId: string }[];
    expect(cleaned.map((c) => c.clusterId)).toContain(id);
    expect(await zkExists(`/flink/${id}`)).toBe(false);
  });
});

describe('redeploying an unchanged distribution', () => {
  it('uploads only the configuration; the rest is registered from HDFS by content, and the session runs', async () => {
    const conf = confDir();
    const first = JSON.parse(session(conf, '-d', '-nm', 'it-reuse-1').stdout);
    started.push(first.applicationId);
    const second = session(conf, '-d', '-nm', 'it-reuse-2');
    expect(second.code, second.stderr).toBe(0);
    const out = JSON.parse(second.stdout);
    started.push(out.applicationId);
    expect(out.state).toBe('RUNNING');
    // The first deploy may itself have found earlier tests' uploads; together they are the distribution.
    const distribution = first.bytesUploaded + first.bytesReused;
    expect(out.bytesReused).toBeGreaterThan(0.95 * distribution);
    expect(out.bytesUploaded).toBeLessThan(0.05 * distribution);
    expect(second.stderr).toMatch(/unchanged files \([\d.]+ MB\) were already on HDFS/);
    const resources = out.submission['am-container-spec']['local-resources'].entry as {
      key: string;
      value: { resource: string; visibility: string };
    }[];
    const dist = resources.find((r) => r.key.startsWith('flink-dist'))!;
    expect(dist.value.resource).toMatch(/\/\.flink-yarn\/cache\/[0-9a-f]{64}\/flink-dist-[\d.]+\.jar$/);
    expect(dist.value.visibility).toBe('PRIVATE');
    expect(resources.find((r) => r.key === 'flink-conf.yaml')!.value.resource).toContain(
      `/.flink/${out.applicationId}/`,
    );
  });
});

describe('pre-flight on ZooKeeper', () => {
  it('warns when the cluster-id already holds HA data, and leaves that data alone', async () => {
    const zk = zookeeper.createClient(cluster.zookeeper, { sessionTimeout: 10_000 });
    await new Promise<void>((resolve) => {
      zk.once('connected', resolve);
      zk.connect();
    });
    await new Promise<void>((resolve, reject) =>
      zk.mkdirp('/flink/it-preexisting/jobgraphs', (e) => (e ? reject(e) : resolve())),
    );
    zk.close();
    const r = session(confDir(), '-d', '-nm', 'it-preexisting', '-z', 'it-preexisting');
    expect(r.code, r.stderr).toBe(0);
    started.push(JSON.parse(r.stdout).applicationId);
    expect(r.stderr).toMatch(/warning HA_NAMESPACE_IN_USE: ZooKeeper \/flink\/it-preexisting already holds HA data/);
    expect(cli(['kill', JSON.parse(r.stdout).applicationId, '--yes', '--yarn-conf-dir', cluster.confDir]).code).toBe(0);
    expect(await zkExists('/flink/it-preexisting/jobgraphs')).toBe(true);
  });
});
