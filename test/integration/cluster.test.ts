import zookeeper from 'node-zookeeper-client';
import { describe, expect, inject, it } from 'vitest';
import { axiosTransport } from '../../src/http/axios-transport.js';
import { ResourceManagerClient } from '../../src/yarn/rm-client.js';
import { submitShellApp, waitForState } from './yarn-apps.js';

const cluster = inject('minicluster');
const user = process.env.HADOOP_USER_NAME ?? process.env.USER ?? 'root';

describe('the minicluster is real', () => {
  it('has an ACTIVE ResourceManager running Hadoop 3', async () => {
    const res = await fetch(`${cluster.rm}/ws/v1/cluster/info`, { headers: { Accept: 'application/json' } });
    const { clusterInfo } = (await res.json()) as {
      clusterInfo: { haState: string; hadoopVersion: string; state: string };
    };
    expect(clusterInfo.haState).toBe('ACTIVE');
    expect(clusterInfo.state).toBe('STARTED');
    expect(clusterInfo.hadoopVersion).toMatch(/^3\.\d+\.\d+/);
  });

  it('has a NodeManager that is RUNNING', async () => {
    const client = new ResourceManagerClient({ endpoints: [cluster.rm], user });
    const nodes = await client.nodes();
    expect(nodes.length).toBeGreaterThanOrEqual(1);
    expect(nodes.map((n) => n.state)).toContain('RUNNING');
  });

  it('round-trips a file through WebHDFS', async () => {
    const path = `/tmp/flink-yarn-it-${Date.now()}.txt`;
    const body = `hello from the integration test ${Math.random()}`;
    const create = await fetch(
      `${cluster.webhdfs}/webhdfs/v1${path}?op=CREATE&overwrite=true&noredirect=true&user.name=${user}`,
      {
        method: 'PUT',
      },
    );
    expect(create.status).toBe(200);
    const { Location } = (await create.json()) as { Location: string };
    // The DataNode answers "100 Continue" unasked, which fetch (undici) rejects; Node's http,
    // under our axios transport, handles it as HTTP says.
    const put = await axiosTransport().request({
      method: 'PUT',
      url: Location,
      body,
      headers: { 'Content-Type': 'application/octet-stream' },
      timeoutMs: 10_000,
    });
    expect(put.status).toBe(201);
    const read = await fetch(`${cluster.webhdfs}/webhdfs/v1${path}?op=OPEN&user.name=${user}`);
    expect(read.status).toBe(200);
    expect(await read.text()).toBe(body);
    const del = await fetch(`${cluster.webhdfs}/webhdfs/v1${path}?op=DELETE&user.name=${user}`, { method: 'DELETE' });
    expect(((await del.json()) as { boolean: boolean }).boolean).toBe(true);
  });

  it('creates and reads a ZooKeeper node', async () => {
    const client = zookeeper.createClient(cluster.zookeeper, { sessionTimeout: 10_000, retries: 2 });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('ZooKeeper connect timeout')), 15_000);
      client.once('connected', () => {
        clearTimeout(timer);
        resolve();
      });
      client.connect();
    });
    try {
      const path = `/flink-yarn-it-${Date.now()}`;
      await new Promise<void>((resolve, reject) =>
        client.create(path, Buffer.from('zk-data'), zookeeper.CreateMode.PERSISTENT, (e) =>
          e ? reject(e) : resolve(),
        ),
      );
      const data = await new Promise<Buffer | undefined>((resolve, reject) =>
        client.getData(path, (e, d) => (e ? reject(e) : resolve(d))),
      );
      expect(data?.toString()).toBe('zk-data');
      await new Promise<void>((resolve, reject) => client.remove(path, -1, (e) => (e ? reject(e) : resolve())));
    } finally {
      client.close();
    }
  });

  it('launches a shell AM submitted through the RM REST API, and its container log is readable', async () => {
    const client = new ResourceManagerClient({ endpoints: [cluster.rm], user });
    const marker = `hello-from-am-${Date.now()}`;
    const id = await submitShellApp(client, {
      name: 'flink-yarn-it shell AM',
      command: `echo ${marker} 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr`,
    });
    // A shell AM never registers with the RM, so YARN fails its one attempt once the container
    // exits; what matters here is that the NodeManager really ran it.
    const app = await waitForState(client, id, ['FINISHED', 'FAILED', 'KILLED']);
    expect(app.diagnostics).toMatch(/exitCode: 0|exited with\s+exitCode: 0/);
    const [attempt] = await client.appAttempts(id);
    expect(attempt?.logsLink).toBeTruthy();
    const log = await fetch(`${attempt!.logsLink}/stdout/?start=0`).then((r) => r.text());
    expect(log).toContain(marker);
  });

  it('runs a registering AM (HelloAppMaster) to FINISHED/SUCCEEDED', async () => {
    const client = new ResourceManagerClient({ endpoints: [cluster.rm], user });
    // The minicluster's own classes and classpath: the NodeManager runs on this machine.
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const target = join(import.meta.dirname, '..', 'cluster', 'minicluster', 'target');
    const build = `hadoop-${(await client.clusterInfo()).hadoopVersion}`;
    const classpath = `${join(target, build, 'classes')}:${readFileSync(join(target, build, 'classpath.txt'), 'utf8').trim()}`;
    const id = await submitShellApp(client, {
      name: 'flink-yarn-it hello AM',
      memoryMb: 256,
      command: `{{JAVA_HOME}}/bin/java -Xmx64m -Dlog4j.configuration=log4j-stderr.properties -cp ${classpath} flinkonyarn.testcluster.HelloAppMaster --sleep 1 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr`,
    });
    const app = await waitForState(client, id, ['FINISHED', 'FAILED', 'KILLED']);
    expect(`${app.state}/${app.finalStatus}`).toBe('FINISHED/SUCCEEDED');
  });
});
