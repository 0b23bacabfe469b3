// How a draft record is built from a model's answer: one function for `draft`'s runner and for
// `review`'s regenerate, so the two cannot drift (a regenerated record once lost its profile, its
// cut flag and its host). Pure.
import type { ChatMessage, EngineInfo, GenerateResult } from '../engine.js';
import type { DraftRecord, VariantText } from '../decisions/records.js';
import type { VariantSpec } from '../profile.js';
import type { DraftText } from './draft-answer.js';

/** Who and what a draft is for, known before the model answers. */
export interface DraftOrigin {
  key: string;
  row: number;
  fingerprint: string;
  inputs?: string;
  recipient: Record<string, string>;
  engine: EngineInfo;
  messages: ChatMessage[];
  version: number;
  profile?: string;
  feedback?: string;
  /** Provenance (records.ts DraftRecord): the seed of the attempt that answered, the temperature, examples, history, the memory's examples. */
  seed?: number;
  temperature?: number;
  modelDigest?: string;
  examples?: number;
  history?: { items: number; latest?: string };
  memoryExamples?: number[];
  /** Issue 13: the rules that applied, what they changed, the analysis (records.ts). */
  rules?: DraftRecord['rules'];
  effective?: DraftRecord['effective'];
  sentiment?: DraftRecord['sentiment'];
  catalog?: DraftRecord['catalog'];
}

export function draftedRecord(origin: DraftOrigin, parsed: DraftText, result: GenerateResult, at: Date): DraftRecord {
  const { evalCount, evalMs } = result;
  return {
    ...head(origin),
    status: 'drafted',
    ...(parsed.subject !== undefined ? { subject: parsed.subject } : {}),
    body: parsed.body,
    ...(parsed.fields ? { fields: parsed.fields } : {}),
    ...(result.doneReason === 'length' ? { cut: true } : {}),
    ...tail(origin),
    timing: {
      ms: Math.round(result.totalMs),
      ...(evalCount !== undefined ? { evalCount } : {}),
      ...(evalCount !== undefined && evalMs ? { tokensPerSecond: Math.round((evalCount * 10_000) / evalMs) / 10 } : {}),
    },
    at: at.toISOString(),
  };
}

/** A variant's answer: the variant, its parsed text and the engine's result. */
export interface VariantAnswer {
  spec: VariantSpec;
  parsed: { subject?: string; body: string; fields?: Record<string, string> };
  result: GenerateResult;
}

/**
 * One record for every variant of a recipient's version: their texts (each with the line its
 * request added) right after the head, so the drafts file's fold reads the line whole and knows
 * how many there are; subject and body are variant 1's; timing and tokens are the sum.
 */
export function variantsRecord(origin: DraftOrigin, answers: readonly VariantAnswer[], at: Date): DraftRecord {
  const variants: VariantText[] = answers.map(({ spec, parsed }) => ({
    name: spec.name,
    ...(spec.instructions !== undefined ? { instructions: spec.instructions } : {}),
    ...(parsed.subject !== undefined ? { subject: parsed.subject } : {}),
    body: parsed.body,
    ...(parsed.fields !== undefined ? { fields: parsed.fields } : {}),
  }));
  const first = answers[0]!.parsed;
  const sum = (f: (r: GenerateResult) => number | undefined) => answers.reduce<number | undefined>((acc, a) => (f(a.result) === undefined ? acc : (acc ?? 0) + f(a.result)!), undefined);
  const evalCount = sum((r) => r.evalCount);
  const evalMs = sum((r) => r.evalMs);
  return {
    ...head(origin),
    variants,
    status: 'drafted',
    ...(first.subject !== undefined ? { subject: first.subject } : {}),
    body: first.body,
    ...(first.fields !== undefined ? { fields: first.fields } : {}),
    ...(answers.some((a) => a.result.doneReason === 'length') ? { cut: true } : {}),
    ...tail(origin),
    timing: {
      ms: Math.round(sum((r) => r.totalMs) ?? 0),
      ...(evalCount !== undefined ? { evalCount } : {}),
      ...(evalCount !== undefined && evalMs ? { tokensPerSecond: Math.round((evalCount * 10_000) / evalMs) / 10 } : {}),
    },
    at: at.toISOString(),
  };
}

export function failedRecord(origin: DraftOrigin, error: string, ms: number, at: Date): DraftRecord {
  return { ...head(origin), status: 'failed', error, ...tail(origin), timing: { ms: Math.round(ms) }, at: at.toISOString() };
}

// Key order is the order a reader sees in the JSONL: keep it stable. What the drafts file's fold
// needs comes first, in this order, so loading a big file reads only each line's head
// (core/decisions/journal.ts parseDraftHead).
function head(o: DraftOrigin) {
  return { type: 'draft' as const, key: o.key, row: o.row, version: o.version, fingerprint: o.fingerprint, ...(o.inputs ? { inputs: o.inputs } : {}) };
}

function tail(o: DraftOrigin) {
  const host = hostOf(o.engine.location);
  return {
    recipient: o.recipient,
    engine: o.engine.engine,
    model: o.engine.model,
    ...(host ? { host } : {}),
    messages: o.messages,
    ...(o.profile ? { profile: o.profile } : {}),
    ...(o.feedback ? { feedback: o.feedback } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
    ...((o.modelDigest ?? o.engine.digest) !== undefined ? { modelDigest: o.modelDigest ?? o.engine.digest } : {}),
    ...(o.examples !== undefined ? { examples: o.examples } : {}),
    ...(o.history !== undefined ? { history: o.history } : {}),
    ...(o.memoryExamples?.length ? { memoryExamples: o.memoryExamples } : {}),
    ...(o.rules?.length ? { rules: o.rules } : {}),
    ...(o.effective ? { effective: o.effective } : {}),
    ...(o.sentiment ? { sentiment: o.sentiment } : {}),
    ...(o.catalog ? { catalog: o.catalog } : {}),
  };
}

/** `http://127.0.0.1:11434` -> `127.0.0.1:11434` (https keeps its scheme); a file path -> undefined. */
export function hostOf(location: string): string | undefined {
  if (!/^https?:\/\//i.test(location)) return undefined;
  try {
    const url = new URL(location);
    return url.protocol === 'http:' ? url.host : url.origin;
  } catch {
    return undefined;
  }
}
