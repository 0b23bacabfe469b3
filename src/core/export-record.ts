// The record `draft --out` and `export` write, one per recipient: the stable shape the next tool
// (a mail merge, a CRM import, `draftsmith lint`) reads. Pure.
import type { DraftRecord, DraftStatus } from './draft.js';

export interface ExportRecord {
  /** 1-based data row in the CSV. */
  row: number;
  /** Every CSV column by its header. */
  recipient: Record<string, string>;
  /** Email channel only. */
  subject?: string;
  /** Empty for a failed row. */
  body: string;
  status: DraftStatus;
  model: string;
  /** Why drafting failed, for `failed`. */
  error?: string;
  /** Which draft version this is (1 = first draft; regenerations add one). */
  version: number;
  /** True when a person changed the text (status `edited`). */
  edited: boolean;
}

export interface ExportOverride {
  status?: DraftStatus;
  subject?: string;
  body?: string;
  version?: number;
}

/** Builds the export record for a draft; a review decision may override status and text. */
export function toExportRecord(rec: DraftRecord, override: ExportOverride = {}): ExportRecord {
  const status = override.status ?? rec.status;
  const subject = override.subject ?? rec.subject;
  const error = status === 'failed' ? (rec.error ?? 'unknown error') : undefined;
  // Key order is the order a reader sees in the JSONL: keep it stable.
  return {
    row: rec.row,
    recipient: { ...rec.recipient },
    ...(subject !== undefined ? { subject } : {}),
    body: override.body ?? rec.body ?? '',
    status,
    model: rec.model,
    ...(error !== undefined ? { error } : {}),
    version: override.version ?? rec.version,
    edited: status === 'edited',
  };
}

const NAME_KEYS = ['fullname', 'name', 'displayname', 'contactname'];
const FIRST_KEYS = ['firstname', 'givenname', 'first', 'forename'];
const LAST_KEYS = ['lastname', 'surname', 'familyname', 'last'];
const EMAIL_KEYS = ['email', 'emailaddress', 'mail', 'email1', 'primaryemail', 'workemail'];

/**
 * A short label for a recipient from common headers: `Ana Pereira <ana@x.org>`, or '' when no
 * name or e-mail column is recognised. Not sanitised: callers strip controls for display.
 */
export function recipientLabel(recipient: Record<string, string>): string {
  const byKey = new Map<string, string>();
  for (const [header, value] of Object.entries(recipient)) {
    const key = header.toLowerCase().replace(/[^a-z0-9]/g, '');
    if (!byKey.has(key) && value.trim() !== '') byKey.set(key, value.trim());
  }
  const pick = (keys: string[]) => keys.map((k) => byKey.get(k)).find((v) => v !== undefined);
  const name =
    pick(NAME_KEYS) ?? [pick(FIRST_KEYS), pick(LAST_KEYS)].filter((v) => v !== undefined).join(' ');
  const email = pick(EMAIL_KEYS);
  if (name && email) return `${name} <${email}>`;
  return name || email || '';
}
