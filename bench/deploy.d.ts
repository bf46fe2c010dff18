// Types for the parts of bench/deploy.js the fidelity harness (test/integration) reuses.
export interface BenchConf {
  readonly dir: string;
  readonly propertiesDir: string;
  readonly javaOptions: string;
}
export interface ClusterInfo {
  readonly rm: string;
  readonly webhdfs: string;
  readonly zookeeper: string;
  readonly confDir: string;
  readonly flinkHome: string;
}
export function writeBenchConfDir(
  root: string,
  cluster: ClusterInfo,
  dir: string,
  extra?: readonly string[],
): Promise<BenchConf>;
export function flinkClientCommand(options: {
  root: string;
  cluster: ClusterInfo;
  conf: BenchConf;
  log: (line: string) => void;
}): { command: string; args: string[]; env: Record<string, string> };
