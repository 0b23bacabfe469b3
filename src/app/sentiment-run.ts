// Sentiment for one `draft` run (issue 13 §2): the plan step the run uses (sentiment-step.ts), or
// none when no rule reads a sentiment or --no-model-analysis turned it off; what the dry run shows
// instead of asking; and the summary's line saying how many texts were labelled, asked, answered
// from the memory, or left without a label (their rules did not fire).
import type { Engine, GenerationOptions } from '../core/engine.js';
import type { ToneProfile } from '../core/profile.js';
import { recipientRecord, type Columns, type Recipient } from '../core/recipients/recipients.js';
import type { AnalysisRequest } from '../ui/dry-run.js';
import type { CampaignMemory } from './campaign-memory.js';
import { pendingSentimentRequests, sentimentStep, type SentimentPlans, type SentimentSources, type SentimentTally } from './sentiment-step.js';

/** What the run needs to know of sentiment. */
export interface SentimentRunSettings {
  profile: ToneProfile;
  columns: Columns;
  /** The sources the profile's rules read (core/rules sentimentSources); none: no step. */
  sources: readonly string[];
  keyAt: (row: number) => string;
  memory: Pick<CampaignMemory, 'analysisCache' | 'lastReply'>;
  /** false for --no-model-analysis. */
  modelAnalysis: boolean;
}

export interface SentimentRun {
  step?: (rows: readonly Recipient[], plans: SentimentPlans, signal?: AbortSignal) => Promise<void>;
  /** The summary's line about sentiment (none when no rule reads one). */
  notes(): string[];
}

const OFF_NOTE = 'sentiment: not classified (--no-model-analysis): the rules on sentiment did not fire';

function sources(s: SentimentRunSettings): SentimentSources {
  return {
    profile: s.profile,
    columns: s.columns,
    sources: s.sources,
    keyAt: s.keyAt,
    lastReply: (key, r) => s.memory.lastReply(key, recipientRecord(r, s.columns)),
  };
}

/**
 * The run's sentiment: classified by `engine` (the drafting engine, after prepare), or from the
 * cache only when there is no live engine (a --batch-out or --batch-in run).
 */
export async function openSentimentRun(
  s: SentimentRunSettings,
  live: { engine: Pick<Engine, 'generate' | 'info'>; cacheOnly?: boolean; options: GenerationOptions; retries: number; concurrency: number; warn: (message: string) => void },
): Promise<SentimentRun> {
  if (s.sources.length === 0) return { notes: () => [] };
  if (!s.modelAnalysis) return { notes: () => [OFF_NOTE] };
  const cache = await s.memory.analysisCache();
  const { step, tally } = sentimentStep({ ...sources(s), ...live, cache });
  return { step, notes: () => sentimentNotes(tally, Boolean(live.cacheOnly)) };
}

/** `sentiment: 3 text(s) labelled: 1 by the model (1 request), 2 from the memory`, and what got no label. */
export function sentimentNotes(t: SentimentTally, cacheOnly: boolean): string[] {
  const notes: string[] = [];
  if (t.classified + t.cached > 0) notes.push(`sentiment: ${t.classified + t.cached} text(s) labelled: ${t.classified} by the model (${t.asked} request(s)), ${t.cached} from the memory`);
  if (t.failed > 0) notes.push(`sentiment: ${t.failed} text(s) could not be classified: the rules on them did not fire`);
  if (t.unasked > 0) notes.push(`sentiment: ${t.unasked} text(s) not classified yet${cacheOnly ? ' (a batch run asks no model)' : ''}: the rules on them did not fire`);
  return notes;
}

/**
 * The dry run's view of a row: each classification a run would ask first (texts the memory already
 * answers excepted), or none under --no-model-analysis. The cache is read only when a memory exists
 * (`cached`), so a dry run creates nothing.
 */
export async function dryRunSentiment(s: SentimentRunSettings & { options: GenerationOptions; model: string; useCache: boolean }): Promise<(r: Recipient) => AnalysisRequest[]> {
  if (s.sources.length === 0 || !s.modelAnalysis) return () => [];
  const cache = s.useCache ? await s.memory.analysisCache() : undefined;
  const view = { ...sources(s), options: s.options, model: s.model, ...(cache ? { cache } : {}) };
  return (r) => pendingSentimentRequests(view, r).map((p) => ({ kind: 'sentiment' as const, source: p.source, ...p.request }));
}
