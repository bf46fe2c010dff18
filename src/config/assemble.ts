import { appendAll, diagnostic, type Diagnostic } from '../diagnostics/index.js';
import { ParseError } from '../errors/index.js';
import { parseMasters, type ParsedMasters } from './files/masters.js';
import { parseZooCfg, type ParsedZooCfg } from './files/zoo-cfg.js';
import { FlinkConfiguration } from './flink/configuration.js';
import type { ParsedFlinkConf } from './flink/entries.js';
import { parseLegacyFlinkConf } from './flink/legacy.js';
import { parseStandardYaml } from './flink/yaml.js';
import { HadoopConfiguration, type ExpansionContext, type HadoopValue } from './hadoop/configuration.js';
import { CORE_DEFAULT, HDFS_DEFAULT, YARN_DEFAULT } from './hadoop/defaults.js';
import { readYarnSite, type YarnSite } from './hadoop/yarn-site.js';
import type { HadoopResource } from './hadoop/xml.js';
import { maskValue } from './secrets.js';

/** File names inside a Flink conf dir: config.yaml is standard YAML (1.19+), flink-conf.yaml the legacy format. */
export const FLINK_FILES = {
  standard: 'config.yaml',
  legacy: 'flink-conf.yaml',
  masters: 'masters',
  zooCfg: 'zoo.cfg',
} as const;

/** Hadoop site files in the order Hadoop layers them after its defaults. */
export const HADOOP_SITE_FILES = ['core-site.xml', 'yarn-site.xml', 'hdfs-site.xml'] as const;

/** The raw texts a loader found; a file that does not exist is simply absent. */
export interface ConfigTexts {
  readonly flink?: { readonly path: string; readonly format: 'legacy' | 'yaml'; readonly text: string };
  readonly masters?: { readonly path: string; readonly text: string };
  readonly zooCfg?: { readonly path: string; readonly text: string };
  /** core-site, yarn-site, hdfs-site, already expanded for xi:include, in layering order. */
  readonly hadoop: {
    readonly core: readonly HadoopResource[];
    readonly yarn: readonly HadoopResource[];
    readonly hdfs: readonly HadoopResource[];
  };
}

/** Everything we know about the user's configuration, checked and typed. */
export interface ConfigModel {
  readonly flinkFile?: string;
  readonly flinkFormat?: 'legacy' | 'yaml';
  readonly flink: FlinkConfiguration;
  readonly masters?: ParsedMasters;
  readonly zooCfg?: ParsedZooCfg;
  readonly hadoop: HadoopConfiguration;
  readonly yarnSite: YarnSite;
  /** True when at least one yarn-site.xml was found (else YARN's defaults are assumed). */
  readonly hasYarnSite: boolean;
  /** What reading the files found: parse errors, ignored lines, ignored final overrides. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface AssembleOptions {
  readonly dynamicProperties?: Readonly<Record<string, string>>;
  readonly expansion: ExpansionContext;
}

/** Builds the model from texts. Pure: parse failures become diagnostics, never exceptions. */
/**
 * The Flink configuration's `flink.hadoop.<key>` (as `<key>`) and `flink.yarn.<key>` (as
 * `yarn.<key>`), which Flink's client sets on its Hadoop and YARN configuration.
 */
function hadoopOverrides(flink: FlinkConfiguration): HadoopValue[] {
  const out: HadoopValue[] = [];
  for (const e of flink.entries()) {
    const name = e.key.startsWith('flink.hadoop.')
      ? e.key.slice('flink.hadoop.'.length)
      : e.key.startsWith('flink.yarn.')
        ? `yarn.${e.key.slice('flink.yarn.'.length)}`
        : undefined;
    if (name === undefined || name === '' || name === 'yarn.') continue;
    out.push({ name, raw: e.value, final: false, file: e.file ?? '-D', line: e.line });
  }
  return out;
}

export function assembleConfig(texts: ConfigTexts, options: AssembleOptions): ConfigModel {
  const diagnostics: Diagnostic[] = [];
  let parsed: ParsedFlinkConf | undefined;
  if (texts.flink !== undefined) {
    const { path, format, text } = texts.flink;
    parsed = catchParse(diagnostics, () =>
      format === 'yaml' ? parseStandardYaml(text, path) : parseLegacyFlinkConf(text, path),
    );
    if (parsed !== undefined) appendAll(diagnostics, parsed.diagnostics);
  }
  const flink = new FlinkConfiguration(parsed?.entries ?? []).withDynamic(options.dynamicProperties ?? {});

  const masters = texts.masters && parseMasters(texts.masters.text, texts.masters.path);
  if (masters !== undefined) appendAll(diagnostics, masters.diagnostics);
  const zooCfg = texts.zooCfg && parseZooCfg(texts.zooCfg.text, texts.zooCfg.path);
  if (zooCfg !== undefined) appendAll(diagnostics, zooCfg.diagnostics);

  const { core, yarn, hdfs } = texts.hadoop;
  const hadoop = HadoopConfiguration.layer(
    [CORE_DEFAULT, ...core, YARN_DEFAULT, ...yarn, HDFS_DEFAULT, ...hdfs],
    options.expansion,
  ).withOverrides(hadoopOverrides(flink));
  for (const note of hadoop.notes) {
    diagnostics.push(
      diagnostic(
        'warning',
        'HADOOP_FINAL_OVERRIDE_IGNORED',
        `${note.name} is final in ${note.kept.file}${note.kept.line ? `:${note.kept.line}` : ''} ('${maskValue(note.name, note.kept.raw)}'), so Hadoop ignores '${maskValue(note.name, note.ignored.value ?? '')}' here. Remove one of them, or drop <final> if the override is intended.`,
        { key: note.name, file: note.ignored.file, line: note.ignored.line },
      ),
    );
  }
  const { site, diagnostics: siteDiagnostics } = readYarnSite(hadoop);
  appendAll(diagnostics, siteDiagnostics);

  return {
    ...(parsed !== undefined ? { flinkFile: parsed.file, flinkFormat: parsed.format } : {}),
    flink,
    ...(masters !== undefined ? { masters } : {}),
    ...(zooCfg !== undefined ? { zooCfg } : {}),
    hadoop,
    yarnSite: site,
    hasYarnSite: yarn.length > 0,
    diagnostics,
  };
}

/** Runs a parser; a ParseError becomes an error diagnostic with its file and line. */
export function catchParse<T>(out: Diagnostic[], parse: () => T): T | undefined {
  try {
    return parse();
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    out.push(diagnostic('error', 'CONFIG_PARSE_ERROR', e.reason, { file: e.file, line: e.line, key: e.key }));
    return undefined;
  }
}
