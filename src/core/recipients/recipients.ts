// CSV rows -> recipients. Pure: the streaming reader is src/io/csv/reader.ts.

/** The columns of a recipients file, after header clean-up. */
export interface Columns {
  /** Header names as written, except repeated ones renamed (`Phone Number`, `Phone Number_2`). Used for export. */
  headers: string[];
  /** snake_case form of each header (`E-mail Address` -> `e_mail_address`), same order. */
  keys: string[];
  /** Canonical field -> index into headers (first_name, last_name, full_name, email, company, role, language, notes). */
  canonical: Partial<Record<CanonicalField, number>>;
}

export type CanonicalField =
  | 'first_name'
  | 'last_name'
  | 'full_name'
  | 'email'
  | 'company'
  | 'role'
  | 'language'
  | 'notes';

export interface Recipient {
  /** 1-based data row (first row after the header is 1). */
  row: number;
  /** 1-based line in the file where this record starts (for error messages). */
  line: number;
  /** Cell values in the order of Columns.headers. */
  cells: string[];
}

// Canonical fields and the snake_case headers that mean them, in priority order: `job_title` before
// `title` because Outlook's `Title` is a salutation.
const ALIASES: Record<CanonicalField, readonly string[]> = {
  first_name: ['first_name', 'firstname', 'given_name', 'givenname', 'first', 'forename'],
  last_name: ['last_name', 'lastname', 'surname', 'family_name', 'familyname', 'last'],
  full_name: ['full_name', 'fullname', 'name', 'contact_name', 'display_name', 'displayname'],
  email: [
    'email', 'email_address', 'e_mail', 'e_mail_address', 'emailaddress', 'primary_email',
    'e_mail_1_value', 'email_1', 'email_1_value', 'work_email', 'mail',
  ],
  company: [
    'company', 'company_name', 'organization', 'organisation', 'organization_name', 'organization_1_name',
    'associated_company', 'account_name', 'employer',
  ],
  role: ['job_title', 'jobtitle', 'title', 'position', 'role', 'job_role', 'organization_1_title'],
  language: ['language', 'lang', 'preferred_language', 'locale'],
  notes: ['notes', 'note', 'comments', 'comment', 'description'],
};

export const CANONICAL_FIELDS = Object.keys(ALIASES) as CanonicalField[];

/** `E-mail Address` -> `e_mail_address`; keeps letters of every script, drops Latin accents. */
export function snakeCase(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // combining accents on Latin letters (é -> e)
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}

/** Clean raw header cells: name empty ones `column_N`, rename repeats `X_2`, `X_3`, map canonical fields. */
export function buildColumns(rawHeaders: string[]): { columns: Columns; warnings: string[] } {
  const headers: string[] = [];
  const taken = new Set<string>();
  const renamed: string[] = [];
  rawHeaders.forEach((raw, i) => {
    const base = raw.trim() === '' ? `column_${i + 1}` : raw.trim();
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    if (name !== base && raw.trim() !== '') renamed.push(`${base} -> ${name}`);
    taken.add(name);
    headers.push(name);
  });
  const keys = headers.map((h, i) => snakeCase(h) || `column_${i + 1}`);
  const canonical: Columns['canonical'] = {};
  for (const field of CANONICAL_FIELDS) {
    for (const alias of ALIASES[field]) {
      const index = keys.indexOf(alias);
      if (index >= 0) {
        canonical[field] = index;
        break;
      }
    }
  }
  const warnings =
    renamed.length > 0 ? [`repeated column header(s) kept and renamed: ${renamed.join(', ')}`] : [];
  return { columns: { headers, keys, canonical }, warnings };
}

/** name = header as written, its snake_case key, or a canonical name. */
export function findColumn(columns: Columns, name: string): number | undefined {
  const exact = columns.headers.indexOf(name);
  if (exact >= 0) return exact;
  const key = snakeCase(name);
  const byKey = columns.keys.indexOf(key);
  if (byKey >= 0) return byKey;
  return (CANONICAL_FIELDS as string[]).includes(key) ? columns.canonical[key as CanonicalField] : undefined;
}

export function fieldValue(r: Recipient, columns: Columns, name: string): string | undefined {
  const index = findColumn(columns, name);
  return index === undefined ? undefined : r.cells[index];
}

/** All cells by header (for the drafts file / export). */
export function recipientRecord(r: Recipient, columns: Columns): Record<string, string> {
  // fromEntries defines own properties, so a header named `__proto__` stays a plain key.
  return Object.fromEntries(columns.headers.map((h, i) => [h, r.cells[i] ?? '']));
}

/** A stored recipient back in the CSV's shape: its headers, its cells in that order, and its columns. */
export interface StoredRow {
  headers: string[];
  cells: string[];
  columns: Columns;
}

let lastStored: { signature: string; columns: Columns } | undefined;

/**
 * A recipient as the drafts file and exports keep it (every cell by header, recipientRecord's
 * shape) back as cells and columns: the one way a stored row becomes columns again, for
 * regeneration, lint, mail addresses and old keys. A file's rows share one header list, so the
 * columns are built once per list, not once per row.
 */
export function storedRow(recipient: Record<string, string>): StoredRow {
  const headers = Object.keys(recipient);
  const signature = headers.join('\u0000');
  if (lastStored?.signature !== signature) lastStored = { signature, columns: buildColumns(headers).columns };
  return { headers, cells: headers.map((h) => recipient[h] ?? ''), columns: lastStored.columns };
}

/** A human display name: full_name, else first+last, else email, else `row N`. */
export function displayName(r: Recipient, columns: Columns): string {
  const get = (f: CanonicalField): string => {
    const i = columns.canonical[f];
    return i === undefined ? '' : (r.cells[i] ?? '').trim();
  };
  const full = get('full_name');
  if (full) return full;
  const firstLast = [get('first_name'), get('last_name')].filter(Boolean).join(' ');
  if (firstLast) return firstLast;
  return get('email') || `row ${r.row}`;
}

const DELIMITERS = [',', ';', '\t', '|'] as const;

/** Count each candidate delimiter outside quotes in the first record of `text`; the most frequent wins (`,` if none). */
export function sniffDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted; // a doubled "" toggles twice: still right
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best: string = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

function delimitersOutsideQuotes(line: string): number {
  let quoted = false;
  let n = 0;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (DELIMITERS as readonly string[]).includes(ch)) n++;
  }
  return n;
}

/**
 * How many physical lines come before the header: leading blank lines, plus an export preamble such
 * as LinkedIn's (`Notes:`, a quoted notice, a blank line). A preamble is a first line with no
 * delimiter, ended by a blank line that is followed by a line with delimiters. CSVY's YAML front
 * matter (`---` ... `---`) is skipped whole; `frontMatter` says which kind was found.
 */
export function detectPreamble(lines: string[]): { skip: number; preamble: string | undefined; frontMatter?: true } {
  const blank = (i: number): boolean => /^[ \t]*$/.test(lines[i] ?? '');
  let start = 0;
  while (start < lines.length - 1 && blank(start)) start++;
  const first = lines[start] ?? '';
  if (/^---[ \t]*$/.test(first)) {
    for (let j = start + 1; j < lines.length - 1; j++) {
      if (!/^(?:---|\.\.\.)[ \t]*$/.test(lines[j]!)) continue;
      let next = j + 1;
      while (next < lines.length - 1 && blank(next)) next++;
      return { skip: next, preamble: first.trim(), frontMatter: true };
    }
  }
  // A first line with delimiters is the header; one with an odd number of quotes opens a multi-line cell.
  const quotes = first.split('"').length - 1;
  if (delimitersOutsideQuotes(first) > 0 || quotes % 2 === 1) return { skip: start, preamble: undefined };
  for (let j = start + 1; j < Math.min(lines.length, start + 12); j++) {
    if (!blank(j)) continue;
    let next = j;
    while (next < lines.length && blank(next)) next++;
    if (next < lines.length && delimitersOutsideQuotes(lines[next]!) > 0) return { skip: next, preamble: first.trim() };
    break; // only the first blank line can end a preamble
  }
  return { skip: start, preamble: undefined };
}
