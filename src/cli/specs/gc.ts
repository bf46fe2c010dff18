import { parseDuration } from '../../config/values/duration.js';
import { UsageError } from '../../errors/index.js';
import { CONNECTION_FLAGS, DYNAMIC_PROPERTIES, FLINK_CONF_DIR } from '../flags.js';
import type { CommandSpec, OptionsOf } from '../spec.js';

/** `--grace 10m`, `--grace 0`: a Flink duration, as a usage error when it is not one. */
function graceMs(given: string | undefined): number | undefined {
  if (given === undefined) return undefined;
  try {
    return parseDuration(given);
  } catch (e) {
    throw new UsageError(`--grace ${given}: ${(e as Error).message}`);
  }
}

export const gc = {
  name: 'gc',
  describe:
    'Remove what failed, killed or SIGKILLed runs left: staging of ended applications, partial cache uploads (--ha: orphaned HA data)',
  flags: [
    ...CONNECTION_FLAGS,
    { name: 'dry-run', type: 'boolean', default: false, describe: 'list what would go; remove nothing' },
    {
      name: 'ha',
      type: 'boolean',
      default: false,
      describe: "orphaned HA namespaces too (ZooKeeper and recovery data; needs the Flink conf's quorum)",
    },
    {
      name: 'grace',
      property: 'graceMs',
      type: 'string',
      describe: 'leave what YARN does not know yet alone while younger than this (default 15 min)',
      map: graceMs,
    },
    FLINK_CONF_DIR,
    DYNAMIC_PROPERTIES,
  ],
} as const satisfies CommandSpec;

export type GcArgs = OptionsOf<typeof gc.flags>;
