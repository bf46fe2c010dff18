import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poll } from '../../src/async/poll.js';
import { ClusterContext } from '../../src/context/index.js';
import {
  readState,
  startMinicluster,
  stopMinicluster,
  writeSessionConfDir,
  type MiniclusterInfo,
} from '../../src/operations/minicluster/index.js';
import { flinkClientCommand, writeBenchConfDir } from '../../bench/deploy.js';
import { cli, ROOT, type CliResult } from '../cli/run.js';
import { ALLOWED, explain } from './fidelity/allowed.js';
import { compare, launchScript, normaliser, readLaunchContext } from './fidelity/launch-context.js';

/**
 * A Kerberized cluster of its own (minicluster --secure: a real KDC, SPNEGO on the RM, NodeManager
 * and NameNode web endpoints, HTTPS-only HDFS with SASL data transfer), driven as a user would:
 * the CLI with a keytab, or with a ticket cache from `kinit`.
 */
const STATE_DIR = `${process.env.FLINK_YARN_TEST_STATE_DIR ?? join(ROOT, '.flink-yarn', 'test-minicluster')}-secure`;
let info: MiniclusterInfo & Required<Pick<MiniclusterInfo, 'krb5Conf' | 'principal' | 'keytab' | 'ca' | 'realm'>>;
let context: ClusterContext;
const work = mkdtempSync(join(tmpdir(), 'flink-yarn-it-secure-'));
const started: string[] = [];
const outputs: CliResult[] = [];

/** The CLI with this cluster's krb5.conf, and a ticket cache of the test's choosing (none by default). */
function run(args: readonly string[], cache = join(work, 'no-tickets'), timeoutMs = 240_000): CliResult {
  const r = cli(
    args,
    { KRB5_CONFIG: info.krb5Conf, KRB5CCNAME: `FILE:${cache}`, KRB5_CLIENT_KTNAME: undefined },
    'flink-yarn',
    timeoutMs,
  );
  outputs.push(r);
  return r;
}

const login = () => ['--keytab', info.keytab, '--principal', info.principal];
const yarn = () => ['--yarn-conf-dir', info.confDir, '--ca', info.ca];

/** A Flink conf dir for this cluster: HA on its ZooKeeper (not Kerberized), its krb5.conf shipped. */
function flinkConf(name: string, extra: readonly string[]): string {
  return writeSessionConfDir(info, join(work, name), [
    `security.kerberos.krb5-conf.path: ${info.krb5Conf}`,
    'zookeeper.sasl.disable: true',
    ...extra,
  ]);
}

const deploy = (conf: string) => ['--flink-conf-dir', conf, ...yarn(), '--flink-home', info.flinkHome, '-o', 'json'];

/**
 * The JobManager's log, read where the NodeManager writes it. Not through `flink-yarn logs`: a
 * secure NodeManager serves container logs only with Hadoop's native library (SecureIOUtils:
 * "Secure IO is not possible without native code extensions"), which Maven Central does not have.
 */
async function jobManagerLog(applicationId: string, until: RegExp): Promise<string> {
  const { nmLogDir } = JSON.parse(readFileSync(join(info.confDir, 'cluster.json'), 'utf8')) as { nmLogDir: string };
  const file = join(
    nmLogDir,
    applicationId,
    `${applicationId.replace('application_', 'container_')}_01_000001`,
    'jobmanager.log',
  );
  return poll(
    async () => {
      const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
      return until.test(text) ? text : undefined;
    },
    { intervalMs: 500, timeoutMs: 120_000 },
  );
}

beforeAll(async () => {
  const started = await startMinicluster({ stateDir: STATE_DIR, secure: true });
  expect(started).toMatchObject({ realm: 'EXAMPLE.COM', principal: expect.stringMatching(/@EXAMPLE\.COM$/) });
  info = started as typeof info;
  expect(info.webhdfs).toMatch(/^https:\/\//);
  // In-process HDFS access, for the job's input and output: KRB5_CONFIG must be set before the
  // first GSSAPI call of this process.
  process.env.KRB5_CONFIG = info.krb5Conf;
  context = ClusterContext.open(
    { yarnConfDir: info.confDir, keytab: info.keytab, principal: info.principal, ca: info.ca },
    { hdfs: true },
  );
}, 600_000);

afterAll(async () => {
  for (const id of started) run(['kill', id, ...yarn(), ...login(), '--yes'], undefined, 60_000);
  await stopMinicluster({ stateDir: STATE_DIR });
  // No run printed a credential: no SPNEGO token or cookie, no delegation token, no keytab bytes.
  for (const r of outputs) {
    const text = r.stdout + r.stderr;
    expect(text).not.toMatch(/Negotiate [A-Za-z0-9+/=]{20,}/);
    expect(text).not.toMatch(/hadoop\.auth=/);
    expect(text).not.toMatch(/delegation=/);
    expect(text).not.toMatch(/"urlString"/);
  }
});

describe('a Kerberos-secured cluster (minicluster --secure: real KDC, SPNEGO, HTTPS-only HDFS)', () => {
  it('without credentials, list exits 1 and says to kinit or pass --keytab', () => {
    const r = run(['list', ...yarn()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/kinit/);
    expect(r.stderr).toMatch(/--keytab/);
    expect(r.stderr).toMatch(/\[KERBEROS_NO_CREDENTIALS\]/);
  });

  it('without the CA, an HTTPS-only NameNode is refused with the host and the fix', () => {
    const conf = flinkConf('no-ca', []);
    const r = run([
      'session',
      '--flink-conf-dir',
      conf,
      '--yarn-conf-dir',
      info.confDir,
      '--flink-home',
      info.flinkHome,
      '-d',
      ...login(),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\[TLS_UNTRUSTED\]/);
    expect(r.stderr).toContain(new URL(info.webhdfs).host);
    expect(r.stderr).toMatch(/--ca/);
  });

  it('with a keytab in the Flink configuration, an HA session reaches RUNNING and its JobManager logs in from the shipped keytab', async () => {
    const conf = flinkConf('keytab', [
      `security.kerberos.login.keytab: ${info.keytab}`,
      `security.kerberos.login.principal: ${info.principal}`,
    ]);
    const r = run(['session', ...deploy(conf), '-d', '-nm', 'it-secure-keytab']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { applicationId: string; state: string; submission: unknown };
    started.push(out.applicationId);
    expect(out.state).toBe('RUNNING');
    // The token went to the RM, and is not in the result: the alias is, its value masked.
    const credentials = (out.submission as { 'am-container-spec': { credentials?: unknown } })['am-container-spec']
      .credentials as { tokens: { entry: { key: string; value: string }[] } };
    expect(credentials.tokens.entry.length).toBeGreaterThan(0);
    for (const e of credentials.tokens.entry) expect(e.value).toBe('******');
    expect(r.stderr).toMatch(/HDFS delegation token obtained/);

    const log = await jobManagerLog(out.applicationId, /Successfully logged into KDC/);
    // What Flink's YARNSessionFIFOSecuredITCase looks for, in Flink 1.20's words.
    expect(log).toMatch(/Attempting to login to KDC using principal: alice@EXAMPLE\.COM keytab: \S+\/krb5\.keytab/);
    expect(log).toMatch(/Successfully logged into KDC/);

    // status and kill through SPNEGO, as the keytab's principal.
    const status = run(['status', out.applicationId, ...yarn(), ...login(), '-o', 'json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).app).toMatchObject({ id: out.applicationId, user: 'alice', state: 'RUNNING' });
    const list = run(['list', ...yarn(), ...login(), '-o', 'json']);
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { id: string }[]).map((a) => a.id)).toContain(out.applicationId);
    const kill = run(['kill', out.applicationId, ...yarn(), ...login(), '--yes']);
    expect(kill.code, kill.stderr).toBe(0);
    const after = run(['status', out.applicationId, ...yarn(), ...login(), '-o', 'json']);
    expect(JSON.parse(after.stdout).app.state).toBe('KILLED');

    // The other day-2 commands, through SPNEGO and the CA as well.
    const attempts = run(['attempts', out.applicationId, ...yarn(), ...login(), '-o', 'json']);
    expect(attempts.code, attempts.stderr).toBe(0);
    expect(attempts.stdout).toContain(out.applicationId.replace('application_', 'appattempt_'));
    const cache = run(['cache', 'ls', ...yarn(), ...login(), '-o', 'json']);
    expect(cache.code, cache.stderr).toBe(0);
    expect(cache.stdout).toMatch(/flink-dist-1\.20\.1\.jar/);
    const gc = run(['gc', '--dry-run', ...yarn(), ...login(), '-o', 'json']);
    expect(gc.code, gc.stderr).toBe(0);
    expect(JSON.parse(gc.stdout)).toHaveProperty('removed');
    // ha clean: the ZooKeeper namespace (not Kerberized here) and the recovery data on HDFS, which a
    // session without jobs has not written yet: a file stands in for it.
    const recovery = `/flink/recovery/${out.applicationId}`;
    await context.webHdfs().upload(Buffer.from('recovery data'), `${recovery}/blob/stand-in`, { overwrite: true });
    const clean = run([
      'ha',
      'clean',
      out.applicationId,
      '--flink-conf-dir',
      conf,
      ...yarn(),
      ...login(),
      '-o',
      'json',
    ]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject([
      { clusterId: out.applicationId, storage: recovery, storageRemoved: true },
    ]);
    expect(await context.webHdfs().status(recovery)).toBeNull();
  });

  it('in application mode, a job reads and writes HDFS through the shipped credentials and ends SUCCEEDED', async () => {
    const hdfs = context.webHdfs();
    const home = await hdfs.homeDirectory();
    expect(home).toBe('/user/alice');
    const input = `${home}/it-secure-input.txt`;
    const output = `${home}/it-secure-output-${Date.now()}`;
    await hdfs.upload(Buffer.from('kerberos tokens kerberos\nflink yarn kerberos\n'), input, { overwrite: true });

    const conf = flinkConf('app', [
      `security.kerberos.login.keytab: ${info.keytab}`,
      `security.kerberos.login.principal: ${info.principal}`,
    ]);
    const jar = join(info.flinkHome, 'examples', 'streaming', 'WordCount.jar');
    const r = run(
      [
        'run',
        ...deploy(conf),
        '-nm',
        'it-secure-app',
        jar,
        '--input',
        `hdfs://${input}`,
        '--output',
        `hdfs://${output}`,
        '--execution-mode',
        'BATCH',
      ],
      undefined,
      300_000,
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { applicationId: string; outcome: { finalStatus: string } };
    started.push(out.applicationId);
    expect(out.outcome.finalStatus).toBe('SUCCEEDED');
    // The TaskManagers logged in from the keytab the JobManager handed them, as Flink's secured IT case checks.
    const { nmLogDir } = JSON.parse(readFileSync(join(info.confDir, 'cluster.json'), 'utf8')) as { nmLogDir: string };
    const appLogs = join(nmLogDir, out.applicationId);
    const taskManagerLogs = readdirSync(appLogs)
      .map((c) => join(appLogs, c, 'taskmanager.log'))
      .filter((f) => existsSync(f));
    expect(taskManagerLogs.length).toBeGreaterThan(0);
    for (const f of taskManagerLogs) {
      const text = readFileSync(f, 'utf8');
      expect(text).toMatch(/Attempting to login to KDC using principal: alice@EXAMPLE\.COM keytab: \S+krb5\.keytab/);
      expect(text).toMatch(/Successfully logged into KDC/);
    }

    const counted: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const s of await hdfs.list(dir)) {
        if (s.type === 'DIRECTORY') await walk(s.path);
        else counted.push((await hdfs.open(s.path)).toString('utf8'));
      }
    };
    await walk(output);
    expect(counted.join('')).toMatch(/\(kerberos,3\)/);
  });

  it('with a ticket cache only (no keytab shipped), a session runs on the delegation tokens', async () => {
    const cache = join(work, 'tickets');
    execFileSync('kinit', ['-kt', info.keytab, info.principal], {
      env: { ...process.env, KRB5_CONFIG: info.krb5Conf, KRB5CCNAME: `FILE:${cache}` },
    });
    const conf = flinkConf('ticket-cache', []);
    const r = run(['session', ...deploy(conf), '-d', '-nm', 'it-secure-ticket-cache'], cache);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { applicationId: string; state: string; submission: Record<string, unknown> };
    started.push(out.applicationId);
    expect(out.state).toBe('RUNNING');
    const body = JSON.stringify(out.submission);
    // Nothing of a keytab shipped; staging is the home of the ticket's principal.
    expect(body).not.toMatch(/krb5\.keytab|_KEYTAB_PRINCIPAL|_LOCAL_KEYTAB_PATH/);
    // HADOOP_USER_NAME as Flink's client sets it (UGI.getUserName): the ticket's full principal.
    expect(body).toMatch(/"HADOOP_USER_NAME","value":"alice@EXAMPLE\.COM"/);
    expect(body).toMatch(/\/user\/alice\/\.flink\//);

    // The JobManager writes its HA data to HDFS on the tokens alone, and runs a job.
    const log = await jobManagerLog(out.applicationId, /Created highly available job result storage directory/);
    expect(log).not.toMatch(/Successfully logged into KDC/);
    expect(await context.webHdfs().status(`/flink/recovery/job-result-store/${out.applicationId}`)).not.toBeNull();
    const jar = join(info.flinkHome, 'examples', 'streaming', 'FlyWordCount.jar');
    const job = run(['run', '-yid', out.applicationId, ...yarn(), '-o', 'json', jar], cache);
    expect(job.code, job.stderr).toBe(0);
    expect(JSON.parse(job.stdout)).toMatchObject({ applicationId: out.applicationId, state: 'FINISHED' });
  });

  it("gives the AM what Flink's own client gives it: launch context and delegation tokens (kind, service, alias), on the same configuration", async () => {
    const conf = await writeBenchConfDir(ROOT, info, join(work, 'fidelity'), [
      `security.kerberos.login.keytab: ${info.keytab}`,
      `security.kerberos.login.principal: ${info.principal}`,
      `security.kerberos.krb5-conf.path: ${info.krb5Conf}`,
      'zookeeper.sasl.disable: true',
    ]);
    const ours = run(['session', ...deploy(conf.dir), '-d', '-nm', 'fidelity-secure-us']);
    expect(ours.code, ours.stderr).toBe(0);
    const oursId = (JSON.parse(ours.stdout) as { applicationId: string }).applicationId;
    started.push(oursId);

    const flink = flinkClientCommand({ root: ROOT, cluster: info, conf, log: () => undefined });
    const main = flink.args.indexOf('org.apache.flink.yarn.cli.FlinkYarnSessionCli');
    const theirs = spawnSync(
      flink.command,
      [
        ...flink.args.slice(0, main),
        `-Djava.security.krb5.conf=${info.krb5Conf}`,
        ...flink.args.slice(main),
        '-d',
        '-nm',
        'fidelity-secure-fl',
      ],
      { env: flink.env, encoding: 'utf8', timeout: 240_000 },
    );
    const flinkId = /application_\d+_\d+/.exec(`${theirs.stdout}\n${theirs.stderr}`)?.[0];
    expect(flinkId, `${theirs.stdout}\n${theirs.stderr}`).toBeDefined();
    started.push(flinkId!);

    const rm = context.resourceManager();
    const launched = async (id: string) => {
      await poll(async () => ((await rm.app(id)).state === 'RUNNING' ? true : undefined), {
        intervalMs: 500,
        timeoutMs: 180_000,
      });
      const container = (await rm.appAttempts(id)).at(-1)!.containerId!;
      return { ...readLaunchContext(launchScript(STATE_DIR, container)), app: {} };
    };
    const norm = normaliser([
      ['fidelity-secure-us', 'NAME'],
      ['fidelity-secure-fl', 'NAME'],
    ]);
    const differences = compare(await launched(oursId), await launched(flinkId!), norm);
    const { unexplained } = explain(differences, ALLOWED);
    expect(
      unexplained.map((d) => `${d.aspect} ${d.key}: ours ${d.ours ?? '(none)'} | Flink's ${d.flink ?? '(none)'}`),
    ).toEqual([]);

    // The tokens as the ResourceManager received them (its DelegationTokenRenewer logs each):
    // the same kinds and services; the renewer differs on purpose (README: renewable by the RM).
    const rmLog = readFileSync(join(STATE_DIR, 'logs', 'minicluster.log'), 'utf8');
    const tokens = (id: string) =>
      [
        ...rmLog.matchAll(
          new RegExp(
            `${id} found existing hdfs token Kind: (\\S+), Service: (\\S+), Ident: \\(token for alice: \\S+ owner=alice(?:@EXAMPLE\\.COM)?, renewer=(\\w*)`,
            'g',
          ),
        ),
      ].map((m) => ({ kind: m[1], service: m[2], renewer: m[3] }));
    const oursTokens = tokens(oursId);
    const flinkTokens = tokens(flinkId!);
    expect(flinkTokens.length).toBeGreaterThan(0);
    expect(oursTokens.map(({ kind, service }) => ({ kind, service }))).toEqual(
      flinkTokens.map(({ kind, service }) => ({ kind, service })),
    );
    expect(flinkTokens.map((t) => t.renewer)).toEqual(flinkTokens.map(() => ''));
    expect(oursTokens.map((t) => t.renewer)).toEqual(oursTokens.map(() => 'hadoop'));
    // And the alias each is filed under: the service, as Flink's client files it.
    const credentials = (
      JSON.parse(ours.stdout) as {
        submission: { 'am-container-spec': { credentials: { tokens: { entry: { key: string }[] } } } };
      }
    ).submission['am-container-spec'].credentials;
    expect(credentials.tokens.entry.map((e) => e.key)).toEqual(oursTokens.map((t) => t.service));
  });

  it('under ResourceManager HA, negotiates with each RM: list works before and after the active one stops', async () => {
    const haDir = `${STATE_DIR}-rm-ha`;
    const ha = await startMinicluster({ stateDir: haDir, secure: true, resourceManagers: 2 });
    try {
      const control = readState(haDir)!.control!;
      const args = [
        'list',
        '--yarn-conf-dir',
        ha.confDir,
        '--ca',
        ha.ca!,
        '--keytab',
        ha.keytab!,
        '--principal',
        ha.principal!,
        '-o',
        'json',
      ];
      const env = {
        KRB5_CONFIG: ha.krb5Conf,
        KRB5CCNAME: `FILE:${join(work, 'no-tickets')}`,
        KRB5_CLIENT_KTNAME: undefined,
      };
      const before = cli(args, env);
      expect(before.code, before.stderr).toBe(0);
      const states = async () =>
        ((await (await fetch(`${control}/status`)).json()) as { rms: { state: string }[] }).rms;
      const active = (await states()).findIndex((r) => r.state === 'ACTIVE');
      expect(active).toBeGreaterThanOrEqual(0);
      await fetch(`${control}/rm/${active}/stop`, { method: 'POST' });
      await poll(
        async () => ((await states()).some((r, i) => i !== active && r.state === 'ACTIVE') ? true : undefined),
        {
          intervalMs: 500,
          timeoutMs: 120_000,
        },
      );
      const after = cli(args, env);
      expect(after.code, after.stderr).toBe(0);
      expect(JSON.parse(after.stdout)).toEqual([]);
    } finally {
      await stopMinicluster({ stateDir: haDir });
    }
  });
});
