import { OUTPUT } from '../flags.js';
import type { CommandSpec, OptionsOf } from '../spec.js';

export const minicluster = {
  name: 'minicluster',
  describe: 'A real local YARN + HDFS + ZooKeeper with a Flink distribution, for trying the tool and for tests',
  flags: [
    { name: 'action', positional: 'required', choices: ['start', 'stop', 'status'] },
    OUTPUT,
    { name: 'state-dir', type: 'string', describe: 'where its state lives (default ~/.flink-yarn/minicluster)' },
    { name: 'am-max-attempts', type: 'number', describe: 'yarn.resourcemanager.am.max-attempts (default 2)' },
    { name: 'rms', type: 'number', choices: [1, 2], describe: 'ResourceManagers; 2 for RM HA (default 1)' },
    {
      name: 'hadoop-version',
      type: 'string',
      describe: 'Hadoop of the minicluster (default 3.4.2; 3.3.6 and 3.5.0 work)',
    },
    {
      name: 'flink-version',
      type: 'string',
      describe: 'Flink of the distribution it ships (default 1.20.1; 1.19.1 and 2.2.0 work)',
    },
    {
      name: 'secure',
      type: 'boolean',
      describe:
        'Kerberized: a KDC, SPNEGO web endpoints, HTTPS-only HDFS (JSON adds realm, krb5Conf, principal, keytab, ca)',
    },
  ],
} as const satisfies CommandSpec;

export type MiniclusterArgs = OptionsOf<typeof minicluster.flags>;
