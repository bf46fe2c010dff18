import type { FlinkConfiguration } from '../config/flink/configuration.js';
import { OPTIONS } from '../config/flink/options.js';

/** How Flink will run HA, from `high-availability.type` (or its deprecated names). */
export type HaMode =
  | { readonly kind: 'none' }
  | { readonly kind: 'zookeeper' }
  | { readonly kind: 'kubernetes' }
  | { readonly kind: 'factory'; readonly className: string }
  | { readonly kind: 'unknown'; readonly value: string };

const CLASS_NAME = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+$/;

export function haMode(flink: FlinkConfiguration): HaMode {
  const value = (flink.string(OPTIONS.haType) ?? 'NONE').trim();
  switch (value.toLowerCase()) {
    case 'none':
    case 'standalone':
      return { kind: 'none' };
    case 'zookeeper':
      return { kind: 'zookeeper' };
    case 'kubernetes':
      return { kind: 'kubernetes' };
  }
  if (CLASS_NAME.test(value)) return { kind: 'factory', className: value };
  return { kind: 'unknown', value };
}

/** Whether a JobManager restarted by YARN can recover anything. */
export function haEnabled(mode: HaMode): boolean {
  return mode.kind !== 'none' && mode.kind !== 'unknown';
}
