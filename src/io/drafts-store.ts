// The drafts file: an append-only JSONL journal. Each record is written with one write() of a
// whole line, so a kill -9 loses at most the drafts still in flight; a torn last line is dropped
// on the next open. Only a small state per row stays in memory; full records are read back by
// byte position, so 100k rows stay cheap.
import { createReadStream } from 'node:fs';
import {
  closeSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  writeSync,
} from 'node:fs';
import { InputError } from '../core/errors.js';
import type { DecisionRecord, DraftRecord, JournalRecord } from '../core/draft.js';
import { applyRecord, isShareable, parseJournalLine, promptId, resolveMessages, type RowState, type StoredMessage } from '../core/journal.js';
import { RowIndex } from '../core/row-index.js';
import { acquireLock, type ReleaseLock } from './lock.js';

export interface OpenOptions {
  /** Take `<file>.lock` (writers: draft, review). Default false. */
  lock?: boolean;
  /** Create the file when missing. Default false: a missing file is an InputError. */
  create?: boolean;
}

interface Line {
  buf: Buffer;
  /** Byte offset of the line's first byte in the file. */
  offset: number;
  /** 1-based line number. */
  number: number;
  /** Whether a newline ended it (the last line of a torn file has none). */
  terminated: boolean;
}

export class DraftsStore {
  readonly warnings: string[] = [];
  private readonly states = new RowIndex();
  /** Where each shared prompt record is, and the contents read back so far (a run has one or two). */
  private readonly prompts = new Map<string, { offset: number; length: number }>();
  private readonly promptTexts = new Map<string, string>();
  /** The last prompt shared: a run passes the same string object for every draft, so no re-hash. */
  private lastShared: { content: string; id: string } | undefined;
  private size = 0;
  private appendFd: number | undefined;
  private readFd: number | undefined;
  /** Where a torn tail starts; cut off before the first append. */
  private truncateAt: number | undefined;
  /** The last complete record has no newline after it: the next append must add one first. */
  private needsNewline = false;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly release: ReleaseLock | undefined,
  ) {}

  static async open(file: string, opts: OpenOptions = {}): Promise<DraftsStore> {
    let release: ReleaseLock | undefined;
    if (opts.lock) {
      try {
        release = await acquireLock(file);
      } catch (err) {
        throw wrapFsError(err, file, opts.create ?? false);
      }
    }
    const store = new DraftsStore(file, release);
    try {
      if (opts.create) store.appendFd = openSync(file, 'a', 0o600);
      if (store.appendFd !== undefined) fchmodSync(store.appendFd, 0o600); // private columns: 0600 whatever the umask
      await store.load();
    } catch (err) {
      await store.close().catch(() => {});
      throw wrapFsError(err, file, opts.create ?? false);
    }
    return store;
  }

  state(row: number): RowState | undefined {
    return this.states.get(row);
  }

  /** Every row's state, in row order. */
  rows(): RowState[] {
    return [...this.states.values()];
  }

  /**
   * Durably add one record: a single synchronous write of one complete line. A draft's system
   * prompt goes in a prompt record of its own the first time the file meets it (written before
   * the draft, so a crash between the two leaves no draft pointing at nothing).
   */
  append(rec: JournalRecord): void {
    if (this.closed) throw new Error(`drafts file ${this.path} is closed`);
    if (this.appendFd === undefined) {
      this.appendFd = openSync(this.path, 'a', 0o600);
      this.size = fstatSync(this.appendFd).size;
    }
    if (this.truncateAt !== undefined) {
      ftruncateSync(this.appendFd, this.truncateAt);
      this.size = this.truncateAt;
      this.truncateAt = undefined;
    }
    if (rec.type === 'draft' && rec.messages?.some(isShareable)) {
      const messages: StoredMessage[] = rec.messages.map((m) => (isShareable(m) ? { role: m.role, prompt: this.sharePrompt(m.content) } : m));
      this.writeLine({ ...rec, messages } as unknown as JournalRecord);
    } else {
      this.writeLine(rec);
    }
  }

  /** The id of a shared prompt, writing its record if this file does not have it yet. */
  private sharePrompt(content: string): string {
    if (this.lastShared?.content === content) return this.lastShared.id;
    const id = promptId(content);
    if (!this.prompts.has(id)) {
      this.prompts.set(id, this.writeLine({ type: 'prompt', id, content }));
      this.promptTexts.set(id, content);
    }
    // Only once its record is written: a failed write must not leave drafts naming a missing prompt.
    this.lastShared = { content, id };
    return id;
  }

  private writeLine(rec: JournalRecord): { offset: number; length: number } {
    const json = Buffer.from(JSON.stringify(rec), 'utf8');
    const lead = this.needsNewline ? 1 : 0;
    const line = Buffer.allocUnsafe(lead + json.length + 1);
    if (lead) line[0] = 0x0a;
    json.copy(line, lead);
    line[line.length - 1] = 0x0a;
    writeFully(this.appendFd!, line);
    this.needsNewline = false;
    const at = { offset: this.size + lead, length: json.length };
    applyRecord(this.states, rec, at.offset, at.length);
    this.size += line.length;
    return at;
  }

  private promptText(id: string): string | undefined {
    let text = this.promptTexts.get(id);
    if (text === undefined) {
      const at = this.prompts.get(id);
      const rec = at ? this.readAt(at.offset, at.length) : undefined;
      if (rec?.type !== 'prompt') return undefined;
      text = rec.content;
      this.promptTexts.set(id, text);
    }
    return text;
  }

  /** A draft as written, with its shared prompts filled back in. */
  private resolved(rec: DraftRecord): DraftRecord {
    if (!rec.messages) return rec;
    return { ...rec, messages: resolveMessages(rec.messages as StoredMessage[], (id) => this.promptText(id)) };
  }

  /** The latest draft record of a row, read from disk at its stored position. */
  readDraft(row: number): DraftRecord | undefined {
    const s = this.states.get(row);
    if (!s) return undefined;
    const rec = this.readAt(s.offset, s.length);
    return rec?.type === 'draft' ? this.resolved(rec) : undefined;
  }

  /** The tone profile `draft` recorded (in the first row's latest draft), if any. */
  recordedProfile(): string | undefined {
    const first = this.states.keys().next();
    return first.done ? undefined : this.readDraft(first.value)?.profile;
  }

  /** The decision made about a row's latest draft, if any (it carries edited text). */
  readDecision(row: number): DecisionRecord | undefined {
    const d = this.states.get(row)?.decision;
    if (!d) return undefined;
    const rec = this.readAt(d.offset, d.length);
    return rec?.type === 'decision' ? rec : undefined;
  }

  /**
   * Every draft and decision in file order, streamed, drafts with their shared prompts filled
   * in (a torn last line is skipped).
   */
  async *readAll(): AsyncGenerator<DraftRecord | DecisionRecord> {
    let bad: Line | undefined;
    const prompts = new Map<string, string>();
    for await (const line of scanLines(this.path)) {
      if (isBlank(line.buf)) continue;
      if (bad) throw corruptLine(this.path, bad);
      const rec = parseJournalLine(line.buf.toString('utf8'));
      if (!rec) bad = line;
      else if (rec.type === 'prompt') prompts.set(rec.id, rec.content);
      else if (rec.type === 'draft' && rec.messages) yield { ...rec, messages: resolveMessages(rec.messages as StoredMessage[], (id) => prompts.get(id)) };
      else yield rec;
    }
  }

  /** Flush to disk, close, release the lock. Safe to call twice. */
  async close(): Promise<void> {
    this.closeSync();
  }

  /** For exit handlers, where nothing asynchronous gets to run. */
  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.appendFd !== undefined) {
        fsyncSync(this.appendFd);
        closeSync(this.appendFd);
      }
      if (this.readFd !== undefined) closeSync(this.readFd);
    } finally {
      this.appendFd = undefined;
      this.readFd = undefined;
      this.release?.sync();
    }
  }

  private readAt(offset: number, length: number): JournalRecord | undefined {
    this.readFd ??= openSync(this.path, 'r');
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.readFd, buf, done, length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return done === length ? parseJournalLine(buf.toString('utf8')) : undefined;
  }

  private async load(): Promise<void> {
    let bad: Line | undefined;
    let last: Line | undefined;
    for await (const line of scanLines(this.path)) {
      if (isBlank(line.buf)) continue;
      // A bad line with a record after it is damage, not a torn write.
      if (bad) throw corruptLine(this.path, bad);
      const rec = parseJournalLine(line.buf.toString('utf8'));
      if (!rec) {
        bad = line;
        continue;
      }
      if (rec.type === 'prompt') this.prompts.set(rec.id, { offset: line.offset, length: line.buf.length });
      else applyRecord(this.states, rec, line.offset, line.buf.length);
      last = line;
    }
    // The file's real end (appends go there), whatever line endings it had.
    if (this.appendFd !== undefined) this.size = fstatSync(this.appendFd).size;
    if (bad) {
      // Most likely a write cut short by a crash: drop it (on the next append) and say so.
      this.truncateAt = bad.offset;
      this.needsNewline = false;
      this.warnings.push(
        `${this.path}:${bad.number}: ignored an incomplete last record (the previous run was probably killed mid-write)`,
      );
    } else if (last && !last.terminated) {
      this.needsNewline = true;
    } else if (!last && this.appendFd !== undefined && this.size > 0) {
      // Only blank bytes: start clean.
      this.truncateAt = 0;
    }
  }
}

/** Lines of a file as exact byte slices (offsets must be exact for multibyte text). */
async function* scanLines(file: string): AsyncGenerator<Line> {
  let carry: Buffer[] = [];
  let carryLen = 0;
  let offset = 0; // file offset of the first byte of the current (partial) line
  let number = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
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
      const rest = chunk.subarray(start);
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

function isBlank(buf: Buffer): boolean {
  for (const b of buf) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
}

function writeFully(fd: number, buf: Buffer): void {
  let done = writeSync(fd, buf);
  while (done < buf.length) done += writeSync(fd, buf, done);
}

function corruptLine(file: string, line: Line): InputError {
  return new InputError(`line ${line.number} is not a draftsmith record; the drafts file is damaged`, {
    location: { file, line: line.number },
    hint: `fix or delete line ${line.number} in a text editor (earlier and later drafts are kept), or pass another --drafts file`,
  });
}

function wrapFsError(err: unknown, file: string, create: boolean): unknown {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') {
    return create
      ? new InputError(`cannot create the drafts file: its folder does not exist`, {
          location: { file },
          hint: 'create the folder or pass another --drafts path',
          cause: err,
        })
      : new InputError('no such drafts file', {
          location: { file },
          hint: 'run `draftsmith draft` first, or name an existing drafts file',
          cause: err,
        });
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EISDIR' || code === 'EROFS') {
    return new InputError(`cannot ${create ? 'write' : 'read'} the drafts file (${code})`, {
      location: { file },
      hint: 'check the path and its permissions, or pass another --drafts path',
      cause: err,
    });
  }
  return err;
}
