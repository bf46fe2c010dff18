import { FLINK_CONF_DIR, OUTPUT } from '../flags.js';
import type { CommandSpec, OptionsOf } from '../spec.js';

export const zookeeper = {
  name: 'zookeeper',
  describe:
    "Start, stop or inspect this machine's ZooKeeper server of conf/zoo.cfg (Flink's start-zookeeper-quorum.sh)",
  flags: [
    { name: 'action', positional: 'required', choices: ['start', 'stop', 'status'] },
    OUTPUT,
    FLINK_CONF_DIR,
    {
      name: 'state-dir',
      type: 'string',
      describe: 'pid, generated zoo.cfg and logs (default $FLINK_YARN_STATE_DIR/zookeeper, ~/.flink-yarn/zookeeper)',
    },
    {
      name: 'zookeeper-home',
      type: 'string',
      describe: "the ZooKeeper to run (default $ZOOKEEPER_HOME, then Debian's zookeeper package)",
    },
  ],
} as const satisfies CommandSpec;

export type ZooKeeperArgs = OptionsOf<typeof zookeeper.flags>;
