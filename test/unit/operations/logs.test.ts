import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLogs } from '../../../src/cli/commands/logs.js';
import { TerminalOutput, type Io, type Output } from '../../../src/cli/output.js';
import { containerLogs, type LogsOptions } from '../../../src/operations/logs.js';
import { nodeStreamGet } from '../../../src/http/stream-get.js';
import { LogFrame } from '../../../src/yarn/node-logs.js';

const APP = 'application_1700000000000_0007';
const AM = 'container_1700000000000_0007_01_000001';
const TM = 'container_e03_1700000000000_0007_01_000002';

interface Cluster {
  url: string;
  /** Log files the NodeManager has, by container then name. */
  files: Map<string, Map<string, string>>;
  state: string;
  /** NodeManager container states, answered in turn (the last one repeats). */
  containerStates: string[];
  /** The aggregated files the log server has. */
  aggregated: Map<string, string>;
  requests: string[];
  /** Frame files as a Hadoop 3.x NodeManager does (header, LogLength, footer). */
  framed: boolean;
  /** Answers "not yet running" this many times first. */
  scheduled: number;
}

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** One loopback server playing the RM, the NodeManager and the log server. */
async function cluster(): Promise<Cluster> {
  const c: Cluster = {
    url: '',
    files: new Map([
      [
        AM,
        new Map([
          ['jobmanager.log', 'JM line 1\nJM line 2\n'],
          ['jobmanager.out', 'stdout of the JM\n'],
        ]),
      ],
      [TM, new Map([['taskmanager.log', 'TM says hello\n']])],
    ]),
    state: 'RUNNING',
    containerStates: ['RUNNING'],
    aggregated: new Map(),
    requests: [],
    framed: false,
    scheduled: 0,
  };
  const json = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  const server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    c.requests.push(`${p}${url.search}`);
    const address = c.url.replace('http://', '');
    if (p === `/ws/v1/cluster/apps/${APP}`) {
      return json(res, 200, { app: { id: APP, name: 'x', state: c.state, finalStatus: 'UNDEFINED' } });
    }
    if (p === `/ws/v1/cluster/apps/${APP}/appattempts`) {
      return json(res, 200, {
        appAttempts: {
          appAttempt: [
            {
              id: 1,
              appAttemptId: 'appattempt_1700000000000_0007_000001',
              containerId: AM,
              nodeHttpAddress: address,
              nodeId: 'nm:1',
            },
          ],
        },
      });
    }
    if (p === `/ws/v1/cluster/apps/${APP}/appattempts/appattempt_1700000000000_0007_000001/containers`) {
      return json(res, 200, {
        containers: {
          container: [
            { containerId: AM, nodeHttpAddress: address },
            { containerId: TM, nodeHttpAddress: address, nodeId: 'nm:1' },
          ],
        },
      });
    }
    let m = /^\/ws\/v1\/node\/containerlogs\/([^/]+)\/([^/]+)$/.exec(p);
    if (m) {
      if (c.scheduled > 0) {
        c.scheduled--;
        return json(res, 500, {
          RemoteException: { message: 'java.lang.Exception: Container is not yet running. Current state is SCHEDULED' },
        });
      }
      const file = decodeURIComponent(m[2]!);
      const raw = c.files.get(decodeURIComponent(m[1]!))?.get(file);
      if (raw === undefined) {
        return json(res, 404, {
          RemoteException: { exception: 'NotFoundException', message: `Cannot find this log on the local disk.` },
        });
      }
      const text = c.framed ? framed(m[1]!, file, raw) : raw;
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      // In pieces, as a NodeManager streams a file.
      for (let i = 0; i < text.length; i += 5) res.write(text.slice(i, i + 5));
      return res.end();
    }
    m = /^\/ws\/v1\/node\/containers\/([^/]+)$/.exec(p);
    if (m) {
      const state = c.containerStates.length > 1 ? c.containerStates.shift()! : c.containerStates[0]!;
      return json(res, 200, { container: { id: m[1], state } });
    }
    m = /^\/ws\/v1\/applicationhistory\/containerlogs\/([^/]+)\/([^/]+)$/.exec(p);
    if (m) {
      const text = c.aggregated.get(`${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`);
      if (text === undefined) return json(res, 404, { RemoteException: { message: 'not aggregated' } });
      return res.writeHead(200, { 'Content-Type': 'text/plain' }).end(text);
    }
    return json(res, 404, { RemoteException: { message: `no ${p}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  c.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return c;
}

/** What Hadoop 3.4's NMWebServices sends for one file. */
function framed(container: string, file: string, text: string): string {
  return [
    `Container: ${container} on localhost:1234`,
    'LogAggregationType: LOCAL',
    '='.repeat(68),
    `LogType:${file}`,
    'LogLastModifiedTime:Mon Nov 30 09:53:44 +0000 2026',
    `LogLength:${Buffer.byteLength(text)}`,
    'LogContents:',
    `${text}End of LogType:${file}.This log file belongs to a running container (${container}) and so may not be complete.`,
    '*'.repeat(79),
    '',
    '',
  ].join('\n');
}

async function logsOf(c: Cluster, options: Partial<LogsOptions> = {}): Promise<{ text: string; result: unknown }> {
  let text = '';
  const result = await containerLogs(APP, {
    rm: c.url,
    env: {},
    cwd: tmpdir(),
    write: (t) => {
      text += t;
    },
    ...options,
  });
  return { text, result };
}

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('expected a failure');
}

describe('containerLogs', () => {
  it("streams the latest attempt's jobmanager.log from the NodeManager while the application runs", async () => {
    const c = await cluster();
    const { text, result } = await logsOf(c);
    expect(text).toBe('JM line 1\nJM line 2\n');
    expect(result).toMatchObject({ containerId: AM, file: 'jobmanager.log', source: 'nodemanager', bytes: 20 });
  });

  it("passes on only the file's bytes of a Hadoop 3.x NodeManager's framed answer", async () => {
    const c = await cluster();
    c.framed = true;
    c.files.get(AM)!.set('jobmanager.log', 'Container: not a header\nünïcode line\n');
    expect((await logsOf(c)).text).toBe('Container: not a header\nünïcode line\n');
  });

  it('--follow of a framed log waits for a container still being localized', async () => {
    const c = await cluster();
    c.framed = true;
    c.scheduled = 2;
    const logs = c.files.get(AM)!;
    logs.set('jobmanager.log', 'a\n');
    c.containerStates = ['SCHEDULED', 'RUNNING', 'RUNNING', 'DONE'];
    const grow = ['a\nb\n'];
    let text = '';
    await logsOf(c, {
      follow: true,
      pollMs: 1,
      write: (t) => {
        text += t;
        const next = grow.shift();
        if (next !== undefined) logs.set('jobmanager.log', next);
      },
    });
    expect(text).toBe('a\nb\n');
  });

  it('--follow of a framed log skips an unchanged file and starts over when it rolls over', async () => {
    const c = await cluster();
    c.framed = true;
    const logs = c.files.get(AM)!;
    logs.set('jobmanager.log', 'first line\n');
    c.containerStates = ['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'DONE'];
    let reads = 0;
    let text = '';
    await logsOf(c, {
      follow: true,
      pollMs: 1,
      write: (t) => {
        text += t;
      },
      streamGet: async (request) => {
        if (request.url.includes('/containerlogs/') && ++reads === 3) logs.set('jobmanager.log', 'new\n');
        return nodeStreamGet(request);
      },
    });
    expect(text).toBe('first line\nnew\n');
  });

  it('--file picks another file of the container', async () => {
    const c = await cluster();
    expect((await logsOf(c, { file: 'jobmanager.out' })).text).toBe('stdout of the JM\n');
  });

  it("--container finds a TaskManager through the RM's attempt containers and reads taskmanager.log", async () => {
    const c = await cluster();
    const { text, result } = await logsOf(c, { container: TM });
    expect(text).toBe('TM says hello\n');
    expect(result).toMatchObject({ containerId: TM, file: 'taskmanager.log' });
  });

  it('a container the RM does not report is CONTAINER_NOT_FOUND, with the ones it knows', async () => {
    const c = await cluster();
    const e = await failure(logsOf(c, { container: 'container_1700000000000_0007_01_000099' }));
    expect(e.code).toBe('CONTAINER_NOT_FOUND');
    expect(e.message).toContain(TM);
  });

  it('a malformed container id, one of another application, or a path as --file is bad usage', async () => {
    const c = await cluster();
    expect((await failure(logsOf(c, { container: 'nope' }))).code).toBe('USAGE');
    expect((await failure(logsOf(c, { container: 'container_1700000000000_0008_01_000002' }))).code).toBe('USAGE');
    expect((await failure(logsOf(c, { file: '../../etc/passwd' }))).code).toBe('USAGE');
    expect(c.requests).toEqual([]);
  });

  it('a file the NodeManager does not have is LOG_NOT_FOUND, naming the files to pick', async () => {
    const c = await cluster();
    const e = await failure(logsOf(c, { file: 'nothing.log' }));
    expect(e.code).toBe('LOG_NOT_FOUND');
    expect(e.message).toMatch(/Cannot find this log.*--file/);
  });

  it('--follow prints what the log gains, whole lines only, until the container ends', async () => {
    const c = await cluster();
    const logs = c.files.get(AM)!;
    logs.set('jobmanager.log', 'one\ntw');
    c.containerStates = ['RUNNING', 'RUNNING', 'EXITED_WITH_SUCCESS'];
    const seen: string[] = [];
    const grow = ['one\ntwo\nthr', 'one\ntwo\nthree\nfour\n'];
    const { result } = await logsOf(c, {
      follow: true,
      pollMs: 1,
      write: (t) => {
        seen.push(t);
        const next = grow.shift();
        if (next !== undefined) logs.set('jobmanager.log', next);
      },
    });
    expect(seen.join('')).toBe('one\ntwo\nthree\nfour\n');
    expect(seen[0]).toBe('one\n');
    expect(result).toMatchObject({ bytes: 19 });
  });

  it('--follow ends with Ctrl-C (the signal) as an interruption', async () => {
    const c = await cluster();
    const abort = new AbortController();
    const e = await failure(
      logsOf(c, {
        follow: true,
        pollMs: 1,
        signal: abort.signal,
        write: () => abort.abort(),
      }),
    );
    expect(e.code).toBe('INTERRUPTED');
  });

  it('an ended application without log aggregation is LOGS_NOT_AGGREGATED, saying how to enable it', async () => {
    const c = await cluster();
    c.state = 'FINISHED';
    c.files.delete(AM);
    const e = await failure(logsOf(c));
    expect(e.code).toBe('LOGS_NOT_AGGREGATED');
    expect(e.message).toMatch(/yarn\.log-aggregation-enable is false.*Set yarn\.log-aggregation-enable to true/);
  });

  it("an ended application's log still on its NodeManager is shown, and --follow does not wait", async () => {
    const c = await cluster();
    c.state = 'KILLED';
    expect((await logsOf(c, { follow: true })).text).toBe('JM line 1\nJM line 2\n');
    expect(c.requests.some((r) => r.startsWith('/ws/v1/node/containers/'))).toBe(false);
  });

  it('an ended application with log aggregation is read from yarn.log.server.web-service.url', async () => {
    const c = await cluster();
    c.state = 'FAILED';
    c.files.delete(AM);
    c.aggregated.set(`${AM}/jobmanager.log`, 'aggregated JM log\n');
    const dir = mkdtempSync(join(tmpdir(), 'logs-yarn-site-'));
    writeFileSync(
      join(dir, 'yarn-site.xml'),
      `<configuration>
  <property><name>yarn.log-aggregation-enable</name><value>true</value></property>
  <property><name>yarn.log.server.web-service.url</name><value>${c.url}/ws/v1/applicationhistory</value></property>
</configuration>`,
    );
    const { text, result } = await logsOf(c, { yarnConfDir: dir });
    expect(text).toBe('aggregated JM log\n');
    expect(result).toMatchObject({ source: 'log-server' });
    expect(c.requests).toContain(`/ws/v1/applicationhistory/containerlogs/${AM}/jobmanager.log?nm.id=nm%3A1`);
  });
});

describe('flink-yarn logs (the CLI handler)', () => {
  function io(): { io: Io; out: () => string } {
    let text = '';
    const sink: Output = {
      write: (t: string) => {
        text += t;
        return true;
      },
    };
    const door = new TerminalOutput(sink);
    return { io: { stdout: door, stderr: door, env: {}, cwd: tmpdir() }, out: () => text };
  }
  const args = (c: Cluster, more: Record<string, unknown> = {}) =>
    ({ applicationId: APP, rm: c.url, output: 'text', follow: false, ...more }) as Parameters<typeof runLogs>[0];

  it('strips terminal escapes that a log carries', async () => {
    const c = await cluster();
    c.files.get(AM)!.set('jobmanager.log', 'red \u001b[31malert\u001b[0m \u001b]0;title\u0007done\n');
    const { io: cliIo, out } = io();
    await runLogs(args(c), cliIo);
    expect(out()).toBe('red alert done\n');
  });

  it('-o json is one document with the log as a string', async () => {
    const c = await cluster();
    c.files.get(AM)!.set('jobmanager.log', 'a "quoted"\nline\u001b[31m\n');
    const { io: cliIo, out } = io();
    await runLogs(args(c, { output: 'json' }), cliIo);
    const doc = JSON.parse(out()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      applicationId: APP,
      containerId: AM,
      file: 'jobmanager.log',
      log: 'a "quoted"\nline\u001b[31m\n',
    });
  });
  it('-o json writes nothing on stdout when it fails, and a valid document for an empty log', async () => {
    const c = await cluster();
    const failed = io();
    await expect(runLogs(args(c, { output: 'json', file: 'none.log' }), failed.io)).rejects.toMatchObject({
      code: 'LOG_NOT_FOUND',
    });
    expect(failed.out()).toBe('');
    c.files.get(AM)!.set('jobmanager.log', '');
    const empty = io();
    await runLogs(args(c, { output: 'json' }), empty.io);
    expect(JSON.parse(empty.out())).toMatchObject({ applicationId: APP, log: '', bytes: 0 });
  });
});

describe('LogFrame', () => {
  it('finds the file in a framed answer split at every byte, and takes a bare one as it is', () => {
    const body = Buffer.from(framed(AM, 'x.log', 'line one\nline two\n'));
    const frame = new LogFrame();
    const out: Buffer[] = [];
    for (let i = 0; i < body.length; i++) out.push(...frame.push(body.subarray(i, i + 1)));
    out.push(...frame.end());
    expect(Buffer.concat(out).toString()).toBe('line one\nline two\n');
    const bare = new LogFrame();
    expect(Buffer.concat([...bare.push(Buffer.from('Cont')), ...bare.end()]).toString()).toBe('Cont');
    const plain = new LogFrame();
    expect(Buffer.concat(plain.push(Buffer.from('2026-11-30 INFO x\n'))).toString()).toBe('2026-11-30 INFO x\n');
  });
});

describe('nodeStreamGet', () => {
  it('gives up on a server that does not answer in time', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push({ close: () => server.closeAllConnections() });
    servers.push(server);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
    await expect(nodeStreamGet({ url, timeoutMs: 50 })).rejects.toMatchObject({ errno: 'ETIMEDOUT' });
  });

  it('ends a body when its signal aborts', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200);
      res.write('first');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push({ close: () => server.closeAllConnections() });
    servers.push(server);
    const abort = new AbortController();
    const r = await nodeStreamGet({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`,
      timeoutMs: 5_000,
      signal: abort.signal,
    });
    const read = async () => {
      for await (const chunk of r.body) {
        expect(chunk.toString()).toBe('first');
        abort.abort();
      }
    };
    await expect(read()).rejects.toMatchObject({ errno: 'ABORT_ERR' });
  });
});
