// What each path given to `history import` is: an mbox file, one .eml file, a folder of .eml files
// (recursively, in a stable order), or a history CSV. Decided before anything is imported, so a
// path that is not mail stops the run (InputError naming the file) before a batch is written.
import { open, readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { MAX_MESSAGE_BYTES, splitMbox, type RawMessage } from './mbox-splitter.js';

export type SourceKind = 'mbox' | 'eml' | 'folder' | 'csv';

export interface MailSource {
  kind: SourceKind;
  file: string;
  /** As the user wrote it, for messages. */
  name: string;
  /** Bytes to read (the folder's .eml files together), for the progress bar. */
  bytes: number;
  /** A folder's .eml files, sorted. */
  files?: { file: string; name: string; bytes: number }[];
}

const HINT = 'give an mbox file (Thunderbird, Gmail Takeout, Apple Mail), .eml files, a folder of them, or a history CSV (email,date,direction,subject,text).';

export async function resolveSources(paths: readonly string[], cwd: string): Promise<MailSource[]> {
  const sources: MailSource[] = [];
  for (const name of paths) sources.push(await resolveOne(path.resolve(cwd, name), name));
  return sources;
}

async function resolveOne(file: string, name: string): Promise<MailSource> {
  const info = await stat(file).catch((err: NodeJS.ErrnoException) => {
    const what = err.code === 'ENOENT' ? 'no such file or folder.' : `cannot read it (${err.code ?? err.message}).`;
    throw new InputError(what, { location: { file: name }, hint: 'check the path.', cause: err });
  });
  if (info.isDirectory()) {
    const files = await emlFiles(file, name);
    if (files.length === 0) throw new InputError('this folder holds no .eml files.', { location: { file: name }, hint: HINT });
    return { kind: 'folder', file, name, bytes: files.reduce((n, f) => n + f.bytes, 0), files };
  }
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return { kind: 'csv', file, name, bytes: info.size };
  if (ext === '.eml') return { kind: 'eml', file, name, bytes: info.size };
  return { kind: await sniff(file, name), file, name, bytes: info.size };
}

/** An mbox starts with a From_ line; a single message with a header line. */
async function sniff(file: string, name: string): Promise<SourceKind> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const text = head.subarray(0, bytesRead);
    if (text.includes(0)) throw new InputError('this is not a mail file (it contains binary data).', { location: { file: name, line: 1 }, hint: HINT });
    const lines = text.toString('latin1').split(/\r?\n/);
    const first = lines.findIndex((l) => l.trim() !== '');
    if (first === -1) throw new InputError('this file holds no mail: it is empty.', { location: { file: name, line: 1 }, hint: HINT });
    if (lines[first]!.startsWith('From ')) return 'mbox';
    if (/^[!-9;-~]+:/.test(lines[first]!)) return 'eml';
    throw new InputError('this is not a mail file: it starts with neither an mbox "From " line nor a mail header.', { location: { file: name, line: first + 1 }, hint: HINT });
  } finally {
    await handle.close();
  }
}

/** Every .eml file below a folder, sorted by relative path (code points), symlinks not followed. */
async function emlFiles(dir: string, name: string): Promise<{ file: string; name: string; bytes: number }[]> {
  const found: { file: string; name: string; bytes: number }[] = [];
  const walk = async (folder: string, rel: string) => {
    const entries = await readdir(folder, { withFileTypes: true });
    for (const e of entries) {
      const full = path.join(folder, e.name);
      const relName = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(full, relName);
      else if (e.isFile() && e.name.toLowerCase().endsWith('.eml')) found.push({ file: full, name: path.join(name, relName), bytes: (await stat(full)).size });
    }
  };
  await walk(dir, '');
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The raw messages of a mail source (not a CSV), in order. */
export async function* rawMessages(source: MailSource, opts: { chunkSize?: number } = {}): AsyncGenerator<RawMessage> {
  if (source.kind === 'mbox') {
    yield* splitMbox(source.file, { name: source.name, chunkSize: opts.chunkSize });
    return;
  }
  const files = source.kind === 'folder' ? source.files! : [{ file: source.file, name: source.name, bytes: source.bytes }];
  let offset = 0;
  let index = 0;
  for (const f of files) {
    offset += f.bytes;
    index++;
    if (f.bytes > MAX_MESSAGE_BYTES) {
      yield { bytes: Buffer.alloc(0), index, line: 1, offset, source: f.name, tooLarge: true };
      continue;
    }
    const bytes = await readFile(f.file).catch((err: NodeJS.ErrnoException) => {
      throw new InputError(`cannot read it (${err.code ?? err.message}).`, { location: { file: f.name }, hint: 'check the file permissions.', cause: err });
    });
    yield { bytes, index, line: 1, offset, source: f.name };
  }
}
