import { describe, expect, it } from 'vitest';
import type { YarnSite } from '../../../src/config/hadoop/yarn-site.js';
import { UsageError } from '../../../src/errors/index.js';
import { rmEndpoints } from '../../../src/yarn/endpoints.js';

const site = { webapps: [] } as unknown as YarnSite;

describe('--rm', () => {
  it('takes host:port and http(s) URLs, trimmed, blanks dropped', () => {
    expect(rmEndpoints(site, { override: ' rm1:8088 , https://rm2:8090/cluster ,' })).toEqual([
      'http://rm1:8088',
      'https://rm2:8090',
    ]);
    expect(rmEndpoints(site, { override: ',,,' })).toEqual([]);
  });

  it('refuses an address that is not http(s) as bad usage', () => {
    for (const bad of ['ftp://x', 'h2c://x:1', 'svn+ssh://x']) {
      expect(() => rmEndpoints(site, { override: bad })).toThrow(UsageError);
    }
    expect(() => rmEndpoints(site, { override: 'ftp://x' })).toThrow(/not an http\(s\) address/);
    expect(() => rmEndpoints(site, { override: 'http://a:b:c' })).toThrow(/is not a URL or host:port/);
  });
});
