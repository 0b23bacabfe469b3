// Which text encoding a recipients CSV is in: --encoding when given; else a byte order mark; else
// UTF-8 when the first megabyte is valid UTF-8; else what chardet detects, when it is sure enough.
// iconv-lite and chardet are loaded only for files that are not UTF-8.
import { isUtf8 } from 'node:buffer';
import { InputError, UsageError } from '../../core/errors.js';

export const UTF8 = 'utf-8';

export interface EncodingChoice {
  encoding: string;
  /** Set when the encoding was detected: tells the user what was chosen and how to override it. */
  notice?: string;
}

export type Iconv = typeof import('iconv-lite');
let iconvLib: Iconv | undefined;
/** iconv-lite is loaded only for text that is not UTF-8: UTF-8 files never pay its start-up. */
export async function iconv(): Promise<Iconv> {
  return (iconvLib ??= ((await import('iconv-lite')) as { default: Iconv }).default);
}

type Chardet = typeof import('chardet');
let chardetLib: Chardet | undefined;
async function chardet(): Promise<Chardet> {
  return (chardetLib ??= ((await import('chardet')) as { default: Chardet }).default);
}

export async function chooseEncoding(requested: string | undefined, head: Buffer, name: string): Promise<EncodingChoice> {
  if (requested !== undefined) {
    const wanted = requested.trim().toLowerCase();
    if (wanted === 'utf8' || wanted === 'utf-8') return { encoding: UTF8 };
    if (!(await iconv()).encodingExists(wanted)) {
      throw new UsageError(`unknown --encoding "${requested}".`, { hint: 'try utf-8, windows-1252, latin1 or utf-16le.' });
    }
    return { encoding: wanted };
  }
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le' };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be' };
  const nul = head.indexOf(0);
  if (nul >= 0) throw nulError(head, nul, name);
  if (isUtf8(head.subarray(0, completeLength(head)))) return { encoding: UTF8 };
  const detected = await detectEncoding(head);
  // Not sure, or not text: read it as UTF-8, which stops at the first bad byte with its line and a hint.
  if (detected === undefined) return { encoding: UTF8 };
  return { encoding: detected, notice: `${name}: not UTF-8; read as ${detected} (detected); pass --encoding to choose another.` };
}

/**
 * chardet's confidence (0-100) below which a guess is not used. Contact lists of a few lines in
 * Latin-1 or Windows-1252 score 23-60 (shared/realdata and transcoded CRM exports); random bytes
 * and a lone bad byte in ASCII text score 10 or less.
 */
export const MIN_CONFIDENCE = 20;
const UNICODE = /^(utf-|ascii$)/i; // the file is not valid UTF-8, and any UTF-16/32 text holds NULs

/**
 * The encoding chardet is sure of, as an iconv-lite name, or undefined. A tie at the top between
 * encodings that read the bytes differently is not sure, except that Windows-1252 (what Excel writes
 * in Western locales) wins a tie it is part of. ISO-8859-1 is read as Windows-1252, its superset for
 * printable text, as browsers do. A guess that leaves bytes undecodable is not sure either.
 */
export async function detectEncoding(head: Buffer): Promise<string | undefined> {
  if (looksBinary(head)) return undefined;
  const lib = await iconv();
  const names = (await chardet())
    .analyse(head)
    .filter((m) => m.confidence >= MIN_CONFIDENCE && !UNICODE.test(m.name))
    .map((m) => ({ name: m.name.toLowerCase() === 'iso-8859-1' ? 'windows-1252' : m.name.toLowerCase(), confidence: m.confidence }))
    .filter((m) => lib.encodingExists(m.name));
  const best = names[0];
  if (!best) return undefined;
  const tied = new Set(names.filter((m) => m.confidence === best.confidence).map((m) => m.name));
  const chosen = tied.size === 1 ? best.name : tied.has('windows-1252') ? 'windows-1252' : undefined;
  // A byte the encoding has no character for (0x81 in Windows-1252) means the guess is wrong; the
  // last character is left out, as the sample may end in the middle of one.
  if (chosen === undefined || lib.decode(head, chosen).slice(0, -1).includes('\uFFFD')) return undefined;
  return chosen;
}

/** More than 1% control bytes other than tab, line breaks, form feed and escape: not text. */
function looksBinary(head: Buffer): boolean {
  let controls = 0;
  for (const b of head) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0b && b !== 0x0c && b !== 0x0d && b !== 0x1b) controls++;
  return controls > head.length / 100;
}

function nulError(head: Buffer, nul: number, name: string): InputError {
  // Many NULs at odd (even) offsets: UTF-16 without a byte order mark.
  let odd = 0;
  let even = 0;
  for (let i = 0; i < Math.min(head.length, 4096); i++) if (head[i] === 0) (i % 2 ? odd++ : even++);
  const guess = odd > head.length / 8 ? 'utf-16le' : even > head.length / 8 ? 'utf-16be' : undefined;
  return new InputError('this is not a text file (it contains NUL bytes).', {
    location: { file: name, line: countLines(head.subarray(0, nul)) },
    hint: guess ? `it looks like ${guess.toUpperCase()}: re-run with --encoding ${guess}.` : 'export the data as CSV text, then try again.',
  });
}

export async function decodeHead(head: Buffer, encoding: string): Promise<string> {
  if (encoding === UTF8) return head.subarray(startsWithUtf8Bom(head) ? 3 : 0).toString('utf8');
  return (await iconv()).decode(head, encoding);
}

export function startsWithUtf8Bom(buf: Buffer): boolean {
  return buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
}

/** Length of `buf` without a multi-byte character cut off at its end. */
export function completeLength(buf: Buffer): number {
  for (let i = buf.length - 1; i >= Math.max(0, buf.length - 4); i--) {
    const b = buf[i]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + need > buf.length ? i : buf.length;
  }
  return buf.length;
}

/** 1-based line of the end of `bytes` (LF, or CR in old Mac files). */
export function countLines(bytes: Buffer): number {
  let lf = 0;
  let cr = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 10) lf++;
    else if (bytes[i] === 13) cr++;
  }
  return 1 + (lf > 0 ? lf : cr);
}
