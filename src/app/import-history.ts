// `history import`: mail files and history CSVs -> the memory. Every path is checked before the
// memory is opened (a path that is not mail is exit 2 with nothing written); then the sources are
// read in order, streaming, and the messages committed in batches of about a thousand, one
// transaction each (MemoryStore.importBatch), so a long import never holds the database for long
// and an interrupt or a kill keeps every committed batch. Re-importing is idempotent (duplicates).
import { DraftsmithError, UsageError } from '../core/errors.js';
import type { ImportBatchResult, ImportedMessage } from '../core/memory/records.js';
import { normaliseAddress } from '../core/memory/who.js';
import { checkHistoryCsv, readHistoryCsv, type HistoryCsv } from '../io/mail/history-csv.js';
import { rawMessages, resolveSources, type MailSource } from '../io/mail/mail-sources.js';
import { parseMessage, type Direction, type ParseContext } from '../io/mail/parse-message.js';
import type { MemoryStore } from '../io/memory/memory-store.js';
import { readProfile } from '../io/profile-file.js';
import { MAX_WARNINGS, type ImportSummary } from '../ui/import-summary.js';
import { openMemory, type MemoryFlag } from './open-memory.js';

export interface ImportHistoryOptions {
  files: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  memory?: MemoryFlag;
  direction: Direction;
  /** --me ADDR (repeatable). */
  me?: readonly string[];
  /** --profile FILE: its sender.email is one of my addresses. */
  profile?: string;
  /** Messages per transaction (default 1000). */
  batchSize?: number;
  /** Checked between messages: true stops the import after committing what was read (Ctrl-C). */
  stopRequested?: () => boolean;
  notice: (message: string) => void;
  onProgress?: (p: { bytes: number; totalBytes: number; messages: number }) => void;
}

const SKIP_SOURCES_SHOWN = 3;

export async function importHistory(opts: ImportHistoryOptions): Promise<ImportSummary> {
  if (opts.memory === false) {
    throw new UsageError('--no-memory makes no sense for `history import`: importing writes to the memory.', {
      hint: 'drop --no-memory; use --memory FILE to import into another memory file.',
    });
  }
  const me = await myAddresses(opts);
  const sources = await resolveSources(opts.files, opts.cwd);
  if (opts.direction === 'auto' && me.size === 0 && sources.some((s) => s.kind !== 'csv')) {
    throw new UsageError('--direction auto needs your own address, to tell sent mail from received.', {
      hint: 'add --me you@example.com (repeatable) or --profile FILE with sender.email, or say --direction sent|received.',
    });
  }
  const csvs = new Map<MailSource, HistoryCsv>();
  for (const s of sources) if (s.kind === 'csv') csvs.set(s, await checkHistoryCsv(s.file, s.name, opts.direction));
  const opened = await openMemory(opts.memory, { env: opts.env, cwd: opts.cwd, notice: opts.notice }, 'write');
  if (!opened) throw new DraftsmithError('the memory could not be opened for writing.', { hint: 'check --memory / $DRAFTSMITH_MEMORY and that its folder is writable.' });
  const run = new ImportRun(opened.store, opts, csvs);
  try {
    await run.all(sources, { direction: opts.direction, me });
  } finally {
    opened.store.close();
  }
  return run.summary;
}

async function myAddresses(opts: ImportHistoryOptions): Promise<Set<string>> {
  const me = new Set<string>();
  for (const given of opts.me ?? []) {
    const address = normaliseAddress(given);
    if (!address) throw new UsageError(`--me ${JSON.stringify(given)} is not an e-mail address.`, { hint: 'e.g. --me sam@example.com' });
    me.add(address);
  }
  if (opts.profile) {
    const { profile } = await readProfile(opts.profile);
    const own = profile.sender?.email ? normaliseAddress(profile.sender.email) : undefined;
    if (own) me.add(own);
  }
  return me;
}

/** One import: the batch being filled, the running totals, the people seen. */
class ImportRun {
  readonly summary: ImportSummary;
  private batch: ImportedMessage[] = [];
  private readonly people = new Set<string>();
  private readonly batchSize: number;
  private bytesBefore = 0;

  constructor(
    private readonly store: MemoryStore,
    private readonly opts: ImportHistoryOptions,
    private readonly csvs: ReadonlyMap<MailSource, HistoryCsv>,
  ) {
    this.batchSize = opts.batchSize ?? 1000;
    this.summary = {
      memory: store.path, read: 0, newPeople: 0, knownPeople: 0, added: 0, duplicates: 0, matchedApprovals: 0,
      optedOut: 0, undeliverable: 0, skipped: new Map(), warnings: [], warningCount: 0, interrupted: false,
    };
  }

  async all(sources: readonly MailSource[], ctx: ParseContext): Promise<void> {
    const total = sources.reduce((n, s) => n + s.bytes, 0);
    for (const source of sources) {
      const stopped = source.kind === 'csv' ? await this.csv(source, total) : await this.mail(source, ctx, total);
      this.bytesBefore += source.bytes;
      if (stopped) break;
    }
    this.commit();
    this.summary.knownPeople = this.people.size - this.summary.newPeople;
    this.opts.onProgress?.({ bytes: this.bytesBefore, totalBytes: total, messages: this.summary.read });
  }

  /** Returns true when the import was asked to stop. */
  private async mail(source: MailSource, ctx: ParseContext, total: number): Promise<boolean> {
    for await (const raw of rawMessages(source)) {
      const result = await parseMessage(raw, ctx);
      this.summary.read++;
      for (const w of result.warnings) this.warn(`${raw.source}: ${w}`);
      if (result.skipped) this.skip(result.skipped, raw.source);
      for (const m of result.messages) this.add(m);
      this.opts.onProgress?.({ bytes: this.bytesBefore + raw.offset, totalBytes: total, messages: this.summary.read });
      if (this.stop()) return true;
    }
    return false;
  }

  private async csv(source: MailSource, total: number): Promise<boolean> {
    for await (const { message, offset } of readHistoryCsv(this.csvs.get(source)!)) {
      this.summary.read++;
      this.add(message);
      this.opts.onProgress?.({ bytes: this.bytesBefore + Math.round(offset * source.bytes), totalBytes: total, messages: this.summary.read });
      if (this.stop()) return true;
    }
    return false;
  }

  private add(m: ImportedMessage): void {
    this.people.add(m.address);
    this.batch.push(m);
    if (this.batch.length >= this.batchSize) this.commit();
  }

  private stop(): boolean {
    if (!this.opts.stopRequested?.()) return false;
    this.summary.interrupted = true;
    return true;
  }

  private commit(): void {
    if (this.batch.length === 0) return;
    const r: ImportBatchResult = this.store.importBatch(this.batch);
    this.batch = [];
    const s = this.summary;
    s.added += r.added;
    s.duplicates += r.duplicates;
    s.matchedApprovals += r.matchedApprovals;
    s.newPeople += r.newPeople;
    s.optedOut += r.optedOut;
    s.undeliverable += r.undeliverable;
  }

  private warn(text: string): void {
    this.summary.warningCount++;
    if (this.summary.warnings.length < MAX_WARNINGS) this.summary.warnings.push(text);
  }

  private skip(reason: string, source: string): void {
    const entry = this.summary.skipped.get(reason) ?? { count: 0, sources: [] };
    entry.count++;
    if (entry.sources.length < SKIP_SOURCES_SHOWN) entry.sources.push(source);
    this.summary.skipped.set(reason, entry);
  }
}
