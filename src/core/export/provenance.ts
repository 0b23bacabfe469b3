// Where an exported message came from: the engine and settings that drafted it, the memory it
// used, and who decided it when. JSONL carries it as a `provenance` object, CSV as columns after
// `status`, eml/mbox as X-Draftsmith-* headers only on request (a recipient sees none by default).
// Pure.
import type { DecisionRecord, DraftRecord } from '../decisions/records.js';

/** Every field is present; null when the draft or decision does not record it. */
export interface Provenance {
  engine: string;
  host: string | null;
  model: string;
  model_digest: string | null;
  seed: number | null;
  temperature: number | null;
  prompt_fingerprint: string;
  profile: string | null;
  history_items: number;
  examples: number | null;
  reviewer: string | null;
  decided_at: string | null;
  edited: boolean;
}

/** The field order of the JSONL object, the CSV columns and the mail headers. */
export const PROVENANCE_FIELDS: readonly (keyof Provenance)[] = [
  'engine', 'host', 'model', 'model_digest', 'seed', 'temperature', 'prompt_fingerprint',
  'profile', 'history_items', 'examples', 'reviewer', 'decided_at', 'edited',
];

/** The latest model draft, the decision about the latest version (if any) and whether a person wrote it. */
export function buildProvenance(draft: DraftRecord, decision: DecisionRecord | undefined, edited: boolean): Provenance {
  return {
    engine: draft.engine,
    host: draft.host ?? null,
    model: draft.model,
    model_digest: draft.modelDigest ?? null,
    seed: draft.seed ?? null,
    temperature: draft.temperature ?? null,
    prompt_fingerprint: draft.fingerprint,
    profile: draft.profile ?? null,
    history_items: draft.history?.items ?? 0,
    examples: draft.examples ?? null,
    reviewer: decision?.reviewer ?? null,
    decided_at: decision?.at ?? null,
    edited,
  };
}

/** CSV cells in PROVENANCE_FIELDS order: '' for null. */
export function provenanceCells(p: Provenance): string[] {
  return PROVENANCE_FIELDS.map((f) => (p[f] === null ? '' : String(p[f])));
}

/** `X-Draftsmith-Model-Digest`-style header names with their values, nulls left out. */
export function provenanceHeaders(p: Provenance): [string, string][] {
  const out: [string, string][] = [];
  for (const f of PROVENANCE_FIELDS) {
    if (p[f] === null) continue;
    const name = `X-Draftsmith-${f.split('_').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('-')}`;
    out.push([name, String(p[f])]);
  }
  return out;
}
