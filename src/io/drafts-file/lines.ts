// Reading and writing the drafts file's lines as bytes: exact offsets (multibyte text), a torn last
// line recognised, one write() per record.
import { createReadStream, writeSync } from 'node:fs';

export interface Line {
  buf: Buffer;
  /** Byte offset of the line's first byte in the file. */
  offset: number;
  /** 1-based line number. */
  number: number;
  /** Whether a newline ended it (the last line of a torn file has none). */
  terminated: boolean;
}

/** Lines of a file as exact byte slices (offsets must be exact for multibyte text). */
export async function* scanLines(file: string): AsyncGenerator<Line> {
  let carry: Buffer[] = [];
  let carryLen = 0;
  let offset = 0; // file offset of the first byte of the current (partial) line
  let number = 0;
  // Chunks of 256 KB, and a line's tail copied out of its chunk: a chunk that outlived a young-
  // generation GC would wait for a full one, and 100k-row files held dozens of them (RSS).
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 18 }) as AsyncIterable<Buffer>) {
    let start = 0;
    let nl = chunk.indexOf(0x0a, start);
    while (nl !== -1) {
      const piece = chunk.subarray(start, nl);
      const buf = carryLen > 0 ? Buffer.concat([...carry, piece]) : piece;
      carry = [];
      carryLen = 0;
      yield { buf: stripCr(buf), offset, number: ++number, terminated: true };
      offset += buf.length + 1;
      start = nl + 1;
      nl = chunk.indexOf(0x0a, start);
    }
    if (start < chunk.length) {
      const rest = Buffer.from(chunk.subarray(start));
      carry.push(rest);
      carryLen += rest.length;
    }
  }
  if (carryLen > 0) yield { buf: Buffer.concat(carry), offset, number: ++number, terminated: false };
}

/** A hand-edited file may have CRLF endings; the CR is not part of the record. */
function stripCr(buf: Buffer): Buffer {
  return buf.length > 0 && buf[buf.length - 1] === 0x0d ? buf.subarray(0, buf.length - 1) : buf;
}

export function isBlank(buf: Buffer): boolean {
  for (const b of buf) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
}

export function writeFully(fd: number, buf: Buffer): void {
  let done = writeSync(fd, buf);
  while (done < buf.length) done += writeSync(fd, buf, done);
}

