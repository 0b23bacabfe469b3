// The memory: what was approved, sent and received, per person, and who must not be contacted.
// One SQLite file (better-sqlite3, loaded on first open). This class is the only way in; each
// concern lives in its own module (people, messages, import-batch, do-not-contact, admin).
import { statSync } from 'node:fs';
import type { Approval, ExampleCandidate, ExampleQuery, HistoryBudget, HistoryItem, ImportBatchResult, ImportedMessage, LearnedEdit, Suppression, Who } from '../../core/memory/records.js';
import { campaignsIn, filesIn, forgetPeople, noteFileIn, purgeOlderThan, showPerson, statsOf } from './admin.js';
import type { ForgetResult, MemoryStats, PersonReport } from '../../core/memory/reports.js';
import { approvalsIn } from './campaign-approvals.js';
import { clearDoNotContact, identitiesOf, markDoNotContact, suppressionOf } from './do-not-contact.js';
import { importBatchIn } from './import-batch.js';
import { ExampleIndex } from './example-index.js';
import { LEARNING_SCHEMA, editsIn, learningProfilesIn, type LearningProfile } from './learning.js';
import { historyOf, lastReceivedAtOf, lastReplyOf, recordApprovalIn, withdrawApprovalIn } from './messages.js';
import { openDatabase, privateSidecars, type OpenOptions } from './open-db.js';
import type { SqliteDatabase } from './load-sqlite.js';
import { targetWho } from './people.js';
import { Sql } from './statements.js';

export type { LearningProfile } from './learning.js';
export type { ForgetResult, MemoryStats, PersonReport, StoredMessage } from '../../core/memory/reports.js';

export class MemoryStore {
  private readonly sql: Sql;
  private readonly examples: ExampleIndex;

  private constructor(
    db: SqliteDatabase,
    salt: string,
    readonly path: string,
    readonly created: boolean,
    readonly schemaVersion: number,
    readonly readOnly: boolean,
  ) {
    this.sql = new Sql(db, salt);
    this.examples = new ExampleIndex(this.sql);
  }

  /** Undefined when the file does not exist and !create (and for a read-only memory that is still empty). */
  static async open(file: string, opts: OpenOptions = {}): Promise<MemoryStore | undefined> {
    const opened = await openDatabase(file, opts);
    if (!opened) return undefined;
    return new MemoryStore(opened.db, opened.salt, opened.path, opened.created, opened.schemaVersion, opts.readOnly ?? false);
  }

  history(who: Who, budget: HistoryBudget, opts?: { excludeCampaign?: string; now?: Date }): HistoryItem[] {
    return historyOf(this.sql, who, budget, opts);
  }

  suppression(who: Who): Suppression | undefined {
    return suppressionOf(this.sql, who);
  }

  lastReceivedAt(who: Who): string | undefined {
    return lastReceivedAtOf(this.sql, who);
  }

  /** The newest message the person wrote to us, for its sentiment (issue 13). */
  lastReply(who: Who): { at: string; text: string } | undefined {
    return lastReplyOf(this.sql, who);
  }

  recordApproval(a: Approval): void {
    recordApprovalIn(this.sql, a);
    this.examples.reset();
  }

  /**
   * Earlier approvals that may serve as examples for q.who (issue 12), best match first; [] for a
   * memory older than schema 2 opened read-only. Runs once per drafted row (example-index.ts keeps
   * what it needs between rows). The cost grows with q.limit: ask for a few dozen, not thousands.
   */
  exampleCandidates(q: ExampleQuery): ExampleCandidate[] {
    return this.learns() ? this.examples.candidates(q) : [];
  }

  /** Edited approvals of `profile` (its absolute path) with the model's text, oldest first: what `learn` reads. */
  editsOf(profile: string): LearnedEdit[] {
    return this.learns() ? editsIn(this.sql, profile) : [];
  }

  /** The profiles with approvals recorded for learning, with how many were edited. */
  learningProfiles(): LearningProfile[] {
    return this.learns() ? learningProfilesIn(this.sql) : [];
  }

  private learns(): boolean {
    return this.schemaVersion >= LEARNING_SCHEMA;
  }

  withdrawApproval(campaign: string, key: string): void {
    withdrawApprovalIn(this.sql, campaign, key);
    this.examples.reset();
  }

  /** The approvals of `campaign` still standing (not withdrawn, not sent): recipient key and version. */
  approvalsOf(campaign: string): { key: string; version: number }[] {
    return approvalsIn(this.sql, campaign);
  }

  importBatch(messages: readonly ImportedMessage[]): ImportBatchResult {
    this.examples.reset();
    return importBatchIn(this.sql, messages);
  }

  /** target: an e-mail address or a recipient key. False when already opted out. */
  optOut(target: string, reason: string): boolean {
    const at = new Date().toISOString();
    return this.sql.db.transaction(() => markDoNotContact(this.sql, identitiesOf(this.sql, targetWho(target)), 'opted-out', reason, at)).immediate();
  }

  /** Clears opted-out and undeliverable marks; false when there were none. */
  optIn(target: string): boolean {
    return this.sql.db.transaction(() => clearDoNotContact(this.sql, identitiesOf(this.sql, targetWho(target)))).immediate();
  }

  noteFile(path: string, kind: 'drafts' | 'export'): void {
    noteFileIn(this.sql, path, kind);
  }

  /** Drafts files (the campaigns) or exports the memory has seen, as absolute paths. */
  files(kind: 'drafts' | 'export'): string[] {
    return filesIn(this.sql, kind);
  }

  /** Drafts files noted by `draft` and those approvals came from (a first campaign is drafted before the memory exists). */
  campaigns(): string[] {
    return campaignsIn(this.sql);
  }

  show(target: string): PersonReport {
    return showPerson(this.sql, target);
  }

  forget(targets: readonly string[]): ForgetResult {
    this.examples.reset();
    return forgetPeople(this.sql, targets);
  }

  purge(olderThanDays: number, now: Date = new Date()): number {
    this.examples.reset();
    return purgeOlderThan(this.sql, olderThanDays, now);
  }

  stats(): MemoryStats {
    return { path: this.path, bytes: fileBytes(this.path), schemaVersion: this.schemaVersion, ...statsOf(this.sql) };
  }

  /** SQLite checkpoints the log, and removes it when this was the last connection. */
  close(): void {
    if (!this.sql.db.open) return;
    if (!this.readOnly) privateSidecars(this.path);
    this.sql.db.close();
  }
}

function fileBytes(file: string): number {
  let total = 0;
  for (const suffix of ['', '-wal']) {
    try {
      total += statSync(file + suffix).size;
    } catch {
      // no log
    }
  }
  return total;
}
