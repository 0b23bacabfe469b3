// The record `draft --out` and `export` write, one per recipient: the stable shape the next tool
// (a mail merge, a CRM import, `draftsmith lint`) reads. Pure.
import type { StoredRecipient } from '../decisions/rules.js';
import type { DraftStatus } from '../decisions/records.js';
import type { Provenance } from './provenance.js';

export interface ExportRecord {
  /** 1-based data row in the CSV. */
  row: number;
  /** Every CSV column by its header. */
  recipient: Record<string, string>;
  /** Email channel only. */
  subject?: string;
  /** Empty for a failed row. */
  body: string;
  /** The profile's answer fields (output.fields): JSONL keys and CSV columns under their own names. */
  fields?: Record<string, string>;
  status: DraftStatus;
  model: string;
  /** Why drafting failed, for `failed`. */
  error?: string;
  /** Which version this text is (1 = first draft; every new version adds one); for `approved`, the version approved. */
  version: number;
  /** Of a draft made in variants: the name of the variant this text is (for `approved`, the one approved). */
  variant?: string;
  /** True when a person wrote this version (review's `e`). */
  edited: boolean;
  /** A decided recipient whose inputs changed since its draft. */
  stale?: true;
  /** A recipient no longer in the CSV (only with --include-orphans). */
  orphaned?: true;
  /** `export` only (not `draft --out`): how the message was made and decided (core/export/provenance.ts). */
  provenance?: Provenance;
}

/** The export record of a recipient's latest version: the text every command shows and exports. */
export function toExportRecord(r: StoredRecipient): ExportRecord {
  const { state, draft, text } = r;
  const variant = r.variant !== undefined ? draft.variants?.[r.variant - 1]?.name : undefined;
  const error = state.status === 'failed' ? (draft.error ?? 'unknown error') : undefined;
  // Key order is the order a reader sees in the JSONL: keep it stable.
  return {
    row: state.row,
    recipient: { ...draft.recipient },
    ...(text?.subject !== undefined ? { subject: text.subject } : {}),
    body: text?.body ?? '',
    ...(text?.fields ? { fields: text.fields } : {}),
    status: state.status,
    model: draft.model,
    ...(error !== undefined ? { error } : {}),
    version: state.version,
    ...(variant !== undefined ? { variant } : {}),
    edited: state.edited,
    ...(state.stale ? { stale: true as const } : {}),
    ...(state.orphaned ? { orphaned: true as const } : {}),
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
