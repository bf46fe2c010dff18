import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  parseVersion,
  policyFor,
  VERSION_POLICY,
  type Version,
} from '../../../src/policy/yarn-version.js';

/** What each release's RM REST layer accepts, read from its jars on Maven Central (see fixtures/yarn-dao). */
interface DaoRecord {
  source: 'sources.jar' | 'binary jar';
  submissionFields: string[];
  appInfoHasAmRpcAddress: boolean;
  restSubmit: boolean;
  submissionInJsonContext: boolean;
  fieldTypes: Record<string, string>;
  notes: string;
}

const raw = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', '..', 'fixtures', 'yarn-dao', 'submission-fields.json'), 'utf8'),
) as Record<string, unknown>;
const unavailable = raw.unavailable as string[];
const daos = new Map(
  Object.entries(raw)
    .filter(([key]) => key !== 'unavailable')
    .map(([key, value]) => [key, value as DaoRecord]),
);
const versionOf = (text: string): Version => {
  const v = parseVersion(text);
  if (v === undefined) throw new Error(`not a version: ${text}`);
  return v;
};

/** The releases the compatibility matrix asks about; each must be recorded or listed as not served. */
const ASKED = [
  '2.4.1',
  '2.5.0',
  '2.5.2',
  '2.6.0',
  '2.6.5',
  '2.7.0',
  '2.7.7',
  '2.8.0',
  '2.8.5',
  '2.9.0',
  '2.9.2',
  '2.10.0',
  '2.10.2',
  '3.0.0',
  '3.1.1',
  '3.2.0',
  '3.2.4',
  '3.3.6',
  '3.4.2',
  '3.5.0',
];

describe('the YARN version policy against the RM REST DAOs', () => {
  it('has a record, or a note that it is not served, for every release asked about', () => {
    for (const v of ASKED) expect(daos.has(v) || unavailable.includes(v), v).toBe(true);
    for (const v of unavailable) expect(daos.has(v), v).toBe(false);
  });

  it('backs every row of the table from 2.x on with at least one recorded release', () => {
    const recorded = [...daos.keys()].map(versionOf);
    VERSION_POLICY.forEach((row, i) => {
      if (row.from[0] < 2) return;
      const next = VERSION_POLICY[i + 1]?.from;
      const inRow = recorded.filter(
        (v) => compareVersions(v, row.from) >= 0 && (next === undefined || compareVersions(v, next) < 0),
      );
      expect(inRow, `row from ${row.from.join('.')}`).not.toEqual([]);
    });
  });

  it('keeps the fixture self-consistent: element names match the recorded types, scalars are Java primitives', () => {
    for (const [v, dao] of daos) {
      expect(['sources.jar', 'binary jar'], v).toContain(dao.source);
      expect(dao.submissionFields, v).toEqual(Object.keys(dao.fieldTypes).sort());
      // The 2.5.x strings-for-numbers requirement is not in the DAO: these are int/long/boolean everywhere.
      for (const [field, type] of Object.entries({
        priority: 'int',
        'max-app-attempts': 'int',
        'unmanaged-AM': 'boolean',
        'cancel-tokens-when-complete': 'boolean',
        'keep-containers-across-application-attempts': 'boolean',
        'attempt-failures-validity-interval': 'long',
      })) {
        if (field in dao.fieldTypes) expect(dao.fieldTypes[field], `${v} ${field}`).toBe(type);
      }
    }
  });

  for (const [v, dao] of daos) {
    it(`agrees with the ${dao.source} of Hadoop ${v}`, () => {
      const policy = policyFor(versionOf(v));
      const has = (field: string): boolean => dao.submissionFields.includes(field);

      expect(policy.restSubmit, 'restSubmit: POST /apps/new-application and POST /apps').toBe(dao.restSubmit);
      expect(policy.keepContainers, 'keepContainers').toBe(has('keep-containers-across-application-attempts'));
      expect(policy.validityIntervalOverRest, 'validityIntervalOverRest').toBe(
        has('attempt-failures-validity-interval'),
      );
      expect(policy.logAggregationContextOverRest, 'logAggregationContextOverRest').toBe(
        has('log-aggregation-context'),
      );
      expect(policy.nodeLabels, 'nodeLabels: app-node-label-expression').toBe(has('app-node-label-expression'));
      expect(policy.nodeLabels, 'nodeLabels: am-container-node-label-expression').toBe(
        has('am-container-node-label-expression'),
      );
      // The field exists from 2.5.0; whether the scheduler honours it is not visible in the DAO.
      if (!has('priority')) expect(policy.priority, 'priority without a priority field').toBe(false);
      expect(policy.amRpcAddress, 'amRpcAddress: AppInfo.amRPCAddress').toBe(dao.appInfoHasAmRpcAddress);
      // Numbers go as strings where the RM accepts submissions but leaves the body to Jersey's default JSON.
      expect(policy.numbersAsStrings, 'numbersAsStrings').toBe(dao.restSubmit && !dao.submissionInJsonContext);
      if (policy.validityIntervalOverRest) expect(policy.validityIntervalInYarn, 'validityIntervalInYarn').toBe(true);
    });
  }
});
