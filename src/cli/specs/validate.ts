import { DYNAMIC_PROPERTIES, FLINK_CONF_DIR, OUTPUT, USER, YARN_CONF_DIR } from '../flags.js';
import type { CommandSpec, OptionsOf } from '../spec.js';

export const validate = {
  name: 'validate',
  describe: 'Check the Flink configuration (+ masters, zoo.cfg) against yarn-site.xml before deploying',
  flags: [
    OUTPUT,
    FLINK_CONF_DIR,
    YARN_CONF_DIR,
    DYNAMIC_PROPERTIES,
    USER,
    { name: 'strict', type: 'boolean', default: false, describe: 'fail on warnings too' },
  ],
} as const satisfies CommandSpec;

export type ValidateArgs = OptionsOf<typeof validate.flags>;
