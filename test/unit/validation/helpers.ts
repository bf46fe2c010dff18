import { assembleConfig, type ConfigModel } from '../../../src/config/assemble.js';
import { parseHadoopXml } from '../../../src/config/hadoop/xml.js';
import { validateConfig, type ValidationResult } from '../../../src/validation/index.js';

export interface Texts {
  flink?: string;
  yaml?: string;
  yarnSite?: Record<string, string>;
  masters?: string;
  zooCfg?: string;
  dynamic?: Record<string, string>;
}

/** Builds a configuration model from texts: no files needed. */
export function model(t: Texts): ConfigModel {
  const yarn =
    t.yarnSite === undefined
      ? []
      : [
          parseHadoopXml(
            `<configuration>\n${Object.entries(t.yarnSite)
              .map(([k, v]) => `<property><name>${k}</name><value>${v}</value></property>`)
              .join('\n')}\n</configuration>`,
            'yarn-site.xml',
          ),
        ];
  return assembleConfig(
    {
      ...(t.flink !== undefined
        ? { flink: { path: 'flink-conf.yaml', format: 'legacy' as const, text: t.flink } }
        : {}),
      ...(t.yaml !== undefined ? { flink: { path: 'config.yaml', format: 'yaml' as const, text: t.yaml } } : {}),
      ...(t.masters !== undefined ? { masters: { path: 'masters', text: t.masters } } : {}),
      ...(t.zooCfg !== undefined ? { zooCfg: { path: 'zoo.cfg', text: t.zooCfg } } : {}),
      hadoop: { core: [], yarn, hdfs: [] },
    },
    { dynamicProperties: t.dynamic ?? {}, expansion: { env: {}, systemProperties: {} } },
  );
}

export function check(t: Texts): ValidationResult {
  return validateConfig(model(t));
}

export function codes(t: Texts): string[] {
  return check(t).diagnostics.map((d) => d.code);
}

export const HA = [
  'high-availability.type: zookeeper',
  'high-availability.zookeeper.quorum: localhost:2181',
  'high-availability.storageDir: hdfs:///flink/recovery',
].join('\n');
