import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { encodeToken } from '../../../src/hdfs/tokens.js';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../../src/http/transport.js';
import type { YarnAppState } from '../../../src/yarn/model.js';
import { json } from '../http/responses.js';
import { manualClock } from '../../../src/async/poll.js';
import type { SessionOptions } from '../../../src/operations/session/index.js';

/** A step of the fake cluster that a test can make fail: the RM's and WebHDFS's operations. */
export type Step =
  | 'info'
  | 'scheduler'
  | 'new-application'
  | 'submit'
  | 'app'
  | 'kill'
  | 'GETHOMEDIRECTORY'
  | 'MKDIRS'
  | 'CREATE'
  | 'datanode'
  | 'GETFILESTATUS'
  | 'DELETE'
  | 'GETDELEGATIONTOKEN';

const remote = (exception: string, message: string, status: number) =>
  json({ RemoteException: { exception, javaClassName: `org.apache.hadoop.${exception}`, message } }, status);

/** An RM and a NameNode in memory, as their REST APIs answer; it records what each step was asked. */
export class FakeCluster implements HttpTransport {
  readonly steps: string[] = [];
  readonly files = new Map<string, number>();
  readonly dirs = new Set<string>();
  submitted: Record<string, unknown> | null = null;
  /** The NameNode CREATE requests' URLs (replication and the like are query parameters). */
  readonly creates: string[] = [];
  /** The default queue's default priority the scheduler reports, if any. */
  defaultPriority: number | undefined = undefined;
  /** What GET app answers, one state per look; the last one repeats. */
  states: YarnAppState[] = ['ACCEPTED', 'RUNNING'];
  state: YarnAppState | 'NEW' = 'NEW';
  readonly failures = new Map<Step, () => HttpResponse>();
  /** Runs when the RM accepts the submission: where a test plays the JobManager's part. */
  onSubmit: () => void = () => undefined;
  /** The GETDELEGATIONTOKEN requests' query parameters. */
  readonly tokenRequests: Record<string, string>[] = [];
  /** The tokens issued (their URL strings), in order: secrets a test looks for in what is shown. */
  readonly issuedTokens: string[] = [];

  failAt(step: Step, response: () => HttpResponse = () => remote('YarnRuntimeException', `${step} failed`, 500)): this {
    this.failures.set(step, response);
    return this;
  }

  /** The steps taken, without the many looks at the application. */
  trace(): string[] {
    return this.steps.filter((s, i) => s !== 'app' || this.steps[i - 1] !== 'app');
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.url);
    let length =
      typeof req.body === 'string' ? Buffer.byteLength(req.body) : req.body instanceof Uint8Array ? req.body.length : 0;
    if (req.body instanceof Readable) {
      length = 0;
      for await (const chunk of req.body) length += (chunk as Buffer).length;
    }
    if (url.host === 'dn:9864') return this.step('datanode', () => this.datanode(url, length));
    if (url.host === 'nn:9870') {
      const op = url.searchParams.get('op') ?? '';
      return this.step(op as Step, () =>
        this.namenode(req.method, op, decodeURIComponent(url.pathname.slice('/webhdfs/v1'.length)), url),
      );
    }
    const path = url.pathname;
    if (path === '/ws/v1/cluster/info')
      return this.step('info', () =>
        json({
          clusterInfo: {
            id: 1,
            state: 'STARTED',
            haState: 'ACTIVE',
            hadoopVersion: '3.4.2',
            resourceManagerVersion: '3.4.2',
          },
        }),
      );
    if (path === '/ws/v1/cluster/scheduler')
      return this.step('scheduler', () =>
        json({
          scheduler: {
            schedulerInfo:
              this.defaultPriority === undefined
                ? {}
                : { queues: { queue: [{ queueName: 'default', defaultPriority: this.defaultPriority }] } },
          },
        }),
      );
    if (path === '/ws/v1/cluster/apps/new-application')
      return this.step('new-application', () =>
        json({ 'application-id': 'application_1_0001', 'maximum-resource-capability': { memory: 8192, vCores: 4 } }),
      );
    if (path === '/ws/v1/cluster/apps' && req.method === 'POST')
      return this.step('submit', () => {
        this.submitted = JSON.parse(String(req.body)) as Record<string, unknown>;
        this.state = 'NEW';
        this.onSubmit();
        return { status: 202, headers: {}, body: '' };
      });
    if (path.endsWith('/state') && req.method === 'PUT')
      return this.step('kill', () => {
        this.state = 'KILLED';
        return json({ state: 'KILLED' });
      });
    if (path.startsWith('/ws/v1/cluster/apps/'))
      return this.step('app', () => {
        if (this.state !== 'KILLED') this.state = this.states.length > 1 ? this.states.shift()! : this.states[0]!;
        return json({
          app: { id: 'application_1_0001', state: this.state, finalStatus: 'UNDEFINED', diagnostics: '' },
        });
      });
    return json({}, 404);
  }

  private step(step: Step, serve: () => HttpResponse): HttpResponse {
    this.steps.push(step);
    return this.failures.get(step)?.() ?? serve();
  }

  private namenode(method: string, op: string, path: string, url: URL): HttpResponse {
    switch (op) {
      case 'GETHOMEDIRECTORY':
        return json({ Path: '/user/alice' });
      case 'MKDIRS':
        this.dirs.add(path);
        return json({ boolean: true });
      case 'CREATE':
        this.creates.push(url.href);
        return {
          status: 307,
          headers: { location: `http://dn:9864/webhdfs/v1${url.pathname.slice('/webhdfs/v1'.length)}?op=CREATE` },
          body: '',
        };
      case 'GETFILESTATUS': {
        const length = this.files.get(path);
        if (length === undefined) return remote('FileNotFoundException', `File does not exist: ${path}`, 404);
        return json({
          FileStatus: {
            pathSuffix: '',
            type: 'FILE',
            length,
            modificationTime: 1_700_000_000_000,
            permission: '644',
            owner: 'alice',
            group: 'g',
            replication: 1,
            blockSize: 1,
          },
        });
      }
      case 'GETDELEGATIONTOKEN': {
        this.tokenRequests.push(Object.fromEntries(url.searchParams));
        // As a NameNode before Hadoop 2.8 would: kind and service of its own, for the client to re-file.
        const urlString = encodeToken({
          identifier: Buffer.from(
            `owner=alice,renewer=${url.searchParams.get('renewer')},seq=${this.issuedTokens.length}`,
          ),
          password: Buffer.from(`password-${this.issuedTokens.length}-0123456789`),
          kind: 'WEBHDFS delegation',
          service: '127.0.0.1:8020',
        });
        this.issuedTokens.push(urlString);
        return json({ Token: { urlString } });
      }
      case 'DELETE': {
        const existed = this.dirs.delete(path);
        for (const f of [...this.files.keys()]) if (f.startsWith(`${path}/`)) this.files.delete(f);
        return json({ boolean: existed });
      }
    }
    return json({}, method === 'GET' ? 404 : 400);
  }

  private datanode(url: URL, length: number): HttpResponse {
    const path = decodeURIComponent(url.pathname.slice('/webhdfs/v1'.length));
    this.files.set(path, length);
    return { status: 201, headers: {}, body: '' };
  }
}

/**
 * A Flink home with a 4-byte dist jar, a Flink conf dir, and a Hadoop conf dir that point at the
 * fake cluster; `hadoop` adds to (or replaces) the site files' properties.
 */
export function fakeInstallation(
  flinkConf: Record<string, string>,
  hadoop: { core?: Record<string, string>; hdfs?: Record<string, string>; yarn?: Record<string, string> } = {},
): {
  flinkHome: string;
  flinkConfDir: string;
  yarnConfDir: string;
  propertiesDir: string;
} {
  const root = mkdtempSync(join(tmpdir(), 'flink-yarn-deploy-'));
  const flinkHome = join(root, 'flink');
  mkdirSync(join(flinkHome, 'lib'), { recursive: true });
  writeFileSync(join(flinkHome, 'lib', 'flink-dist-1.20.1.jar'), 'dist');
  const flinkConfDir = join(root, 'conf');
  mkdirSync(flinkConfDir);
  writeFileSync(
    join(flinkConfDir, 'flink-conf.yaml'),
    Object.entries(flinkConf)
      .map(([k, v]) => `${k}: ${v}\n`)
      .join(''),
  );
  const yarnConfDir = join(root, 'hadoop');
  mkdirSync(yarnConfDir);
  const site = (props: Record<string, string>) =>
    `<configuration>${Object.entries(props)
      .map(([k, v]) => `<property><name>${k}</name><value>${v}</value></property>`)
      .join('')}</configuration>`;
  writeFileSync(join(yarnConfDir, 'core-site.xml'), site({ 'fs.defaultFS': 'hdfs://nn:8020', ...hadoop.core }));
  writeFileSync(join(yarnConfDir, 'hdfs-site.xml'), site({ 'dfs.namenode.http-address': 'nn:9870', ...hadoop.hdfs }));
  writeFileSync(
    join(yarnConfDir, 'yarn-site.xml'),
    site({ 'yarn.resourcemanager.webapp.address': 'rm:8088', ...hadoop.yarn }),
  );
  const propertiesDir = join(root, 'properties');
  mkdirSync(propertiesDir);
  return { flinkHome, flinkConfDir, yarnConfDir, propertiesDir };
}

/** A detached deploy by alice against `cluster` from `installation`, with fast retries and a manual clock. */
export function fakeDeployOptions(
  cluster: FakeCluster,
  installation: ReturnType<typeof fakeInstallation>,
): SessionOptions {
  return {
    ...installation,
    detached: true,
    user: 'alice',
    env: {},
    reuseUploads: false,
    transport: cluster,
    retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1, factor: 1 },
    clock: manualClock(),
  };
}

/**
 * One RM with one application, which is `apps[n]` at the n-th look (the last repeats); a kill ends
 * it KILLED. For the watchers (attached session, attached run) that only look and kill.
 */
export function scriptedRm(
  id: string,
  apps: readonly { state: string; finalStatus?: string; diagnostics?: string }[],
): HttpTransport & { sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  let killed = false;
  let looks = 0;
  return {
    sent,
    async request(req) {
      sent.push(req);
      if (req.method === 'PUT') {
        killed = true;
        return json({ state: 'KILLED' });
      }
      if (req.url.includes('/appattempts')) return json({ appAttempts: { appAttempt: [{ id: 1 }] } });
      const app = killed
        ? { state: 'KILLED', finalStatus: 'KILLED', diagnostics: '' }
        : apps[Math.min(looks++, apps.length - 1)]!;
      return json({ app: { id, diagnostics: '', ...app } });
    },
  };
}
