// Regenerating one recipient's draft in review: the previous text and the reviewer's feedback go to
// the model, and the answer becomes the next version, built by the same function as `draft`'s
// records (core/drafting/draft-record.ts), so it keeps the profile, the cut flag and the engine's host.
import { startingText, type StoredRecipient } from '../core/decisions/rules.js';
import type { DraftRecord } from '../core/decisions/records.js';
import { draftedRecord } from '../core/drafting/draft-record.js';
import type { Recipient } from '../core/recipients/recipients.js';
import type { Engine } from '../core/engine.js';
import type { LintContext } from './lint-context.js';

export async function regenerateDraft(
  ctx: LintContext,
  engine: Engine,
  shown: StoredRecipient,
  feedback: string,
  version: number,
  signal?: AbortSignal,
): Promise<DraftRecord> {
  const { storedRow } = await import('../core/recipients/recipients.js');
  const { buildRegenerateMessages, generationOptions } = await import('../core/drafting/prompt.js');
  const { draftSchema, parseDraftOutput } = await import('../core/drafting/draft-answer.js');
  const { state, draft } = shown;
  // The recipient is rebuilt from the record: its columns in order.
  const { columns, cells } = storedRow(draft.recipient);
  const recipient: Recipient = { row: state.row, line: 0, cells };
  const previous = startingText(shown);
  const { profile, templates } = ctx;
  const messages = buildRegenerateMessages(profile, templates, recipient, columns, previous, feedback);
  const result = await engine.generate({ messages, schema: draftSchema(profile.channel), options: generationOptions(profile, {}), signal });
  const parsed = parseDraftOutput(result.text, profile.channel);
  // The fingerprint stays the recipient's: a later `draft` run still sees it drafted from the same
  // inputs and keeps this version.
  const record = draftedRecord(
    { key: state.key, row: state.row, fingerprint: draft.fingerprint, ...(draft.inputs ? { inputs: draft.inputs } : {}), recipient: draft.recipient, engine: engine.info, messages, version, profile: ctx.file, ...(feedback ? { feedback } : {}) },
    parsed,
    result,
    new Date(),
  );
  // A draft from before recipient keys keeps its old fingerprint (row folded in): keep it keyless
  // too, so the next `draft` run compares it the old way instead of redrafting it.
  if (draft.key === undefined) delete record.key;
  return record;
}
