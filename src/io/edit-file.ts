// Reads the text of `approve --edit FILE` (`-`: standard input), as UTF-8. A file that cannot be
// read is an InputError naming it; its shape is core/decisions/edit-file.ts's to check.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../core/errors.js';

/** Beyond this, it is not one message: refuse rather than hold it in memory. */
const MAX_BYTES = 1024 * 1024;

export async function readEditFile(file: string, cwd: string, stdin: NodeJS.ReadableStream): Promise<string> {
  const buf = file === '-' ? await readAll(stdin) : await readNamed(path.resolve(cwd, file), file);
  if (buf.length > MAX_BYTES) {
    throw new InputError(`the edit file ${file === '-' ? '(standard input)' : file} is larger than 1 MiB: it is not one message.`, {
      location: { file: file === '-' ? '<stdin>' : file },
      hint: 'give a file holding one draft: `Subject: ...`, a blank line, then the body.',
    });
  }
  return buf.toString('utf8');
}

async function readNamed(full: string, shown: string): Promise<Buffer> {
  try {
    return await readFile(full);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a folder, not a file' : 'cannot be read';
    throw new InputError(`the edit file ${shown} ${what}.`, { location: { file: shown }, hint: 'check the path given to --edit (`-` reads standard input).', cause: err });
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    chunks.push(b);
    if ((size += b.length) > MAX_BYTES) break;
  }
  return Buffer.concat(chunks);
}
