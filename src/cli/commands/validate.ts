import { formatDuration } from '../../config/values/duration.js';
import type { ValidateReport } from '../../operations/validate.js';
import { EXIT, ExitError } from '../exit.js';
import { formatDiagnostics, plural, shortPath, style, writeJson, type Io } from '../output.js';
import type { ValidateArgs } from '../specs/validate.js';

export async function runValidate(args: ValidateArgs, io: Io): Promise<void> {
  const { validate } = await import('../../operations/validate.js');
  const report = validate({
    flinkConfDir: args.flinkConfDir,
    yarnConfDir: args.yarnConfDir,
    dynamicProperties: args.dynamicProperties,
    env: io.env,
    cwd: io.cwd,
    user: args.user,
  });
  if (args.output === 'json') writeJson(io, { diagnostics: report.diagnostics, effective: report.effective });
  else io.stdout.write(formatReport(report, args.strict, io));
  const errors = report.diagnostics.some((d) => d.severity === 'error');
  const warnings = report.diagnostics.some((d) => d.severity === 'warning');
  if (errors || (args.strict && warnings)) throw new ExitError(EXIT.failed);
}

/** Effective values the JSON gives in milliseconds and the text as durations. */
const DURATION_KEYS = new Set(['yarn.application-attempt-failures-validity-interval', 'pekko.ask.timeout']);

function formatReport(report: ValidateReport, strict: boolean, io: Io): string {
  const s = style(io.stdout, io.env);
  const lines = [
    `${s.bold('Flink conf')}   ${shortPath(report.flinkConfDir, io.cwd)}`,
    `${s.bold('Hadoop conf')}  ${report.yarnConfDir === null ? s.dim('(none: YARN defaults)') : shortPath(report.yarnConfDir, io.cwd)}`,
    '',
  ];
  const body = formatDiagnostics(report.diagnostics, s, io.cwd);
  if (body !== '') lines.push(body);
  lines.push(s.bold('Effective'));
  const width = Math.max(...Object.keys(report.effective).map((k) => k.length));
  for (const [key, value] of Object.entries(report.effective)) {
    const shown =
      value === null
        ? s.dim(key === 'high-availability.cluster-id' ? '(the YARN application id)' : '(unset)')
        : typeof value === 'number' && DURATION_KEYS.has(key)
          ? formatDuration(value)
          : String(value);
    lines.push(`  ${key.padEnd(width)}  ${shown}`);
  }
  const count = (sev: string) => report.diagnostics.filter((d) => d.severity === sev).length;
  const errors = count('error');
  const warnings = count('warning');
  const verdict =
    errors > 0
      ? s.red(`${plural(errors, 'error')}, ${plural(warnings, 'warning')}: fix the errors before deploying.`)
      : warnings > 0
        ? (strict ? s.red : s.yellow)(
            `${plural(warnings, 'warning')}${strict ? ' (--strict: failing)' : ', no errors'}.`,
          )
        : s.green('No problems found.');
  lines.push('', verdict, '');
  return lines.join('\n');
}
