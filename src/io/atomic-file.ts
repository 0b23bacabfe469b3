// Output files appear whole or not at all: write a temp file beside the target (same folder, so
// same filesystem, so rename is atomic), fsync it, then rename it over the target. A crash or
// Ctrl-C mid-export leaves the previous file intact and at worst a stray `.name.<pid>.<hex>.tmp`,
// which the next export into that place removes once its pid is gone (it holds private data).
//
// Every output is 0600, also when it replaces an existing file with a wider mode: what draftsmith
// writes holds recipient data, so it does not inherit whatever mode the old file had.
//
// Why two functions: write-file-atomic does exactly this for data already in memory, so small
// files can use it. It cannot take a stream, and an export of 100k drafts should not be built as
// one string, so streamed outputs use the same recipe by hand with a write stream.
import { randomBytes } from 'node:crypto';
import { createWriteStream, fchmodSync } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { InputError } from '../core/errors.js';
import { PRIVATE_FILE_MODE } from './private-files.js';
import { isPidAlive } from './drafts-file/process-info.js';

/** `.<name>.<pid>.<hex>.tmp`: the pid says whether its writer may still be using it. */
const TEMP_NAME = /^\.(.+)\.(\d+)\.[0-9a-f]+\.tmp$/;

export interface OutputFileOptions {
  /** Remove stale temp files of this target first (default true). A caller writing many files into one folder sweeps once itself. */
  sweep?: boolean;
}

/** Streams into `target` atomically: `write` gets the temp file's stream and must not end it. */
export async function writeOutputFile(
  target: string,
  write: (stream: NodeJS.WritableStream) => Promise<void>,
  opts: OutputFileOptions = {},
): Promise<void> {
  const dir = path.dirname(target);
  const name = path.basename(target);
  if (opts.sweep !== false) await removeStaleTempFiles(dir, (forName) => forName === name);
  const temp = path.join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // `flush: true` fsyncs before closing: the data is on disk before the name points at it,
  // otherwise a power cut right after the rename can leave an empty file.
  const stream = createWriteStream(temp, { flags: 'wx', mode: PRIVATE_FILE_MODE, flush: true });
  const closed = new Promise<void>((resolve, reject) => {
    stream.once('close', resolve);
    stream.once('error', reject);
  });
  closed.catch(() => {}); // awaited below; never an unhandled rejection
  let renamed = false;
  try {
    try {
      const [fd] = (await once(stream, 'open')) as [number];
      fchmodSync(fd, PRIVATE_FILE_MODE); // the umask may have narrowed it oddly; say it exactly
    } catch (err) {
      throw cannotWrite(target, err);
    }
    try {
      await write(stream);
    } catch (err) {
      stream.destroy();
      throw err;
    }
    stream.end();
    await closed;
    await rename(temp, target);
    renamed = true;
  } finally {
    if (!renamed) {
      stream.destroy();
      await rm(temp, { force: true }).catch(() => {});
    }
  }
}

/** Writes a small file atomically (fsync + rename), 0600. */
export async function writeSmallFile(target: string, data: string | Buffer): Promise<void> {
  // Loaded here, not at the top: `draft` and `export` reach this module for their streamed
  // outputs, and write-file-atomic (with signal-exit) would load before every first request.
  const { default: writeFileAtomic } = await import('write-file-atomic');
  try {
    // With a mode, write-file-atomic chmods its temp file to it instead of copying the old file's.
    await writeFileAtomic(target, data, { fsync: true, mode: PRIVATE_FILE_MODE });
  } catch (err) {
    throw cannotWrite(target, err);
  }
}

/**
 * Removes temp files in `dir` whose writer is gone (a kill -9 or power cut mid-export), for the
 * targets `forTarget` accepts by name. One whose pid is alive may be mid-write: it stays.
 */
export async function removeStaleTempFiles(dir: string, forTarget: (name: string) => boolean): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return; // no folder, no leftovers; the write itself reports why it cannot go there
  }
  for (const entry of entries) {
    const m = TEMP_NAME.exec(entry.name);
    if (!m || !entry.isFile() || !forTarget(m[1]!) || isPidAlive(Number(m[2]))) continue;
    // Best effort: failing to tidy someone's folder must not fail the export.
    await rm(path.join(dir, entry.name), { force: true }).catch(() => {});
  }
}

function cannotWrite(target: string, err: unknown): InputError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const why = code === 'ENOENT' ? 'the folder does not exist' : code === 'EACCES' ? 'permission denied' : (err as Error)?.message;
  return new InputError(`cannot write ${target}: ${why}`, {
    hint: 'choose an output path in an existing folder you can write to, or use --out - for stdout.',
    cause: err,
  });
}
