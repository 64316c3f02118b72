import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** LineChunk is a run of whole lines of a file, read in order, with where it sits in the file. */
export interface LineChunk {
  /** text holds whole lines, each ending in "\n", except possibly the very last line of the file. */
  text: string;
  /** firstLine is the 1-based file line number of text's first line. */
  firstLine: number;
  /** lines counts the newlines in text. */
  lines: number;
  /** bytesRead is how many bytes of the file have been read so far (for progress). */
  bytesRead: number;
  /** last is true for the final chunk, which holds whatever follows the file's last newline (maybe ""). */
  last: boolean;
}

/**
 * readLineChunks streams a file as chunks of whole lines of about `chunkBytes` each, so an import of a
 * file of any size holds one chunk in memory at a time. Chunks are cut after a newline; a UTF-8 character
 * split across two reads is decoded whole (StringDecoder). The final chunk is always yielded, possibly
 * empty, so the caller can check how the file ends.
 */
export async function* readLineChunks(file: string, chunkBytes: number): AsyncGenerator<LineChunk> {
  if (!(chunkBytes >= 1)) throw new Error(`chunk size must be at least 1 byte, got ${chunkBytes}`);
  const stream = createReadStream(file, { highWaterMark: chunkBytes });
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let nextLine = 1;
  let bytesRead = 0;
  try {
    for await (const buf of stream as AsyncIterable<Buffer>) {
      bytesRead += buf.length;
      pending += decoder.write(buf);
      const cut = pending.lastIndexOf('\n');
      if (cut < 0) continue;
      const text = pending.slice(0, cut + 1);
      pending = pending.slice(cut + 1);
      const lines = countNewlines(text);
      yield { text, firstLine: nextLine, lines, bytesRead, last: false };
      nextLine += lines;
    }
    pending += decoder.end();
    yield { text: pending, firstLine: nextLine, lines: countNewlines(pending), bytesRead, last: true };
  } finally {
    stream.destroy();
  }
}

/** countNewlines counts "\n" in text. */
export function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
