/** Splits a Flink list value (`a,b , c`); blanks are dropped. */
export function parseList(text: string, separator: string | RegExp = ','): string[] {
  return text
    .split(separator)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** `host:port` as Flink and ZooKeeper clients write them. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Parses `host:port`; IPv6 hosts must be bracketed (`[::1]:2181`). Returns undefined when malformed. */
export function parseHostPort(text: string): HostPort | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]/]+):([0-9]{1,5})$/.exec(text.trim());
  if (m === null) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65_535) return undefined;
  return { host: m[1]!, port };
}

/** A Flink list option's items: `a;b` in flat keys, `[a, b]` from standard YAML. */
export function flinkList(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
    return parseList(trimmed.slice(1, -1)).map((s) => s.replace(/^(['"])(.*)\1$/, '$2'));
  }
  return parseList(trimmed, ';').map((s) => s.replace(/^(['"])(.*)\1$/, '$2'));
}
