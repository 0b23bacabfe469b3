// A recipients file as raw records: the bytes decoded (decode-stream.ts), the preamble skipped,
// csv-parse's records each with the file line where it starts, and every failure on the way turned
// into an InputError that points at that line.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import { InputError } from '../../core/errors.js';
import { UTF8, countLines, iconv, startsWithUtf8Bom } from './encoding.js';
import { DecodeProblem, IconvDecoder, LineNormalizer, Utf8Guard, countNewlines } from './decode-stream.js';
import { fileError } from './read-errors.js';

/** How to read the file: what scanCsv found out (or was told) from its head. */
export interface Layout {
  skipLines: number;
  delimiter: string;
  encoding: string;
}

const HEAD_BYTES = 1 << 20; // enough to sniff a preamble and a very wide header
const MAX_RECORD_BYTES = 8 << 20; // a runaway quote stops here instead of buffering the whole file

/** The file's first megabyte (all of a smaller file). */
export async function readHead(file: string, name: string): Promise<Buffer> {
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

/** A raw record: its cells and the 1-based file line where it starts. */
export async function* parseRecords(file: string, layout: Layout, name: string): AsyncGenerator<{ cells: string[]; line: number }> {
  const source = createReadStream(file);
  const head = await readHead(file, name);
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
    throw await toInputError(err, name, file, cursor);
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/** Blank lines (csv-parse keeps them at the front of the next record's raw text). */
function leadingNewlines(raw: string): number {
  const m = /^\s*\n/.exec(raw);
  return m ? countNewlines(m[0]) : 0;
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
