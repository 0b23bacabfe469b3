// Writes what `draftsmith learn` learned into a tone profile, keeping the file as its owner wrote it:
// yaml's Document API finds each key's node and its source range, and only those bytes change (a
// list gains an item at its end, in its own style and indentation; a value is replaced; a missing
// key is inserted after a related one). Re-serialising the whole document would refold `>-` text
// and re-indent lists, so it is never done. The result is parsed with the profile parser before
// anything is written; the original is first copied to `<profile>.<timestamp>.bak` (0600); the
// profile keeps its own mode (it is the user's file, not one draftsmith created).
import { randomBytes } from 'node:crypto';
import { chmod, open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, stringify, type Node, type Pair, type YAMLMap } from 'yaml';
import { DraftsmithError, InputError } from '../core/errors.js';
import { parseProfileText } from './profile-file.js';
import { writePrivateFile } from './private-files.js';

export type EditKey = 'banned_phrases' | 'required_phrases' | 'greeting' | 'sign_off' | 'length.max_words';

export interface ProfileEdit {
  key: EditKey;
  value: string | number;
}

type Range = [number, number, number];
const rangeOf = (n: unknown): Range | undefined => (n as { range?: Range } | null)?.range;

// Where a missing key goes: after the first of these keys the profile has, else at the end.
const AFTER: Record<string, readonly string[]> = {
  greeting: ['language', 'tone', 'goal'],
  sign_off: ['greeting', 'language', 'tone', 'goal'],
  banned_phrases: ['dont', 'do', 'sign_off'],
  required_phrases: ['banned_phrases', 'dont', 'do'],
  length: ['tone', 'channel', 'goal'],
};

const folded = (s: unknown): string => String(s).normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\s+/g, ' ').trim();

function pairOf(map: YAMLMap, key: string): Pair<unknown, unknown> | undefined {
  return map.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key) as Pair<unknown, unknown> | undefined;
}

/** A scalar as YAML text; multi-line text as a `|-` block indented under its key. */
function scalarText(value: string | number, indent: number): string {
  if (typeof value === 'string' && value.includes('\n')) {
    const pad = ' '.repeat(indent + 2);
    return `|-\n${value.split('\n').map((l) => (l === '' ? '' : pad + l)).join('\n')}`;
  }
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

function flowItem(value: string): string {
  return /[,[\]{}#:"']/.test(value) ? JSON.stringify(value) : scalarText(value, 0);
}

/** Offset of the start of the line after the one `at` ends in (or the text's end). */
function nextLine(text: string, at: number): number {
  if (at > 0 && text[at - 1] === '\n') return at;
  const nl = text.indexOf('\n', at);
  return nl < 0 ? text.length : nl + 1;
}

function indentAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

function insertLine(text: string, at: number, line: string): string {
  const before = text.slice(0, at);
  return `${before}${before === '' || before.endsWith('\n') ? '' : '\n'}${line}\n${text.slice(at)}`;
}

/** Inserts `block` (a whole top-level entry) after the first anchor key present, else at the end. */
function insertTopLevel(text: string, root: YAMLMap, key: string, block: string): string {
  for (const anchor of AFTER[key] ?? []) {
    const range = rangeOf(pairOf(root, anchor)?.value) ?? rangeOf(pairOf(root, anchor)?.key);
    if (range) return insertLine(text, nextLine(text, range[2]), block);
  }
  return insertLine(text, text.length, block);
}

function addToList(text: string, root: YAMLMap, key: string, value: string): string | undefined {
  const pair = pairOf(root, key);
  const node = pair?.value as Node | null | undefined;
  if (!pair || node === null || (isScalar(node) && (node.value === null || node.value === ''))) {
    const block = `${key}:\n  - ${scalarText(value, 4)}`;
    if (!pair) return insertTopLevel(text, root, key, block);
    const [start] = rangeOf(pair.key)!;
    return text.slice(0, start) + block + text.slice(rangeOf(node)?.[1] ?? rangeOf(pair.key)![1]);
  }
  if (!isSeq(node)) return undefined; // not a list: the parser reports it, nothing to append to
  if (node.items.some((i) => folded(isScalar(i) ? i.value : i) === folded(value))) return text;
  const [start, end] = rangeOf(node)!;
  if (node.flow) {
    const close = text.lastIndexOf(']', end);
    return `${text.slice(0, close)}${node.items.length > 0 ? ', ' : ''}${flowItem(value)}${text.slice(close)}`;
  }
  const last = node.items[node.items.length - 1];
  const indent = indentAt(text, start);
  return insertLine(text, nextLine(text, rangeOf(last)?.[2] ?? end), `${indent}- ${scalarText(value, indent.length + 2)}`);
}

function setScalar(text: string, map: YAMLMap, key: string, value: string | number, insert: (block: string) => string, indent: number): string {
  const pair = pairOf(map, key);
  const node = pair?.value;
  const range = rangeOf(node);
  if (!pair || !range || !isScalar(node) || range[0] === range[1]) {
    if (pair) return text.slice(0, rangeOf(pair.key)![0]) + `${key}: ${scalarText(value, indent)}` + text.slice(range?.[1] ?? rangeOf(pair.key)![1]);
    return insert(`${' '.repeat(indent)}${key}: ${scalarText(value, indent)}`);
  }
  const old = text.slice(range[0], range[1]);
  // A `|-` block may only replace a block: after a plain or quoted value a comment may follow on the
  // same line, which would become part of the block's text. There, multi-line text is a "..." string.
  const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
  const next = !block && typeof value === 'string' && value.includes('\n') ? JSON.stringify(value) : scalarText(value, indent);
  return text.slice(0, range[0]) + next + (old.endsWith('\n') && !next.endsWith('\n') ? '\n' : '') + text.slice(range[1]);
}

function setMaxWords(text: string, root: YAMLMap, value: number): string | undefined {
  const length = pairOf(root, 'length');
  if (!length || !isMap(length.value)) {
    if (length && length.value !== null && !(isScalar(length.value) && length.value.value === null)) return undefined;
    if (length) return text.slice(0, rangeOf(length.key)![0]) + `length:\n  max_words: ${value}` + text.slice(rangeOf(length.value)?.[1] ?? rangeOf(length.key)![1]);
    return insertTopLevel(text, root, 'length', `length:\n  max_words: ${value}`);
  }
  const map = length.value;
  const [start, end] = rangeOf(map)!;
  if (map.flow) {
    if (pairOf(map, 'max_words')) return setScalar(text, map, 'max_words', value, () => text, 0);
    const close = text.lastIndexOf('}', end);
    return `${text.slice(0, close)}${map.items.length > 0 ? ', ' : ''}max_words: ${value}${text.slice(close)}`;
  }
  const indent = indentAt(text, start).length;
  return setScalar(text, map, 'max_words', value, (line) => insertLine(text, nextLine(text, end), line), indent);
}

/** One edit applied to the text; undefined when the profile's shape leaves no place for it. */
function applyOne(text: string, edit: ProfileEdit): string | undefined {
  const doc = parseDocument(text);
  const root = doc.contents;
  if (!isMap(root)) return undefined;
  switch (edit.key) {
    case 'banned_phrases':
    case 'required_phrases':
      return addToList(text, root, edit.key, String(edit.value));
    case 'greeting':
    case 'sign_off':
      return setScalar(text, root, edit.key, String(edit.value), (block) => insertTopLevel(text, root, edit.key, block), 0);
    case 'length.max_words':
      return setMaxWords(text, root, Number(edit.value));
  }
}

/** The profile text with the edits applied (line endings and a BOM kept), and the edits that found no place. */
export function editProfileText(src: string, edits: readonly ProfileEdit[]): { text: string; skipped: ProfileEdit[] } {
  const bom = src.startsWith('\uFEFF') ? '\uFEFF' : '';
  const crlf = src.includes('\r\n');
  let text = src.slice(bom.length).replace(/\r\n/g, '\n');
  const skipped: ProfileEdit[] = [];
  for (const edit of edits) {
    const next = applyOne(text, edit);
    if (next === undefined) skipped.push(edit);
    else text = next;
  }
  return { text: bom + (crlf ? text.replace(/\n/g, '\r\n') : text), skipped };
}

export interface ProfileWrite {
  /** The copy of the profile as it was (0600); absent when the profile already had every edit. */
  backup?: string;
  skipped: ProfileEdit[];
}

/** `20261125T232720Z`: sorts by time, safe in a file name on every system. */
function stamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

async function writeBackup(file: string, src: string, now: Date): Promise<string> {
  for (let n = 1; ; n++) {
    const backup = `${file}.${stamp(now)}${n > 1 ? `-${n}` : ''}.bak`;
    try {
      await writePrivateFile(backup, src, 'wx');
      return backup;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 100) throw cannotWrite(backup, err);
    }
  }
}

/** Replaces `file` with `text` atomically (temp file beside it, then rename), with the mode `mode`. */
async function replaceKeepingMode(file: string, text: string, mode: number): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(temp, mode);
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw cannotWrite(file, err);
  }
}

function cannotWrite(file: string, err: unknown): DraftsmithError {
  return new DraftsmithError(`cannot write ${file}: ${(err as Error).message}`, {
    cause: err,
    hint: 'check that the folder is writable and the disk has space; the profile itself is unchanged.',
  });
}

/**
 * Applies the edits to the profile at `file` (a link is followed to its target). Throws InputError
 * when the result would not be a valid profile (then nothing is written, not even the backup).
 */
export async function writeProfileEdits(file: string, edits: readonly ProfileEdit[], now = new Date()): Promise<ProfileWrite> {
  const target = await realpath(file);
  const src = await readFile(target, 'utf8');
  const { mode } = await stat(target);
  const { text, skipped } = editProfileText(src, edits);
  try {
    parseProfileText(text, file);
  } catch (err) {
    throw new InputError(`the learned keys would make ${file} an invalid profile, so it was left unchanged: ${(err as Error).message}`, {
      cause: err,
      hint: `check the profile with \`draftsmith profile check ${file}\`, or add the keys by hand.`,
    });
  }
  if (text === src) return { skipped };
  const backup = await writeBackup(target, src, now);
  await replaceKeepingMode(target, text, mode & 0o7777);
  return { backup, skipped };
}
