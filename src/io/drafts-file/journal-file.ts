// The drafts file as bytes: each record appended as one whole line with a single write(), records
// read back by byte position, a torn last line cut off before the first append and a missing last
// newline supplied. What the lines mean is the store's business (store.ts).
import { closeSync, fchmodSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync } from 'node:fs';
import { parseJournalLine } from '../../core/decisions/journal.js';
import type { JournalRecord } from '../../core/decisions/records.js';
import type { At } from '../../core/decisions/recipient-index.js';
import { writeFully, type Line } from './lines.js';

// Drafts files hold every column, private ones included: only their owner may read them.
const FILE_MODE = 0o600;

export class JournalFile {
  private size = 0;
  private appendFd: number | undefined;
  private readFd: number | undefined;
  /** Where a torn tail starts; cut off before the first append. */
  private truncateAt: number | undefined;
  /** The last complete record has no newline after it: the next append must add one first. */
  private needsNewline = false;

  constructor(readonly path: string) {}

  /** Open (creating the file if missing) for appending; appends go at its current end. */
  openForAppend(): void {
    this.appendFd = openSync(this.path, 'a', FILE_MODE);
    // The mode above only applies to a new file, and through the umask: set it outright.
    fchmodSync(this.appendFd, FILE_MODE);
    this.size = fstatSync(this.appendFd).size;
  }

  /**
   * After reading the file through: appends go at its real end (whatever line endings it had),
   * once a bad last line (a write cut short) or a file of blank bytes is cut off, or after the
   * newline a last record lacks.
   */
  settleTail(bad: Line | undefined, last: Line | undefined): void {
    if (this.appendFd !== undefined) this.size = fstatSync(this.appendFd).size;
    if (bad) {
      this.truncateAt = bad.offset;
      this.needsNewline = false;
    } else if (last && !last.terminated) {
      this.needsNewline = true;
    } else if (!last && this.appendFd !== undefined && this.size > 0) {
      // Only blank bytes: start clean.
      this.truncateAt = 0;
    }
  }

  /** Durably writes the record as one line; returns where its JSON is in the file. */
  append(rec: JournalRecord): At {
    if (this.appendFd === undefined) this.openForAppend();
    if (this.truncateAt !== undefined) {
      ftruncateSync(this.appendFd!, this.truncateAt);
      this.size = this.truncateAt;
      this.truncateAt = undefined;
    }
    const json = Buffer.from(JSON.stringify(rec), 'utf8');
    const lead = this.needsNewline ? 1 : 0;
    const line = Buffer.allocUnsafe(lead + json.length + 1);
    if (lead) line[0] = 0x0a;
    json.copy(line, lead);
    line[line.length - 1] = 0x0a;
    writeFully(this.appendFd!, line);
    this.needsNewline = false;
    const at = { offset: this.size + lead, length: json.length };
    this.size += line.length;
    return at;
  }

  /** The record at a position, if the bytes there are one. */
  readAt(at: At): JournalRecord | undefined {
    const buf = this.readBytes(at);
    return buf.length === at.length ? parseJournalLine(buf.toString('utf8')) : undefined;
  }

  /** The bytes at a position (fewer when the file is shorter). */
  readBytes({ offset, length }: At): Buffer {
    this.readFd ??= openSync(this.path, 'r');
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.readFd, buf, done, length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return buf.subarray(0, done);
  }

  /** Flush to disk and close; reading again reopens. */
  close(): void {
    try {
      if (this.appendFd !== undefined) {
        fsyncSync(this.appendFd);
        closeSync(this.appendFd);
      }
      if (this.readFd !== undefined) closeSync(this.readFd);
    } finally {
      this.appendFd = undefined;
      this.readFd = undefined;
    }
  }
}
