import { failoverLine, TerminalOutput, type Io, type Output } from '../output.js';
import type { LogsArgs } from '../specs/logs.js';

/**
 * Streams the log to stdout as it arrives. Text goes through the terminal door (no control
 * characters from the log reach the terminal); `-o json` writes one document whose `log` string
 * is streamed in escaped pieces, so neither form holds the whole log in memory.
 */
export async function runLogs(args: LogsArgs, io: Io): Promise<void> {
  const { containerLogs } = await import('../../operations/logs.js');
  const json = args.output === 'json';
  const exact = (text: string): boolean =>
    io.stdout instanceof TerminalOutput ? io.stdout.writeExact(text) : io.stdout.write(text);
  // The document opens with the first piece of the log: a failure before it leaves stdout empty.
  let opened = false;
  const open = (): void => {
    if (!json || opened) return;
    opened = true;
    exact(`{"applicationId":${JSON.stringify(args.applicationId)},"log":"`);
  };
  const write = (text: string): Promise<void> | void => {
    if (text === '') return;
    open();
    const flowing = json ? exact(JSON.stringify(text).slice(1, -1)) : io.stdout.write(text);
    if (!flowing) return drained(io.stdout);
  };
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort();
  process.once('SIGINT', onSigint);
  try {
    const result = await containerLogs(args.applicationId, {
      yarnConfDir: args.yarnConfDir,
      rm: args.rm,
      user: args.user,
      keytab: args.keytab,
      principal: args.principal,
      ca: args.ca,
      env: io.env,
      cwd: io.cwd,
      container: args.container,
      file: args.file,
      follow: args.follow,
      signal: interrupt.signal,
      write,
      onEvent: (e) => {
        if (e.kind === 'rm-failover') io.stderr.write(`${failoverLine(e)}\n`);
      },
    });
    if (json) {
      open();
      const { containerId, file, source, url, bytes } = result;
      exact(`",${JSON.stringify({ containerId, file, source, url, bytes }).slice(1)}\n`);
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

function drained(out: Output): Promise<void> | void {
  if (out.closed === true || typeof out.once !== 'function') return;
  return new Promise<void>((resolve) => out.once!('drain', resolve));
}
