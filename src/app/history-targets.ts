// Who `history show/forget/optout/optin` is about: e-mail addresses (`Ana <ana@example.org>` too)
// or recipient keys as drafts files write them (`id:...`, `url:...`, `cells:...`), from the command
// line or from the e-mail column of a CSV (`forget --csv FILE`).
import { InputError, UsageError } from '../core/errors.js';
import { normaliseAddress } from '../core/memory/who.js';
import { stripControlsInline } from '../core/text/sanitize.js';
import { scanCsv } from '../io/csv/reader.js';

const KEY = /^(id|url|cells):\S/;

/** Each target as the memory looks it up (addresses lower-cased); a UsageError naming every bad one. */
export function parseTargets(values: readonly string[]): string[] {
  const bad: string[] = [];
  const out: string[] = [];
  for (const value of values) {
    const text = value.trim();
    const address = normaliseAddress(text.startsWith('email:') ? text.slice('email:'.length) : text);
    if (address) out.push(address);
    else if (KEY.test(text)) out.push(text);
    else bad.push(value);
  }
  if (bad.length > 0) {
    throw new UsageError(`not an e-mail address or a recipient key: ${bad.map((b) => JSON.stringify(stripControlsInline(b))).join(', ')}`, {
      hint: 'give addresses like ana@example.org, or keys as drafts files write them (id:..., url:..., cells:...).',
    });
  }
  if (out.length === 0) throw new UsageError('no address given.', { hint: 'e.g. `draftsmith history forget ana@example.org`, or `--csv FILE` for a CSV with an e-mail column.' });
  return [...new Set(out)];
}

/** The addresses in a CSV's e-mail column (blank cells skipped). */
export async function readCsvAddresses(file: string): Promise<string[]> {
  const found: string[] = [];
  let hasEmail = true;
  let headers: string[] = [];
  await scanCsv({ file }, (columns) => {
    const column = columns.canonical.email;
    headers = columns.headers;
    hasEmail = column !== undefined;
    return (rec) => {
      const cell = column === undefined ? '' : (rec.cells[column] ?? '').trim();
      if (cell !== '') found.push(cell);
    };
  });
  if (!hasEmail) {
    throw new InputError(`${file} has no e-mail column`, {
      hint: `name the column email (its headers: ${headers.slice(0, 8).join(', ')}${headers.length > 8 ? ', ...' : ''}).`,
    });
  }
  return found;
}
