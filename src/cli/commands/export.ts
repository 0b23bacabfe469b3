// `draftsmith export`: approved drafts (the exact version approved), or a chosen set of statuses,
// for the next tool: JSONL or CSV to a file or stdout, one .eml per draft into a folder, or one mbox
// file. Recipients no longer in the CSV are never exported unless --include-orphans.
import path from 'node:path';
import { APPROVED_ONLY, isExportable, type ExportChoice } from '../../core/decisions/rules.js';
import { DECIDED, parseStatusList } from '../../core/decisions/records.js';
import { UsageError } from '../../core/errors.js';
import { toExportRecord, type ExportRecord } from '../../core/export/export-record.js';
import { stripControlsInline } from '../../core/text/sanitize.js';
import { locateDraftsFile, profileForDrafts } from '../../io/drafts-file/drafts-path.js';
import { DraftsStore } from '../../io/drafts-file/store.js';
import { writeEmlFolder, writeMbox, type Sender, type Skipped } from '../../io/export/mail-files.js';
import { readProfile } from '../../io/profile-file.js';
import { createRecordWriter } from '../../io/export/record-writer.js';
import { openOutput } from '../../io/output-target.js';
import type { CliIo } from '../streams.js';

export interface ExportFlags {
  format: 'jsonl' | 'csv' | 'eml' | 'mbox';
  out?: string;
  all?: boolean;
  status?: string;
  profile?: string;
  includeOrphans?: boolean;
  rawCells?: boolean;
}

export async function runExportCommand(file: string | undefined, flags: ExportFlags, io: CliIo): Promise<void> {
  const choice = exportChoice(flags);
  const mail = flags.format === 'eml' || flags.format === 'mbox';
  if (mail && (flags.out === undefined || flags.out === '-')) {
    throw new UsageError(`--format ${flags.format} writes files: give --out ${flags.format === 'eml' ? 'FOLDER' : 'FILE.mbox'}`, {
      hint: `e.g. \`draftsmith export --format ${flags.format} --out ${flags.format === 'eml' ? 'outbox/' : 'drafts.mbox'}\``,
    });
  }
  const draftsPath = await locateDraftsFile(file, io.cwd);
  const store = await DraftsStore.open(draftsPath, { lock: false, create: false });
  try {
    const profileFile = mail ? profileForDrafts(flags.profile, store.recordedProfile(), io.cwd) : undefined;
    const sender = profileFile ? await senderFrom(profileFile) : undefined;
    const all = store.recipients();
    const rows = all.filter((s) => isExportable(s, choice));
    // Read lazily, one record at a time, so a 100k-row drafts file is never held whole. The text is
    // the latest version's, which for an approved recipient is the version approved.
    function* records(): Generator<ExportRecord> {
      for (const s of rows) {
        const shown = store.read(s.key);
        if (shown) yield toExportRecord(shown);
      }
    }

    let written: number;
    let skipped: Skipped[] = [];
    const out = flags.out ?? '-';
    if (flags.format === 'eml') {
      const result = await writeEmlFolder(records(), { dir: path.resolve(io.cwd, out), ...(sender ? { sender } : {}) });
      written = result.written.length;
      skipped = result.skipped;
    } else if (flags.format === 'mbox') {
      const result = await writeMbox(records(), { file: path.resolve(io.cwd, out), ...(sender ? { sender } : {}) });
      written = result.written;
      skipped = result.skipped;
    } else {
      // An empty export keeps its columns: the CSV's header as `draft` recorded it.
      const first = rows.length > 0 ? store.readDraft(rows[0]!.key) : undefined;
      const headers = first ? Object.keys(first.recipient) : (store.source()?.header ?? []);
      const target = await openOutput(out, io);
      const writer = createRecordWriter(flags.format, target.stream, { headers, rawCells: flags.rawCells });
      written = 0;
      try {
        for (const rec of records()) {
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
    }

    for (const s of skipped) io.stderr.write(`draftsmith: row ${s.row} not exported: ${stripControlsInline(s.reason)}\n`);
    const orphans = all.filter((s) => s.orphaned && !choice.includeOrphans && isExportable(s, { ...choice, includeOrphans: true })).length;
    if (orphans > 0) {
      io.stderr.write(`draftsmith: ${orphans} draft(s) not exported: their recipients are no longer in the CSV (--include-orphans exports them).\n`);
    }
    if (written === 0 && choice.statuses !== 'all' && flags.status === undefined) {
      const undecided = all.filter((s) => !s.orphaned && !DECIDED.has(s.status)).length;
      const edited = all.filter((s) => !s.orphaned && s.status === 'drafted' && s.edited).length;
      const reapprove = edited > 0 ? ` ${edited} of them edited and waiting for approval of the edited text.` : '';
      io.stderr.write(
        `draftsmith: no approved drafts yet (${undecided} waiting for review).${reapprove}\n  hint: review them with \`draftsmith review\`, or export everything with --all.\n`,
      );
    } else if (out !== '-') {
      const what = flags.format === 'eml' ? 'message file(s) into' : 'record(s) to';
      io.stderr.write(`draftsmith: wrote ${written} ${what} ${out}\n`);
    }
    if (mail && !sender?.email) {
      io.stderr.write(
        `draftsmith: the messages have no From: address.\n  hint: add sender.email to the tone profile (pass it with --profile if it moved).\n`,
      );
    }
  } finally {
    await store.close();
  }
}

function exportChoice(flags: ExportFlags): ExportChoice {
  if (flags.all && flags.status !== undefined) {
    throw new UsageError('--all and --status cannot be used together', { hint: 'use --all for every record, or --status to pick some.' });
  }
  const includeOrphans = Boolean(flags.includeOrphans);
  if (flags.all) return { statuses: 'all', includeOrphans };
  return flags.status === undefined ? { ...APPROVED_ONLY, includeOrphans } : { statuses: parseStatusList(flags.status), includeOrphans };
}

async function senderFrom(profileFile: string): Promise<Sender> {
  const { profile } = await readProfile(profileFile);
  const s = profile.sender;
  return { ...(s?.name ? { name: s.name } : {}), ...(s?.email ? { email: s.email } : {}) };
}
