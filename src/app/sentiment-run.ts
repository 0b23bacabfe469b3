// Sentiment for one `draft` run (issue 13 §2): the plan step the run uses (sentiment-step.ts), or
// none when no rule reads a sentiment or --no-model-analysis turned it off; what the dry run shows
// instead of asking; and the summary's lines saying how many texts were labelled, asked, answered
// from the memory, or left without a label (their rules did not fire). Without a live engine (a
// dry run, --batch-out, --batch-in) only the labels the memory already holds are used.
import { DEFAULT_MODEL, type Engine, type GenerationOptions } from '../core/engine.js';
import { sentimentSources } from '../core/rules/conditions.js';
import type { ToneProfile } from '../core/profile.js';
import { recipientRecord, type Columns, type Recipient } from '../core/recipients/recipients.js';
import type { AnalysisRequest } from '../ui/dry-run.js';
import type { CampaignMemory } from './campaign-memory.js';
import type { PlanStep } from './recipient-plans.js';
import { pendingSentimentRequests, sentimentStep, type SentimentSources, type SentimentTally } from './sentiment-step.js';

/** What a run needs to know of sentiment. */
export interface SentimentRunSettings extends SentimentSources {
  memory: Pick<CampaignMemory, 'analysisCache' | 'lastReply' | 'full'>;
  /** false for --no-model-analysis. */
  modelAnalysis: boolean;
  options: GenerationOptions;
}

export interface SentimentRun {
  step?: PlanStep;
  /** The summary's lines about sentiment (none when no rule reads one). */
  notes(): string[];
}

/** The cache of a run without a live engine and without a memory: it knows no label. */
const NO_LABELS = { get: () => undefined, put: () => {} };

const OFF_NOTE = 'sentiment: not classified (--no-model-analysis): the rules on sentiment did not fire';

/** A scanned campaign's sentiment settings. */
export function sentimentSettings(
  c: { profile: ToneProfile; scan: { columns: Columns }; roster: { keyAt(row: number): { key: string } | undefined }; memory: SentimentRunSettings['memory']; options: GenerationOptions },
  modelAnalysis: boolean | undefined,
): SentimentRunSettings {
  const { columns } = c.scan;
  return {
    profile: c.profile,
    columns,
    sources: sentimentSources(c.profile),
    keyAt: (row) => c.roster.keyAt(row)!.key,
    lastReply: (key, r) => c.memory.lastReply(key, recipientRecord(r, columns)),
    memory: c.memory,
    modelAnalysis: modelAnalysis !== false,
    options: c.options,
  };
}

/**
 * The run's sentiment step: classified by `engine` (the drafting engine, after prepare; its
 * model names the cache's labels), or from the cache only without one.
 */
export async function openSentimentRun(
  s: SentimentRunSettings,
  live: { engine?: Pick<Engine, 'generate' | 'info'>; model?: string; retries: number; concurrency: number; warn: (message: string) => void },
): Promise<SentimentRun> {
  if (s.sources.length === 0) return { notes: () => [] };
  if (!s.modelAnalysis) return { notes: () => [OFF_NOTE] };
  // Without a live engine nothing is written: no memory is created just to find it empty. Nor for
  // rules that read only the last reply when there is no memory to hold one.
  const texts = s.memory.full || s.sources.some((source) => source !== 'reply');
  const cache = (live.engine && texts) || s.memory.full ? await s.memory.analysisCache() : NO_LABELS;
  const model = live.engine?.info.model ?? live.model ?? DEFAULT_MODEL;
  const { step, tally } = sentimentStep({ ...s, ...live, model, cache });
  return { step, notes: () => sentimentNotes(tally, !live.engine) };
}

/** `sentiment: 3 text(s) labelled: 1 by the model (1 request), 2 from the memory`, and what got no label. */
export function sentimentNotes(t: SentimentTally, noEngine: boolean): string[] {
  const notes: string[] = [];
  if (t.classified + t.cached > 0) notes.push(`sentiment: ${t.classified + t.cached} text(s) labelled: ${t.classified} by the model (${t.asked} request(s)), ${t.cached} from the memory`);
  if (t.failed > 0) notes.push(`sentiment: ${t.failed} text(s) could not be classified: the rules on them did not fire`);
  if (t.unasked > 0) notes.push(`sentiment: ${t.unasked} text(s) not classified yet${noEngine ? ' (a batch run asks no model)' : ''}: the rules on them did not fire`);
  return notes;
}

/**
 * The dry run's sentiment: the labels the memory already holds (a step that asks nothing), and per
 * row each classification a run would ask first. Nothing under --no-model-analysis. The cache is
 * read only from an existing memory, so a dry run creates none.
 */
export async function dryRunSentiment(s: SentimentRunSettings, model: string | undefined): Promise<{ step?: PlanStep; analysisOf: (r: Recipient) => AnalysisRequest[] }> {
  if (s.sources.length === 0 || !s.modelAnalysis) return { analysisOf: () => [] };
  const name = model ?? s.profile.model.name ?? DEFAULT_MODEL;
  const cache = s.memory.full ? await s.memory.analysisCache() : NO_LABELS;
  const step = s.memory.full ? (await openSentimentRun(s, { model: name, retries: 0, concurrency: 1, warn: () => {} })).step : undefined;
  const analysisOf = (r: Recipient) => pendingSentimentRequests({ ...s, model: name, cache }, r).map((p) => ({ kind: 'sentiment' as const, source: p.source, ...p.request }));
  return { ...(step ? { step } : {}), analysisOf };
}
