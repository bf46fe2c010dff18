/** What the WebHDFS client reports while it works: failovers, retries, uploads. The library never prints. */
export type HdfsEvent =
  | { readonly kind: 'hdfs-failover'; readonly from: string; readonly reason: string }
  | { readonly kind: 'hdfs-active'; readonly endpoint: string }
  | {
      readonly kind: 'hdfs-retry';
      readonly op: string;
      readonly attempt: number;
      readonly delayMs: number;
      readonly reason: string;
    }
  | { readonly kind: 'hdfs-upload'; readonly path: string; readonly bytes: number; readonly datanode: string };
