// The drafts file: an append-only JSONL journal. Each record is written with one write() of a
// whole line, so a kill -9 loses at most the drafts still in flight; a torn last line is dropped
// on the next open. Only a small state per row stays in memory; full records are read back by
// byte position, so 100k rows stay cheap. The bytes are journal-file.ts's, the first read
// journal-scan.ts's; this class keeps the state they fold into.
import { InputError } from '../../core/errors.js';
import type { DecisionRecord, DraftRecord, EditRecord, ExcludedRecord, JournalRecord, RosterRecord, SourceRecord } from '../../core/decisions/records.js';
import { effectiveText, type StoredRecipient } from '../../core/decisions/rules.js';
import { applyRecord, isShareable, promptId, resolveMessages, type FoldContext, type StoredMessage } from '../../core/decisions/journal.js';
import { RecipientIndex, type At, type RecipientState } from '../../core/decisions/recipient-index.js';
import { storedRecipientKey } from '../../core/recipients/recipient-key.js';
import { acquireLock, type ReleaseLock } from './lock.js';
import { JournalFile } from './journal-file.js';
import { scanJournal } from './journal-scan.js';
import { rosterDigest } from '../../core/recipients/roster.js';

export interface OpenOptions {
  /** Take `<file>.lock` (writers: draft, review, approve). Default false. */
  lock?: boolean;
  /** Create the file when missing. Default false: a missing file is an InputError. */
  create?: boolean;
  /** The key of a stored recipient, for drafts written before keys (default: e-mail, URL, cells). */
  legacyKey?: (recipient: Record<string, string>) => string;
  /** How many recipients to make room for at once (draft knows its CSV's count). */
  expected?: number;
  /**
   * `draft` reads the CSV's roster itself: only the stored roster's digest is read (the keys of a
   * 100k list are a 3 MB line), and the caller applies its own with useRoster().
   */
  rosterDigestOnly?: boolean;
  /** An equal key's instance the caller already holds (see FoldContext.intern). */
  intern?: (key: string) => string;
}

export class DraftsStore {
  readonly warnings: string[] = [];
  private readonly file: JournalFile;
  private readonly index: RecipientIndex;
  private readonly fold: FoldContext;
  /** Where each shared prompt record is, and the contents read back so far (a run has one or two). */
  private readonly prompts = new Map<string, At>();
  private readonly promptTexts = new Map<string, string>();
  /** The last prompt shared: a run passes the same string object for every draft, so no re-hash. */
  private lastShared: { content: string; id: string } | undefined;
  private sourceRec: SourceRecord | undefined;
  private rosterAt: At | undefined;
  private rosterInfo: { size: number; digest: string } | undefined;
  private loading = true;
  private closed = false;

  private readonly rosterDigestOnly: boolean;

  private constructor(
    readonly path: string,
    private readonly release: ReleaseLock | undefined,
    opts: OpenOptions,
  ) {
    this.file = new JournalFile(path);
    this.index = new RecipientIndex(opts.expected ?? 0);
    this.fold = { index: this.index, legacyKey: opts.legacyKey ?? storedRecipientKey(), ...(opts.intern ? { intern: opts.intern } : {}) };
    this.rosterDigestOnly = Boolean(opts.rosterDigestOnly);
  }

  static async open(file: string, opts: OpenOptions = {}): Promise<DraftsStore> {
    let release: ReleaseLock | undefined;
    if (opts.lock) {
      try {
        release = await acquireLock(file);
      } catch (err) {
        throw wrapFsError(err, file, opts.create ?? false);
      }
    }
    const store = new DraftsStore(file, release, opts);
    try {
      if (opts.create) store.file.openForAppend();
      await store.load();
    } catch (err) {
      await store.close().catch(() => {});
      throw wrapFsError(err, file, opts.create ?? false);
    }
    return store;
  }

  get(key: string): RecipientState | undefined {
    return this.index.get(key);
  }

  /** Every recipient: those in the CSV in row order, then orphans. */
  recipients(): RecipientState[] {
    return this.index.values();
  }

  /** Recipients no longer in the CSV as last read. */
  orphans(): RecipientState[] {
    return this.index.orphans();
  }

  /** What list and profile this file belongs to, when `draft` recorded it. */
  source(): SourceRecord | undefined {
    return this.sourceRec;
  }

  /** How many recipients the CSV had when last read, and a digest of who, when known. */
  roster(): { size: number; digest: string } | undefined {
    return this.rosterInfo;
  }

  /**
   * Durably add one record: a single synchronous write of one complete line. A draft's system
   * prompt goes in a prompt record of its own the first time the file meets it (written before
   * the draft, so a crash between the two leaves no draft pointing at nothing).
   */
  append(rec: JournalRecord): void {
    if (this.closed) throw new Error(`drafts file ${this.path} is closed`);
    if (rec.type === 'draft' && rec.messages?.some(isShareable)) {
      const messages: StoredMessage[] = rec.messages.map((m) => (isShareable(m) ? { role: m.role, prompt: this.sharePrompt(m.content) } : m));
      this.writeLine({ ...rec, messages } as unknown as JournalRecord, rec);
    } else {
      this.writeLine(rec, rec);
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

  /** Writes `stored` as one line; `rec` (the same record before prompt sharing) is what the fold sees. */
  private writeLine(stored: JournalRecord, rec: JournalRecord = stored): At {
    const at = this.file.append(stored);
    this.take(rec, at);
    return at;
  }

  /** Folds a record read or written into the state. */
  private take(rec: JournalRecord, at: At): void {
    switch (rec.type) {
      case 'prompt':
        this.prompts.set(rec.id, at);
        return;
      case 'source':
        this.sourceRec = rec;
        return;
      case 'roster':
        this.rosterAt = at;
        // While loading, only the last roster counts: it is applied once at the end.
        if (!this.loading) this.useRoster(rec);
        return;
      default: {
        const isNew = !this.loading && (rec.type === 'draft' || rec.type === 'excluded') && rec.key !== undefined && !this.index.has(rec.key);
        applyRecord(this.fold, rec, at);
        // A recipient's first draft (or exclusion) after this run's roster: its row is its place in that roster.
        if (isNew && !this.loading) this.index.placeInRoster(rec.key!, rec.row);
      }
    }
  }

  /** Who is in the CSV now (a roster record read or written, or the caller's own list). */
  useRoster(rec: Pick<RosterRecord, 'keys' | 'rows'>): void {
    this.index.applyRoster(rec.keys, rec.rows);
    this.rosterInfo = { size: rec.keys.length, digest: rosterDigest(rec.keys, rec.rows) };
  }

  /** The last roster's digest from the start of its line alone (records that carry one). */
  private rosterDigestAt(at: At): string | undefined {
    const head = this.file.readBytes({ offset: at.offset, length: Math.min(at.length, 96) }).toString('utf8');
    return /^\{"type":"roster","digest":"([0-9a-f]{32})"/.exec(head)?.[1];
  }

  private promptText(id: string): string | undefined {
    let text = this.promptTexts.get(id);
    if (text === undefined) {
      const at = this.prompts.get(id);
      const rec = at ? this.file.readAt(at) : undefined;
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

  /** The latest model draft of a recipient, read from disk at its stored position. */
  readDraft(key: string): DraftRecord | undefined {
    const s = this.index.get(key);
    const rec = s ? this.file.readAt(s.draft) : undefined;
    return rec?.type === 'draft' ? this.resolved(rec) : undefined;
  }

  /** The decision about a recipient's latest version, read from disk; undefined when it has none. */
  readDecision(key: string): DecisionRecord | undefined {
    const s = this.index.get(key);
    const rec = s?.decision ? this.file.readAt(s.decision) : undefined;
    return rec?.type === 'decision' ? rec : undefined;
  }

  /** Why an excluded recipient is excluded (its excluded record), else undefined. */
  exclusion(key: string): ExcludedRecord | undefined {
    const at = this.index.get(key)?.excluded;
    const rec = at ? this.file.readAt(at) : undefined;
    return rec?.type === 'excluded' ? rec : undefined;
  }

  /** A recipient with its latest version's text (a person's edit over the model's draft; of a draft with variants, the approved one, else the first). */
  read(key: string): StoredRecipient | undefined {
    const state = this.index.get(key);
    if (!state) return undefined;
    const draft = this.readDraft(key);
    if (!draft) return undefined;
    const edit = state.text ? this.file.readAt(state.text) : undefined;
    const variant = state.variants !== undefined && !state.edited ? (this.readDecision(key)?.variant ?? 1) : undefined;
    const text = effectiveText(draft, edit?.type === 'edit' || edit?.type === 'decision' ? (edit as EditRecord | DecisionRecord) : undefined, variant);
    return { state, draft, text, ...(variant !== undefined ? { variant } : {}), ...(edit?.type === 'edit' && edit.variant !== undefined ? { editedFrom: edit.variant } : {}) };
  }

  /** The tone profile the drafts were made with: the source's, else the first draft that names one. */
  recordedProfile(): string | undefined {
    if (this.sourceRec) return this.sourceRec.profile;
    for (const s of this.index.values()) {
      const profile = this.readDraft(s.key)?.profile;
      if (profile) return profile;
    }
    return undefined;
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
      this.file.close();
    } finally {
      this.release?.sync();
    }
  }

  private async load(): Promise<void> {
    const { bad, last } = await scanJournal(
      this.path,
      (rec, at) => this.take(rec, at),
      (at) => {
        this.rosterAt = at;
      },
    );
    this.loading = false;
    const digest = this.rosterDigestOnly && this.rosterAt ? this.rosterDigestAt(this.rosterAt) : undefined;
    if (digest) {
      this.rosterInfo = { size: -1, digest };
    } else {
      const roster = this.rosterAt ? this.file.readAt(this.rosterAt) : undefined;
      if (roster?.type === 'roster') this.useRoster(roster);
    }
    this.file.settleTail(bad, last);
    // Most likely a write cut short by a crash: dropped on the next append.
    if (bad) this.warnings.push(`${this.path}:${bad.number}: ignored an incomplete last record (the previous run was probably killed mid-write)`);
  }
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
