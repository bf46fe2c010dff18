import { connectZooKeeper, type RootProbe, type ZooKeeperDeps } from './client.js';
import type { ZooKeeperSettings } from './settings.js';

/** One line for pre-flight output: where this client may create what Flink will. */
export function describeRootProbe(probe: RootProbe): string {
  const where = probe.rootExists
    ? `under ${probe.root}`
    : `under ${probe.parent}, where Flink will create ${probe.root}`;
  return `ZooKeeper HA root ${probe.root} is usable: created and removed a node ${where} with ${probe.acl} ACLs as ${probe.identity}`;
}

/**
 * The pre-flight check of the HA root: connects with the settings (failing first with
 * ZK_SASL_REQUIRED when Flink would use Kerberos), probes `settings.root`, and closes. Throws
 * ZK_NO_AUTH when ZooKeeper refuses the configured identity, ZK_UNREACHABLE when it does not answer.
 */
export async function probeZooKeeperRoot(settings: ZooKeeperSettings, deps: ZooKeeperDeps = {}): Promise<RootProbe> {
  const zk = await connectZooKeeper(settings, deps);
  try {
    return await zk.probeRoot(settings.root);
  } finally {
    zk.close();
  }
}
