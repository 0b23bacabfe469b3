// A history CSV (`email,date,direction,subject,text`: what a CRM or a spreadsheet kept) -> messages
// for the memory, through the project's CSV reader (encodings, delimiters, preambles). The whole
// file is checked first and every bad cell reported as file:line: field (exit 2, nothing written);
// then it is read again, streaming.
import { InputError } from '../../core/errors.js';
import { stripReply } from '../../core/mail/strip-reply.js';
import { asksToStop } from '../../core/memory/opt-out-phrases.js';
import type { ImportedMessage } from '../../core/memory/records.js';
import { normaliseAddress } from '../../core/memory/who.js';
import { readRecipients, scanCsv, type CsvScan } from '../csv/reader.js';
import { contentHash, parseMailDate } from './mail-fields.js';

const FIELDS = ['email', 'date', 'direction', 'subject', 'text'] as const;
type Field = (typeof FIELDS)[number];
const MAX_DETAILS = 50;
const HINT = 'a history CSV has the columns email,date,direction,subject,text; date as 2026-10-03 or 2026-10-03T10:12:00Z, direction sent or received.';

/** Row -> message, or the problems with its cells. */
type RowReading = { message: ImportedMessage; problems?: undefined } | { message?: undefined; problems: { field: Field; text: string }[] };

/** A history CSV checked whole: every bad cell is in the InputError (file:line: field), nothing is read yet. */
export interface HistoryCsv {
  file: string;
  name: string;
  fallback: 'sent' | 'received' | 'auto';
  scan: CsvScan;
  index: Record<Field, number>;
}

export async function checkHistoryCsv(file: string, name: string, fallback: 'sent' | 'received' | 'auto'): Promise<HistoryCsv> {
  let index: Record<Field, number> | undefined;
  const problems: { line: number; field: Field; text: string }[] = [];
  const scan = await scanCsv({ file, displayName: name }, (columns) => {
    index = columnIndex(columns.keys, name);
    return (rec) => {
      const reading = readRow(rec.cells, index!, fallback, `${name}:${rec.line}`);
      for (const p of reading.problems ?? []) problems.push({ line: rec.line, ...p });
    };
  });
  if (problems.length > 0) throw rowsError(name, problems);
  return { file, name, fallback, scan, index: index! };
}

/** The checked CSV's messages, streaming; `offset` is the share of rows read (0..1). */
export async function* readHistoryCsv(csv: HistoryCsv): AsyncGenerator<{ message: ImportedMessage; offset: number }> {
  for await (const rec of readRecipients({ file: csv.file, displayName: csv.name }, csv.scan)) {
    const reading = readRow(rec.cells, csv.index, csv.fallback, `${csv.name}:${rec.line}`);
    if (reading.message) yield { message: reading.message, offset: rec.row / csv.scan.rows };
  }
}

function columnIndex(keys: readonly string[], name: string): Record<Field, number> {
  const found = {} as Record<Field, number>;
  const missing: string[] = [];
  for (const f of FIELDS) {
    const i = keys.indexOf(f);
    if (i === -1) missing.push(f);
    else found[f] = i;
  }
  if (missing.length > 0) {
    throw new InputError(`this history CSV has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}.`, { location: { file: name, line: 1 }, hint: HINT });
  }
  return found;
}

function readRow(cells: readonly string[], index: Record<Field, number>, fallback: 'sent' | 'received' | 'auto', source: string): RowReading {
  const cell = (f: Field) => (cells[index[f]] ?? '').trim();
  const problems: { field: Field; text: string }[] = [];
  const address = normaliseAddress(cell('email'));
  if (!address) problems.push({ field: 'email', text: `not an e-mail address: ${JSON.stringify(cell('email').slice(0, 60))}` });
  const at = parseCsvDate(cell('date'));
  if (!at) problems.push({ field: 'date', text: `not a date: ${JSON.stringify(cell('date').slice(0, 40))}` });
  const given = cell('direction').toLowerCase();
  const direction = given === '' && fallback !== 'auto' ? fallback : given;
  if (direction !== 'sent' && direction !== 'received') problems.push({ field: 'direction', text: `expected sent or received, got ${JSON.stringify(given.slice(0, 20))}` });
  if (problems.length > 0) return { problems };
  const subject = cell('subject');
  const text = stripReply(cells[index.text] ?? '');
  const dir = direction as 'sent' | 'received';
  const hash = contentHash({ from: dir === 'received' ? address! : '', to: dir === 'sent' ? [address!] : [], at: at!, subject, text });
  const message: ImportedMessage = { contentHash: hash, direction: dir, address: address!, at: at!, subject, text, source };
  if (dir === 'received' && asksToStop(text)) message.optOut = true;
  return { message };
}

/** ISO dates (a date alone is midnight UTC; a time without a zone is UTC) or RFC 2822 dates. */
function parseCsvDate(value: string): string | undefined {
  const iso = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/.exec(value);
  if (iso) {
    const ms = Date.parse(`${iso[1]}T${iso[2] ?? '00:00:00'}${iso[3] ?? 'Z'}`);
    return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
  }
  return parseMailDate(value);
}

function rowsError(name: string, problems: readonly { line: number; field: Field; text: string }[]): InputError {
  const [first, ...rest] = problems;
  const details = rest.slice(0, MAX_DETAILS).map((p) => `line ${p.line}: ${p.field}: ${p.text}`);
  if (rest.length > MAX_DETAILS) details.push(`... ${rest.length - MAX_DETAILS} more problem(s)`);
  return new InputError(`${first!.field}: ${first!.text}`, { location: { file: name, line: first!.line, field: first!.field }, hint: HINT, details });
}
