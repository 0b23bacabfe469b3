// The sentiment plan step (src/app/sentiment-step.ts) over a real analysis cache (the memory's
// SQLite file) and a queue-driven fake engine: which texts of a row are asked, once per text across
// rows and runs, retries, a text the model cannot label, private columns, and the dry run's view.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSentimentRun, sentimentNotes, type SentimentRunSettings } from '../../src/app/sentiment-run.js';
import { pendingSentimentRequests, sentimentStep, type SentimentStepSettings } from '../../src/app/sentiment-step.js';
import type { RecipientPlan } from '../../src/app/recipient-plans.js';
import type { GenerateRequest } from '../../src/core/engine.js';
import { parseProfile, type ToneProfile } from '../../src/core/profile.js';
import { buildColumns, type Recipient } from '../../src/core/recipients/recipients.js';
import { AnalysisCache } from '../../src/io/memory/analysis-cache.js';
import { createFakeEngine, type Step } from '../helpers/fake-engine.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tmp = useTempDir('draftsmith-sentiment-step-');
const caches: AnalysisCache[] = [];
afterEach(() => caches.splice(0).forEach((c) => c.close()));

function profile(extra: Record<string, unknown> = {}): ToneProfile {
  const r = parseProfile({ goal: 'x', ...extra });
  if (!r.ok) throw new Error('bad test profile');
  return r.profile;
}

const { columns } = buildColumns(['email', 'notes', 'secret']);
const rows: Recipient[] = [
  { row: 1, line: 2, cells: ['a@x.org', 'Angry about the invoice', 'furious'] },
  { row: 2, line: 3, cells: ['b@x.org', 'Angry about the invoice', ''] },
  { row: 3, line: 4, cells: ['c@x.org', '', ''] },
];
const REPLIES: Record<string, string> = { 'email:a@x.org': 'Thanks a lot, this helped!', 'email:c@x.org': 'Please stop writing.' };
const TEXTS = ['Angry about the invoice', 'Thanks a lot, this helped!', 'Please stop writing.', 'furious'];
const LABELS = ['negative', 'positive', 'negative', 'negative'];

/** Plans as the step sees them: it reads and writes `sentiment` only. */
function emptyPlans(): Map<number, RecipientPlan> {
  return new Map(rows.map((r) => [r.row, {} as RecipientPlan]));
}

/** The fake's "row" is the text's index in TEXTS, read from the request's fenced block. */
function textOf(request: GenerateRequest): string {
  const block = /```json\n([\s\S]*?)\n```/.exec(request.messages.at(-1)!.content)![1]!;
  return (JSON.parse(block) as { message: string }).message;
}
const label = (i: number): Step => ({ text: JSON.stringify({ sentiment: LABELS[i], confidence: 0.9, reason: 'r' }) });

async function setup(opts: { script?: Record<number, Step[]>; fallback?: (i: number) => Step; cacheFile?: string; profile?: ToneProfile; sources?: string[] } = {}) {
  const engine = createFakeEngine({ rowOf: (req) => TEXTS.indexOf(textOf(req)), script: opts.script ?? {}, fallback: opts.fallback ?? label });
  const cache = await AnalysisCache.open(opts.cacheFile ?? path.join(tmp.path, `${Math.random()}.db`));
  caches.push(cache);
  const warnings: string[] = [];
  const settings: SentimentStepSettings = {
    profile: opts.profile ?? profile(), columns, sources: opts.sources ?? ['reply', 'notes'],
    keyAt: (row) => `email:${rows[row - 1]!.cells[0]}`,
    lastReply: (key) => REPLIES[key],
    model: 'fake-model', engine, options: { temperature: 0.7, seed: 3 }, cache, retries: 2, concurrency: 2, warn: (m) => warnings.push(m),
  };
  const { step, tally } = sentimentStep(settings);
  const plans = emptyPlans();
  return { engine, cache, settings, step, tally, plans, warnings };
}

describe('sentimentStep', () => {
  it('labels each row by source, asking once per distinct text; empty texts get nothing', async () => {
    const s = await setup();
    await s.step(rows, s.plans);
    expect(s.engine.calls.map((c) => textOf(c.request)).sort()).toEqual(['Angry about the invoice', 'Please stop writing.', 'Thanks a lot, this helped!']);
    expect(s.engine.calls[0]!.request.options).toEqual({ temperature: 0, seed: 3, num_predict: 160 });
    expect(s.plans.get(1)).toEqual({ sentiment: { reply: { label: 'positive', confidence: 0.9 }, notes: { label: 'negative', confidence: 0.9 } } });
    expect(s.plans.get(2)).toEqual({ sentiment: { notes: { label: 'negative', confidence: 0.9 } } });
    expect(s.plans.get(3)).toEqual({ sentiment: { reply: { label: 'negative', confidence: 0.9 } } });
    expect(s.tally).toEqual({ asked: 3, classified: 3, cached: 0, failed: 0, unasked: 0 });
  });

  it('asks nothing the memory already answered: a second run over the same file is all cache', async () => {
    const file = path.join(tmp.path, 'rerun.db');
    const first = await setup({ cacheFile: file });
    await first.step(rows, first.plans);
    first.cache.close();
    caches.splice(caches.indexOf(first.cache), 1);
    const second = await setup({ cacheFile: file });
    await second.step(rows, second.plans);
    expect(second.engine.calls).toHaveLength(0);
    expect(second.tally).toEqual({ asked: 0, classified: 0, cached: 3, failed: 0, unasked: 0 });
    expect(second.plans).toEqual(first.plans);
  });

  it('retries an answer without a label, then labels', async () => {
    const s = await setup({ sources: ['notes'], script: { 0: [{ text: 'I think it is bad' }] } });
    await s.step(rows, s.plans);
    expect(s.engine.calls.map((c) => c.attempt)).toEqual([1, 2]);
    expect(s.plans.get(1)!.sentiment).toEqual({ notes: { label: 'negative', confidence: 0.9 } });
    expect(s.tally.asked).toBe(2);
  });

  it('a text the model cannot label gets none (its rules do not fire), warned once, counted, not cached', async () => {
    const s = await setup({ fallback: () => ({ error: 'fatal', message: 'model exploded' }) });
    await s.step(rows, s.plans);
    expect([...s.plans.values()]).toEqual([{}, {}, {}]);
    expect(s.tally).toEqual({ asked: 3, classified: 0, cached: 0, failed: 3, unasked: 0 });
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toContain('model exploded');
    expect(s.cache.get('sentiment', 'fake-model', 'Angry about the invoice')).toBeUndefined();
  });

  it('never classifies a private column, nor a row without a plan (settled from the scan)', async () => {
    const s = await setup({ profile: profile({ fields: { private: ['secret'] } }), sources: ['secret', 'notes'] });
    s.plans.delete(2);
    await s.step(rows, s.plans);
    expect(s.engine.calls.map((c) => textOf(c.request))).toEqual(['Angry about the invoice']);
    expect(s.plans.get(1)!.sentiment).toEqual({ notes: { label: 'negative', confidence: 0.9 } });
  });

  it('cache only (a batch run): labels what the cache holds, asks nothing, counts the rest', async () => {
    const s = await setup({ sources: ['notes'] });
    s.cache.put('sentiment', 'fake-model', 'Angry about the invoice', JSON.stringify({ label: 'negative' }));
    const { step, tally } = sentimentStep({ ...s.settings, engine: undefined });
    await step(rows, s.plans);
    expect(s.plans.get(2)).toEqual({ sentiment: { notes: { label: 'negative' } } });
    expect(s.engine.calls).toHaveLength(0);
    expect(tally).toEqual({ asked: 0, classified: 0, cached: 1, failed: 0, unasked: 0 });
    const other = sentimentStep({ ...s.settings, sources: ['reply'], engine: undefined });
    await other.step(rows, emptyPlans());
    expect(other.tally).toEqual({ asked: 0, classified: 0, cached: 0, failed: 0, unasked: 2 });
  });

  it('an abort stops the step', async () => {
    const s = await setup({ fallback: () => ({ hang: true }) });
    const controller = new AbortController();
    const running = s.step(rows, s.plans, controller.signal);
    controller.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('pendingSentimentRequests (the dry run)', () => {
  it('shows the request of each text the cache does not answer, by source', async () => {
    const s = await setup();
    s.cache.put('sentiment', 'fake-model', 'Thanks a lot, this helped!', JSON.stringify({ label: 'positive' }));
    const pending = pendingSentimentRequests(s.settings, rows[0]!);
    expect(pending.map((p) => p.source)).toEqual(['notes']);
    expect(textOf(pending[0]!.request as GenerateRequest)).toBe('Angry about the invoice');
    expect(s.engine.calls).toHaveLength(0);
  });
});

describe('sentimentNotes (the summary)', () => {
  const zero = { asked: 0, classified: 0, cached: 0, failed: 0, unasked: 0 };
  it.each<[string, Partial<typeof zero>, boolean, string[]]>([
    ['nothing to classify', {}, false, []],
    ['asked and cached', { asked: 2, classified: 1, cached: 2 }, false, ['sentiment: 3 text(s) labelled: 1 by the model (2 request(s)), 2 from the memory']],
    ['a failure', { asked: 1, failed: 1 }, false, ['sentiment: 1 text(s) could not be classified: the rules on them did not fire']],
    ['a batch run', { cached: 1, unasked: 2 }, true, ['sentiment: 1 text(s) labelled: 0 by the model (0 request(s)), 1 from the memory', 'sentiment: 2 text(s) not classified yet (a batch run asks no model): the rules on them did not fire']],
  ])('%s', (_name, t, cacheOnly, expected) => {
    expect(sentimentNotes({ ...zero, ...t }, cacheOnly)).toEqual(expected);
  });
});

describe('openSentimentRun', () => {
  const settings = (memory: SentimentRunSettings['memory'], extra: Partial<SentimentRunSettings> = {}): SentimentRunSettings => ({
    profile: profile(), columns, sources: ['notes'], keyAt: (row) => `email:${rows[row - 1]!.cells[0]}`, memory, modelAnalysis: true, options: {}, ...extra,
  });
  const noCache = { full: false, lastReply: () => undefined, analysisCache: () => Promise.reject(new Error('must not open the memory')) };

  it('no rule on sentiment, or --no-model-analysis: no step; only the latter says so', async () => {
    const none = await openSentimentRun(settings(noCache, { sources: [] }), { retries: 0, concurrency: 1, warn: () => {} });
    expect(none.step).toBeUndefined();
    expect(none.notes()).toEqual([]);
    const off = await openSentimentRun(settings(noCache, { modelAnalysis: false }), { retries: 0, concurrency: 1, warn: () => {} });
    expect(off.step).toBeUndefined();
    expect(off.notes()).toEqual(['sentiment: not classified (--no-model-analysis): the rules on sentiment did not fire']);
  });

  it('without a live engine and without a memory: asks nothing, opens no memory, counts the texts left', async () => {
    const run = await openSentimentRun(settings(noCache), { model: 'qwen', retries: 0, concurrency: 1, warn: () => {} });
    const plans = emptyPlans();
    await run.step!(rows, plans);
    expect([...plans.values()]).toEqual([{}, {}, {}]);
    expect(run.notes()).toEqual(['sentiment: 1 text(s) not classified yet (a batch run asks no model): the rules on them did not fire']);
  });
});
