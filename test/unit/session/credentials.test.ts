import { describe, expect, it } from 'vitest';
import { MASK } from '../../../src/config/secrets.js';
import { maskAmContainerSpec } from '../../../src/session/am-container.js';
import { buildSessionPlan } from '../../../src/session/plan.js';
import { publicPlan } from '../../../src/session/public-plan.js';
import { planInput, stagedResource } from './plan-input.js';

const RESOURCES = [stagedResource('flink-dist-1.20.1.jar', 'dist'), stagedResource('flink-conf.yaml', 'config')];

/** Stand-ins for Token.urlString values: what must never be shown. */
const TOKEN_A = 'SECRETTOKENAAAAAAAAAAAAAAAAAAAAA_aaaa-1';
const TOKEN_B = 'SECRETTOKENBBBBBBBBBBBBBBBBBBBBB_bbbb-2';
const TOKENS = [
  { alias: '10.0.0.1:8020', urlString: TOKEN_A },
  { alias: 'ha-hdfs:ns2', urlString: TOKEN_B },
];

const spec = (plan: ReturnType<typeof buildSessionPlan>) => plan.submission['am-container-spec']!;

describe('delegation tokens in the submission', () => {
  it("puts them under am-container-spec.credentials.tokens.entry, as the RM's CredentialsInfo reads them", () => {
    const plan = buildSessionPlan(planInput(RESOURCES, { tokens: TOKENS }));
    expect(spec(plan).credentials).toEqual({
      tokens: {
        entry: [
          { key: '10.0.0.1:8020', value: TOKEN_A },
          { key: 'ha-hdfs:ns2', value: TOKEN_B },
        ],
      },
    });
    // The JAXB map shape, not a plain map (which the RM silently drops).
    const body = JSON.parse(JSON.stringify(plan.submission)) as {
      'am-container-spec': { credentials: { tokens: unknown; secrets?: unknown } };
    };
    expect(Array.isArray((body['am-container-spec'].credentials.tokens as { entry: unknown }).entry)).toBe(true);
    expect(body['am-container-spec'].credentials).not.toHaveProperty('secrets');
  });

  it('leaves credentials out without tokens: the insecure submission is unchanged, byte for byte', () => {
    const without = JSON.stringify(buildSessionPlan(planInput(RESOURCES)).submission);
    expect(JSON.stringify(buildSessionPlan(planInput(RESOURCES, { tokens: [] })).submission)).toBe(without);
    expect(JSON.stringify(buildSessionPlan(planInput(RESOURCES, { tokens: undefined })).submission)).toBe(without);
    expect(without).not.toContain('credentials');
  });

  it('keeps the tokens as strings on Hadoop 2.5.x, where scalars are sent as strings', () => {
    const plan = buildSessionPlan(planInput(RESOURCES, { tokens: TOKENS, hadoopVersion: '2.5.2' }));
    expect(spec(plan).credentials!.tokens.entry[0]).toEqual({ key: '10.0.0.1:8020', value: TOKEN_A });
  });

  it('sits beside the ACLs, which stay as they were', () => {
    const plan = buildSessionPlan(
      planInput(RESOURCES, {
        tokens: TOKENS,
        flink: 'jobmanager.memory.process.size: 1600m\nyarn.view.acls: bob',
      }),
    );
    expect(spec(plan)['application-acls']).toEqual({ entry: [{ key: 'VIEW_APP', value: 'bob' }] });
    expect(spec(plan).credentials!.tokens.entry).toHaveLength(2);
  });
});

describe('tokens are never shown', () => {
  it('the public plan keeps each alias and masks each value', () => {
    const plan = buildSessionPlan(planInput(RESOURCES, { tokens: TOKENS }));
    const shown = publicPlan(plan);
    expect(shown.submission['am-container-spec']!.credentials).toEqual({
      tokens: {
        entry: [
          { key: '10.0.0.1:8020', value: MASK },
          { key: 'ha-hdfs:ns2', value: MASK },
        ],
      },
    });
    const text = JSON.stringify(shown);
    expect(text).not.toContain(TOKEN_A);
    expect(text).not.toContain(TOKEN_B);
    // The plan itself keeps them: it is what the RM gets.
    expect(JSON.stringify(plan.submission)).toContain(TOKEN_A);
  });

  it('a plan made without fetching (a dry run) shows the aliases and MASK, and has no value to leak', () => {
    const plan = buildSessionPlan(planInput(RESOURCES, { tokens: [{ alias: '10.0.0.1:8020', urlString: undefined }] }));
    expect(spec(plan).credentials).toEqual({ tokens: { entry: [{ key: '10.0.0.1:8020', value: MASK }] } });
    expect(publicPlan(plan).submission['am-container-spec']!.credentials).toEqual(spec(plan).credentials);
  });

  it('masks secrets too, should a spec carry them', () => {
    const plan = buildSessionPlan(planInput(RESOURCES, { tokens: TOKENS }));
    const withSecrets = {
      ...spec(plan),
      credentials: { ...spec(plan).credentials!, secrets: { entry: [{ key: 's1', value: 'c2VjcmV0' }] } },
    };
    expect(maskAmContainerSpec(withSecrets).credentials!.secrets).toEqual({ entry: [{ key: 's1', value: MASK }] });
  });
});
