// The runner's jobs for a campaign, one per recipient row, built lazily: a re-run of a finished
// campaign asks each job only for its inputs digest, so an unchanged row never builds its prompt,
// fingerprint or stored columns (the bulk of the per-row cost on 100,000 rows).
import { batchId } from '../core/drafting/batch-id.js';
import { draftFingerprint, inputsDigest, runDigest } from '../core/drafting/fingerprint.js';
import type { ChatMessage, GenerationOptions, JsonSchema } from '../core/engine.js';
import { buildMessages, PROMPT_FORMAT, type Templates } from '../core/drafting/prompt.js';
import type { ToneProfile } from '../core/profile.js';
import { recipientRecord, type Columns, type Recipient } from '../core/recipients/recipients.js';
import type { DraftJob, JobProvenance } from '../core/drafting/run-contract.js';
import { withHistory } from '../core/drafting/history-block.js';
import type { HistoryBudget, HistoryItem } from '../core/memory/records.js';
import type { SelectedRows } from '../core/recipients/row-selection.js';

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
}

/** Where a job's history comes from, within what budget, and the rules the system prompt gets with it. */
export interface HistorySource {
  of: (key: string, recipient: Record<string, string>) => HistoryItem[];
  budget: HistoryBudget;
  rules: string;
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
  });
}

export async function* draftJobs(recipients: AsyncIterable<Recipient>, s: JobSettings, run: string): AsyncGenerator<DraftJob> {
  for await (const r of recipients) yield lazyJob(r, s, run);
}

/** The rows a run still reads: those not settled from the scan alone (1 = settled). */
export async function* skipSettled(source: AsyncIterable<Recipient>, settled: Uint8Array): AsyncGenerator<Recipient> {
  for await (const r of source) if (settled[r.row] !== 1) yield r;
}

/** A run with every row settled reads nothing. */
export async function* noJobs(): AsyncGenerator<never> {}

function lazyJob(r: Recipient, s: JobSettings, run: string): DraftJob {
  let built: { messages: ChatMessage[]; fingerprint: string } | undefined;
  let sent: { messages: ChatMessage[]; id: string; provenance: JobProvenance } | undefined;
  let stored: Record<string, string> | undefined;
  // The fingerprint is of the messages without history: a growing memory never redrafts a row.
  const build = () => {
    if (!built) {
      const messages = buildMessages(s.profile, s.templates, r, s.columns);
      built = { messages, fingerprint: draftFingerprint({ messages, schema: s.schema, options: s.options, ...s.engine }) };
    }
    return built;
  };
  const key = s.keyAt(r.row);
  const storedColumns = (): Record<string, string> => (stored ??= recipientRecord(r, s.columns));
  // What is sent: the history is looked up only for a row that is really drafted.
  const send = () => {
    if (!sent) {
      const b = build();
      const h = s.history;
      const withMemory = h ? withHistory(b.messages, h.of(key, storedColumns()), h.budget, h.rules) : { messages: b.messages };
      const provenance: JobProvenance = { examples: s.profile.examples.length, ...(withMemory.history ? { history: withMemory.history } : {}) };
      sent = { messages: withMemory.messages, id: batchId(key, b.fingerprint), provenance };
    }
    return sent;
  };
  return {
    key,
    recipient: r,
    inputs: inputsDigest(run, s.digestAt(r.row)),
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

/** A row's messages as a run would send them, history included (for --dry-run). */
export function withHistoryOf(s: Pick<JobSettings, 'profile' | 'templates' | 'columns' | 'history'>, keyAt: (row: number) => string): (r: Recipient) => ChatMessage[] {
  return (r) => {
    const messages = buildMessages(s.profile, s.templates, r, s.columns);
    const h = s.history;
    return h ? withHistory(messages, h.of(keyAt(r.row), recipientRecord(r, s.columns)), h.budget, h.rules).messages : messages;
  };
}

/** The selected rows of a CSV read. */
export async function* filterRows(source: AsyncIterable<Recipient>, selected: SelectedRows): AsyncGenerator<Recipient> {
  for await (const r of source) if (selected.has(r.row)) yield r;
}
