// Streams a recipients CSV: decode (strict UTF-8, --encoding, or what encoding.ts detects),
// normalise line endings, skip a preamble, parse with csv-parse (records.ts). scanCsv validates the
// whole file in one pass; readRecipients streams it again, so memory stays flat however many rows
// there are.
import { InputError } from '../../core/errors.js';
import { chooseEncoding, decodeHead } from './encoding.js';
import { buildColumns, detectPreamble, sniffDelimiter, type Columns, type Recipient } from '../../core/recipients/recipients.js';
import { parseRecords, readHead, type Layout } from './records.js';
import { emptyError, raggedError } from './read-errors.js';

// Where it always was, for the commands that import it from here.

export interface CsvOptions {
  file: string;
  /** Name used in messages, e.g. "<stdin>" (default: file). */
  displayName?: string;
  encoding?: string;
  skipLines?: number;
}

/** Called with the columns once the header is read; the function it returns sees every data row. */
export type RowVisitor = (columns: Columns) => (rec: Recipient) => void;

export interface CsvScan {
  columns: Columns;
  rows: number;
  delimiter: string;
  skipLines: number;
  encoding: string;
  notices: string[];
  warnings: string[];
}

const MAX_DETAILS = 50;

/** Validate the whole file in one streaming pass; throws InputError on the first fatal problem. */
export async function scanCsv(opts: CsvOptions, visitor?: RowVisitor): Promise<CsvScan> {
  const name = opts.displayName ?? opts.file;
  const { layout, notices } = await sniffLayout(opts, name);
  const tally = await tallyRows(opts.file, layout, name, visitor);
  const columns = judge(tally, opts, layout, name, notices);
  const { skipLines, delimiter, encoding } = layout;
  return { columns, rows: tally.rows, delimiter, skipLines, encoding, notices, warnings: tally.warnings };
}

/** Stream the data rows of a file that scanCsv accepted. */
export async function* readRecipients(opts: CsvOptions, scan: CsvScan): AsyncGenerator<Recipient> {
  const name = opts.displayName ?? opts.file;
  const width = scan.columns.headers.length;
  let header = true;
  let row = 0;
  for await (const rec of parseRecords(opts.file, scan, name)) {
    if (header) {
      header = false;
      continue;
    }
    if (isBlankRecord(rec.cells)) continue;
    if (rec.cells.length !== width) {
      if (!onlyEmptyPast(rec.cells, width)) throw raggedError(name, rec.line, width, rec.cells.length, scan.delimiter, []);
      rec.cells.length = width;
    }
    yield { row: ++row, line: rec.line, cells: rec.cells };
  }
}

/** Encoding, preamble and delimiter, from the file's head (or as the options say). */
async function sniffLayout(opts: CsvOptions, name: string): Promise<{ layout: Layout; notices: string[] }> {
  const head = await readHead(opts.file, name);
  if (head.length === 0) throw emptyError(name);
  const { encoding, notice } = await chooseEncoding(opts.encoding, head, name);
  const lines = (await decodeHead(head, encoding)).split(/\r\n|\r|\n/);
  const notices: string[] = notice ? [notice] : [];
  let skipLines = opts.skipLines ?? 0;
  if (opts.skipLines === undefined) {
    const found = detectPreamble(lines);
    skipLines = found.skip;
    if (found.preamble !== undefined) {
      const what = found.frontMatter ? 'YAML front matter, as in CSVY' : `an export preamble starting ${JSON.stringify(found.preamble.slice(0, 40))}`;
      notices.push(`${name}: skipped ${skipLines} line(s) before the header (${what}); use --skip-lines N to change this.`);
    }
  }
  const delimiter = sniffDelimiter(lines.slice(skipLines, skipLines + 200).join('\n'));
  return { layout: { skipLines, delimiter, encoding }, notices };
}

/** What one pass over the records found. */
interface Tally {
  columns: Columns | undefined;
  warnings: string[];
  rows: number;
  /** Rows with empty cells past the header's width (a trailing delimiter). */
  trailing: number;
  /** The first MAX_DETAILS rows of the wrong width, and how many there are in all. */
  problems: { line: number; expected: number; got: number }[];
  badRows: number;
}

/** The header, then every data row: counted, checked for width, handed to the visitor. */
async function tallyRows(file: string, layout: Layout, name: string, visitor: RowVisitor | undefined): Promise<Tally> {
  let columns: Columns | undefined;
  let warnings: string[] = [];
  let rows = 0;
  let visit: ((rec: Recipient) => void) | undefined;
  const problems: Tally['problems'] = [];
  let badRows = 0;
  let trailing = 0;
  for await (const rec of parseRecords(file, layout, name)) {
    if (!columns) {
      ({ columns, warnings } = buildColumns(rec.cells));
      visit = visitor?.(columns);
      continue;
    }
    if (isBlankRecord(rec.cells)) continue;
    const width = columns.headers.length;
    if (rec.cells.length !== width && !onlyEmptyPast(rec.cells, width)) {
      badRows++;
      if (problems.length < MAX_DETAILS) problems.push({ line: rec.line, expected: width, got: rec.cells.length });
      continue;
    }
    if (rec.cells.length > width) trailing++;
    rows++;
    visit?.({ row: rows, line: rec.line, cells: rec.cells.length > width ? rec.cells.slice(0, width) : rec.cells });
  }
  return { columns, warnings, rows, trailing, problems, badRows };
}

/** The whole file's verdict: throws on no header, rows of the wrong width or no data rows. */
function judge(tally: Tally, opts: CsvOptions, layout: Layout, name: string, notices: string[]): Columns {
  const { columns, problems, badRows } = tally;
  if (!columns) {
    if (opts.skipLines) throw new InputError(`no header found after skipping ${layout.skipLines} line(s).`, { location: { file: name }, hint: 'lower --skip-lines, or check that this is the right file.' });
    throw emptyError(name);
  }
  const first = problems[0];
  if (first) {
    const details = problems.slice(1).map((p) => `line ${p.line}: expected ${p.expected} cells, got ${p.got}`);
    if (badRows > problems.length) details.push(`... ${badRows - problems.length} more row(s) with the wrong number of cells`);
    throw raggedError(name, first.line, first.expected, first.got, layout.delimiter, details);
  }
  if (tally.trailing > 0) {
    notices.push(
      `${name}: ${tally.trailing} row(s) end in empty cells past the header's ${columns.headers.length} columns (a trailing delimiter, as Thunderbird writes): those empty cells are ignored.`,
    );
  }
  if (tally.rows === 0) {
    throw new InputError('the file has a header but no data rows.', {
      location: { file: name, line: 1 + layout.skipLines },
      hint: 'add one row per recipient below the header.',
    });
  }
  return columns;
}

/** More cells than the header, but every extra one empty: a trailing delimiter, not data. */
function onlyEmptyPast(cells: string[], width: number): boolean {
  if (cells.length <= width) return false;
  for (let i = width; i < cells.length; i++) if (cells[i]!.trim() !== '') return false;
  return true;
}

/** A whitespace-only line that csv-parse did not skip, e.g. `""`. */
function isBlankRecord(cells: string[]): boolean {
  return cells.length === 1 && cells[0] === '';
}
