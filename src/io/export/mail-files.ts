// `export --format eml|mbox`: approved drafts as messages a mail client opens as drafts.
//
// File names never come from raw CSV text: safeFileStem rebuilds them from [a-z0-9-] and the row
// number, and every path is checked to sit directly in the chosen folder before anything is
// written. Each file is written atomically (temp file beside it + rename), and the rename replaces
// a planted symlink rather than writing through it. Files are 0600, a folder it creates 0700.
import path from 'node:path';
import type { ExportRecord } from '../../core/export/export-record.js';
import { InputError } from '../../core/errors.js';
import { safeFileStem } from '../../core/export/file-names.js';
import { messageIdFor } from '../../core/export/message-id.js';
import { provenanceHeaders } from '../../core/export/provenance.js';
import { buildMessage, parseAddress, toMboxEntry, type MailAddress } from '../../core/export/mime.js';
import { storedRow } from '../../core/recipients/recipients.js';
import { stripControlsInline } from '../../core/text/sanitize.js';
import { removeStaleTempFiles, writeOutputFile } from '../atomic-file.js';
import { makePrivateDir } from '../private-files.js';

export interface Sender {
  name?: string;
  email?: string;
}

interface CommonOptions {
  /** The profile's sender; used as From when it has an address. */
  sender?: Sender;
  /** The recipient's address; default: the first e-mail-like column with a value. */
  emailColumn?: (rec: ExportRecord) => string | undefined;
  /** `export --provenance`: X-Draftsmith-* headers from each record's provenance (none by default). */
  provenance?: boolean;
  now?: () => Date;
}

/** An export record with the recipient's key, which its Message-ID is made from (rows move). */
export type MailRecord = ExportRecord & { key?: string };

export interface EmlExportOptions extends CommonOptions {
  dir: string;
}

export interface MboxExportOptions extends CommonOptions {
  file: string;
}

export interface Skipped {
  row: number;
  reason: string;
}

type Records = AsyncIterable<MailRecord> | Iterable<MailRecord>;

/** One `.eml` per draft, directly inside `opts.dir` (created if missing). Returns the paths written. */
export async function writeEmlFolder(
  records: Records,
  opts: EmlExportOptions,
): Promise<{ written: string[]; skipped: Skipped[] }> {
  const from = senderAddress(opts.sender);
  const dir = path.resolve(opts.dir);
  try {
    await makePrivateDir(dir);
  } catch (err) {
    throw new InputError(`cannot create the folder ${opts.dir}: ${(err as Error).message}`, {
      hint: 'choose an --out folder you can write to.',
      cause: err,
    });
  }
  // Once for the folder, not per message: what a killed export left here.
  await removeStaleTempFiles(dir, (name) => name.endsWith('.eml'));
  const written: string[] = [];
  const skipped: Skipped[] = [];
  const used = new Set<string>();
  for await (const rec of records) {
    const built = messageFor(rec, from, opts);
    if ('reason' in built) {
      skipped.push({ row: rec.row, reason: built.reason });
      continue;
    }
    const file = uniquePath(dir, safeFileStem(built.to.name || localPart(built.to.email), rec.row), used);
    await writeOutputFile(
      file,
      async (stream) => {
        stream.write(built.text);
      },
      { sweep: false },
    );
    written.push(file);
  }
  return { written, skipped };
}

/** All drafts in one mbox file (mboxrd), written atomically. */
export async function writeMbox(
  records: Records,
  opts: MboxExportOptions,
): Promise<{ written: number; skipped: Skipped[] }> {
  const from = senderAddress(opts.sender);
  const skipped: Skipped[] = [];
  let written = 0;
  await writeOutputFile(opts.file, async (stream) => {
    for await (const rec of records) {
      const built = messageFor(rec, from, opts);
      if ('reason' in built) {
        skipped.push({ row: rec.row, reason: built.reason });
        continue;
      }
      const ok = stream.write(toMboxEntry(built.text, from?.email ?? 'MAILER-DAEMON', built.date));
      written++;
      if (!ok) await new Promise((resolve) => stream.once('drain', resolve));
    }
  });
  return { written, skipped };
}

/** The recipient's address and display name from the CSV columns, or why there is none. */
export function recipientAddress(
  rec: ExportRecord,
  emailColumn?: (rec: ExportRecord) => string | undefined,
): MailAddress | { reason: string } {
  const { columns, cells } = storedRow(rec.recipient);
  const cell = (i: number | undefined): string => (i === undefined ? '' : (cells[i] ?? '').trim());
  const candidates = emailColumn
    ? [emailColumn(rec) ?? '']
    : [cell(columns.canonical.email), ...columns.keys.flatMap((k, i) => (/(^|_)e_?mail(_|$)/.test(k) ? [cell(i)] : []))];
  // Google Contacts puts several addresses in one cell: `a@x.org ::: b@y.org`.
  const values = candidates.flatMap((v) => v.split(':::')).map((v) => v.trim()).filter(Boolean);
  if (values.length === 0) return { reason: 'no e-mail address' };
  const parsed = values.map((v) => parseAddress(v)).find((a) => a !== undefined);
  if (!parsed) return { reason: `invalid e-mail address ${JSON.stringify(stripControlsInline(values[0]!))}` };
  const full = cell(columns.canonical.full_name);
  const name = full || [cell(columns.canonical.first_name), cell(columns.canonical.last_name)].filter(Boolean).join(' ');
  const display = name || parsed.name;
  return display ? { name: display, email: parsed.email } : { email: parsed.email };
}

function messageFor(
  rec: MailRecord,
  from: MailAddress | undefined,
  opts: CommonOptions,
): { text: string; to: MailAddress; date: Date } | { reason: string } {
  if (rec.status === 'failed' || rec.body.trim() === '') {
    return { reason: rec.status === 'failed' ? 'drafting failed: no text to export' : 'empty draft' };
  }
  const to = recipientAddress(rec, opts.emailColumn);
  if ('reason' in to) return to;
  const date = opts.now?.() ?? new Date();
  const subject = rec.subject ?? '';
  const text = buildMessage({
    ...(from ? { from } : {}),
    to,
    subject,
    body: rec.body,
    date,
    // The same for the same recipient, version and text: what the memory recorded with the approval.
    messageId: messageIdFor({ key: rec.key ?? `row:${rec.row}`, version: rec.version, address: to.email, subject, body: rec.body }),
    ...(opts.provenance && rec.provenance ? { extraHeaders: [...provenanceHeaders(rec.provenance), ...(rec.variant !== undefined ? [['X-Draftsmith-Variant', rec.variant] as [string, string]] : [])] } : {}),
  });
  return { text, to, date };
}

function senderAddress(sender: Sender | undefined): MailAddress | undefined {
  if (!sender?.email?.trim()) return undefined;
  const parsed = parseAddress(sender.email);
  if (!parsed) {
    throw new InputError(`the profile's sender e-mail ${JSON.stringify(stripControlsInline(sender.email))} is not a valid address`, {
      hint: 'fix sender.email in the profile (like ana@example.org), or remove it to export without a From header.',
    });
  }
  const name = sender.name?.trim() || parsed.name;
  return name ? { name, email: parsed.email } : { email: parsed.email };
}

function localPart(email: string): string {
  return email.slice(0, email.lastIndexOf('@'));
}

/** `dir/stem.eml`, `-2`, `-3`… on a repeat; refuses anything that would not sit directly in dir. */
function uniquePath(dir: string, stem: string, used: Set<string>): string {
  let name = `${stem}.eml`;
  for (let n = 2; used.has(name); n++) name = `${stem}-${n}.eml`;
  used.add(name);
  const file = path.resolve(dir, name);
  // Defence in depth: safeFileStem already allows only [a-z0-9-].
  if (path.dirname(file) !== dir || path.basename(file) !== name) {
    throw new Error(`internal error: export file name ${JSON.stringify(name)} leaves ${dir}`);
  }
  return file;
}
