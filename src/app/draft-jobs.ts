// The runner's jobs for a campaign, one per recipient row, built lazily: a re-run of a finished
// campaign asks each job only for its inputs digest, so an unchanged row never builds its prompt,
// fingerprint or stored columns (the bulk of the per-row cost on 100,000 rows).
import { batchId } from '../core/drafting/batch-id.js';
import { draftFingerprint, inputsDigest, runDigest } from '../core/drafting/fingerprint.js';
import type { ChatMessage, GenerationOptions, JsonSchema } from '../core/engine.js';
import { buildMessages, PROMPT_FORMAT, type Templates } from '../core/drafting/prompt.js';
import type { ToneProfile } from '../core/profile.js';
import { recipientRecord, type Columns, type Recipient } from '../core/recipients/recipients.js';
import type { DraftJob } from '../core/drafting/run-contract.js';
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
}

/** What every row of this run shares, as one digest (core/drafting/fingerprint.ts runDigest). */
export function runDigestOf(s: JobSettings): string {
  return runDigest({
    format: PROMPT_FORMAT,
    profile: s.profile,
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
  let built: { messages: ChatMessage[]; fingerprint: string; id?: string } | undefined;
  let stored: Record<string, string> | undefined;
  const build = () => {
    if (!built) {
      const messages = buildMessages(s.profile, s.templates, r, s.columns);
      built = { messages, fingerprint: draftFingerprint({ messages, schema: s.schema, options: s.options, ...s.engine }) };
    }
    return built;
  };
  const key = s.keyAt(r.row);
  return {
    key,
    recipient: r,
    inputs: inputsDigest(run, s.digestAt(r.row)),
    get recipientRecord() {
      return (stored ??= recipientRecord(r, s.columns));
    },
    get fingerprint() {
      return build().fingerprint;
    },
    get request() {
      const b = build();
      return { messages: b.messages, schema: s.schema, options: s.options, id: (b.id ??= batchId(key, b.fingerprint)) };
    },
  };
}

/** The selected rows of a CSV read. */
export async function* filterRows(source: AsyncIterable<Recipient>, selected: SelectedRows): AsyncGenerator<Recipient> {
  for await (const r of source) if (selected.has(r.row)) yield r;
}
