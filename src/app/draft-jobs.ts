// The runner's jobs for a campaign, one per recipient row, built lazily: a re-run of a finished
// campaign asks each job only for its inputs digest, so an unchanged row never builds its prompt,
// fingerprint or stored columns (the bulk of the per-row cost on 100,000 rows). Each row read is
// planned first (app/recipient-plans.ts: the rules' effective profile, the analysis): its messages
// are built from its plan, and a row a rule skips becomes no job at all (`onSkip`).
import { batchId } from '../core/drafting/batch-id.js';
import { draftFingerprint, inputsDigest, runDigest } from '../core/drafting/fingerprint.js';
import type { ChatMessage, GenerationOptions, JsonSchema } from '../core/engine.js';
import { buildMessages, PROMPT_FORMAT, type Templates } from '../core/drafting/prompt.js';
import type { ToneProfile } from '../core/profile.js';
import { recipientRecord, type Columns, type Recipient } from '../core/recipients/recipients.js';
import type { DraftJob, JobProvenance } from '../core/drafting/run-contract.js';
import { withHistory, type HistoryProvenance } from '../core/drafting/history-block.js';
import { withExamples } from '../core/drafting/examples-block.js';
import { sentData } from '../core/drafting/recipient-data.js';
import type { ChosenExample } from '../core/memory/example-choice.js';
import type { HistoryBudget, HistoryItem } from '../core/memory/records.js';
import type { SelectedRows } from '../core/recipients/row-selection.js';
import { basePlan, plannedChunks, type RecipientPlan } from './recipient-plans.js';
import type { Planner } from './recipient-plans.js';

export interface JobSettings {
  profile: ToneProfile;
  templates: Templates;
  columns: Columns;
  schema: JsonSchema;
  options: GenerationOptions;
  engine: { engine: string; model: string };
  keyAt: (row: number) => string;
  /** The row's cells digest (the roster's, computed while scanning). */
  digestAt: (row: number) => Uint8Array;
  /** The memory's history of a recipient (its key and stored columns), when the run uses one. */
  history?: HistorySource;
  /** The memory's earlier approvals chosen as examples of the reviewer's voice, when the run uses them. */
  examples?: ExampleSource;
  /** How rows are planned (rules, analysis); without it every row gets the run's profile and templates. */
  planner?: Planner;
  /** A row a rule skips: no job; the caller records the exclusion. */
  onSkip?: (r: Recipient, key: string, rule: string) => void;
  /** The plans read more than the row's cells (a reply's sentiment): no inputs digest, so no row is settled by it. */
  plansReadMore?: boolean;
}

/** Where a job's history comes from, within what budget, and the rules the system prompt gets with it. */
export interface HistorySource {
  of: (key: string, recipient: Record<string, string>) => HistoryItem[];
  budget: HistoryBudget;
  rules: string;
}

/** Where a job's examples come from (app/campaign-memory.ts): the chosen approvals for a recipient. */
export interface ExampleSource {
  /** `recipient`: the row's stored columns (who it is); `sent`: the fields its prompt carries (what to match on). */
  of: (key: string, recipient: Record<string, string>, sent: Record<string, string>) => ChosenExample[];
}

/** What every row of this run shares, as one digest (core/drafting/fingerprint.ts runDigest). */
export function runDigestOf(s: JobSettings): string {
  // The memory's budget shapes only the history, which is provenance: not part of the digest.
  const { memory: _budget, ...profile } = s.profile;
  return runDigest({
    format: PROMPT_FORMAT,
    profile,
    templates: s.templates.id,
    headers: s.columns.headers,
    schema: s.schema,
    options: s.options,
    engine: s.engine.engine,
    model: s.engine.model,
    // Only when the plans depend on more (rules' templates, a catalog): a plain run digests as before.
    ...(s.planner?.digest ? { plan: s.planner.digest } : {}),
  });
}

export async function* draftJobs(recipients: AsyncIterable<Recipient>, s: JobSettings, run: string, signal?: AbortSignal): AsyncGenerator<DraftJob> {
  const planner = s.planner ?? { base: basePlan(s.profile, s.templates), steps: [] };
  // No steps: the rows share the run's plan, and nothing is allocated for it per row.
  if (planner.steps.length === 0) {
    for await (const r of recipients) yield lazyJob(r, s, run, planner.base);
    return;
  }
  for await (const chunk of plannedChunks(recipients, planner, signal)) {
    for (const { r, plan } of chunk) {
      if (plan.skip !== undefined) s.onSkip?.(r, s.keyAt(r.row), plan.skip);
      else yield lazyJob(r, s, run, plan);
    }
  }
}

/** The rows a run still reads: those not settled from the scan alone (1 = settled). */
export async function* skipSettled(source: AsyncIterable<Recipient>, settled: Uint8Array): AsyncGenerator<Recipient> {
  for await (const r of source) if (settled[r.row] !== 1) yield r;
}

/** A run with every row settled reads nothing. */
export async function* noJobs(): AsyncGenerator<never> {}

function lazyJob(r: Recipient, s: JobSettings, run: string, plan: RecipientPlan): DraftJob {
  let built: { messages: ChatMessage[]; fingerprint: string } | undefined;
  let sent: { messages: ChatMessage[]; id: string; provenance: JobProvenance } | undefined;
  let stored: Record<string, string> | undefined;
  // The fingerprint is of the messages without history: a growing memory never redrafts a row.
  const build = () => {
    if (!built) {
      const messages = buildMessages(plan.profile, plan.templates, r, s.columns);
      const rules = plan.rules.length > 0 ? { rules: plan.rules } : {};
      built = { messages, fingerprint: draftFingerprint({ messages, schema: s.schema, options: s.options, ...s.engine, ...rules }) };
    }
    return built;
  };
  const key = s.keyAt(r.row);
  const storedColumns = (): Record<string, string> => (stored ??= recipientRecord(r, s.columns));
  // What is sent: the history and the examples are looked up only for a row that is really drafted.
  const send = () => {
    if (!sent) {
      const b = build();
      const m = withMemory(s, key, r, b.messages, storedColumns());
      const provenance: JobProvenance = {
        examples: s.profile.examples.length,
        ...(m.history ? { history: m.history } : {}),
        ...(m.memoryExamples ? { memoryExamples: m.memoryExamples } : {}),
        ...planProvenance(plan),
      };
      sent = { messages: m.messages, id: batchId(key, b.fingerprint), provenance };
    }
    return sent;
  };
  return {
    key,
    recipient: r,
    // Plans that read more than the cells (a reply's sentiment): the row is compared by its fingerprint.
    inputs: s.plansReadMore ? undefined : inputsDigest(run, s.digestAt(r.row)),
    get recipientRecord() {
      return storedColumns();
    },
    get fingerprint() {
      return build().fingerprint;
    },
    get request() {
      const m = send();
      return { messages: m.messages, schema: s.schema, options: s.options, id: m.id };
    },
    get provenance() {
      return send().provenance;
    },
  };
}

/** What a draft record keeps of its plan: the rules that applied, what they changed, the analysis. */
export function planProvenance(plan: RecipientPlan): Pick<JobProvenance, 'rules' | 'effective' | 'sentiment' | 'catalog'> {
  const c = plan.catalog;
  return {
    ...(plan.rules.length > 0 ? { rules: [...plan.rules] } : {}),
    ...(plan.effective ? { effective: plan.effective } : {}),
    ...(plan.sentiment && Object.keys(plan.sentiment).length > 0 ? { sentiment: plan.sentiment } : {}),
    ...(c ? { catalog: { method: c.method, ...(c.model ? { model: c.model } : {}), picks: c.picks.map((p) => ({ id: p.id, score: p.score, ...(p.item.url ? { url: p.item.url } : {}) })) } } : {}),
  };
}

type MemorySettings = Pick<JobSettings, 'profile' | 'columns' | 'history' | 'examples'>;

/**
 * A row's messages with what the memory adds: the examples first in the user message, then the
 * history block, then the request (examples-block.ts, history-block.ts). Without either, the same messages.
 */
export function withMemory(
  s: MemorySettings,
  key: string,
  r: Recipient,
  messages: ChatMessage[],
  stored: Record<string, string>,
): { messages: ChatMessage[]; history?: HistoryProvenance; memoryExamples?: number[] } {
  const h = s.history;
  const withH = h ? withHistory(messages, h.of(key, stored), h.budget, h.rules) : { messages };
  if (!s.examples) return withH;
  const withE = withExamples(withH.messages, s.examples.of(key, stored, sentData(s.profile, r, s.columns)));
  return { ...withH, ...withE };
}

/** A row's messages as a run would send them (from its plan), history and examples included (for --dry-run), and the examples' ids. */
export function sentMessagesOf(s: MemorySettings & Pick<JobSettings, 'templates'>, keyAt: (row: number) => string): (r: Recipient, plan?: RecipientPlan) => { messages: ChatMessage[]; memoryExamples?: number[] } {
  return (r, plan) => {
    const built = buildMessages(plan?.profile ?? s.profile, plan?.templates ?? s.templates, r, s.columns);
    const m = withMemory(s, keyAt(r.row), r, built, recipientRecord(r, s.columns));
    return { messages: m.messages, ...(m.memoryExamples ? { memoryExamples: m.memoryExamples } : {}) };
  };
}

/** The selected rows of a CSV read. */
export async function* filterRows(source: AsyncIterable<Recipient>, selected: SelectedRows): AsyncGenerator<Recipient> {
  for await (const r of source) if (selected.has(r.row)) yield r;
}
