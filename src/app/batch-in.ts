// `draft --batch-in FILE`: a batch's results read into the drafts file as if drafted live. The
// results answer the runner through an engine (engines/batch-results), found by each job's id, so
// validation, cut detection, lint, records and resume are a live run's. Here: the rows the file
// has no result for stay undrafted (counted, never failed), and the results no row of this run
// asked for are reported by custom_id, never matched to a row by guesswork.
import path from 'node:path';
import { batchId } from '../core/drafting/batch-id.js';
import type { DraftJob } from '../core/drafting/run-contract.js';
import type { RowPlan } from '../core/decisions/rules.js';
import type { RecipientState } from '../core/decisions/recipient-index.js';
import { shellWord } from '../core/text/shell-word.js';
import { stripControlsInline } from '../core/text/sanitize.js';
import { openEngines, type RunEngines } from './draft-hosts.js';
import { readBatchResults, type BatchResults } from '../engines/batch-results/engine.js';

/** `draft`'s batch flags, as typed. */
export interface BatchFlags {
  /** --model: --batch-out needs it; --batch-in takes it (else the one model its results name). */
  model?: string;
  /** --batch-out FILE: write the requests instead of sending them (app/batch-out.ts). */
  batchOut?: string;
  /** --batch-in FILE: draft from a batch's results. */
  batchIn?: string;
}

/** An open results file and what the run found missing. */
export interface BatchIn {
  results: BatchResults;
  /** The file as the user typed it. */
  name: string;
  /** Rows this run would draft that the file has no result for. */
  missing: number;
}

/** The run's engines: the results of --batch-in (read whole before anything is written), else the live ones. */
export async function campaignEngines(o: BatchFlags, cwd: string, live: () => Promise<RunEngines>): Promise<{ batch?: BatchIn; engines: RunEngines }> {
  if (o.batchIn === undefined) return { engines: await live() };
  const name = stripControlsInline(o.batchIn);
  const results = await readBatchResults(path.resolve(cwd, o.batchIn), name, o.model);
  return { batch: { results, name, missing: 0 }, engines: await openEngines([], async () => results.engine) };
}

/**
 * The jobs with a result, and the ones a run would not draft anyway (the runner settles those as
 * it always does). A job to draft without a result is left out and counted: it stays undrafted.
 */
export async function* jobsWithResults(batch: BatchIn, jobs: AsyncIterable<DraftJob>, plan: (job: DraftJob) => { plan: RowPlan }): AsyncGenerator<DraftJob> {
  for await (const job of jobs) {
    // Planning twice is harmless: its only write (marking a row stale) happens once.
    if (batch.results.has(job.request.id ?? '') || plan(job).plan !== 'draft') yield job;
    else batch.missing++;
  }
}

const SHOWN_IDS = 5;

/** The summary's lines about the file: results for nobody, results not needed, rows without one. */
export function batchInNotes(
  batch: BatchIn | undefined,
  roster: { keys: readonly string[] },
  store: { get(key: string): RecipientState | undefined },
  o: { resume: string; model?: string },
): string[] {
  if (!batch) return [];
  const hint = batchNext(batch, o)!;
  const keys = roster.keys;
  const known = (key: string) => store.get(key);
  const unused = batch.results.unused();
  // A result for a row already drafted from the same inputs (the file read in twice) is not unknown.
  const drafted = new Set<string>();
  if (unused.length > 0) {
    for (const key of keys) {
      const state = known(key);
      if (state) drafted.add(batchId(key, state.fingerprint));
    }
  }
  const unknown = unused.filter((id) => !drafted.has(id));
  const lines: string[] = [];
  if (unknown.length > 0) {
    const shown = unknown.slice(0, SHOWN_IDS).map((id) => stripControlsInline(id).slice(0, 80)).join(', ');
    lines.push(
      `${unknown.length} result(s) in ${batch.name} match no row of this run and were not used: ${shown}${unknown.length > SHOWN_IDS ? ', ...' : ''}`,
      '  (a result from another list, profile, --model or settings; or the row changed since --batch-out)',
    );
  }
  if (unused.length > unknown.length) lines.push(`${unused.length - unknown.length} result(s) in ${batch.name} are for rows already drafted: not used again`);
  if (batch.results.repeated > 0) lines.push(`${batch.results.repeated} custom_id(s) appear more than once in ${batch.name}: the last result of each was used`);
  if (batch.missing > 0) lines.push(`${batch.missing} row(s) to draft have no result in ${batch.name}: still undrafted`, `  to write their requests: ${hint}`);
  return lines;
}

/** The jobs a run hands the runner: all of them live, those with a result (or not to draft) for --batch-in. */
export function batchJobs(batch: BatchIn | undefined, jobs: AsyncIterable<DraftJob>, plan: (job: DraftJob) => { plan: RowPlan }): AsyncIterable<DraftJob> {
  return batch ? jobsWithResults(batch, jobs, plan) : jobs;
}

/** The command that writes the requests of the rows still to draft (failed, or without a result). */
export function batchNext(batch: BatchIn | undefined, o: { resume: string; model?: string }): string | undefined {
  if (!batch) return undefined;
  const model = o.model ? '' : ` --model ${shellWord(batch.results.engine.info.model)}`;
  return `${o.resume}${model} --batch-out requests.jsonl`;
}
