// Output files appear whole or not at all: write a temp file beside the target (same folder, so
// same filesystem, so rename is atomic), fsync it, then rename it over the target. A crash or
// Ctrl-C mid-export leaves the previous file intact and at worst a stray `.name.*.tmp`.
//
// Why two functions: write-file-atomic does exactly this for data already in memory (and keeps
// an existing file's mode and owner), so small files (.eml messages) use it. It cannot take a
// stream, and an export of 100k drafts should not be built as one string, so streamed outputs
// use the same recipe by hand with a write stream.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { InputError } from '../core/errors.js';

/** Streams into `target` atomically: `write` gets the temp file's stream and must not end it. */
export async function writeOutputFile(
  target: string,
  write: (stream: NodeJS.WritableStream) => Promise<void>,
): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const mode = (await existingMode(target)) ?? 0o666;
  // `flush: true` fsyncs before closing: the data is on disk before the name points at it,
  // otherwise a power cut right after the rename can leave an empty file.
  const stream = createWriteStream(temp, { flags: 'wx', mode, flush: true });
  const closed = new Promise<void>((resolve, reject) => {
    stream.once('close', resolve);
    stream.once('error', reject);
  });
  closed.catch(() => {}); // awaited below; never an unhandled rejection
  let renamed = false;
  try {
    try {
      await once(stream, 'open');
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

/** Writes a small file atomically (fsync + rename), keeping an existing file's mode. */
export async function writeSmallFile(target: string, data: string | Buffer): Promise<void> {
  try {
    await writeFileAtomic(target, data, { fsync: true });
  } catch (err) {
    throw cannotWrite(target, err);
  }
}

async function existingMode(target: string): Promise<number | undefined> {
  try {
    return (await stat(target)).mode & 0o777;
  } catch {
    return undefined;
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
