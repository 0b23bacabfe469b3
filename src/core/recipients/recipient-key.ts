// Who a recipient is, as one stable string. Drafts and decisions belong to a recipient, not to a
// line number: deleting a row above must not hand Wei's approval to someone else, and the same
// person in two campaigns must be the same person. Every feature that needs "the same recipient"
// (drafts files, history, learning) uses this one function. Pure.
//
// In order: the profile's `identity:` columns; else the e-mail (trimmed, lower-cased); else a
// profile-URL column (scheme, www., query and trailing slash dropped); else a hash of the row's
// non-private cells.
import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import { findColumn, storedRow, type Columns } from './recipients.js';

export type RecipientKeyOf = (cells: readonly string[]) => string;

export interface KeyRules {
  /** The profile's `identity:` column names, when set. */
  identity?: readonly string[];
  /** Column indices never sent to the model; left out of the cell hash. */
  privateColumns?: readonly number[];
}

// Headers (snake_case) that hold a person's profile page, most specific first.
const URL_KEYS = ['linkedin_url', 'linkedin_profile_url', 'linkedin_profile', 'linkedin', 'profile_url', 'person_linkedin_url', 'url'];

/** Builds the key function for a CSV's columns once; call it per row. */
export function recipientKeyFor(columns: Columns, rules: KeyRules = {}): RecipientKeyOf {
  const identity = identityColumns(columns, rules.identity);
  const email = columns.canonical.email;
  const url = URL_KEYS.map((k) => columns.keys.indexOf(k)).find((i) => i >= 0);
  const hidden = new Set(rules.privateColumns ?? []);
  const hashed = columns.headers.map((_, i) => i).filter((i) => !hidden.has(i));
  return (cells) => {
    if (identity) {
      const values = identity.map((i) => (cells[i] ?? '').trim());
      if (values.some((v) => v !== '')) return `id:${values.join('\u001f')}`;
    }
    const mail = email === undefined ? '' : (cells[email] ?? '').trim().toLowerCase();
    if (mail !== '') return `email:${mail}`;
    const page = url === undefined ? '' : normaliseUrl(cells[url] ?? '');
    if (page !== '') return `url:${page}`;
    const hash = createHash('sha256');
    for (const i of hashed) hash.update(`${columns.headers[i]}\u0000${(cells[i] ?? '').trim()}\u0000`);
    return `cells:${hash.digest('hex').slice(0, 24)}`;
  };
}

function identityColumns(columns: Columns, names: readonly string[] | undefined): number[] | undefined {
  if (!names || names.length === 0) return undefined;
  const missing = names.filter((n) => findColumn(columns, n) === undefined);
  if (missing.length > 0) {
    throw new InputError(`the profile's identity column(s) ${missing.map((m) => JSON.stringify(m)).join(', ')} are not in the CSV`, {
      hint: `use columns the CSV has (${columns.headers.slice(0, 8).join(', ')}${columns.headers.length > 8 ? ', ...' : ''}), or remove \`identity:\` to key recipients by e-mail.`,
    });
  }
  return names.map((n) => findColumn(columns, n)!);
}

/** `https://www.LinkedIn.com/in/jane/?utm=x` -> `linkedin.com/in/jane`; '' when it is not a URL. */
export function normaliseUrl(raw: string): string {
  const value = raw.trim();
  if (value === '' || /\s/.test(value)) return '';
  const bare = value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^www\./i, '');
  const cut = bare.split(/[?#]/)[0]!.replace(/\/+$/, '');
  if (!cut.includes('.') && !cut.includes('/')) return '';
  const slash = cut.indexOf('/');
  return slash < 0 ? cut.toLowerCase() : cut.slice(0, slash).toLowerCase() + cut.slice(slash);
}

/**
 * The key of a stored recipient (every column by header), for drafts written before keys: the
 * same rules over the record's own columns, one key function per distinct header list.
 */
export function storedRecipientKey(rules: KeyRules = {}): (recipient: Record<string, string>) => string {
  const byHeaders = new Map<string, RecipientKeyOf>();
  return (recipient) => {
    const { headers, cells, columns } = storedRow(recipient);
    const sig = headers.join('\u0000');
    let keyOf = byHeaders.get(sig);
    if (!keyOf) {
      keyOf = recipientKeyFor(columns, { ...rules, privateColumns: undefined });
      byHeaders.set(sig, keyOf);
    }
    return keyOf(cells);
  };
}
