// The sentiment part of a recipient's plan (issue 13 §2): for each row of a chunk, the texts the
// profile's rules read (`reply`: the newest message the person wrote us, from the memory; or a
// column by name) are classified by the drafting model (core/analysis/sentiment.ts), once per text:
// the analysis cache (the memory's, by a hash of the text) answers every text asked before, and a
// text that appears on several rows of a chunk is asked once. A text the model cannot classify
// (after the run's retries) gets no label, so the rules on it do not fire: the first such failure
// is warned about, all are counted for the summary. Under --no-model-analysis nothing is asked and
// nothing is labelled. Without a live engine (a dry run, a batch file's run) only the cache answers.
import { decodeSentiment, encodeSentiment, parseSentiment, sentimentRequest, sentimentText, type SentimentLabel } from '../core/analysis/sentiment.js';
import type { Engine, GenerateRequest, GenerationOptions } from '../core/engine.js';
import { EngineError, isAbortError } from '../core/errors.js';
import { hiddenColumns } from '../core/drafting/private-columns.js';
import type { ToneProfile } from '../core/profile.js';
import { REPLY_SOURCE } from '../core/rules/conditions.js';
import { findColumn, type Columns, type Recipient } from '../core/recipients/recipients.js';
import type { AnalysisCache } from '../io/memory/analysis-cache.js';
import type { PlanStep, RecipientPlan } from './recipient-plans.js';

/** What a plan holds of sentiment: the label per source (RecipientPlan.sentiment). */
export type PlanSentiment = NonNullable<RecipientPlan['sentiment']>;

/** How a run's classifications went, for the summary. */
export interface SentimentTally {
  /** Requests sent to the model (one per distinct text not in the cache, more on a retry). */
  asked: number;
  /** Texts the model labelled. */
  classified: number;
  /** Texts answered from the cache. */
  cached: number;
  /** Texts the model could not classify: their rules did not fire. */
  failed: number;
  /** Texts not in the cache that a run without a live engine did not ask: their rules did not fire. */
  unasked: number;
}

/** Where a row's texts come from. */
export interface SentimentSources {
  profile: ToneProfile;
  columns: Columns;
  /** The sources the rules read (core/rules sentimentSources): `reply` and/or column names. */
  sources: readonly string[];
  keyAt: (row: number) => string;
  /** The recipient's newest reply (full memory only). */
  lastReply?: (key: string, r: Recipient) => string | undefined;
}

export interface SentimentStepSettings extends SentimentSources {
  /** The drafting model's name: labels are cached per model. */
  model: string;
  /** The drafting engine; none: answer from the cache only (a dry run, a batch file's run: no live model). */
  engine?: Pick<Engine, 'generate'>;
  /** The run's generation options (seed and context carry over; temperature is 0). */
  options: GenerationOptions;
  cache: Pick<AnalysisCache, 'get' | 'put'>;
  retries: number;
  concurrency: number;
  warn: (message: string) => void;
}

/** The texts of one row to classify, by source; empty texts and private columns left out. */
export function sentimentTexts(s: SentimentSources, r: Recipient): Map<string, string> {
  const out = new Map<string, string>();
  for (const source of s.sources) {
    const raw = source === REPLY_SOURCE ? s.lastReply?.(s.keyAt(r.row), r) : columnText(s, r, source);
    const text = raw === undefined ? '' : sentimentText(raw);
    if (text !== '') out.set(source, text);
  }
  return out;
}

/** A column's cell, never a private one (the rules' load refuses that; this would send it to the model). */
function columnText(s: SentimentSources, r: Recipient, name: string): string | undefined {
  const index = findColumn(s.columns, name);
  if (index === undefined || hiddenColumns(s.profile, s.columns).has(index)) return undefined;
  return r.cells[index];
}

/**
 * The plan step (app/recipient-plans.ts PlanStep): labels each planned row's texts, asking the
 * model only for texts neither the cache nor this chunk has answered.
 */
export function sentimentStep(s: SentimentStepSettings): { step: PlanStep; tally: SentimentTally } {
  const tally: SentimentTally = { asked: 0, classified: 0, cached: 0, failed: 0, unasked: 0 };
  const { model, engine } = s;
  let warned = false;
  const classify = async (text: string, signal?: AbortSignal): Promise<SentimentLabel | undefined> => {
    const cached = decodeSentiment(s.cache.get('sentiment', model, text));
    if (cached) {
      tally.cached++;
      return cached;
    }
    if (!engine) {
      tally.unasked++;
      return undefined;
    }
    try {
      const label = await askModel(engine, s, text, signal, () => tally.asked++);
      s.cache.put('sentiment', model, text, encodeSentiment(label));
      tally.classified++;
      return label;
    } catch (err) {
      if (isAbortError(err) || !(err instanceof EngineError)) throw err;
      tally.failed++;
      if (!warned) s.warn(`a text's sentiment could not be classified (${err.message}): the rules on it do not fire for that recipient; the summary counts every such text.`);
      warned = true;
      return undefined;
    }
  };
  const step: PlanStep = async (rows, plans, signal) => {
    const wanted = rows.flatMap((r) => (plans.has(r.row) ? [{ row: r.row, texts: sentimentTexts(s, r) }] : []));
    const distinct = [...new Set(wanted.flatMap((w) => [...w.texts.values()]))];
    const labels = new Map<string, SentimentLabel | undefined>();
    await eachLimited(distinct, s.concurrency, async (text) => {
      labels.set(text, await classify(text, signal));
    });
    for (const w of wanted) {
      const sentiment: PlanSentiment = {};
      for (const [source, text] of w.texts) {
        const l = labels.get(text);
        if (l) sentiment[source] = l.confidence === undefined ? { label: l.label } : { label: l.label, confidence: l.confidence };
      }
      if (Object.keys(sentiment).length > 0) plans.get(w.row)!.sentiment = sentiment;
    }
  };
  return { step, tally };
}

/** One classification, retried like a draft (a retryable engine error or an answer with no label). */
async function askModel(engine: Pick<Engine, 'generate'>, s: SentimentStepSettings, text: string, signal: AbortSignal | undefined, counted: () => void): Promise<SentimentLabel> {
  const request: GenerateRequest = { ...sentimentRequest(text, s.options), ...(signal ? { signal } : {}) };
  for (let attempt = 0; ; attempt++) {
    try {
      counted();
      return parseSentiment((await engine.generate(request)).text);
    } catch (err) {
      if (!(err instanceof EngineError) || !err.retryable || attempt >= s.retries) throw err;
    }
  }
}

/** `work` over `items`, at most `limit` at a time; the first failure rejects (after the running ones end). */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * What the dry run shows for a row: each classification request a run would send (the texts the
 * cache already answers are not asked again, so not shown), by source.
 */
export function pendingSentimentRequests(s: SentimentSources & { options: GenerationOptions; model: string; cache: Pick<AnalysisCache, 'get'> }, r: Recipient): { source: string; request: Omit<GenerateRequest, 'signal'> }[] {
  return [...sentimentTexts(s, r)]
    .filter(([, text]) => !decodeSentiment(s.cache.get('sentiment', s.model, text)))
    .map(([source, text]) => ({ source, request: sentimentRequest(text, s.options) }));
}
