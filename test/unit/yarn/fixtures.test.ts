import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { translateRmError } from '../../../src/yarn/errors.js';
import {
  normalizeAppResponse,
  normalizeApps,
  normalizeAttempts,
  normalizeClusterInfo,
  normalizeNewApplication,
} from '../../../src/yarn/model.js';

interface Recording {
  source: string;
  request: { method: string; path: string };
  status: number;
  body: string;
}

const ROOT = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'rm');
const versions = readdirSync(ROOT);
const load = (version: string): Map<string, Recording> =>
  new Map(
    readdirSync(join(ROOT, version)).map((f) => [
      f.replace(/(-\d\.\d)?\.json$/, ''),
      JSON.parse(readFileSync(join(ROOT, version, f), 'utf8')) as Recording,
    ]),
  );

describe('recorded and documented RM responses', () => {
  it('cover Hadoop 3.4, 3.5 and 2.x (documentation-built, and marked so)', () => {
    expect(versions).toEqual(
      expect.arrayContaining(['hadoop-3.3.6', 'hadoop-3.4.2', 'hadoop-3.5.0', 'hadoop-2.x-docs']),
    );
    for (const r of load('hadoop-2.x-docs').values()) expect(r.source).toMatch(/not recorded/);
    for (const r of load('hadoop-3.4.2').values()) expect(r.source).toMatch(/recorded from a Hadoop 3\.4\.2/);
  });

  it('attempt states come from Hadoop 3.4 on: a 3.3 RM reports attempts without appAttemptState', () => {
    const attempts = (version: string) => normalizeAttempts(JSON.parse(load(version).get('appattempts')!.body));
    expect(attempts('hadoop-3.3.6').map((a) => a.appAttemptState)).toEqual([undefined]);
    expect(attempts('hadoop-3.3.6')[0]!.id).toBe(1);
    for (const v of ['hadoop-3.4.2', 'hadoop-3.5.0']) expect(attempts(v)[0]!.appAttemptState).toMatch(/^[A-Z_]+$/);
  });

  for (const version of versions) {
    describe(version, () => {
      const fixtures = load(version);
      const body = (name: string): unknown => JSON.parse(fixtures.get(name)!.body);
      const has = (name: string): boolean => fixtures.has(name);

      it('parses cluster info', () => {
        if (!has('info')) return;
        const info = normalizeClusterInfo(body('info'));
        expect(info.haState).toBe('ACTIVE');
        expect(info.hadoopVersion).toMatch(/^[23]\.\d+\.\d+/);
      });

      it('parses app lists, empty ones included', () => {
        if (has('apps-empty')) expect(normalizeApps(body('apps-empty'))).toEqual([]);
        for (const name of ['apps-one', 'apps-many', 'apps']) {
          if (!has(name)) continue;
          const apps = normalizeApps(body(name));
          expect(apps.length).toBeGreaterThan(0);
          for (const a of apps) {
            expect(a.id).toMatch(/^application_\d+_\d+$/);
            expect(Array.isArray(a.applicationTags)).toBe(true);
            expect(['NEW', 'NEW_SAVING', 'SUBMITTED', 'ACCEPTED', 'RUNNING', 'FINISHED', 'FAILED', 'KILLED']).toContain(
              a.state,
            );
          }
        }
        if (has('apps-one'))
          expect(normalizeApps(body('apps-one'))[0]!.applicationTags).toEqual(['fixture', 'flink-yarn']);
      });

      it('parses one app, attempts and new-application', () => {
        if (has('app')) expect(normalizeAppResponse(body('app')).applicationType).toBe('Apache Flink');
        if (has('app-killed')) expect(normalizeAppResponse(body('app-killed')).state).toBe('KILLED');
        for (const name of ['appattempts', 'appattempts-failed']) {
          if (!has(name)) continue;
          const attempts = normalizeAttempts(body(name));
          expect(attempts.length).toBeGreaterThan(0);
          expect(attempts[0]!.id).toBe(1);
          expect(attempts[0]!.appAttemptId ?? 'appattempt_docs').toMatch(/^appattempt_/);
          expect(typeof attempts[0]!.containerId).toBe('string');
        }
        if (has('new-application')) {
          const n = normalizeNewApplication(body('new-application'));
          expect(n.applicationId).toMatch(/^application_\d+_\d+$/);
          expect(n.maximumResourceCapability.memory).toBeGreaterThan(0);
        }
      });

      it('translates error bodies into typed errors', () => {
        const cases: [string, string, RegExp][] = [
          ['error-unknown-app', 'RM_NOT_FOUND', /not found/],
          ['error-not-found', 'RM_NOT_FOUND', /not found/],
          ['error-bad-state', 'RM_BAD_REQUEST', /Only 'KILLED' is allowed/],
          ['error-over-max', 'RM_BAD_REQUEST', /more memory than configured max/],
        ];
        for (const [name, code, message] of cases) {
          const r = fixtures.get(name);
          if (r === undefined) continue;
          const e = translateRmError(r.status, r.body, {
            endpoint: 'http://rm:8088',
            method: r.request.method,
            path: r.request.path,
          });
          expect(e.code).toBe(code);
          expect(e.message).toMatch(message);
          expect(e.message).not.toContain('java.lang.Exception');
        }
      });
    });
  }
});

describe('scheduler queues from a real RM', () => {
  it('lists the minicluster capacity scheduler queues', async () => {
    const { schedulerQueues } = await import('../../../src/yarn/queues.js');
    const body = JSON.parse(JSON.parse(readFileSync(join(ROOT, 'hadoop-3.4.2', 'scheduler.json'), 'utf8')).body);
    const { names, paths, defaultPriority } = schedulerQueues(body.scheduler.schedulerInfo);
    expect([...names].sort()).toEqual(['default', 'root', 'second']);
    expect(paths.has('root.default')).toBe(true);
    expect(defaultPriority.get('default')).toBe(0);
    expect(defaultPriority.get('root.default')).toBe(0);
  });
});
