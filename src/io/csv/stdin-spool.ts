// A CSV piped in on stdin is read twice (validated, then streamed), so it is first copied to a
// private temp file.
import { createWriteStream } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import { InputError } from '../../core/errors.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../private-files.js';

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
