// The memory's handle on a recipient: the drafts key plus the e-mail cell, so a person drafted under
// an `identity:` key still meets the mail imported under their address. Pure.
import { parseAddress } from '../export/mime.js';
import { storedRow } from '../recipients/recipients.js';
import type { Who } from './records.js';

/** `' Ana@Example.ORG '` -> `ana@example.org`; undefined when the cell is not one plain address. */
export function normaliseAddress(value: string): string | undefined {
  const parsed = parseAddress(value);
  return parsed ? parsed.email.toLowerCase() : undefined;
}

/** A stored recipient (every column by header) and its key -> who the memory knows it as. */
export function whoOf(key: string, recipient: Record<string, string>): Who {
  const { cells, columns } = storedRow(recipient);
  const column = columns.canonical.email;
  const email = column === undefined ? undefined : normaliseAddress(cells[column] ?? '');
  if (email) return { key, email };
  return key.startsWith('email:') ? { key, email: key.slice('email:'.length) } : { key };
}
