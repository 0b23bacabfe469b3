// `export`'s use case: the chosen recipients' latest versions (for an approved one, the version
// approved) written as JSONL/CSV to a file or stdout, one .eml per draft into a folder, or one mbox
// file, each with its provenance (JSONL/CSV always, mail headers only when asked). Records are read
// lazily, one at a time, so a 100k-row drafts file is never held whole.
//
// The do-not-contact list is checked again before anything is written: a recipient who opted out
// or bounced since the approval is left out and named, whatever was approved (--no-memory still
// reads the list). Each file written is noted in the memory, so `history forget` can list it.
// Returns what was written and what was left out, for the command to report.
import path from 'node:path';
import { isExportable, type ExportChoice } from '../core/decisions/rules.js';
import { DECIDED } from '../core/decisions/records.js';
import type { RecipientState } from '../core/decisions/recipient-index.js';
import { recipientLabel, toExportRecord } from '../core/export/export-record.js';
import { buildProvenance } from '../core/export/provenance.js';
import { whoOf } from '../core/memory/who.js';
import { locateDraftsFile, profileForDrafts } from '../io/drafts-file/drafts-path.js';
import { DraftsStore } from '../io/drafts-file/store.js';
import { writeEmlFolder, writeMbox, type MailRecord, type Sender, type Skipped } from '../io/export/mail-files.js';
import { createRecordWriter } from '../io/export/record-writer.js';
import type { MemoryStore } from '../io/memory/memory-store.js';
import { openOutput } from '../io/output-target.js';
import { readProfile } from '../io/profile-file.js';
import { openMemory, type MemoryFlag } from './open-memory.js';

export type ExportFormat = 'jsonl' | 'csv' | 'eml' | 'mbox';

export interface ExportOptions {
  file?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where `--out -` writes. */
  stdout: NodeJS.WritableStream;
  format: ExportFormat;
  /** A file or `-` for jsonl/csv, a folder for eml, a file for mbox. */
  out: string;
  choice: ExportChoice;
  profile?: string;
  rawCells?: boolean;
  /** eml/mbox: X-Draftsmith-* provenance headers (a recipient sees none by default). */
  provenance?: boolean;
  memory?: MemoryFlag;
  /** The first-time memory notice (never, as export only opens an existing memory). */
  notice?: (message: string) => void;
}

export interface ExportOutcome {
  written: number;
  /** Mail formats: records that could not become a message, and why. */
  skipped: Skipped[];
  /** On the do-not-contact list: left out, whatever was approved. */
  suppressed: { row: number; who: string; reason: string }[];
  /** Orphaned recipients the choice would take but --include-orphans was not given. */
  orphansLeft: number;
  /** Recipients still in the CSV without a decision, and how many of them a person edited. */
  undecided: number;
  edited: number;
  /** Mail formats: the From: of every message (none when the profile has no sender). */
  sender?: Sender;
}

export async function exportDrafts(o: ExportOptions): Promise<ExportOutcome> {
  const draftsPath = await locateDraftsFile(o.file, o.cwd);
  const store = await DraftsStore.open(draftsPath, { lock: false, create: false });
  let memory: { store: MemoryStore; full: boolean } | undefined;
  try {
    const mail = o.format === 'eml' || o.format === 'mbox';
    const profileFile = mail ? profileForDrafts(o.profile, store.recordedProfile(), o.cwd) : undefined;
    const sender = profileFile ? await senderFrom(profileFile) : undefined;
    // An export only reads an existing memory: a failure to open it stops the export (the
    // do-not-contact list must be checked), it is never skipped.
    memory = await openMemory(o.memory, { env: o.env, cwd: o.cwd, notice: o.notice ?? (() => {}) }, 'read');
    const all = store.recipients();
    // isExportable never takes `excluded` (draft's skip of an opted-out person), whatever the choice.
    const chosen = all.filter((s) => isExportable(s, o.choice));
    const { rows, suppressed } = leaveOutSuppressed(store, chosen, memory?.store);
    function* records(): Generator<MailRecord> {
      for (const s of rows) {
        const shown = store.read(s.key);
        if (!shown) continue;
        const provenance = buildProvenance(shown.draft, store.readDecision(s.key), s.edited);
        yield { ...toExportRecord(shown), provenance, key: s.key };
      }
    }
    // A `variant` column when any of them was drafted in variants (the fold counts them: no draft is read for it).
    const variants = rows.some((s) => s.variants !== undefined && !s.edited);
    const { written, skipped, files } = mail ? await writeMail(o, records(), sender) : await writeRecords(o, records(), headersOf(store, rows[0]?.key), { fields: fieldsOf(store, rows), variants });
    // eml file names carry the recipient's name: the memory notes their folder, never a name.
    const noted = o.format === 'eml' ? [...new Set(files.map((f) => path.dirname(f)))] : files;
    if (memory?.full) for (const f of noted) memory.store.noteFile(f, 'export');
    return {
      written,
      skipped,
      suppressed,
      orphansLeft: all.filter((s) => s.orphaned && !o.choice.includeOrphans && isExportable(s, { ...o.choice, includeOrphans: true })).length,
      undecided: all.filter((s) => !s.orphaned && !DECIDED.has(s.status) && s.status !== 'excluded').length,
      edited: all.filter((s) => !s.orphaned && s.status === 'drafted' && s.edited).length,
      ...(sender ? { sender } : {}),
    };
  } finally {
    memory?.store.close();
    await store.close();
  }
}

/** The chosen recipients minus those on the do-not-contact list, checked before anything is written. */
function leaveOutSuppressed(store: DraftsStore, chosen: RecipientState[], memory: MemoryStore | undefined): { rows: RecipientState[]; suppressed: ExportOutcome['suppressed'] } {
  if (!memory) return { rows: chosen, suppressed: [] };
  const rows: RecipientState[] = [];
  const suppressed: ExportOutcome['suppressed'] = [];
  for (const s of chosen) {
    const recipient = store.readDraft(s.key)?.recipient ?? {};
    const hit = memory.suppression(whoOf(s.key, recipient));
    if (hit) suppressed.push({ row: s.row, who: recipientLabel(recipient), reason: `${hit.kind}: ${hit.reason}` });
    else rows.push(s);
  }
  return { rows, suppressed };
}

/** An empty export keeps its columns: the CSV's header as `draft` recorded it. */
function headersOf(store: DraftsStore, firstKey: string | undefined): string[] {
  const first = firstKey !== undefined ? store.readDraft(firstKey) : undefined;
  return first ? Object.keys(first.recipient) : (store.source()?.header ?? []);
}

/**
 * The answer fields' columns (profile output.fields): those of the first exported recipient with a
 * model draft (a failed one has none; the profile gives every draft the same fields).
 */
function fieldsOf(store: DraftsStore, rows: readonly RecipientState[]): string[] {
  for (const s of rows) {
    const draft = store.readDraft(s.key);
    if (draft?.status === 'drafted') return Object.keys(draft.fields ?? {});
  }
  return [];
}

interface Written {
  written: number;
  skipped: Skipped[];
  /** The files written (none for stdout). */
  files: string[];
}

async function writeMail(o: ExportOptions, records: Iterable<MailRecord>, sender: Sender | undefined): Promise<Written> {
  const target = path.resolve(o.cwd, o.out);
  const common = { ...(sender ? { sender } : {}), provenance: Boolean(o.provenance) };
  if (o.format === 'eml') {
    const result = await writeEmlFolder(records, { dir: target, ...common });
    return { written: result.written.length, skipped: result.skipped, files: result.written };
  }
  const result = await writeMbox(records, { file: target, ...common });
  return { ...result, files: [target] };
}

async function writeRecords(o: ExportOptions, records: Iterable<MailRecord>, headers: string[], columns: { fields: string[]; variants: boolean }): Promise<Written> {
  const target = await openOutput(o.out, o);
  const writer = createRecordWriter(o.format as 'jsonl' | 'csv', target.stream, { headers, rawCells: o.rawCells, provenance: true, fields: columns.fields, ...(columns.variants ? { variants: true } : {}) });
  let written = 0;
  try {
    for (const { key: _key, ...rec } of records) {
      await writer.write(rec);
      written++;
    }
    await writer.end();
  } catch (err) {
    // A half-written file never replaces the previous one.
    await target.abort();
    throw err;
  }
  await target.close();
  return { written, skipped: [], files: o.out === '-' ? [] : [path.resolve(o.cwd, o.out)] };
}

async function senderFrom(profileFile: string): Promise<Sender> {
  const { profile } = await readProfile(profileFile);
  const s = profile.sender;
  return { ...(s?.name ? { name: s.name } : {}), ...(s?.email ? { email: s.email } : {}) };
}
