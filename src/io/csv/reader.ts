// Streams a recipients CSV: decode (strict UTF-8, --encoding, or what csv-encoding.ts detects),
// normalise line endings, skip a preamble, parse with csv-parse. scanCsv validates the whole file in
// one pass; readRecipients streams it again, so memory stays flat however many rows there are.
import { isUtf8 } from 'node:buffer';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform, pipeline, type TransformCallback } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { InputError } from '../../core/errors.js';
import { UTF8, chooseEncoding, completeLength, countLines, decodeHead, iconv, startsWithUtf8Bom, type Iconv } from './encoding.js';
import { buildColumns, detectPreamble, sniffDelimiter, type Columns, type Recipient } from '../../core/recipients/recipients.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../private-files.js';

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

const HEAD_BYTES = 1 << 20; // enough to sniff a preamble and a very wide header
const MAX_RECORD_BYTES = 8 << 20; // a runaway quote stops here instead of buffering the whole file
const MAX_DETAILS = 50;

/** Validate the whole file in one streaming pass; throws InputError on the first fatal problem. */
export async function scanCsv(opts: CsvOptions, visitor?: RowVisitor): Promise<CsvScan> {
  const name = opts.displayName ?? opts.file;
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
  const layout = { skipLines, delimiter, encoding };

  let columns: Columns | undefined;
  let warnings: string[] = [];
  let rows = 0;
  let visit: ((rec: Recipient) => void) | undefined;
  const problems: { line: number; expected: number; got: number }[] = [];
  let badRows = 0;
  let trailing = 0;
  for await (const rec of parseRecords(opts, layout, name)) {
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
  if (!columns) {
    if (opts.skipLines) throw new InputError(`no header found after skipping ${skipLines} line(s).`, { location: { file: name }, hint: 'lower --skip-lines, or check that this is the right file.' });
    throw emptyError(name);
  }
  const first = problems[0];
  if (first) {
    const details = problems.slice(1).map((p) => `line ${p.line}: expected ${p.expected} cells, got ${p.got}`);
    if (badRows > problems.length) details.push(`... ${badRows - problems.length} more row(s) with the wrong number of cells`);
    throw raggedError(name, first.line, first.expected, first.got, delimiter, details);
  }
  if (trailing > 0) {
    notices.push(
      `${name}: ${trailing} row(s) end in empty cells past the header's ${columns.headers.length} columns (a trailing delimiter, as Thunderbird writes): those empty cells are ignored.`,
    );
  }
  if (rows === 0) {
    throw new InputError('the file has a header but no data rows.', {
      location: { file: name, line: 1 + skipLines },
      hint: 'add one row per recipient below the header.',
    });
  }
  return { columns, rows, delimiter, skipLines, encoding, notices, warnings };
}

/** Stream the data rows of a file that scanCsv accepted. */
export async function* readRecipients(opts: CsvOptions, scan: CsvScan): AsyncGenerator<Recipient> {
  const name = opts.displayName ?? opts.file;
  const width = scan.columns.headers.length;
  let header = true;
  let row = 0;
  for await (const rec of parseRecords(opts, scan, name)) {
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

/** Copy stdin to a temp file so it can be validated and then read again; returns path + cleanup. */
export async function spoolToTempFile(input: NodeJS.ReadableStream): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'draftsmith-stdin-'));
  const file = path.join(dir, 'recipients.csv');
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    // The recipients' data, in a shared /tmp: only this user may list or read it.
    await chmod(dir, PRIVATE_DIR_MODE);
    await pipelineAsync(input, createWriteStream(file, { flags: 'wx', mode: PRIVATE_FILE_MODE }));
  } catch (err) {
    await cleanup();
    throw new InputError('could not read the recipients CSV from stdin.', { location: { file: '<stdin>' }, cause: err, hint: 'pipe a CSV file in, or pass its path instead of -.' });
  }
  return { path: file, cleanup };
}

interface Layout {
  skipLines: number;
  delimiter: string;
  encoding: string;
}

/** A raw record: its cells and the 1-based file line where it starts. */
async function* parseRecords(opts: CsvOptions, layout: Layout, name: string): AsyncGenerator<{ cells: string[]; line: number }> {
  const source = createReadStream(opts.file);
  const head = await readHead(opts.file, name);
  const decoder = layout.encoding === UTF8 ? new Utf8Guard(startsWithUtf8Bom(head)) : new IconvDecoder(await iconv(), layout.encoding);
  const parser = parse({
    delimiter: layout.delimiter,
    record_delimiter: '\n', // LineNormalizer turned CRLF and CR into LF
    relax_quotes: true, // `5'11"` or `Say "hi"` inside an unquoted cell is common and harmless
    relax_column_count: true, // we report wrong widths ourselves, with line numbers
    skip_empty_lines: true,
    trim: true,
    raw: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  pipeline(source, decoder, new LineNormalizer(layout.skipLines), parser, () => {
    // errors surface through the parser's async iterator below
  });
  let cursor = layout.skipLines + 1; // line where the next raw text starts
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const line = cursor + leadingNewlines(raw);
      cursor += countNewlines(raw);
      yield { cells: record, line };
    }
  } catch (err) {
    throw await toInputError(err, name, opts.file, cursor);
  } finally {
    source.destroy();
    parser.destroy();
  }
}

async function readHead(file: string, name: string): Promise<Buffer> {
  try {
    const handle = await open(file, 'r');
    try {
      const buf = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw fileError(err, name);
  }
}

function fileError(err: unknown, name: string): Error {
  const code = (err as NodeJS.ErrnoException)?.code;
  const location = { file: name };
  if (code === 'ENOENT') return new InputError('no such file.', { location, cause: err, hint: 'check the path; pass - to read stdin.' });
  if (code === 'EISDIR') return new InputError('this is a directory, not a CSV file.', { location, cause: err, hint: 'pass the path of the CSV file itself; pass - to read stdin.' });
  if (code === 'EACCES' || code === 'EPERM') return new InputError('permission denied.', { location, cause: err, hint: 'check the file permissions, or pipe it in with - .' });
  return new InputError(`cannot read the file (${code ?? String(err)}).`, { location, cause: err, hint: 'check the path; pass - to read stdin.' });
}

function emptyError(name: string): InputError {
  return new InputError('the file is empty.', { location: { file: name }, hint: 'give a CSV with a header row and one row per recipient.' });
}

function raggedError(name: string, line: number, expected: number, got: number, delimiter: string, details: string[]): InputError {
  const shown = delimiter === '\t' ? 'TAB' : delimiter;
  return new InputError(`expected ${expected} cells (as in the header), got ${got}.`, {
    location: { file: name, line },
    details,
    hint: `quote cells that contain the delimiter "${shown}" (e.g. "Smith${delimiter} Jr."); if there are lines above the header, use --skip-lines N.`,
  });
}

function countNewlines(raw: string): number {
  let n = 0;
  for (let i = raw.indexOf('\n'); i >= 0; i = raw.indexOf('\n', i + 1)) n++;
  return n;
}

/** Blank lines (csv-parse keeps them at the front of the next record's raw text). */
function leadingNewlines(raw: string): number {
  const m = /^\s*\n/.exec(raw);
  return m ? countNewlines(m[0]) : 0;
}

/** A whitespace-only line that csv-parse did not skip, e.g. `""`. */
/** More cells than the header, but every extra one empty: a trailing delimiter, not data. */
function onlyEmptyPast(cells: string[], width: number): boolean {
  if (cells.length <= width) return false;
  for (let i = width; i < cells.length; i++) if (cells[i]!.trim() !== '') return false;
  return true;
}

function isBlankRecord(cells: string[]): boolean {
  return cells.length === 1 && cells[0] === '';
}

class DecodeProblem extends Error {
  constructor(
    readonly kind: 'utf8' | 'nul',
    readonly offset: number,
    readonly byte: number,
    readonly line?: number,
  ) {
    super(kind);
  }
}

async function toInputError(err: unknown, name: string, file: string, cursor: number): Promise<Error> {
  if (err instanceof InputError) return err;
  if (err instanceof DecodeProblem) {
    const line = err.line ?? (await lineAtOffset(file, err.offset));
    if (err.kind === 'nul') {
      return new InputError('this is not a text file (it contains NUL bytes).', { location: { file: name, line }, hint: 'export the data as CSV text, then try again.' });
    }
    return new InputError(`not valid UTF-8 (byte 0x${err.byte.toString(16).toUpperCase().padStart(2, '0')}).`, {
      location: { file: name, line },
      hint: 're-run with --encoding windows-1252 (Excel on Windows) or save it as UTF-8.',
    });
  }
  const e = err as { code?: string; raw?: string; message?: string };
  const line = cursor + (typeof e.raw === 'string' ? leadingNewlines(e.raw) : 0);
  const location = { file: name, line };
  const quoteHint = 'close the quote; a quote inside a quoted cell must be doubled ("").';
  switch (e.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new InputError('a quoted cell in the record starting here is never closed.', { location, cause: err, hint: quoteHint });
    case 'CSV_MAX_RECORD_SIZE':
      return new InputError(`the record starting here is longer than ${MAX_RECORD_BYTES >> 20} MB; most likely a quote that is never closed.`, { location, cause: err, hint: quoteHint });
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return new InputError('text follows a closing quote in the record starting here.', { location, cause: err, hint: quoteHint });
  }
  if (typeof e.code === 'string' && e.code.startsWith('CSV_')) {
    return new InputError(`malformed CSV: ${e.message ?? e.code}`, { location, cause: err, hint: 'fix the record starting on this line.' });
  }
  return fileError(err, name);
}

async function lineAtOffset(file: string, offset: number): Promise<number> {
  if (offset === 0) return 1;
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(file, { start: 0, end: offset - 1 })) chunks.push(chunk as Buffer);
  return countLines(Buffer.concat(chunks));
}

/** Passes UTF-8 through unchanged (minus a BOM); fails on the first invalid sequence or NUL byte. */
class Utf8Guard extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  private offset: number; // file offset of pending[0]
  private bomLeft: number;

  constructor(bom: boolean) {
    super();
    this.bomLeft = bom ? 3 : 0;
    this.offset = 0;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    if (this.bomLeft > 0) {
      const cut = Math.min(this.bomLeft, data.length);
      data = data.subarray(cut);
      this.bomLeft -= cut;
      this.offset += cut;
    }
    const end = completeLength(data);
    const body = data.subarray(0, end);
    const problem = this.check(body);
    if (problem) return done(problem);
    this.pending = Buffer.from(data.subarray(end));
    this.offset += end;
    done(null, body);
  }

  override _flush(done: TransformCallback): void {
    if (this.pending.length > 0) return done(new DecodeProblem('utf8', this.offset, this.pending[0]!));
    done();
  }

  private check(body: Buffer): DecodeProblem | undefined {
    const nul = body.indexOf(0);
    if (nul >= 0) return new DecodeProblem('nul', this.offset + nul, 0);
    if (isUtf8(body)) return undefined;
    const at = Math.max(0, firstInvalidUtf8(body));
    return new DecodeProblem('utf8', this.offset + at, body[at] ?? 0);
  }
}

function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (((b[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    const d = b[i + 1] ?? 0;
    if ((c === 0xe0 && d < 0xa0) || (c === 0xed && d > 0x9f) || (c === 0xf0 && d < 0x90) || (c === 0xf4 && d > 0x8f)) return i;
    i += n + 1;
  }
  return -1;
}

/** iconv-lite decoding (BOM dropped) to UTF-8 bytes, refusing NUL characters. */
class IconvDecoder extends Transform {
  private readonly decoder: ReturnType<Iconv['getDecoder']>;
  private line = 1;
  constructor(lib: Iconv, encoding: string) {
    super();
    this.decoder = lib.getDecoder(encoding);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.emit_(this.decoder.write(chunk), done);
  }

  override _flush(done: TransformCallback): void {
    this.emit_(this.decoder.end() ?? '', done);
  }

  private emit_(text: string, done: TransformCallback): void {
    const nul = text.indexOf('\0');
    if (nul >= 0) return done(new DecodeProblem('nul', 0, 0, this.line + countNewlines(text.slice(0, nul))));
    this.line += countNewlines(text);
    done(null, Buffer.from(text, 'utf8'));
  }
}

/** CRLF and lone CR -> LF (inside quoted cells too), then drop the first `skip` lines. */
class LineNormalizer extends Transform {
  private afterCr = false;
  constructor(private skip: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let out = this.afterCr || chunk.indexOf(13) >= 0 ? this.normalize(chunk) : chunk;
    while (this.skip > 0 && out.length > 0) {
      const nl = out.indexOf(10);
      if (nl < 0) out = out.subarray(out.length);
      else {
        out = out.subarray(nl + 1);
        this.skip--;
      }
    }
    done(null, out);
  }

  private normalize(chunk: Buffer): Buffer {
    const out = Buffer.allocUnsafe(chunk.length);
    let j = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.afterCr) {
        this.afterCr = false;
        if (c === 10) continue;
      }
      if (c === 13) {
        out[j++] = 10;
        this.afterCr = true;
      } else out[j++] = c;
    }
    return out.subarray(0, j);
  }
}
