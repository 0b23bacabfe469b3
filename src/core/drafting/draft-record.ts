// How a draft record is built from a model's answer: one function for `draft`'s runner and for
// `review`'s regenerate, so the two cannot drift (a regenerated record once lost its profile, its
// cut flag and its host). Pure.
import type { ChatMessage, EngineInfo, GenerateResult } from '../engine.js';
import type { DraftRecord } from '../decisions/records.js';
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
