// The decision model's rules in one place. Pure.
// - What a `draft` run does with a recipient the drafts file already knows (planRow).
// - Which text a recipient's latest version has: a person's edit over the model's draft
//   (effectiveText); every command that shows or exports a draft uses it (through the drafts
//   store's read), and edits and regenerations start from it (startingText).
// - Which recipients an export takes (isExportable).
import type { DecisionRecord, DraftRecord, DraftStatus, EditRecord } from './records.js';
import type { RecipientState } from './recipient-index.js';

/** What the fold knows of a recipient, as planRow needs it. */
export type KnownRecipient = Pick<RecipientState, 'status' | 'version' | 'edited' | 'fingerprint' | 'legacy' | 'stale'>;

export interface PlanOptions {
  /** `--force`: draft again whatever the drafts file holds. */
  force: boolean;
  /** `--redraft-decided`: draft again decided (or edited) recipients whose inputs changed. */
  redraftDecided: boolean;
}

/**
 * - `draft`: ask the model (new recipient, failed, changed inputs of an undecided draft, or asked to);
 * - `cached`: the draft on file is what this run would make, or a person's work is kept as it is;
 * - `stale`: a person decided or edited it, and its inputs changed since: kept, not redrafted.
 * `matches` says whether the stored fingerprint is this run's (old files: with the row folded in).
 */
export type RowPlan = 'draft' | 'cached' | 'stale';

export function planRow(known: KnownRecipient | undefined, matches: boolean, opts: PlanOptions): RowPlan {
  // Excluded and planned all the same: the run found them contactable again (a new version).
  if (!known || opts.force || known.status === 'failed' || known.status === 'excluded') return 'draft';
  if (matches) return 'cached';
  const personal = known.status === 'approved' || known.status === 'skipped' || known.edited;
  if (!personal) return 'draft';
  return opts.redraftDecided ? 'draft' : 'stale';
}

/**
 * Stale by a reply: the person wrote to us after their latest draft was made, so the draft was
 * written without it. ISO times; an unreadable one never makes a draft stale.
 */
export function repliedAfter(draftAt: string, lastReceivedAt: string | undefined): boolean {
  if (lastReceivedAt === undefined) return false;
  const reply = Date.parse(lastReceivedAt);
  const drafted = Date.parse(draftAt);
  return Number.isFinite(reply) && Number.isFinite(drafted) && reply > drafted;
}

export interface ShownText {
  subject?: string;
  body: string;
  /** The profile's own answer fields (output.fields), by name; absent without them. */
  fields?: Record<string, string>;
}

/**
 * The latest version's text: the person's edit when there is one, else the model's draft (for a
 * draft with variants, variant `variant`, 1-based: the one its approval names, else the first);
 * undefined for a failed draft with no edit, or a variant the draft does not have (there is no
 * text to show or send).
 */
export function effectiveText(draft: DraftRecord, edit: EditRecord | DecisionRecord | undefined, variant = 1): ShownText | undefined {
  if (edit && edit.body !== undefined) {
    // An edit's fields, else the draft's (a person's text written without them keeps the model's).
    // (Of a draft made in variants: the fields of the variant the person started from.)
    const started = edit.type === 'edit' && edit.variant !== undefined ? draft.variants?.[edit.variant - 1]?.fields : undefined;
    const fields = (edit.type === 'edit' ? edit.fields : undefined) ?? started ?? draft.fields;
    return { ...(edit.subject !== undefined ? { subject: edit.subject } : {}), body: edit.body, ...(fields ? { fields } : {}) };
  }
  if (draft.status !== 'drafted') return undefined;
  if (draft.variants) return variantText(draft, variant);
  return { ...(draft.subject !== undefined ? { subject: draft.subject } : {}), body: draft.body ?? '', ...(draft.fields ? { fields: draft.fields } : {}) };
}

/** Variant `n` (1-based) of a draft with variants, or undefined when it has no such variant. */
export function variantText(draft: DraftRecord, n: number): ShownText | undefined {
  const v = Number.isInteger(n) && n >= 1 ? draft.variants?.[n - 1] : undefined;
  // A variant carries its own answer fields (profile output.fields).
  return v ? { ...(v.subject !== undefined ? { subject: v.subject } : {}), body: v.body, ...(v.fields ? { fields: v.fields } : {}) } : undefined;
}

/** A recipient as every command shows it: its state, latest model draft and latest version's text. */
export interface StoredRecipient {
  state: RecipientState;
  draft: DraftRecord;
  /** undefined for a failed draft no one has edited. */
  text: ShownText | undefined;
  /**
   * When the latest version is a model draft with variants: which one `text` is (1-based): the
   * approved one, else the first. A decision about this recipient names it.
   */
  variant?: number;
  /** Of a person's version of a draft made in variants: the variant their text started from. */
  editedFrom?: number;
}

/** The model's text a person's version started from: the variant they edited, else the draft's own. */
export function modelText(shown: StoredRecipient): ShownText {
  const { draft, editedFrom } = shown;
  return (editedFrom !== undefined ? variantText(draft, editedFrom) : undefined) ?? { ...(draft.subject !== undefined ? { subject: draft.subject } : {}), body: draft.body ?? '' };
}

/**
 * The recipient showing variant `n` of its draft instead (review's `1`..`N`, `approve --variant`),
 * or undefined when its latest version has no such variant (no variants, or a person's edit).
 */
export function withVariant(shown: StoredRecipient, n: number): StoredRecipient | undefined {
  if (shown.variant === undefined) return undefined;
  const text = variantText(shown.draft, n);
  return text ? { ...shown, text, variant: n } : undefined;
}

/** The text an edit or a regeneration starts from: the latest version's (the variant shown), else the model's (a failed draft: empty). */
export function startingText({ text, draft }: StoredRecipient): ShownText {
  return text ?? { subject: draft.subject, body: draft.body ?? '', ...(draft.fields ? { fields: draft.fields } : {}) };
}

export interface ExportChoice {
  /** `--all`: every status; else only these. */
  statuses: ReadonlySet<DraftStatus> | 'all';
  /** `--include-orphans`: also recipients no longer in the CSV. */
  includeOrphans: boolean;
}

/** Default export: approved only. Orphans never, unless asked. */
export const APPROVED_ONLY: ExportChoice = { statuses: new Set<DraftStatus>(['approved']), includeOrphans: false };

export function isExportable(s: { status: DraftStatus; orphaned: boolean }, choice: ExportChoice): boolean {
  // Not even `--all`: the do-not-contact list holds them.
  if (s.status === 'excluded') return false;
  if (s.orphaned && !choice.includeOrphans) return false;
  return choice.statuses === 'all' || choice.statuses.has(s.status);
}
