import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readlinkSync,
  readSync,
  statSync,
  type Stats,
} from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { clip, diagnostic, type Diagnostic, type Severity } from '../diagnostics/index.js';

// The disk side of the config loader: reading one configuration file, whatever the path holds.

/**
 * The largest configuration file read: 16 MiB. Real ones are a few KB; the cap keeps a log or a
 * disk image named like a configuration file from being read whole and echoed line by line.
 */
export const MAX_CONFIG_FILE_BYTES = 16 * 1024 * 1024;

/**
 * How a file's bytes are decoded, which decides what invalid UTF-8 means: Hadoop's XML parser and
 * Flink's YAML parser fail on it, Java readers of plain text (flink-conf.yaml, masters, zoo.cfg)
 * turn it into U+FFFD.
 */
export type ConfigFileFormat = 'xml' | 'yaml' | 'text';

export interface ConfigFileRead {
  /** Something is at the path (a file, a directory, a FIFO ...). False for a dangling link, as in Java. */
  readonly present: boolean;
  /** The text, when the path is a regular file that could be read. */
  readonly text?: string;
}

export const ABSENT: ConfigFileRead = { present: false };

/**
 * Reads a configuration file, only ever a regular one: a FIFO would block and a device
 * (/dev/zero) never end, so anything else is refused before it is opened. Every problem (a
 * dangling link, a directory, a file over MAX_CONFIG_FILE_BYTES, invalid UTF-8) becomes a
 * diagnostic naming the file, what it is, and the fix.
 */
export function readConfigFile(path: string, format: ConfigFileFormat, out: Diagnostic[]): ConfigFileRead {
  const where = { file: path };
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      const target = linkTarget(path);
      if (target !== undefined) {
        out.push(
          diagnostic(
            'warning',
            'CONFIG_FILE_DANGLING_LINK',
            `${path} is a symbolic link to ${target}, which does not exist, so it is read as missing (as Flink and Hadoop do). Point the link at the file, or remove it.`,
            where,
          ),
        );
      }
      return ABSENT;
    }
    out.push(unreadable(path, e));
    return { present: true };
  }
  if (!stats.isFile()) {
    out.push(notRegular(path, stats));
    return { present: true };
  }
  if (stats.size > MAX_CONFIG_FILE_BYTES) {
    out.push(tooLarge(path, stats.size));
    return { present: true };
  }
  let bytes: Buffer;
  try {
    const read = readBounded(path);
    if (read === 'not-regular') {
      out.push(notRegular(path, statSync(path)));
      return { present: true };
    }
    if (read === 'too-large') {
      out.push(tooLarge(path, undefined));
      return { present: true };
    }
    bytes = read;
  } catch (e) {
    out.push(unreadable(path, e));
    return { present: true };
  }
  return { present: true, text: decode(bytes, path, format, out) };
}

/**
 * At most MAX_CONFIG_FILE_BYTES + 1 bytes. Opened without blocking and checked again on the
 * descriptor, so a file swapped for a FIFO after the stat cannot hang the read.
 */
function readBounded(path: string): Buffer | 'not-regular' | 'too-large' {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return 'not-regular';
    const buffer = Buffer.allocUnsafe(Math.min(stats.size, MAX_CONFIG_FILE_BYTES) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) return length > MAX_CONFIG_FILE_BYTES ? 'too-large' : grow(buffer, fd, length);
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) return buffer.subarray(0, length);
      length += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** The file grew after the stat: read on, still within the cap. */
function grow(start: Buffer, fd: number, length: number): Buffer | 'too-large' {
  const buffer = Buffer.allocUnsafe(MAX_CONFIG_FILE_BYTES + 1);
  start.copy(buffer, 0, 0, length);
  for (;;) {
    if (length > MAX_CONFIG_FILE_BYTES) return 'too-large';
    const n = readSync(fd, buffer, length, buffer.length - length, null);
    if (n === 0) return buffer.subarray(0, length);
    length += n;
  }
}

function decode(bytes: Buffer, path: string, format: ConfigFileFormat, out: Diagnostic[]): string {
  // Java readers keep a BOM in plain text; the XML and YAML parsers skip it.
  const ignoreBOM = format === 'text';
  if (format === 'xml') {
    const declared = declaredEncoding(bytes);
    // The declaration was read as ASCII, so only an ASCII-compatible encoding can be right.
    if (declared !== undefined && !/^utf-?(8|16|32)/i.test(declared)) {
      try {
        return new TextDecoder(declared).decode(bytes);
      } catch {
        // A label TextDecoder does not know: read as UTF-8, and report what does not decode.
      }
    }
  }
  if (format !== 'text' && bytes.length >= 2) {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  }
  const decoder = new TextDecoder('utf-8', { ignoreBOM });
  if (isUtf8(bytes)) return decoder.decode(bytes);
  const offset = firstInvalidUtf8(bytes);
  const line = lineAt(bytes, offset);
  const consequence =
    format === 'xml'
      ? ['error', "Hadoop's XML parser fails on it, and so does loading this configuration"]
      : format === 'yaml'
        ? ['error', "Flink's YAML parser fails on it, and so does loading the configuration"]
        : [
            'warning',
            'Flink and ZooKeeper read such bytes as U+FFFD replacement characters, so a key or value there will not be what it looks like',
          ];
  out.push(
    diagnostic(
      consequence[0] as Severity,
      'CONFIG_INVALID_UTF8',
      `byte 0x${bytes[offset]!.toString(16).padStart(2, '0')} at offset ${offset} is not valid UTF-8; ${consequence[1]}. Save the file as UTF-8.`,
      { file: path, line },
    ),
  );
  return decoder.decode(bytes);
}

/** `<?xml ... encoding="ISO-8859-1"?>`: Hadoop's parser honours it. */
function declaredEncoding(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 256).toString('latin1');
  return /^(?:\uFEFF|\u00EF\u00BB\u00BF)?\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head)?.[1];
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    const need =
      b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      if (k === 1 ? c < low || c > high : c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let at = bytes.indexOf(0x0a); at >= 0 && at < offset; at = bytes.indexOf(0x0a, at + 1)) line++;
  return line;
}

export function reportEmpty(path: string, text: string, consequence: string, out: Diagnostic[]): void {
  if (text.trim() !== '') return;
  out.push(
    diagnostic('warning', 'CONFIG_FILE_EMPTY', `${path} is empty, so ${consequence}. Fill it in or remove it.`, {
      file: path,
    }),
  );
}

function notRegular(path: string, stats: Stats): Diagnostic {
  const what = describeKind(stats);
  const consequence = stats.isDirectory()
    ? 'Flink and Hadoop fail to read it'
    : 'reading it would block or never end, so it is not read';
  return diagnostic(
    'error',
    'CONFIG_FILE_NOT_REGULAR',
    `${path} is ${what}, not a regular file, where a configuration file is expected; ${consequence}. Replace it with the configuration file itself, or remove it.`,
    { file: path },
  );
}

function tooLarge(path: string, size: number | undefined): Diagnostic {
  return diagnostic(
    'error',
    'CONFIG_FILE_TOO_LARGE',
    `${path} is ${size !== undefined ? `${size} bytes` : 'growing past the limit'}; configuration files are read up to ${MAX_CONFIG_FILE_BYTES / (1024 * 1024)} MiB and real ones are a few KB. Is it the right file?`,
    { file: path },
  );
}

function unreadable(path: string, e: unknown): Diagnostic {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'ELOOP'
      ? 'it is a loop of symbolic links'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied; check its owner and mode'
        : clip((e as Error).message);
  return diagnostic('error', 'CONFIG_FILE_UNREADABLE', `${path} cannot be read: ${why}.`, { file: path });
}

export function describeKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

export function linkTarget(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}
