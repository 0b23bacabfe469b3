// `draftsmith export`: approved (and edited) drafts, or a chosen set of statuses, for the next tool:
// JSONL or CSV to a file or stdout, one .eml per draft into a folder, or one mbox file.
import path from 'node:path';
import { DECIDED, parseStatusList, type DraftStatus } from '../../core/draft.js';
import { UsageError } from '../../core/errors.js';
import { toExportRecord, type ExportRecord } from '../../core/export-record.js';
import { stripControlsInline } from '../../core/sanitize.js';
import { locateDraftsFile, profileForDrafts } from '../../io/drafts-path.js';
import { DraftsStore } from '../../io/drafts-store.js';
import { writeEmlFolder, writeMbox, type Sender, type Skipped } from '../../io/eml-export.js';
import { readProfile } from '../../io/profile-file.js';
import { createRecordWriter } from '../../io/record-writer.js';
import { openOutput } from '../output.js';
import type { CliIo } from '../io.js';

export interface ExportFlags {
  format: 'jsonl' | 'csv' | 'eml' | 'mbox';
  out?: string;
  all?: boolean;
  status?: string;
  profile?: string;
  rawCells?: boolean;
}

const DEFAULT_STATUSES: ReadonlySet<DraftStatus> = new Set(['approved', 'edited']);

export async function runExportCommand(file: string | undefined, flags: ExportFlags, io: CliIo): Promise<void> {
  const wanted = statusFilter(flags);
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
    const rows = store.rows().filter((s) => wanted === 'all' || wanted.has(s.status));
    // Read lazily, one record at a time, so a 100k-row drafts file is never held whole.
    function* records(): Generator<ExportRecord> {
      for (const s of rows) {
        const draft = store.readDraft(s.row);
        if (!draft) continue;
        const decision = DECIDED.has(s.status) ? store.readDecision(s.row) : undefined;
        yield toExportRecord(draft, {
          status: s.status,
          ...(decision?.subject !== undefined ? { subject: decision.subject } : {}),
          ...(decision?.body !== undefined ? { body: decision.body } : {}),
          ...(decision ? { version: decision.version } : {}),
        });
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
      const first = rows.length > 0 ? store.readDraft(rows[0]!.row) : undefined;
      const target = await openOutput(out, io);
      const writer = createRecordWriter(flags.format, target.stream, { headers: first ? Object.keys(first.recipient) : [], rawCells: flags.rawCells });
      written = 0;
      try {
        for (const rec of records()) {
          await writer.write(rec);
          written++;
        }
      } finally {
        await writer.end();
        await target.close();
      }
    }

    for (const s of skipped) io.stderr.write(`draftsmith: row ${s.row} not exported: ${stripControlsInline(s.reason)}\n`);
    if (written === 0 && wanted !== 'all' && flags.status === undefined) {
      const undecided = store.rows().filter((s) => !DECIDED.has(s.status)).length;
      io.stderr.write(
        `draftsmith: no approved drafts yet (${undecided} waiting for review).\n  hint: review them with \`draftsmith review\`, or export everything with --all.\n`,
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

function statusFilter(flags: ExportFlags): ReadonlySet<DraftStatus> | 'all' {
  if (flags.all && flags.status !== undefined) {
    throw new UsageError('--all and --status cannot be used together', { hint: 'use --all for every record, or --status to pick some.' });
  }
  if (flags.all) return 'all';
  return flags.status === undefined ? DEFAULT_STATUSES : parseStatusList(flags.status);
}

async function senderFrom(profileFile: string): Promise<Sender> {
  const { profile } = await readProfile(profileFile);
  const s = profile.sender;
  return { ...(s?.name ? { name: s.name } : {}), ...(s?.email ? { email: s.email } : {}) };
}
