import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

/** One file as a multipart/form-data body, streamed from disk with its exact length. */
export interface MultipartBody {
  readonly headers: Readonly<Record<string, string>>;
  readonly length: number;
  /** A new stream per call: a body can be sent only once. */
  open(): Readable;
}

/** A file name inside a quoted header parameter: no quotes, no line breaks, ASCII only. */
function headerSafe(name: string): string {
  return name.replace(/[^\x20-\x7e]|["\\]/g, '_');
}

/**
 * `field=@path` as curl -F sends it (one part, the file's bytes), for `POST /jars/upload`. The
 * file is read as the body is sent, so a jar of any size costs no memory.
 */
export function multipartFile(field: string, fileName: string, path: string, size: number): MultipartBody {
  const boundary = `----flink-yarn-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\n` +
      `Content-Disposition: form-data; name="${headerSafe(field)}"; filename="${headerSafe(fileName)}"\r\n` +
      'Content-Type: application/java-archive\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    length: head.length + size + tail.length,
    open: () =>
      Readable.from(
        (async function* parts() {
          yield head;
          yield* createReadStream(path);
          yield tail;
        })(),
        { objectMode: false },
      ),
  };
}
