import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { flinkClientCommand, writeBenchConfDir } from '../../bench/deploy.js';
import { WebHdfsClient } from '../../src/hdfs/webhdfs-client.js';
import { flinkDistribution } from '../../src/operations/minicluster/index.js';
import { ResourceManagerClient } from '../../src/yarn/rm-client.js';
import { cli, ROOT } from '../cli/run.js';
import { ALLOWED, explain } from './fidelity/allowed.js';
import { compare, launchScript, normaliser, readLaunchContext, type Difference } from './fidelity/launch-context.js';
import { deployArgs, user, waitFor } from './helpers.js';

// The fidelity harness: the same configuration deployed by Flink's own client (FlinkYarnSessionCli,
// run as bin/yarn-session.sh runs it) and by ours, on the same cluster; what the NodeManager
// launched and what the RM recorded must be the same, but for the reasoned differences in
// fidelity/allowed.ts.
const cluster = inject('minicluster');
const rm = new ResourceManagerClient({ endpoints: [cluster.rm], user });
const hdfs = new WebHdfsClient({ endpoints: [cluster.webhdfs], user });
const started: string[] = [];

// Each case's applications end with it: the NodeManager has room for a few clusters at a time,
// and a client waiting for room that never comes would hang the case.
afterEach(() => {
  for (const id of started.splice(0)) {
    cli(['kill', id, '--yes', '--cleanup-ha', '--yarn-conf-dir', cluster.confDir], {}, 'flink-yarn', 120_000);
  }
});

// The node label a case adds goes once its applications have (the RM keeps a label in use).
afterAll(async () => {
  await fetch(`${cluster.rm}/ws/v1/cluster/remove-node-labels?labels=fidelity&user.name=${user}`, { method: 'POST' });
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
    'timeouts',
  ];
  return Object.fromEntries(fields.map((f) => [f, JSON.stringify(app[f] ?? null)]));
}

/** The AM container's launch context and the RM's fields, once the application RUNS. */
async function launched(id: string) {
  expect(await waitFor(async () => (await rm.app(id)).state === 'RUNNING', 180_000)).toBe(true);
  const attempts = await rm.appAttempts(id);
  const container = attempts.at(-1)!.containerId!;
  // The AM container's size from its NodeManager: the application's allocation also counts
  // TaskManagers, which come and go.
  const nm = attempts.at(-1)!.nodeHttpAddress!;
  const info = (await (
    await fetch(`${nm.startsWith('http') ? nm : `http://${nm}`}/ws/v1/node/containers/${container}`)
  ).json()) as { container: { totalMemoryNeededMB: number; totalVCoresNeeded: number } };
  return {
    ...readLaunchContext(launchScript(cluster.stateDir, container)),
    app: {
      ...(await appFields(id)),
      amMemoryMB: String(info.container.totalMemoryNeededMB),
      amVCores: String(info.container.totalVCoresNeeded),
    } as Record<string, string>,
  };
}

/** What both clients deploy: a session (yarn-session -d), or a job in application mode (run -d). */
type Mode =
  | { readonly kind: 'session' }
  | { readonly kind: 'application'; readonly jar: string; readonly args: readonly string[] };

async function deployBoth(
  name: string,
  extra: readonly string[],
  flinkHome = cluster.flinkHome,
  mode: Mode = { kind: 'session' },
  configName: 'flink-conf.yaml' | 'config.yaml' = 'flink-conf.yaml',
) {
  const conf = await writeBenchConfDir(
    ROOT,
    cluster,
    mkdtempSync(join(tmpdir(), `flink-yarn-fidelity-${name}-`)),
    extra,
  );
  if (configName === 'config.yaml') renameSync(join(conf.dir, 'flink-conf.yaml'), join(conf.dir, 'config.yaml'));
  const ours = cli(
    [
      mode.kind === 'session' ? 'session' : 'run',
      ...deployArgs(conf.dir, flinkHome),
      '-d',
      '-nm',
      `fidelity-${name}-us`,
      ...(mode.kind === 'application' ? [mode.jar, ...mode.args] : []),
    ],
    {},
    'flink-yarn',
    300_000,
  );
  expect(ours.code, ours.stderr).toBe(0);
  const oursId = (JSON.parse(ours.stdout) as { applicationId: string }).applicationId;
  started.push(oursId);

  const flink = flinkClientCommand({ root: ROOT, cluster: { ...cluster, flinkHome }, conf, log: () => undefined });
  // Application mode is bin/flink's run-application: the same java line with CliFrontend.
  const main = flink.args.indexOf('org.apache.flink.yarn.cli.FlinkYarnSessionCli');
  const args =
    mode.kind === 'session'
      ? [...flink.args, '-d', '-nm', `fidelity-${name}-fl`]
      : [
          ...flink.args.slice(0, main),
          'org.apache.flink.client.cli.CliFrontend',
          'run-application',
          '-t',
          'yarn-application',
          '-d',
          `-Dyarn.application.name=fidelity-${name}-fl`,
          mode.jar,
          ...mode.args,
        ];
  const theirs = spawnSync(flink.command, args, {
    env: flink.env,
    encoding: 'utf8',
    timeout: 180_000,
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

/** Runs one case: every difference must be on the allow-list; the reasons are printed. */
function check(ours: Launched, flink: Launched, norm: (v: string) => string, name: string): void {
  const differences = compare(ours, flink, norm);
  const { explained, unexplained } = explain(differences, ALLOWED);
  const byReason = new Map<string, string[]>();
  for (const { difference, reason } of explained)
    byReason.set(reason, [...(byReason.get(reason) ?? []), `${difference.aspect} ${difference.key}`]);
  process.stderr.write(
    `[fidelity] ${name}: ${differences.length} differences, ${explained.length} on the allow-list:\n${[...byReason]
      .map(([reason, keys]) => `  ${keys.join(', ')}\n    because ${reason}`)
      .join('\n')}\n`,
  );
  expect(unexplained.map(show)).toEqual([]);
}

type Launched = Awaited<ReturnType<typeof launched>>;

/** fs.defaultFS of the minicluster: hdfs://host:port. */
function defaultFs(): string {
  const site = readFileSync(join(cluster.confDir, 'core-site.xml'), 'utf8');
  return /<name>fs\.defaultFS<\/name>\s*<value>([^<]+)<\/value>/.exec(site)![1]!.replace(/\/$/, '');
}

/** Uploads a local directory's files to HDFS, keeping its layout (WebHDFS makes them world-readable: 644, 755). */
async function uploadTree(local: string, remote: string): Promise<void> {
  for (const entry of readdirSync(local)) {
    const path = join(local, entry);
    if (statSync(path).isDirectory()) await uploadTree(path, `${remote}/${entry}`);
    else await hdfs.upload(path, `${remote}/${entry}`, { overwrite: true });
  }
}

/** A Flink home of symbolic links to the cluster's distribution, plus a usrlib/ with one jar. */
function homeWithUsrlib(): string {
  const home = mkdtempSync(join(tmpdir(), 'flink-yarn-fidelity-home-'));
  for (const dir of ['lib', 'plugins', 'conf', 'examples']) {
    if (existsSync(join(cluster.flinkHome, dir))) symlinkSync(join(cluster.flinkHome, dir), join(home, dir));
  }
  mkdirSync(join(home, 'usrlib'));
  copyFileSync(join(cluster.flinkHome, 'examples', 'streaming', 'FlyWordCount.jar'), join(home, 'usrlib', 'udfs.jar'));
  return home;
}

describe("fidelity: what the AM and the RM get from us and from Flink's own client", () => {
  it('an HA session: every difference is on the allow-list with its reason', async () => {
    const { ours, flink, norm } = await deployBoth('ha-session', []);
    check(ours, flink, norm, 'ha-session');
    // The harness sees what it must: the same jars, the same entrypoint.
    expect(Object.keys(ours.resources)).toContain('flink-conf.yaml');
    expect(ours.command.join(' ')).toContain('org.apache.flink.yarn.entrypoint.YarnSessionClusterEntrypoint');
    expect(flink.command.join(' ')).toContain('org.apache.flink.yarn.entrypoint.YarnSessionClusterEntrypoint');
  });

  it('a job in application mode (run -d, as flink run-application -t yarn-application -d)', async () => {
    const jar = join(cluster.flinkHome, 'examples', 'streaming', 'FlyWordCount.jar');
    const { ours, flink, norm } = await deployBoth('application', [], cluster.flinkHome, {
      kind: 'application',
      jar,
      args: ['--unbounded', '--sleep-ms', '100'],
    });
    check(ours, flink, norm, 'application');
    expect(ours.command.join(' ')).toContain('org.apache.flink.yarn.entrypoint.YarnApplicationClusterEntryPoint');
    expect(ours.configuration['$internal.application.program-args']).toBe('--unbounded;--sleep-ms;100');
  });

  it("Flink's own flink run finds our session through .yarn-properties-<user>, and never an application cluster", async () => {
    const conf = await writeBenchConfDir(ROOT, cluster, mkdtempSync(join(tmpdir(), 'flink-yarn-fidelity-props-')));
    const common = deployArgs(conf.dir);
    const session = cli(['session', ...common, '-d', '-nm', 'fidelity-props'], {}, 'flink-yarn', 300_000);
    expect(session.code, session.stderr).toBe(0);
    const { applicationId, restAddress } = JSON.parse(session.stdout) as { applicationId: string; restAddress: string };
    started.push(applicationId);
    const jar = join(cluster.flinkHome, 'examples', 'streaming', 'FlyWordCount.jar');
    // An application cluster deployed afterwards leaves the file naming the session.
    const app = cli(['run', ...common, '-d', '-nm', 'fidelity-props-app', jar], {}, 'flink-yarn', 300_000);
    expect(app.code, app.stderr).toBe(0);
    started.push((JSON.parse(app.stdout) as { applicationId: string }).applicationId);

    const flink = flinkClientCommand({ root: ROOT, cluster, conf, log: () => undefined });
    const main = flink.args.indexOf('org.apache.flink.yarn.cli.FlinkYarnSessionCli');
    const run = spawnSync(
      flink.command,
      [...flink.args.slice(0, main), 'org.apache.flink.client.cli.CliFrontend', 'run', jar],
      { env: flink.env, encoding: 'utf8', timeout: 300_000 },
    );
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const jobId = /JobID ([0-9a-f]{32})/.exec(run.stdout)?.[1];
    expect(jobId, run.stdout).toBeDefined();
    const jobs = (await (await fetch(`${restAddress}/jobs/overview`)).json()) as {
      jobs: { jid: string; state: string }[];
    };
    expect(jobs.jobs.find((j) => j.jid === jobId)?.state).toBe('FINISHED');
  });

  it('a session with usrlib/, ship files and archives, tags, priority, ACLs, a start-command template and user jars first', async () => {
    const ship = mkdtempSync(join(tmpdir(), 'flink-yarn-fidelity-ship-'));
    writeFileSync(join(ship, 'lookup.csv'), 'a,1\nb,2\n');
    // A name a URI path must encode: YARN localizes it only if the location is sent encoded.
    writeFileSync(join(ship, 'my data.csv'), 'c,3\n');
    const archives = mkdtempSync(join(tmpdir(), 'flink-yarn-fidelity-archives-'));
    execFileSync('tar', ['czf', join(archives, 'models.tgz'), '-C', ship, 'lookup.csv']);
    const { ours, flink, norm } = await deployBoth(
      'options',
      [
        'yarn.tags: team-a,nightly',
        'yarn.application.priority: 2',
        'yarn.view.acls: *',
        'yarn.container-start-command-template: %java% %jvmopts% %jvmmem% %logging% %class% %args% %redirects%',
        'yarn.classpath.include-user-jar: FIRST',
        `yarn.ship-files: ${ship}`,
        `yarn.ship-archives: ${join(archives, 'models.tgz')}`,
      ],
      homeWithUsrlib(),
    );
    check(ours, flink, norm, 'options');
    expect(Object.keys(ours.resources)).toContain('usrlib/udfs.jar');
    expect(Object.keys(ours.resources)).toContain(`${basename(ship)}/my data.csv`);
    // The archive is unpacked into a directory, as for Flink's client.
    expect(ours.resources['models.tgz']?.directory).toBe(true);
    expect(ours.environment._FLINK_CLASSPATH?.startsWith('usrlib/udfs.jar:')).toBe(true);
    // The minicluster's yarn.cluster.max-application-priority is 0: YARN caps both at 0.
    expect(ours.app.priority).toBe('0');
    expect(String(JSON.parse(ours.app.applicationTags!)).split(',').sort()).toEqual(['nightly', 'team-a']);
  });

  it('a node label: the RM records the same application from both (no node has the label, so both wait in ACCEPTED)', async () => {
    // The cluster knows the label (the minicluster enables node labels); no NodeManager carries it.
    const added = await fetch(`${cluster.rm}/ws/v1/cluster/add-node-labels?user.name=${user}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ nodeLabelInfo: [{ name: 'fidelity', exclusivity: true }] }),
    });
    expect(added.status, await added.text()).toBe(200);
    const conf = await writeBenchConfDir(ROOT, cluster, mkdtempSync(join(tmpdir(), 'flink-yarn-fidelity-label-')), [
      'yarn.application.node-label: fidelity',
    ]);
    const ours = cli(
      ['session', ...deployArgs(conf.dir), '-d', '--no-wait', '-nm', 'fidelity-label-us'],
      {},
      'flink-yarn',
      120_000,
    );
    expect(ours.code, ours.stderr).toBe(0);
    const oursId = (JSON.parse(ours.stdout) as { applicationId: string }).applicationId;
    started.push(oursId);
    // Flink's client waits for RUNNING, which never comes: its application is read while it waits.
    const flink = flinkClientCommand({ root: ROOT, cluster, conf, log: () => undefined });
    const client = spawn(flink.command, [...flink.args, '-d', '-nm', 'fidelity-label-fl'], {
      env: flink.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    client.stdout.on('data', (d: Buffer) => (output += d.toString()));
    client.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      let flinkId: string | undefined;
      const accepted = await waitFor(async () => {
        const found = /application_\d+_\d+/.exec(output)?.[0];
        // Killed when the case ends, even if it never gets as far as ACCEPTED.
        if (found !== undefined && flinkId === undefined) started.push((flinkId = found));
        return flinkId !== undefined && (await rm.app(flinkId)).state === 'ACCEPTED';
      }, 180_000);
      expect(accepted, output).toBe(true);
      expect((await rm.app(oursId)).state).toBe('ACCEPTED');
      const norm = normaliser([
        ['fidelity-label-us', 'NAME'],
        ['fidelity-label-fl', 'NAME'],
      ]);
      const fields = async (id: string) =>
        Object.fromEntries(Object.entries(await appFields(id)).map(([k, v]) => [k, norm(v)]));
      const theirs = await fields(flinkId!);
      expect(await fields(oursId)).toEqual(theirs);
      expect(theirs.amNodeLabelExpression).toBe('"fidelity"');
    } finally {
      client.kill('SIGKILL');
    }
  });

  it('a Flink 2.2.0 session: config.yaml, and the rolled-log patterns Flink 2.x sends', async () => {
    const flinkHome = await flinkDistribution('2.2.0', { logDir: join(cluster.stateDir, 'logs') });
    const { ours, flink, norm } = await deployBoth(
      'flink2',
      ['yarn.rolled-logs.include-pattern: jobmanager.*', 'yarn.rolled-logs.exclude-pattern: .*\\.out'],
      flinkHome,
      { kind: 'session' },
      // Flink 2.x reads only config.yaml; flat keys are standard YAML too.
      'config.yaml',
    );
    check(ours, flink, norm, 'flink2');
    expect(Object.keys(ours.resources)).toContain('config.yaml');
    expect(ours.resources['lib/flink-dist-2.2.0.jar'] ?? ours.resources['flink-dist-2.2.0.jar']).toBeDefined();
  });

  it('a session from files on the cluster: provided lib dirs and usrlib, hdfs:// ship files and archives, a staging directory, a keytab and krb5.conf', async () => {
    // Everything on HDFS under one directory of this run, removed at the end.
    const root = `/fidelity-${randomBytes(4).toString('hex')}`;
    try {
      const dist = `${root}/dist`;
      await uploadTree(join(cluster.flinkHome, 'lib'), `${dist}/lib`);
      await uploadTree(join(cluster.flinkHome, 'plugins'), `${dist}/plugins`);
      const jar = join(cluster.flinkHome, 'examples', 'streaming', 'FlyWordCount.jar');
      await hdfs.upload(jar, `${root}/usrlib/udfs.jar`, { overwrite: true });
      await hdfs.upload(Buffer.from('a,1\nb,2\n'), `${root}/ship/lookup.csv`, { overwrite: true });
      const local = mkdtempSync(join(tmpdir(), 'flink-yarn-fidelity-remote-'));
      writeFileSync(join(local, 'lookup.csv'), 'a,1\n');
      execFileSync('tar', ['czf', join(local, 'models.tgz'), '-C', local, 'lookup.csv']);
      await hdfs.upload(join(local, 'models.tgz'), `${root}/models.tgz`, { overwrite: true });
      // An insecure cluster never reads them; what matters is where they go and what the AM is told.
      writeFileSync(join(local, 'fidelity.keytab'), randomBytes(64));
      writeFileSync(join(local, 'fidelity-krb5.conf'), '[libdefaults]\n  default_realm = EXAMPLE.COM\n');
      const { ours, flink, norm } = await deployBoth('remote', [
        `yarn.provided.lib.dirs: hdfs://${root}/dist/lib;${root}/dist/plugins`,
        `yarn.provided.usrlib.dir: ${root}/usrlib`,
        // With the NameNode named: Flink's client keys a remote directory given as hdfs:///... by its
        // absolute path, and YARN refuses it ("Destination must be relative"); ours keys both forms alike.
        `yarn.ship-files: ${defaultFs()}${root}/ship`,
        `yarn.ship-archives: hdfs://${root}/models.tgz`,
        `yarn.staging-directory: ${root}/staging`,
        `security.kerberos.login.keytab: ${join(local, 'fidelity.keytab')}`,
        'security.kerberos.login.principal: flink/fidelity@EXAMPLE.COM',
        `security.kerberos.krb5-conf.path: ${join(local, 'fidelity-krb5.conf')}`,
        // This cluster's ZooKeeper is not secured (ZK_SASL_CONTEXT_MISSING says so otherwise).
        'zookeeper.sasl.disable: true',
      ]);
      check(ours, flink, norm, 'remote');
      // Nothing of the distribution was uploaded: it is registered where it is, shared (PUBLIC).
      expect(ours.resources['lib/flink-dist-1.20.1.jar']?.visibility).toBe('PUBLIC');
      expect(ours.resources['usrlib/udfs.jar']?.visibility).toBe('APPLICATION');
      expect(ours.resources['models.tgz']?.directory).toBe(true);
      expect(ours.environment._FLINK_YARN_FILES).toMatch(new RegExp(`${root}/staging/\\.flink/application_`));
      expect(ours.environment._LOCAL_KEYTAB_PATH).toBe('krb5.keytab');
      expect(ours.environment._REMOTE_KEYTAB_PATH).toMatch(/\/fidelity\.keytab$/);
      expect(ours.command).toContain('-Djava.security.krb5.conf=krb5.conf');
      expect(Object.keys(ours.resources)).toEqual(
        expect.arrayContaining(['krb5.keytab', 'krb5.conf', 'ship/lookup.csv']),
      );
    } finally {
      await hdfs.delete(root, true).catch(() => false);
    }
  });
});
