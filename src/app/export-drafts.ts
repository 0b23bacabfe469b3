// `export`'s use case: the chosen recipients' latest versions (for an approved one, the version
// approved) written as JSONL/CSV to a file or stdout, one .eml per draft into a folder, or one mbox
// file. Records are read lazily, one at a time, so a 100k-row drafts file is never held whole.
// Returns what was written and what was left out, for the command to report.
import path from 'node:path';
import { isExportable, type ExportChoice } from '../core/decisions/rules.js';
import { DECIDED } from '../core/decisions/records.js';
import { toExportRecord, type ExportRecord } from '../core/export/export-record.js';
import { locateDraftsFile, profileForDrafts } from '../io/drafts-file/drafts-path.js';
import { DraftsStore } from '../io/drafts-file/store.js';
import { writeEmlFolder, writeMbox, type Sender, type Skipped } from '../io/export/mail-files.js';
import { createRecordWriter } from '../io/export/record-writer.js';
import { openOutput } from '../io/output-target.js';
import { readProfile } from '../io/profile-file.js';

export type ExportFormat = 'jsonl' | 'csv' | 'eml' | 'mbox';

export interface ExportOptions {
  file?: string;
  cwd: string;
  /** Where `--out -` writes. */
  stdout: NodeJS.WritableStream;
  format: ExportFormat;
  /** A file or `-` for jsonl/csv, a folder for eml, a file for mbox. */
  out: string;
  choice: ExportChoice;
  profile?: string;
  rawCells?: boolean;
}

export interface ExportOutcome {
  written: number;
  /** Mail formats: records that could not become a message, and why. */
  skipped: Skipped[];
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
  try {
    const mail = o.format === 'eml' || o.format === 'mbox';
    const profileFile = mail ? profileForDrafts(o.profile, store.recordedProfile(), o.cwd) : undefined;
    const sender = profileFile ? await senderFrom(profileFile) : undefined;
    const all = store.recipients();
    const rows = all.filter((s) => isExportable(s, o.choice));
    // The text is the latest version's, which for an approved recipient is the version approved.
    function* records(): Generator<ExportRecord> {
      for (const s of rows) {
        const shown = store.read(s.key);
        if (shown) yield toExportRecord(shown);
      }
    }
    const { written, skipped } = mail ? await writeMail(o, records(), sender) : await writeRecords(o, records(), headersOf(store, rows[0]?.key));
    return {
      written,
      skipped,
      orphansLeft: all.filter((s) => s.orphaned && !o.choice.includeOrphans && isExportable(s, { ...o.choice, includeOrphans: true })).length,
      undecided: all.filter((s) => !s.orphaned && !DECIDED.has(s.status) && s.status !== 'excluded').length,
      edited: all.filter((s) => !s.orphaned && s.status === 'drafted' && s.edited).length,
      ...(sender ? { sender } : {}),
    };
  } finally {
    await store.close();
  }
}

/** An empty export keeps its columns: the CSV's header as `draft` recorded it. */
function headersOf(store: DraftsStore, firstKey: string | undefined): string[] {
  const first = firstKey !== undefined ? store.readDraft(firstKey) : undefined;
  return first ? Object.keys(first.recipient) : (store.source()?.header ?? []);
}

async function writeMail(o: ExportOptions, records: Iterable<ExportRecord>, sender: Sender | undefined): Promise<{ written: number; skipped: Skipped[] }> {
  const target = path.resolve(o.cwd, o.out);
  if (o.format === 'eml') {
    const result = await writeEmlFolder(records, { dir: target, ...(sender ? { sender } : {}) });
    return { written: result.written.length, skipped: result.skipped };
  }
  return writeMbox(records, { file: target, ...(sender ? { sender } : {}) });
}

async function writeRecords(o: ExportOptions, records: Iterable<ExportRecord>, headers: string[]): Promise<{ written: number; skipped: Skipped[] }> {
  const target = await openOutput(o.out, o);
  const writer = createRecordWriter(o.format as 'jsonl' | 'csv', target.stream, { headers, rawCells: o.rawCells });
  let written = 0;
  try {
    for (const rec of records) {
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
  return { written, skipped: [] };
}

async function senderFrom(profileFile: string): Promise<Sender> {
  const { profile } = await readProfile(profileFile);
  const s = profile.sender;
  return { ...(s?.name ? { name: s.name } : {}), ...(s?.email ? { email: s.email } : {}) };
}
