import { describe, expect, it } from 'vitest';
import { parseMasters } from '../../../src/config/files/masters.js';
import { parseZooCfg } from '../../../src/config/files/zoo-cfg.js';

describe('parseMasters', () => {
  it('reads host:webUIPort lines, comments and a rack prefix', () => {
    const r = parseMasters('localhost:8081\n# standby\nlocalhost:8082 # second\n\n/rack1/jm3\n', 'masters');
    expect(r.diagnostics).toEqual([]);
    expect(r.masters).toEqual([
      { host: 'localhost', webUiPort: 8081, line: 1 },
      { host: 'localhost', webUiPort: 8082, line: 3 },
      { host: 'jm3', webUiPort: 0, line: 5 },
    ]);
  });

  it('reports malformed lines with their line number', () => {
    const r = parseMasters('ok:8081\nbad host:8081\nhost:port\nhost:99999\n', 'masters');
    expect(r.masters).toHaveLength(1);
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['MASTERS_MALFORMED_LINE', 2],
      ['MASTERS_MALFORMED_LINE', 3],
      ['MASTERS_MALFORMED_LINE', 4],
    ]);
  });
});

describe('parseZooCfg', () => {
  it('reads properties and servers', () => {
    const r = parseZooCfg(
      [
        'tickTime=2000',
        'dataDir = /tmp/zk',
        'clientPort: 2181',
        'server.0=localhost:2888:3888',
        'server.1=zk2:2888:3888:observer;2182',
      ].join('\n'),
      'zoo.cfg',
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.clientPort).toEqual({ key: 'clientPort', value: '2181', line: 3 });
    expect(r.dataDir?.value).toBe('/tmp/zk');
    expect(r.servers).toEqual([
      { id: 0, host: 'localhost', peerPort: 2888, leaderPort: 3888, line: 4 },
      { id: 1, host: 'zk2', peerPort: 2888, leaderPort: 3888, role: 'observer', clientPort: 2182, line: 5 },
    ]);
  });

  it.each([
    ['server.a=h:1:2', /server id must be a number/],
    ['server.1=h:1:2:3:4', /malformed/],
    ['server.1=h:x:3888', /must both be ports/],
    ['server.1=h:2888:3888:leader', /participant or observer/],
    ['server.1=:2888:3888', /not a host name/],
    ['server.1=h:2888:3888;x', /client port/],
  ])('reports %s', (line, message) => {
    const r = parseZooCfg(`tickTime=2000\n${line}`, 'zoo.cfg');
    expect(r.servers).toEqual([]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', code: 'ZOO_CFG_MALFORMED_SERVER', line: 2 });
    expect(r.diagnostics[0]?.message).toMatch(message);
  });

  it('reports an invalid clientPort', () => {
    expect(parseZooCfg('clientPort=abc', 'zoo.cfg').diagnostics[0]?.code).toBe('ZOO_CFG_INVALID_CLIENT_PORT');
  });
});

describe('parseZooCfg defaults', () => {
  it('fills peer and leader ports like Flink does', () => {
    const r = parseZooCfg('server.1=zk1\nserver.2=zk2:2889', 'zoo.cfg');
    expect(r.diagnostics).toEqual([]);
    expect(r.servers.map((s) => [s.host, s.peerPort, s.leaderPort])).toEqual([
      ['zk1', 2888, 3888],
      ['zk2', 2889, 3888],
    ]);
  });
});
