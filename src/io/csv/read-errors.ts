// What goes wrong with a recipients file as a whole, worded for the person who gave it: a path
// that cannot be read, an empty file, a row whose width differs from the header's.
import { InputError } from '../../core/errors.js';

export function fileError(err: unknown, name: string): Error {
  const code = (err as NodeJS.ErrnoException)?.code;
  const location = { file: name };
  if (code === 'ENOENT') return new InputError('no such file.', { location, cause: err, hint: 'check the path; pass - to read stdin.' });
  if (code === 'EISDIR') return new InputError('this is a directory, not a CSV file.', { location, cause: err, hint: 'pass the path of the CSV file itself; pass - to read stdin.' });
  if (code === 'EACCES' || code === 'EPERM') return new InputError('permission denied.', { location, cause: err, hint: 'check the file permissions, or pipe it in with - .' });
  return new InputError(`cannot read the file (${code ?? String(err)}).`, { location, cause: err, hint: 'check the path; pass - to read stdin.' });
}

export function emptyError(name: string): InputError {
  return new InputError('the file is empty.', { location: { file: name }, hint: 'give a CSV with a header row and one row per recipient.' });
}

export function raggedError(name: string, line: number, expected: number, got: number, delimiter: string, details: string[]): InputError {
  const shown = delimiter === '\t' ? 'TAB' : delimiter;
  return new InputError(`expected ${expected} cells (as in the header), got ${got}.`, {
    location: { file: name, line },
    details,
    hint: `quote cells that contain the delimiter "${shown}" (e.g. "Smith${delimiter} Jr."); if there are lines above the header, use --skip-lines N.`,
  });
}
