// Writes export records to a stream as JSONL, CSV or readable text. The caller owns the stream
// (opens, ends and closes it); the writer only formats, waits on backpressure, and turns a
// closed pipe (`draftsmith ... | head`) into an ordinary, recognisable error.
import type { ExportRecord } from '../../core/export/export-record.js';
import { recipientLabel } from '../../core/export/export-record.js';
import { PROVENANCE_FIELDS, provenanceCells } from '../../core/export/provenance.js';
import { neutraliseFormula, stripControls, stripControlsInline } from '../../core/text/sanitize.js';

export type OutputFormat = 'jsonl' | 'csv' | 'text';

export interface RecordWriterOptions {
  /** The original CSV headers, in order (the CSV format's first columns). */
  headers: string[];
  /** The profile's channel; text output shows a subject line for email. */
  channel?: string;
  /**
   * CSV: write cells as they are, without the `'` formula guard, for tools that import the file
   * (a CRM) rather than open it in a spreadsheet. Control characters are still stripped.
   */
  rawCells?: boolean;
  /** CSV: the provenance columns after `status` (export; JSONL writes a record's `provenance` as it is). */
  provenance?: boolean;
  /** CSV: a `variant` column after `status` (the variant's name), for drafts made in variants (JSONL: the record's `variant`). */
  variants?: boolean;
  /** CSV: the profile's answer fields, a column each after `body` (JSONL writes each record's as keys). */
  fields?: readonly string[];
}

export interface RecordWriter {
  /** Resolves once the stream can take more (backpressure); rejects if the stream broke. */
  write(rec: ExportRecord): Promise<void>;
  /** Writes what is still owed (the CSV header when there were no records). Does not end the stream. */
  end(): Promise<void>;
}

export function createRecordWriter(
  format: OutputFormat,
  out: NodeJS.WritableStream,
  opts: RecordWriterOptions,
): RecordWriter {
  let broken: Error | undefined;
  // Without a listener, an EPIPE on stdout is an uncaught exception with a stack trace.
  // The listener stays: late errors from a pipe that is already gone must stay quiet too.
  out.on('error', (err: Error) => {
    broken ??= err;
  });
  let headerDone = false;

  const put = async (text: string): Promise<void> => {
    if (broken) throw broken;
    if (isDestroyed(out)) throw closedError();
    if (out.write(text)) return;
    await waitForDrain(out, () => broken);
  };

  const raw = Boolean(opts.rawCells);
  const extra = [...(opts.variants ? ['variant'] : []), ...(opts.provenance ? PROVENANCE_FIELDS : [])];
  const fields = opts.fields ?? [];
  const csvHeader = () => csvLine([...opts.headers, ...ownColumns(opts.headers, ['subject', 'body', ...fields, 'status', ...extra])], raw);
  const extraCells = (rec: ExportRecord) => [
    ...(opts.variants ? [rec.variant ?? ''] : []),
    ...(!opts.provenance ? [] : rec.provenance ? provenanceCells(rec.provenance) : PROVENANCE_FIELDS.map(() => '')),
  ];

  return {
    async write(rec) {
      switch (format) {
        case 'jsonl':
          return put(`${toJsonLine(flatFields(rec))}\n`);
        case 'csv': {
          const header = headerDone ? '' : csvHeader();
          headerDone = true;
          const cells = opts.headers.map((h) => rec.recipient[h] ?? '');
          const own = fields.map((f) => rec.fields?.[f] ?? '');
          return put(header + csvLine([...cells, rec.subject ?? '', rec.body, ...own, rec.status, ...extraCells(rec)], raw));
        }
        case 'text':
          return put(renderTextBlock(rec, opts.channel));
      }
    },
    async end() {
      if (format === 'csv' && !headerDone) {
        headerDone = true;
        await put(csvHeader());
      }
      if (broken) throw broken;
    },
  };
}

/** The record as JSONL writes it: its fields as keys of their own names, where `fields` stood (after `body`). */
function flatFields(rec: ExportRecord): object {
  if (!rec.fields) return rec;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rec)) {
    if (key === 'fields') Object.assign(out, rec.fields);
    else out[key] = value;
  }
  return out;
}

/**
 * JSON with DEL and C1 controls also escaped: JSON.stringify leaves U+007F-U+009F raw, and
 * some terminals act on 8-bit C1 (e.g. U+009B as CSI) when `--out -` is printed to them.
 */
export function toJsonLine(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * One RFC 4180 cell. Controls are stripped first (contact data has no use for them, and a CSV
 * printed to a terminal must be inert), then formula triggers are neutralised (unless `raw`),
 * then quoted.
 */
export function csvCell(value: string, raw = false): string {
  const clean = stripControls(value);
  const safe = raw ? clean : neutraliseFormula(clean);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A CSV record with the RFC 4180 line ending (CRLF). */
export function csvLine(cells: string[], raw = false): string {
  return `${cells.map((c) => csvCell(c, raw)).join(',')}\r\n`;
}

/** A readable block per recipient; every piece of CSV or model text is stripped of controls. */
export function renderTextBlock(rec: ExportRecord, channel?: string): string {
  const label = stripControlsInline(recipientLabel(rec.recipient));
  const lines = [`--- row ${rec.row}${label ? ` · ${label}` : ''} ---`];
  if (rec.status === 'failed') {
    lines.push(`Failed: ${stripControlsInline(rec.error ?? 'unknown error')}`);
  } else {
    if (rec.subject !== undefined || channel === 'email') {
      lines.push(`Subject: ${stripControlsInline(rec.subject ?? '')}`);
    }
    if (rec.status !== 'drafted') lines.push(`Status: ${rec.status}`);
    lines.push('', stripControls(rec.body));
    for (const [name, value] of Object.entries(rec.fields ?? {})) lines.push(`${stripControlsInline(name)}: ${stripControlsInline(value)}`);
  }
  return `${lines.join('\n')}\n\n`;
}

function waitForDrain(out: NodeJS.WritableStream, broken: () => Error | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onError = (err: Error) => done(err);
    // A destroyed stream never drains: report it as a closed pipe instead of hanging.
    const onClose = () => done(broken() ?? closedError());
    out.on('drain', onDrain);
    out.on('error', onError);
    out.on('close', onClose);
    if (isDestroyed(out)) onClose();
  });
}

function isDestroyed(out: NodeJS.WritableStream): boolean {
  return Boolean((out as { destroyed?: boolean }).destroyed);
}

function closedError(): Error {
  return Object.assign(new Error('output closed by its reader'), { code: 'EPIPE' });
}

/**
 * The export's own column names, each renamed `draft_<name>` where the recipients' CSV already has
 * a column of that name (a list with its own `status` or `subject`): a spreadsheet keeps only one
 * of two equal headers, and a script reading by name would take the wrong one.
 */
export function ownColumns(headers: readonly string[], names: readonly string[]): string[] {
  const taken = new Set(headers.map((h) => h.trim().toLowerCase()));
  return names.map((name) => {
    let unique = name;
    while (taken.has(unique.toLowerCase())) unique = `draft_${unique}`;
    taken.add(unique.toLowerCase());
    return unique;
  });
}
