import type { YarnSite } from '../config/hadoop/yarn-site.js';
import { UsageError } from '../errors/index.js';

/**
 * The RM web base URLs to try: `--rm` when given (comma-separated), else every rm-id's address
 * from yarn-site.xml. A wildcard host (0.0.0.0) means "this machine", as in Hadoop's clients.
 */
export function rmEndpoints(
  site: YarnSite,
  options: { override?: string | undefined; localHost?: string } = {},
): string[] {
  const localHost = options.localHost ?? 'localhost';
  if (options.override !== undefined && options.override.trim() !== '') {
    return options.override
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((s) => {
        const url = /^[a-z]+:\/\//i.test(s) ? s : `http://${s}`;
        try {
          return new URL(url).origin;
        } catch {
          throw new UsageError(`--rm ${s} is not a URL or host:port`);
        }
      });
  }
  return site.webapps.map((w) => `${w.scheme}://${w.address.replace(/^0\.0\.0\.0(?=:|$)/, localHost)}`);
}
