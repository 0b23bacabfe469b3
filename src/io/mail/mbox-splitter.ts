// An mbox file -> one message's bytes at a time, read in chunks: a many-GB Takeout export is never
// held in memory, only the message being assembled. A message starts at a "From " line at the start
// of a line (the From_ line; RFC 4155); body lines escaped as ">From ", ">>From " (mboxrd) lose one
// ">". CRLF files work (lines end at LF; the CR stays with the message, which the MIME parser
// reads). A file whose first non-blank line is not a From_ line is not an mbox: InputError with
// file and line. A file that ends mid-line marks its last message `truncated`.
import { createReadStream } from 'node:fs';
import { InputError } from '../../core/errors.js';

export interface RawMessage {
  bytes: Buffer;
  /** 1-based position in the file (or folder). */
  index: number;
  /** Line of the From_ line (1-based); 1 for an .eml file. */
  line: number;
  /** The From_ line after "From " (sender and date), when there is one. */
  envelope?: string;
  /** Bytes of the source read so far (for a progress bar). */
  offset: number;
  /** The file ended in the middle of a line: the message may be cut short. */
  truncated?: boolean;
  /** Larger than MAX_MESSAGE_BYTES: its bytes were dropped (the importer skips it). */
  tooLarge?: boolean;
  /** Where it came from, e.g. `Sent.mbox#12` or `inbox/a.eml`, for warnings and the memory. */
  source: string;
}

const LF = 0x0a;
const GT = 0x3e;
const FROM = Buffer.from('From ');
/** A message larger than this is skipped (its bytes are dropped as they come). */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** Assembles messages line by line; the caller feeds lines ending in LF (the last one may not). */
export class MboxSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private started = false;
  private lineNo = 0;
  private index = 0;
  private fromLine = 0;
  private envelope = '';
  private oversize = false;

  constructor(private readonly name: string) {}

  /** One line (with its LF); returns the message this From_ line completes, if any. */
  push(line: Buffer, offset: number): RawMessage | undefined {
    this.lineNo++;
    if (startsWith(line, 0, FROM)) {
      const done = this.started ? this.finish(offset - line.length, false) : undefined;
      this.started = true;
      this.index++;
      this.fromLine = this.lineNo;
      this.envelope = line.subarray(5).toString('latin1').trim();
      return done;
    }
    if (!this.started) {
      if (isBlank(line)) return undefined;
      throw notMbox(this.name, this.lineNo, line);
    }
    this.add(unescapeFrom(line));
    return undefined;
  }

  /** The last message, at the end of the file; `cut` when the file did not end with a line break. */
  end(offset: number, cut: boolean): RawMessage | undefined {
    if (!this.started) {
      throw new InputError('this file holds no mail: it is empty.', {
        location: { file: this.name, line: 1 },
        hint: 'give an mbox file (Thunderbird, Gmail Takeout, Apple Mail), .eml files, a folder of them, or a history CSV.',
      });
    }
    return this.finish(offset, cut);
  }

  private add(line: Buffer): void {
    if (this.oversize) return;
    this.size += line.length;
    if (this.size > MAX_MESSAGE_BYTES) {
      this.oversize = true;
      this.parts = [];
      return;
    }
    this.parts.push(line);
  }

  private finish(offset: number, cut: boolean): RawMessage {
    let bytes: Buffer = this.oversize ? Buffer.alloc(0) : Buffer.concat(this.parts);
    bytes = dropSeparatorLine(bytes);
    const message: RawMessage = { bytes, index: this.index, line: this.fromLine, envelope: this.envelope, offset, source: `${this.name}#${this.index}` };
    if (cut) message.truncated = true;
    if (this.oversize) message.tooLarge = true;
    this.parts = [];
    this.size = 0;
    this.oversize = false;
    return message;
  }
}

/** Streams the file's messages in order. `chunkSize` is for tests (split at every byte boundary). */
export async function* splitMbox(file: string, opts: { name: string; chunkSize?: number }): AsyncGenerator<RawMessage> {
  const splitter = new MboxSplitter(opts.name);
  const stream = createReadStream(file, { highWaterMark: opts.chunkSize ?? 64 * 1024 });
  let carry: Buffer = Buffer.alloc(0);
  let offset = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    const base = offset - carry.length;
    offset += chunk.length;
    let start = 0;
    for (let nl = buf.indexOf(LF, start); nl !== -1; nl = buf.indexOf(LF, start)) {
      const message = splitter.push(buf.subarray(start, nl + 1), base + nl + 1);
      start = nl + 1;
      if (message) yield message;
    }
    carry = Buffer.from(buf.subarray(start));
  }
  if (carry.length > 0) {
    const message = splitter.push(carry, offset);
    if (message) yield message;
  }
  const last = splitter.end(offset, carry.length > 0);
  if (last) yield last;
}

function startsWith(line: Buffer, at: number, prefix: Buffer): boolean {
  return line.length >= at + prefix.length && line.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0;
}

function isBlank(line: Buffer): boolean {
  for (const byte of line) if (byte !== LF && byte !== 0x0d && byte !== 0x20 && byte !== 0x09) return false;
  return true;
}

/** ">From " -> "From ", ">>From " -> ">From " (mboxrd). */
function unescapeFrom(line: Buffer): Buffer {
  if (line[0] !== GT) return line;
  let i = 0;
  while (line[i] === GT) i++;
  return startsWith(line, i, FROM) ? line.subarray(1) : line;
}

/** The blank line before the next From_ line belongs to the mbox, not to the message. */
function dropSeparatorLine(bytes: Buffer): Buffer {
  const n = bytes.length;
  if (n >= 2 && bytes[n - 1] === LF && bytes[n - 2] === LF) return bytes.subarray(0, n - 1);
  if (n >= 4 && bytes.subarray(n - 4).toString('latin1') === '\r\n\r\n') return bytes.subarray(0, n - 2);
  return bytes;
}

function notMbox(name: string, line: number, text: Buffer): InputError {
  const binary = text.includes(0);
  return new InputError(binary ? 'this is not a mail file (it contains binary data).' : 'this is not an mbox file: a message must start with a "From " line.', {
    location: { file: name, line },
    hint: 'give an mbox file (Thunderbird, Gmail Takeout, Apple Mail), .eml files, a folder of them, or a history CSV (email,date,direction,subject,text).',
  });
}
