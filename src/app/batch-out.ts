// `draft --batch-out FILE --model M`: the requests a run would send, written as a batch file for
// an offline GPU run (`vllm run-batch`, the OpenAI Batch API) instead of being sent. The rows are
// those a run would draft (new, changed, failed), chosen exactly as a run chooses them; each line
// is {"custom_id","method","url","body"}, the body the OpenAI engine's own (not streamed, JSON
// schema), the custom_id the job's id (core/drafting/batch-id.ts). No engine is created and no
// server contacted; the drafts file gets its source and roster records, so `--batch-in` resumes it.
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import type { DraftJob } from '../core/drafting/run-contract.js';
import type { Columns, Recipient } from '../core/recipients/recipients.js';
import type { RosterBuilder } from '../core/recipients/roster.js';
import type { SelectedRows } from '../core/recipients/row-selection.js';
import { storedRecipientKey } from '../core/recipients/recipient-key.js';
import { chatBody } from '../engines/openai/engine.js';
import { defaultDraftsPath } from '../io/drafts-file/drafts-path.js';
import { DraftsStore } from '../io/drafts-file/store.js';
import { openOutput, type OutputPlace } from '../io/output-target.js';
import type { Ui } from '../ui/terminal.js';
import { bindDraftsFile, planJobs, settleUnchanged } from './campaign.js';
import { recordExclusions, type CampaignMemory, type Exclusion } from './campaign-memory.js';
import { draftJobs, runDigestOf, skipSettled, type JobSettings } from './draft-jobs.js';
import { campaignPlanner, type PlanStep } from './recipient-plans.js';
import { skipRecorder } from './rule-run.js';
import { openSentimentRun, type SentimentRunSettings } from './sentiment-run.js';
import type { RuleTemplates } from '../io/rule-templates.js';

/** What the requests are written from: the campaign draft-campaign.ts has scanned. */
export type ScannedCampaign = Pick<JobSettings, 'profile' | 'templates' | 'schema' | 'options'> & {
  profileFile: string;
  csv: { file: string };
  fromStdin: boolean;
  scan: { rows: number; columns: Columns };
  roster: RosterBuilder;
  selected: SelectedRows;
  recipients: () => AsyncIterable<Recipient>;
  /** Recipients the memory says not to contact: recorded as excluded, no request (campaign-memory.ts). */
  excluded?: readonly Exclusion[];
  memory?: Pick<CampaignMemory, 'historySource' | 'exampleSource' | 'withdraw' | 'reconcile'>;
  /** The profile's rules step (campaign-scan.ts): the requests are built from each row's plan, as a run's are. */
  rules?: PlanStep;
  ruleTemplates?: RuleTemplates;
  plansReadMore?: boolean;
};

export interface BatchOutOptions {
  csv: string;
  drafts?: string;
  force?: boolean;
  redraftDecided?: boolean;
  relink?: boolean;
  batchOut: string;
  /** Required: the requests name the model the batch runs. */
  model?: string;
  /** The rules' sentiment: a batch asks no model, so only the labels the memory holds are used. */
  sentiment?: SentimentRunSettings;
}

/** What `--batch-out` wrote, for the command to report. */
export interface BatchOutReport {
  kind: 'batch-out';
  file: string;
  model: string;
  /** Request lines written. */
  requests: number;
  /** Rows already drafted from these inputs (or decided and kept): no request. */
  cached: number;
  stale: number;
  selected: number;
  draftsPath: string;
}

/** The engine the requests are written for: its name and the model are part of each fingerprint. */
const ENGINE = 'openai';

export async function writeBatchOut(c: ScannedCampaign, o: BatchOutOptions, deps: OutputPlace & { ui: Ui }): Promise<BatchOutReport> {
  const model = requiredModel(o.model);
  const draftsPath = o.drafts ? path.resolve(deps.cwd, o.drafts) : defaultDraftsPath(c.fromStdin ? null : o.csv, deps.cwd);
  const store = await DraftsStore.open(draftsPath, {
    lock: true, create: true, legacyKey: storedRecipientKey({ identity: c.profile.identity }), expected: c.roster.keys.length, rosterDigestOnly: true, intern: (key) => c.roster.intern(key),
  });
  try {
    for (const w of store.warnings) deps.ui.warn(w);
    const draftsName = path.relative(deps.cwd, draftsPath) || draftsPath;
    bindDraftsFile(store, { csv: c.fromStdin ? null : c.csv.file, header: c.scan.columns.headers, profile: c.profileFile }, c.roster, { relink: Boolean(o.relink), draftsName });
    // An exclusion ends an approval, in the memory too (as in a live run).
    recordExclusions(store, c.excluded ?? [], c.memory);
    c.memory?.reconcile(draftsPath, store);
    const history = c.memory?.historySource(c.profile, c.templates, draftsPath);
    const examples = c.memory?.exampleSource(c.profile, c.profileFile, draftsPath);
    const engine = { engine: ENGINE, model };
    const sentiment = o.sentiment && (await openSentimentRun(o.sentiment, { model, retries: 0, concurrency: 1, warn: (m) => deps.ui.warn(m) }));
    const plan = planJobs(store, engine, { force: Boolean(o.force), redraftDecided: Boolean(o.redraftDecided) });
    const settings: JobSettings = {
      profile: c.profile, templates: c.templates, columns: c.scan.columns, schema: c.schema, options: c.options, engine,
      keyAt: (row) => c.roster.keyAt(row)!.key,
      digestAt: (row) => c.roster.digestAt(row),
      ...(history ? { history } : {}),
      ...(examples ? { examples } : {}),
      // A row a rule skips gets no request: recorded as excluded, as a run records it.
      planner: campaignPlanner(c, { sentiment: sentiment?.step }),
      onSkip: skipRecorder(store, c.memory).onSkip,
      plansReadMore: Boolean(c.plansReadMore),
    };
    const run = runDigestOf(settings);
    const settled = settleUnchanged(c.selected.rows(), c.scan.rows, c.roster, run, plan, (key) => store.get(key));
    const jobs = settled.count === c.selected.count ? undefined : draftJobs(skipSettled(c.recipients(), settled.settled), settings, run);
    const counts = await writeRequests(jobs, plan, { file: o.batchOut, model }, deps);
    for (const note of sentiment?.notes() ?? []) deps.ui.note(note);
    return { kind: 'batch-out', file: o.batchOut, model, ...counts, cached: counts.cached + settled.count, selected: c.selected.count, draftsPath };
  } finally {
    await store.close();
  }
}

/** The request lines, into a file that appears whole (0600) or on stdout for `-`. */
async function writeRequests(jobs: AsyncIterable<DraftJob> | undefined, plan: ReturnType<typeof planJobs>, o: { file: string; model: string }, place: OutputPlace) {
  const counts = { requests: 0, cached: 0, stale: 0 };
  const out = await openOutput(o.file, place);
  try {
    for await (const job of jobs ?? []) {
      const p = plan(job).plan;
      if (p !== 'draft') {
        counts[p]++;
        continue;
      }
      await out.write(`${requestLine(job.request, o.model)}\n`);
      counts.requests++;
    }
  } catch (err) {
    // A half-written batch never replaces the previous one.
    await out.abort();
    throw err;
  }
  await out.close();
  return counts;
}

/** One batch request: the job's id and the body the OpenAI engine would POST (not streamed). */
export function requestLine(request: DraftJob['request'], model: string): string {
  if (request.id === undefined) throw new Error('a batch request needs the job id');
  return `{"custom_id":${JSON.stringify(request.id)},"method":"POST","url":"/v1/chat/completions","body":${chatBody(model, request, 'json_schema', false)}}`;
}

/** --batch-out writes requests for one model: it is never guessed. */
function requiredModel(model: string | undefined): string {
  if (model === undefined || model === '') {
    throw new UsageError('--batch-out needs --model: the requests name the model the batch runs.', {
      hint: 'e.g. --batch-out requests.jsonl --model Qwen/Qwen2.5-7B-Instruct (the model `vllm run-batch --model` serves).',
    });
  }
  return model;
}
