// What the lint reads from the draft record a text is a version of, besides the text and the row:
// what the profile's rules changed for this recipient (record.effective: language, sign-off), and
// the catalog picks its prompt offered (their text grounds details, their links may be linked).
// Every place that lints a drafted text (the run's summary, status, lint, review, approve) spreads
// this into its LintInput, so none of them can forget a part. Pure.
import type { DraftRecord } from '../decisions/records.js';
import { catalogLintInput } from '../drafting/catalog-block.js';
import type { LintInput } from './lint-draft.js';

export type RecordLintInput = Pick<LintInput, 'effective' | 'grounding' | 'links'>;

export function recordLintInput(record: Pick<DraftRecord, 'effective' | 'catalog' | 'messages'> | undefined): RecordLintInput {
  if (!record) return {};
  return { ...(record.effective ? { effective: record.effective } : {}), ...catalogLintInput(record) };
}
