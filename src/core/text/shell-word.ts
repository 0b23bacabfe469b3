// A word for a command line we print for the user to copy (resume hints, next steps). Pure.
import { stripControlsInline } from './sanitize.js';

/** As is when it is plainly safe for a POSIX shell, else single-quoted; controls stripped. */
export function shellWord(s: string): string {
  const clean = stripControlsInline(s);
  return /^[\w./:@,+-]+$/.test(clean) ? clean : `'${clean.replace(/'/g, `'\\''`)}'`;
}
