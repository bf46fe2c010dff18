import { clip } from '../../diagnostics/index.js';
import { InvalidValueError } from '../../errors/index.js';

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

const MAX_PORT = 65_535;

/**
 * Parses a JobManager port specification as Flink 1.19+ does (NetUtils.getPortRangeFromString):
 * a port, a range `a-b` with a < b, or a comma list of both (`50010,50011,50020-50025`). Items
 * are trimmed, but the two ends of a range are not; a trailing comma is tolerated. `0` means
 * "any free port".
 */
export function parsePortSpec(text: string): PortRange[] {
  const items = text.trim().split(',');
  while (items.length > 0 && items[items.length - 1] === '') items.pop();
  if (items.length === 0) throw new InvalidValueError('a port specification cannot be empty');
  return items.map((part) => {
    const item = part.trim();
    const dash = item.indexOf('-');
    if (dash < 0) {
      const port = parsePort(item, text);
      return { from: port, to: port };
    }
    const from = parsePort(item.slice(0, dash), text);
    const to = parsePort(item.slice(dash + 1), text);
    if (from >= to) {
      throw new InvalidValueError(
        `port range '${clip(item)}' in '${clip(text)}' must end above its start (${from} >= ${to}); write a single port without a range`,
      );
    }
    return { from, to };
  });
}

function parsePort(item: string, whole: string): number {
  if (!/^\+?[0-9]+$/.test(item)) {
    throw new InvalidValueError(
      `'${clip(item)}' in '${clip(whole)}' is not a port: use a number, a range like 50000-50025 (no spaces), or a comma list`,
    );
  }
  const port = Number(item);
  if (port > MAX_PORT) {
    throw new InvalidValueError(
      `port ${clip(item.replace(/^\+/, ''), 40)} in '${clip(whole)}' is out of range (0-${MAX_PORT})`,
    );
  }
  return port;
}
