// Issue 8, row 4: scale. `flink-yarn list` over a large application history, replayed from a
// loopback RM that serves a realistic /ws/v1/cluster/apps answer of N applications (built from the
// recorded Hadoop 3.4.2 responses in fixtures/rm) and applies the RM's server-side filters; and
// `flink-yarn ha ls` over N namespaces in the minicluster's real ZooKeeper.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import zookeeper from 'node-zookeeper-client';
import { measureAsync } from './measure.js';

const recorded = (root, name) =>
  JSON.parse(readFileSync(join(root, 'fixtures', 'rm', 'hadoop-3.4.2', `${name}.json`), 'utf8')).body;

const CLUSTER_TS = 1795495704788;
const TYPES = [
  'Apache Flink',
  'Apache Flink',
  'Apache Flink',
  'MAPREDUCE',
  'MAPREDUCE',
  'MAPREDUCE',
  'MAPREDUCE',
  'SPARK',
  'SPARK',
  'TEZ',
];
const USERS = ['root', 'etl', 'analytics', 'flink', 'svc-reporting'];
const QUEUES = ['root.default', 'root.etl', 'root.adhoc', 'root.streaming'];

/**
 * `n` applications shaped like the RM's (every field of the recorded Hadoop 3.4.2 answers), newest
 * last: about 1% RUNNING (the newest), then FINISHED, KILLED and FAILED with their diagnostics;
 * 30% of type "Apache Flink".
 */
export function generateApps(root, n) {
  const [killed, failed] = JSON.parse(recorded(root, 'apps-many')).apps.app;
  const running = Math.max(1, Math.floor(n / 100));
  const apps = new Array(n);
  const t0 = CLUSTER_TS + 10_000;
  for (let i = 0; i < n; i++) {
    const id = `application_${CLUSTER_TS}_${String(i + 1).padStart(4, '0')}`;
    const state = i >= n - running ? 'RUNNING' : i % 10 < 6 ? 'FINISHED' : i % 10 < 8 ? 'KILLED' : 'FAILED';
    const base = state === 'FAILED' ? failed : killed;
    const type = TYPES[i % TYPES.length];
    const started = t0 + i * 60_000;
    const finished = state === 'RUNNING' ? 0 : started + 30_000 + (i % 97) * 1000;
    const container = `container_${CLUSTER_TS}_${String(i + 1).padStart(4, '0')}_01_000001`;
    apps[i] = {
      ...base,
      id,
      user: USERS[i % USERS.length],
      name: type === 'Apache Flink' ? `flink-session-${i % 300}` : `${type.toLowerCase()} job ${i}`,
      queue: QUEUES[i % QUEUES.length],
      state,
      finalStatus: { RUNNING: 'UNDEFINED', FINISHED: 'SUCCEEDED', KILLED: 'KILLED', FAILED: 'FAILED' }[state],
      progress: state === 'RUNNING' ? 50.0 : 100.0,
      trackingUI: state === 'RUNNING' ? 'ApplicationMaster' : 'History',
      trackingUrl:
        state === 'RUNNING' ? `http://localhost:35827/proxy/${id}/` : `http://localhost:35827/cluster/app/${id}`,
      diagnostics:
        state === 'FAILED' || state === 'KILLED'
          ? base.diagnostics
              .replaceAll('application_1795495704788_0002', id)
              .replaceAll('application_1795495704788_0001', id)
          : '',
      applicationType: type,
      applicationTags: i % 3 === 0 ? 'team-a,nightly' : '',
      startedTime: started,
      launchTime: started + 900,
      finishedTime: finished,
      elapsedTime: (finished || started + 3_600_000) - started,
      amContainerLogs: `http://localhost:38077/node/containerlogs/${container}/${USERS[i % USERS.length]}`,
      amHostHttpAddress: 'localhost:38077',
      ...(state === 'RUNNING' ? { amRPCAddress: `localhost:${30000 + (i % 30000)}` } : {}),
      masterNodeId: 'localhost:43507',
      allocatedMB: state === 'RUNNING' ? 2048 : -1,
      allocatedVCores: state === 'RUNNING' ? 2 : -1,
      runningContainers: state === 'RUNNING' ? 2 : -1,
      memorySeconds: 1024 * (30 + (i % 97)),
      vcoreSeconds: 30 + (i % 97),
    };
  }
  return apps;
}

/** A loopback RM answering /ws/v1/cluster/info, /apps (with the RM's filters and limit), /apps/ID(/appattempts). */
export async function startReplayRm(root) {
  const info = recorded(root, 'info');
  const app = recorded(root, 'app');
  const attempts = recorded(root, 'appattempts');
  const empty = recorded(root, 'apps-empty');
  let apps = [];
  let full = Buffer.from(empty);
  let cache = new Map();
  let lastServed = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://rm');
    const send = (body) => res.writeHead(200, { 'Content-Type': 'application/json;charset=utf-8' }).end(body);
    if (url.pathname === '/ws/v1/cluster/info') return send(info);
    if (url.pathname.endsWith('/appattempts')) return send(attempts);
    if (url.pathname.startsWith('/ws/v1/cluster/apps/')) return send(app);
    if (url.pathname !== '/ws/v1/cluster/apps') return res.writeHead(404).end();
    const filters = ['states', 'applicationTypes', 'applicationTags', 'queue', 'user', 'limit'].filter((k) =>
      url.searchParams.has(k),
    );
    if (filters.length === 0) {
      lastServed = apps.length;
      return send(full);
    }
    const key = url.search;
    if (!cache.has(key)) {
      const list = (k) =>
        (url.searchParams.get(k) ?? '')
          .split(',')
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean);
      const states = list('states');
      const types = list('applicationTypes');
      const tags = list('applicationTags');
      let out = apps.filter(
        (a) =>
          (states.length === 0 || states.includes(a.state.toLowerCase())) &&
          (types.length === 0 || types.includes(a.applicationType.toLowerCase())) &&
          (tags.length === 0 || tags.some((t) => a.applicationTags.split(',').includes(t))) &&
          (!url.searchParams.has('queue') || a.queue === url.searchParams.get('queue')) &&
          (!url.searchParams.has('user') || a.user === url.searchParams.get('user')),
      );
      // The RM stops after `limit` applications; here the newest.
      if (url.searchParams.has('limit')) out = out.slice(-Number(url.searchParams.get('limit')));
      cache.set(key, { count: out.length, body: out.length === 0 ? empty : JSON.stringify({ apps: { app: out } }) });
    }
    const hit = cache.get(key);
    lastServed = hit.count;
    return send(hit.body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /** Serves `next` from now on. */
    load(next) {
      apps = next;
      full = Buffer.from(next.length === 0 ? empty : JSON.stringify({ apps: { app: next } }));
      cache = new Map();
      return full.length;
    },
    lastServed: () => lastServed,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const fmt = (n) => n.toLocaleString('en-US');

const WALL = (r) => r.median;
const CPU = (r) => r.cpu.median;
const RSS = (r) => r.rss.median;

/**
 * How a quantity grows from one size to the next (10x apart): the ratio of the medians, and the
 * ratio of what they cost above the empty baseline (10 = linear). Below noise when the cost above
 * the baseline is not positive.
 */
function growth(series, base, pick) {
  const out = [];
  for (let i = 1; i < series.length; i++) {
    const [a, b] = [series[i - 1], series[i]];
    const [da, db] = [pick(a) - pick(base), pick(b) - pick(base)];
    out.push({ from: a.count, to: b.count, raw: pick(b) / pick(a), marginal: da > 0 && db > 0 ? db / da : null });
  }
  return out;
}

function growthText(g) {
  return g
    .map(
      (x) =>
        `${fmt(x.from)}->${fmt(x.to)} x${x.raw.toFixed(1)}` +
        (x.marginal === null ? ' (above baseline: below noise)' : ` (above baseline x${x.marginal.toFixed(1)})`),
    )
    .join(', ');
}

/** Cost per item above the baseline, at each size. */
function perItem(series, base, pick, scale, unit) {
  return series
    .map((r) => `${fmt(r.count)}: ${((scale * (pick(r) - pick(base))) / r.count).toFixed(1)} ${unit}`)
    .join(', ');
}

/** `flink-yarn list` at each size, text and JSON, plus the RM-side filters over the largest history. */
export async function benchListScale({ root, runs, warmup, counts, log }) {
  const bin = join(root, 'bin', 'flink-yarn.cjs');
  const rm = await startReplayRm(root);
  const rows = [];
  const notes = [];
  const cmd = (...args) => ({ command: process.execPath, args: [bin, 'list', '--rm', rm.url, ...args] });
  try {
    const series = { text: [], json: [] };
    let base = { text: null, json: null };
    for (const count of [0, ...counts]) {
      const bytes = rm.load(count === 0 ? [] : generateApps(root, count));
      log(`list: ${fmt(count)} apps (${(bytes / 2 ** 20).toFixed(1)} MB response)`);
      for (const [mode, extra] of [
        ['text', []],
        ['json', ['--output', 'json']],
      ]) {
        const m = await measureAsync({
          ...cmd('--all-types', ...extra),
          runs,
          warmup,
          // The output holds every application (JSON: the array; text: one line each, plus the header).
          check: (out) => {
            const got =
              mode === 'json'
                ? JSON.parse(out.stdout).length
                : out.stdout.split('\n').filter((l) => l.startsWith('application_')).length;
            if (got !== count) throw new Error(`list printed ${got} applications, expected ${count}`);
          },
        });
        const r = {
          section: 'scale',
          name: `list --all-types${mode === 'json' ? ' -o json' : ''}: ${count === 0 ? '0 apps (baseline)' : `${fmt(count)} apps`}`,
          count,
          responseMb: bytes / 2 ** 20,
          ...m,
        };
        if (count === 0) base[mode] = r;
        else series[mode].push(r);
        rows.push(r);
      }
      if (count === counts[counts.length - 1]) {
        for (const [label, args] of [
          ['list (Flink apps only: applicationTypes filter)', []],
          ['list --states RUNNING', ['--states', 'RUNNING']],
          ['list --all-types --limit 100', ['--all-types', '--limit', '100']],
        ]) {
          const m = await measureAsync({ ...cmd(...args), runs, warmup });
          rows.push({
            section: 'scale',
            name: `${label}: ${fmt(count)}-app history, RM returns ${fmt(rm.lastServed())}`,
            count,
            ...m,
          });
        }
      }
    }
    for (const mode of ['text', 'json']) {
      const s = series[mode];
      const top = s[s.length - 1];
      const b = base[mode];
      if (top === undefined) continue;
      // Linear: from the last-but-one size to the largest, CPU time and peak RSS above the baseline
      // grow at most 1.5x faster than the count (x15 per 10x). Smaller sizes drown in start-up noise.
      const last = (pick) => growth(s, b, pick).pop();
      const linear = s.length < 2 || [CPU, RSS].every((pick) => (last(pick)?.marginal ?? 0) <= 15);
      if (top.count >= 100_000) {
        const fast = top.median < 3000;
        const small = top.rss.median < 500;
        top.goal = '< 3 s, < 500 MB, linear';
        top.met = fast && small && linear;
        top.verdict =
          `${(top.median / 1000).toFixed(2)} s (< 3 s: ${fast ? 'met' : 'NOT met'}), ` +
          `${top.rss.median.toFixed(0)} MB (< 500 MB: ${small ? 'met' : 'NOT met'}), ` +
          `${linear ? 'linear' : 'NOT linear'}`;
      }
      notes.push(
        `list --all-types${mode === 'json' ? ' -o json' : ''} growth per 10x: wall ${growthText(growth(s, b, WALL))}; ` +
          `CPU ${growthText(growth(s, b, CPU))}; peak RSS ${growthText(growth(s, b, RSS))}. ` +
          `Above the empty baseline: CPU ${perItem(s, b, CPU, 1000, 'µs/app')}; RSS ${perItem(s, b, RSS, 1024, 'KiB/app')}`,
      );
    }
  } finally {
    await rm.close();
  }
  return { rows, notes };
}

// ---- ha ls over N namespaces in the real ZooKeeper

function zkCall(fn) {
  return new Promise((resolve, reject) => fn((e, v) => (e ? reject(e) : resolve(v))));
}

/** Real leader records written by a JVM (fixtures/zookeeper/leader-records.tsv). */
function leaderRecords(root) {
  return readFileSync(join(root, 'fixtures', 'zookeeper', 'leader-records.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => Buffer.from(l.split('\t')[2], 'hex'));
}

/** Flink 1.15+ namespaces of applications the RM does not know (ids of an older RM): all orphaned. */
const namespaceId = (i) => `application_1700000000000_${String(i + 1).padStart(4, '0')}`;

export async function createNamespaces(zk, root, haRoot, from, to) {
  const [dispatcher, rest, rmLeader] = leaderRecords(root);
  for (let start = from; start < to; start += 50) {
    const tx = zk.transaction();
    for (let i = start; i < Math.min(to, start + 50); i++) {
      const ns = `${haRoot}/${namespaceId(i)}`;
      tx.create(ns).create(`${ns}/leader`).create(`${ns}/leader/latch`);
      for (const [component, data] of [
        ['dispatcher', dispatcher],
        ['rest_server', rest],
        ['resource_manager', rmLeader],
      ]) {
        tx.create(`${ns}/leader/${component}`).create(`${ns}/leader/${component}/connection_info`, data);
      }
      tx.create(`${ns}/jobgraphs`).create(`${ns}/jobs`);
    }
    await zkCall((cb) => tx.commit(cb));
  }
}

export async function removeNamespaces(zk, haRoot, from, to) {
  for (let start = from; start < to; start += 50) {
    const tx = zk.transaction();
    for (let i = start; i < Math.min(to, start + 50); i++) {
      const ns = `${haRoot}/${namespaceId(i)}`;
      for (const c of ['dispatcher', 'rest_server', 'resource_manager']) {
        tx.remove(`${ns}/leader/${c}/connection_info`).remove(`${ns}/leader/${c}`);
      }
      tx.remove(`${ns}/leader/latch`).remove(`${ns}/leader`).remove(`${ns}/jobgraphs`).remove(`${ns}/jobs`).remove(ns);
    }
    await zkCall((cb) => tx.commit(cb)).catch(() => undefined);
  }
}

/** `flink-yarn ha ls` with 0, then each of `counts` namespaces under the HA root; removes them after. */
export async function benchHaScale({ root, cluster, flinkConfDir, runs, warmup, counts, log }) {
  const bin = join(root, 'bin', 'flink-yarn.cjs');
  const haRoot = '/flink';
  const zk = zookeeper.createClient(cluster.zookeeper, { sessionTimeout: 30_000 });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ZooKeeper ${cluster.zookeeper} did not answer`)), 15_000);
    zk.once('connected', () => {
      clearTimeout(timer);
      resolve();
    });
    zk.connect();
  });
  const rows = [];
  const notes = [];
  let created = 0;
  try {
    await zkCall((cb) => zk.mkdirp(haRoot, cb));
    const existing = (await zkCall((cb) => zk.getChildren(haRoot, cb))).length;
    const series = [];
    let base = null;
    for (const count of [0, ...counts]) {
      await createNamespaces(zk, root, haRoot, created, count);
      created = count;
      log(`ha ls: ${fmt(count)} namespaces`);
      const m = await measureAsync({
        command: process.execPath,
        args: [bin, 'ha', 'ls', '--flink-conf-dir', flinkConfDir, '--yarn-conf-dir', cluster.confDir],
        runs,
        warmup,
        check: () => {
          const out = spawnSync(
            process.execPath,
            [bin, 'ha', 'ls', '--flink-conf-dir', flinkConfDir, '--yarn-conf-dir', cluster.confDir, '--output', 'json'],
            { encoding: 'utf8', maxBuffer: 2 ** 28 },
          );
          const got = JSON.parse(out.stdout).length;
          if (got !== existing + count) throw new Error(`ha ls listed ${got} namespaces, expected ${existing + count}`);
        },
      });
      const r = {
        section: 'scale',
        name: `ha ls: ${count === 0 ? `${existing} namespaces (baseline)` : `${fmt(count)} namespaces`}`,
        count,
        ...m,
      };
      if (count === 0) base = r;
      else series.push(r);
      rows.push(r);
    }
    if (series.length > 0) {
      notes.push(
        `ha ls (each namespace: 10 znodes in the Flink 1.15+ layout with real leader records, named by an application id ` +
          `the RM answers 404 for) growth per 10x: wall ${growthText(growth(series, base, WALL))}; ` +
          `CPU ${growthText(growth(series, base, CPU))}; peak RSS ${growthText(growth(series, base, RSS))}. ` +
          `Above the empty baseline: wall ${perItem(series, base, WALL, 1, 'ms/namespace')}; ` +
          `RSS ${perItem(series, base, RSS, 1024, 'KiB/namespace')}`,
      );
    }
  } finally {
    log(`ha ls: removing the ${fmt(created)} namespaces`);
    await removeNamespaces(zk, haRoot, 0, created);
    zk.close();
  }
  return { rows, notes };
}
