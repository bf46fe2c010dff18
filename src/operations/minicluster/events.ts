/** What the minicluster operations report while they work; the CLI decides how to show it. */
export type MiniclusterEvent =
  | { readonly kind: 'build-skipped'; readonly module: string }
  | { readonly kind: 'build-started'; readonly module: string }
  | { readonly kind: 'build-progress'; readonly module: string; readonly downloads: number; readonly bytes: number }
  | { readonly kind: 'build-finished'; readonly module: string; readonly ms: number }
  | { readonly kind: 'service-starting'; readonly service: string }
  | { readonly kind: 'service-ready'; readonly service: string; readonly ms: number; readonly detail: string }
  | { readonly kind: 'already-running' }
  | { readonly kind: 'stale-state'; readonly reason: string }
  | { readonly kind: 'service-stopping'; readonly service: string; readonly pid: number }
  | { readonly kind: 'service-stopped'; readonly service: string; readonly pid: number; readonly forced: boolean };
