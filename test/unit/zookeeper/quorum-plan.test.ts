import { describe, expect, it } from 'vitest';
import { parseZooCfg } from '../../../src/config/files/zoo-cfg.js';
import { FlinkYarnError } from '../../../src/errors/index.js';
import {
  FLINK_ZOOKEEPER_DEFAULTS,
  isLocalHost,
  ONE_SERVER_PER_MACHINE,
  planQuorum,
  type MachineIdentity,
} from '../../../src/zookeeper/quorum-plan.js';
import { parseSrvr } from '../../../src/zookeeper/srvr.js';

const machine: MachineIdentity = { hostname: 'node1.example.com', addresses: ['127.0.0.1', '10.0.0.5', 'fe80::1'] };
const FILE = '/etc/flink/conf/zoo.cfg';

function plan(lines: readonly string[], resolved?: Map<string, readonly string[]>) {
  return planQuorum({
    zooCfg: parseZooCfg(lines.join('\n'), FILE),
    machine,
    ...(resolved !== undefined ? { resolved } : {}),
    defaultDataDir: '/state/zookeeper/data',
  });
}

function refusal(lines: readonly string[]): FlinkYarnError {
  try {
    plan(lines);
  } catch (e) {
    if (e instanceof FlinkYarnError) return e;
    throw e;
  }
  throw new Error('planQuorum accepted the configuration');
}

/** The generated zoo.cfg as key=value pairs, comments left out. */
function properties(config: string): Record<string, string> {
  return Object.fromEntries(
    config
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('planQuorum', () => {
  it('refuses two servers on this machine, naming the file, the lines and the reason', () => {
    const e = refusal(['clientPort=2181', 'server.1=localhost:2888:3888', 'server.2=127.0.0.1:2889:3889']);
    expect(e.code).toBe('ZOOKEEPER_CFG_INVALID');
    expect(e.message).toContain(FILE);
    expect(e.message).toContain('server.1=localhost (line 2) and server.2=127.0.0.1 (line 3) are both on this machine');
    expect(e.message).toContain('server.2=127.0.0.1 (line 3)');
    expect(e.message).toContain(ONE_SERVER_PER_MACHINE);
  });

  it('counts this host name, interface addresses and names resolving here as this machine', () => {
    const e = refusal(['server.1=node1.example.com:2888:3888', 'server.2=10.0.0.5:2888:3888', 'server.3=zk3']);
    expect(e.message).toContain('server.1=node1.example.com (line 1)');
    expect(e.message).toContain('server.2=10.0.0.5 (line 2)');
    expect(e.message).not.toContain('server.3');

    const viaDns = () =>
      plan(['server.1=localhost:2888:3888', 'server.2=zk-alias:2888:3888'], new Map([['zk-alias', ['10.0.0.5']]]));
    expect(viaDns).toThrow(ONE_SERVER_PER_MACHINE);
  });

  it('fills what Flink fills: clientPort, initLimit, syncLimit, a dataDir and the server ports', () => {
    const p = plan(['server.1=localhost', 'server.2=zk2:2999', 'server.3=zk3:2888:3888']);
    expect(p.local?.id).toBe(1);
    const cfg = properties(p.local!.config);
    expect(cfg).toEqual({
      'server.1': 'localhost:2888:3888',
      'server.2': 'zk2:2999:3888',
      'server.3': 'zk3:2888:3888',
      clientPort: String(FLINK_ZOOKEEPER_DEFAULTS.clientPort),
      initLimit: '10',
      syncLimit: '5',
      dataDir: '/state/zookeeper/data',
    });
    expect(p.local!.filled.map((f) => f.key)).toEqual(['dataDir', 'clientPort', 'initLimit', 'syncLimit']);
    expect(p.local!.myid).toBe('1\n');
    expect(p.local!.distributed).toBe(true);
    expect(p.local!.majority).toBe(2);
    expect(p.servers.map((s) => [s.id, s.local])).toEqual([
      [1, true],
      [2, false],
      [3, false],
    ]);
  });

  it("keeps the user's values and resolves a relative dataDir against zoo.cfg's directory", () => {
    const p = plan([
      'tickTime=2000',
      'initLimit=20',
      'syncLimit=7',
      'clientPort=2191',
      'dataDir=zk-data',
      '4lw.commands.whitelist=srvr,ruok',
      'server.7=127.0.0.1:2888:3888',
    ]);
    const local = p.local!;
    expect(local.filled).toEqual([]);
    expect(local.dataDir).toBe('/etc/flink/conf/zk-data');
    expect(local.clientPort).toBe(2191);
    expect(local.clientAddress).toBe('127.0.0.1');
    expect(local.distributed).toBe(false);
    expect(properties(local.config)).toEqual({
      tickTime: '2000',
      initLimit: '20',
      syncLimit: '7',
      clientPort: '2191',
      dataDir: '/etc/flink/conf/zk-data',
      '4lw.commands.whitelist': 'srvr,ruok',
      'server.7': '127.0.0.1:2888:3888',
    });
  });

  it("takes the client port from the server entry's ;clientPort, which ZooKeeper requires to agree", () => {
    const p = plan(['dataDir=/var/zk', 'clientPortAddress=10.0.0.5', 'server.1=localhost:2888:3888;2182']);
    expect(p.local!.clientPort).toBe(2182);
    expect(p.local!.clientAddress).toBe('10.0.0.5');
    expect(properties(p.local!.config).clientPort).toBe('2182');
  });

  it('lists servers on other hosts as remote and plans nothing local when none is here', () => {
    const p = plan(['clientPort=2200', 'server.1=zk1:2888:3888', 'server.2=zk2:2888:3888;2300']);
    expect(p.local).toBeUndefined();
    expect(p.servers).toEqual([
      { id: 1, host: 'zk1', line: 2, local: false, role: 'participant', clientPort: 2200, clientPortLine: 1 },
      { id: 2, host: 'zk2', line: 3, local: false, role: 'participant', clientPort: 2300, clientPortLine: 3 },
    ]);
  });

  it('observers do not count towards the majority', () => {
    const p = plan(['server.1=localhost:2888:3888', 'server.2=zk2:2888:3888:observer']);
    expect(p.local!.distributed).toBe(false);
    expect(p.local!.majority).toBe(1);
  });

  it('refuses a zoo.cfg without servers, and one with malformed lines, naming file and line', () => {
    const none = refusal(['clientPort=2181', 'dataDir=/tmp/zk']);
    expect(none.code).toBe('ZOOKEEPER_CFG_INVALID');
    expect(none.message).toContain(`${FILE} has no server.X entries`);

    const bad = refusal(['server.1=localhost:2888:3888', 'server.x=zk2:2888:3888']);
    expect(bad.code).toBe('ZOOKEEPER_CFG_INVALID');
    expect(bad.message).toContain(`${FILE}:2:`);
    expect(bad.message).toContain('must be a number');
  });
});

describe('isLocalHost', () => {
  it.each([
    ['localhost', true],
    ['LOCALHOST', true],
    ['127.0.1.1', true],
    ['::1', true],
    ['node1.example.com', true],
    ['NODE1.example.com', true],
    ['10.0.0.5', true],
    ['fe80::1', true],
    ['10.0.0.6', false],
    ['node2.example.com', false],
    ['node1', false],
  ])('%s -> %s', (host, local) => {
    expect(isLocalHost(host, machine)).toBe(local);
  });

  it('follows what a name resolves to', () => {
    expect(isLocalHost('zk', machine, ['10.9.9.9'])).toBe(false);
    expect(isLocalHost('zk', machine, ['10.9.9.9', '::ffff:10.0.0.5'])).toBe(true);
    expect(isLocalHost('zk', machine, ['127.0.0.1'])).toBe(true);
  });
});

describe('parseSrvr', () => {
  it('reads the mode and version of a serving server', () => {
    const a = parseSrvr(
      [
        'Zookeeper version: 3.9.5-1d5e5b4e, built on 2025-01-01 00:00 UTC',
        'Latency min/avg/max: 0/0.0/0',
        'Received: 3',
        'Mode: standalone',
        'Node count: 5',
      ].join('\n'),
    );
    expect(a).toEqual({ serving: true, mode: 'standalone', version: '3.9.5', reason: null });
  });

  it('says why a quorum member does not serve yet', () => {
    const a = parseSrvr('This ZooKeeper instance is not currently serving requests\n');
    expect(a).toEqual({
      serving: false,
      mode: null,
      version: null,
      reason: 'This ZooKeeper instance is not currently serving requests',
    });
  });
});
