import type { YarnSite } from '../config/hadoop/yarn-site.js';
import { parseList } from '../config/values/lists.js';
import { UsageError } from '../errors/index.js';

/** An RFC 3986 scheme, so that `ftp://x` is refused rather than read as a host named `ftp`. */
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

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
    return parseList(options.override).map((s) => {
      let url: URL;
      try {
        url = new URL(SCHEME.test(s) ? s : `http://${s}`);
      } catch {
        throw new UsageError(`--rm ${s} is not a URL or host:port`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new UsageError(`--rm ${s} is not an http(s) address; write http://host:port or https://host:port`);
      }
      return url.origin;
    });
  }
  return site.webapps.map((w) => `${w.scheme}://${w.address.replace(/^0\.0\.0\.0(?=:|$)/, localHost)}`);
}
