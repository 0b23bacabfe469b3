// Regenerating one recipient's draft in review: the previous text and the reviewer's feedback go to
// the model, and the answer becomes the next version, built by the same function as `draft`'s
// records (core/drafting/draft-record.ts), so it keeps the profile, the cut flag and the engine's host.
// With a memory, the prompt carries the same history block as `draft`'s (other campaigns only,
// within the profile's budget; nothing under --no-memory) and the same examples from the memory
// (the same selection, app/campaign-memory.ts exampleSourceIn), and the record the same provenance:
// seed, temperature, examples, history and the memory's examples used.
import { startingText, type StoredRecipient } from '../core/decisions/rules.js';
import type { DraftRecord } from '../core/decisions/records.js';
import { draftedRecord } from '../core/drafting/draft-record.js';
import type { HistoryBudget, HistoryItem } from '../core/memory/records.js';
import type { Recipient } from '../core/recipients/recipients.js';
import type { Engine } from '../core/engine.js';
import type { ToneProfile } from '../core/profile.js';
import type { ExampleSource } from './draft-jobs.js';
import type { LintContext } from './lint-context.js';
import type { RecipientPlan } from './recipient-plans.js';

/** The recipient's history for the prompt (app/decision-memory.ts): [] without a full memory, never this campaign's own approvals. */
export interface RegenerateMemory {
  history(key: string, recipient: Record<string, string>, budget: HistoryBudget): HistoryItem[];
  /** The examples `draft` would choose for this profile (its absolute path) in this campaign; undefined without a full memory. */
  examples?(profile: ToneProfile, profileFile: string): ExampleSource | undefined;
}

export async function regenerateDraft(
  ctx: LintContext,
  engine: Engine,
  shown: StoredRecipient,
  feedback: string,
  version: number,
  signal?: AbortSignal,
  memory?: RegenerateMemory,
): Promise<DraftRecord> {
  const { storedRow } = await import('../core/recipients/recipients.js');
  const { buildRegenerateMessages, generationOptions, historyRules } = await import('../core/drafting/prompt.js');
  const { draftSchema, parseDraftOutput } = await import('../core/drafting/draft-answer.js');
  const { withMemory, planProvenance } = await import('./draft-jobs.js');
  const { storedPlan } = await import('./recipient-plans.js');
  const { catalogBlockIn, withCatalogText } = await import('../core/drafting/catalog-block.js');
  const { historyBudget } = await import('../core/profile.js');
  const { state, draft } = shown;
  // The recipient is rebuilt from the record: its columns in order.
  const { columns, cells } = storedRow(draft.recipient);
  const recipient: Recipient = { row: state.row, line: 0, cells };
  const previous = startingText(shown);
  // The rules the draft was made with (its record names them): the same effective profile again.
  const plan = storedPlan(ctx.profile, ctx.templates, ctx.ruleTemplates, draft.rules);
  const { profile, templates } = plan;
  const budget = historyBudget(profile);
  const history = memory && budget.items > 0 ? { of: (key: string, r: Record<string, string>) => memory.history(key, r, budget), budget, rules: historyRules(profile, templates) } : undefined;
  const examples = memory?.examples?.(profile, ctx.file);
  // The same blocks and rules as `draft`'s prompt (nothing added when there is neither).
  const sent = { profile, columns, ...(history ? { history } : {}), ...(examples ? { examples } : {}) };
  // The same catalog picks as the draft's (a new version of the same inputs), as its prompt offered them.
  const request = withCatalogText(buildRegenerateMessages(profile, templates, recipient, columns, previous, feedback), catalogBlockIn(draft.messages));
  const { messages, history: used, memoryExamples } = withMemory(sent, state.key, recipient, request, draft.recipient);
  const options = generationOptions(profile, {});
  const fields = profile.output?.fields;
  const result = await engine.generate({ messages, schema: draftSchema(profile.channel, fields), options, signal });
  const parsed = parseDraftOutput(result.text, profile.channel, Object.keys(fields ?? {}));
  // The fingerprint stays the recipient's: a later `draft` run still sees it drafted from the same
  // inputs and keeps this version.
  const record = draftedRecord(
    {
      key: state.key, row: state.row, fingerprint: draft.fingerprint, ...(draft.inputs ? { inputs: draft.inputs } : {}), recipient: draft.recipient, engine: engine.info, messages, version, profile: ctx.file,
      ...(feedback ? { feedback } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      examples: profile.examples.length,
      ...(used ? { history: used } : {}),
      ...(memoryExamples ? { memoryExamples } : {}),
      ...planProvenance({ ...plan, ...(draft.sentiment ? { sentiment: draft.sentiment as RecipientPlan['sentiment'] } : {}) }),
      ...(draft.catalog ? { catalog: draft.catalog } : {}),
    },
    parsed,
    result,
    new Date(),
  );
  // A draft from before recipient keys keeps its old fingerprint (row folded in): keep it keyless
  // too, so the next `draft` run compares it the old way instead of redrafting it.
  if (draft.key === undefined) delete record.key;
  return record;
}
