// `draft`'s use case: one campaign from the recipients CSV to the drafts file. Reads the profile,
// opens the memory (read only), scans the CSV (campaign-scan.ts; stdin is spooled first, so the whole
// file is checked before the first model request), then either writes the dry run
// (draft-dry-run.ts) or runs the drafting loop against the drafts file, writing `--out` records in row order as they finish
// (draft-out.ts). Recipients the memory says not to contact are recorded as excluded and never
// reach the model (campaign-memory.ts); a new version or an exclusion of an approved recipient
// withdraws its approval in the memory. Warnings and progress go through the ui passed in; the
// run's outcome is returned for the command to report.
import path from 'node:path';
import { parseDraftOutput } from '../core/drafting/draft-answer.js';
import { outputFieldNames } from '../core/drafting/output-fields.js';
import { runDrafts } from '../core/drafting/run.js';
import type { RunHost, RunSummary } from '../core/drafting/run-contract.js';
import type { Engine } from '../core/engine.js';
import { emptyTally, type LintTally } from '../core/lint/tally.js';
import type { ToneProfile, VariantSpec } from '../core/profile.js';
import { UsageError } from '../core/errors.js';
import { storedRecipientKey } from '../core/recipients/recipient-key.js';
import type { RowSelection } from '../core/recipients/row-selection.js';
import { spoolToTempFile } from '../io/csv/stdin-spool.js';
import { defaultDraftsPath } from '../io/drafts-file/drafts-path.js';
import { DraftsStore } from '../io/drafts-file/store.js';
import type { OutputFormat } from '../io/export/record-writer.js';
import { openOutput } from '../io/output-target.js';
import { readProfile } from '../io/profile-file.js';
import { loadTemplates } from '../io/templates.js';
import { loadRuleTemplates } from '../io/rule-templates.js';
import { createProgress } from '../ui/progress.js';
import type { Ui } from '../ui/terminal.js';
import { scanCampaign, type Campaign } from './campaign-scan.js';
import { bindDraftsFile, campaignNotes, planJobs, settleUnchanged, type ReplyPlan } from './campaign.js';
import { CampaignMemory, historyForLint, recordExclusions, type Exclusion } from './campaign-memory.js';
import { outRecords } from './draft-out.js';
import type { MemoryFlag } from './open-memory.js';
import { lazyLint, type LazyLint } from './lazy-lint.js';
import { draftJobs, noJobs, runDigestOf, skipSettled, type JobSettings } from './draft-jobs.js';
import { variantsOf, writeDryRun } from './draft-dry-run.js';
import { campaignPlanner, type PlanStep } from './recipient-plans.js';
import { countingRules, skipRecorder, type RuleCounts } from './rule-run.js';
import { openSentimentRun, sentimentSettings } from './sentiment-run.js';
import { openEngines, planHosts, type HostPick } from './draft-hosts.js';
import { batchInNotes, batchJobs, batchNext, campaignEngines, type BatchFlags, type BatchIn } from './batch-in.js';
import { writeBatchOut, type BatchOutReport } from './batch-out.js';
import { catalogPlanning, loadCatalog } from './catalog-step.js';

/** What `draft` was asked to do (its flags, parsed). Paths are as typed, relative to `cwd`. */
export interface DraftCampaignOptions extends BatchFlags {
  /** The recipients CSV, or `-` for stdin. */
  csv: string;
  profile: string;
  drafts?: string;
  selection?: RowSelection;
  /** `--rows` as typed, for messages. */
  rows?: string;
  limit?: number;
  dryRun?: boolean;
  /** false for --no-model-analysis: no sentiment classification; rules on sentiment do not fire. */
  modelAnalysis?: boolean;
  force?: boolean;
  redraftDecided?: boolean;
  /** --redraft-stale: redraft undecided drafts whose recipient replied since (decided ones too with --redraft-decided). */
  redraftStale?: boolean;
  /** --memory FILE, or false for --no-memory (app/open-memory.ts). */
  memory?: MemoryFlag;
  relink?: boolean;
  seed?: number;
  temperature?: number;
  /** --variants N: drafts per recipient (core/drafting/variants.ts). */
  variants?: number;
  concurrency: number;
  retries: number;
  /** Seconds without an answer before the run stops. */
  giveUpAfter: number;
  /** --host: one, or several as `a,b` (app/draft-hosts.ts); --host-retry-after in seconds. */
  host?: string;
  hostRetryAfter?: number;
  format: OutputFormat;
  out?: string;
  rawCells?: boolean;
  encoding?: string;
  skipLines?: number;
  /** --quiet: no summary unless rows failed, so the lint it would show is not waited for. */
  quiet?: boolean;
  /** The command that resumes this run (the notes name it). */
  resume: string;
}

/** The outside world the campaign runs in: passed in, so tests run it without a process. */
export interface DraftCampaignDeps {
  ui: Ui;
  cwd: string;
  /** Where the memory is found ($DRAFTSMITH_MEMORY, $XDG_DATA_HOME). */
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
  /** Where `--out -` and the dry run write. */
  stdout: NodeJS.WritableStream;
  /** The engine choice; told the host (and engine kind) when the run has a host list. */
  createEngine: (profile: ToneProfile, pick?: HostPick) => Promise<Engine>;
  /** Calls `stop` on the first Ctrl-C; returns the function that stops listening. */
  onInterrupt: (stop: () => void) => () => void;
}

/** How a drafting run went, for the command to report. */
export interface CampaignOutcome {
  /** `cached` counts the rows settled without being read too. */
  summary: RunSummary;
  tally: LintTally;
  /** Repeats, orphans and stale decisions (app/campaign.ts campaignNotes). */
  notes: string[];
  /** The reader of `--out -` closed the pipe: the run stopped on purpose. */
  readerGone: boolean;
  /** Recipients this run selected (the excluded ones not counted). */
  selected: number;
  /** Recipients skipped before any model request: the memory's do-not-contact list holds them, or a rule skips them. */
  excluded: Exclusion[];
  /** How many of this run's planned rows each rule applied to (empty without rules). */
  rules: RuleCounts;
  draftsPath: string;
  /** --batch-in: the command that writes the requests of the rows still to draft. */
  next?: string;
}

/** Runs the campaign; undefined for a dry run (its messages are already written). */
export async function draftCampaign(o: DraftCampaignOptions, deps: DraftCampaignDeps): Promise<CampaignOutcome | BatchOutReport | undefined> {
  const { profile, dir, file: profileFile } = await readProfile(path.resolve(deps.cwd, o.profile));
  // Refused before the list is read: variants that would be identical, or through a batch file.
  if (variantsOf(profile, o) && (o.batchOut !== undefined || o.batchIn !== undefined)) {
    throw new UsageError('variants are not drafted through batch files: a batch holds one request per recipient.', { hint: 'draft the variants live (without --batch-out/--batch-in), or drop --variants (and the profile\'s `variants:`) for the batch.' });
  }
  const templates = await loadTemplates(profile, dir);
  const ruleTemplates = await loadRuleTemplates(profile, profileFile, templates);
  // Read and checked before the CSV: a broken catalog is reported before any work.
  const catalog = await loadCatalog(profile, dir);
  const memory = await CampaignMemory.open(o.memory, { env: deps.env, cwd: deps.cwd, notice: (m) => deps.ui.note(m), warn: (m) => deps.ui.warn(m) });
  const spool = o.csv === '-' ? await spoolToTempFile(deps.stdin) : undefined;
  try {
    const loaded = { profile, profileFile, templates, memory, ruleTemplates, ...(catalog ? { catalog } : {}) };
    const campaign = await scanCampaign(o, deps.ui, loaded, spool?.path ?? path.resolve(deps.cwd, o.csv), Boolean(spool));
    if (o.batchOut !== undefined) return await writeBatchOut(campaign, { ...o, batchOut: o.batchOut, sentiment: sentimentSettings(campaign, o.modelAnalysis) }, deps);
    if (!o.dryRun) return await runCampaign(campaign, o, deps);
    await writeDryRun(campaign, o, deps);
    return undefined;
  } finally {
    await spool?.cleanup();
    memory.close();
  }
}

/** The engine, the drafts file and Ctrl-C around one drafting run; all released however it ends. */
async function runCampaign(c: Campaign, o: DraftCampaignOptions, deps: DraftCampaignDeps): Promise<CampaignOutcome> {
  const { ui } = deps;
  const onDown = (_where: string, err: Error) => ui.warn(`${err.message}: drafting on the other hosts meanwhile; it is tried again every ${o.hostRetryAfter ?? 15}s`);
  const { batch, engines } = await campaignEngines(o, deps.cwd, () => openEngines(planHosts(o.host, c.profile, o.concurrency), (pick) => deps.createEngine(c.profile, pick), onDown));
  const { engine } = engines;
  const draftsPath = o.drafts ? path.resolve(deps.cwd, o.drafts) : defaultDraftsPath(c.fromStdin ? null : o.csv, deps.cwd);
  const store = await DraftsStore.open(draftsPath, {
    lock: true, create: true, legacyKey: storedRecipientKey({ identity: c.profile.identity }), expected: c.roster.keys.length, rosterDigestOnly: true, intern: (key) => c.roster.intern(key),
  });
  const controller = new AbortController();
  const lint = lazyLint(c.profile);
  const stopListening = deps.onInterrupt(() => {
    controller.abort();
    ui.warn('stopping: finishing nothing new, keeping every finished draft (Ctrl-C again to quit at once)');
  });
  try {
    for (const w of store.warnings) ui.warn(w);
    const draftsName = path.relative(deps.cwd, draftsPath) || draftsPath;
    const source = { csv: c.fromStdin ? null : c.csv.file, header: c.scan.columns.headers, profile: c.profileFile };
    const orphans = bindDraftsFile(store, source, c.roster, { relink: Boolean(o.relink), draftsName });
    recordExclusions(store, c.excluded, c.memory);
    c.memory.reconcile(draftsPath, store);
    c.memory.noteDrafts(draftsPath);
    await engines.prepare(controller.signal);
    ui.info(`drafting ${c.selected.count} recipient(s) with ${engine.info.engine} · ${engine.info.model} (${engines.where})`);
    const replies: ReplyPlan = { redraftStale: Boolean(o.redraftStale), replyAfter: c.memory.replies(store), kept: new Map() };
    const rules: RuleCounts = new Map();
    // A batch's results come from no live model: sentiment then uses the labels the memory holds.
    const sentiment = await openSentimentRun(sentimentSettings(c, o.modelAnalysis), { ...(batch ? { model: engine.info.model } : { engine }), retries: o.retries, concurrency: o.concurrency, warn: (m) => ui.warn(m) });
    const { summary, readerGone, skipped } = await draftRows(c, o, deps, { engine, hosts: engines.hosts, store, controller, lint, batch, replies, rules, sentiment: sentiment.step });
    // --quiet with nothing failed prints no summary: its lint is not waited for.
    const shown = !o.quiet || summary.failed > 0;
    const tally = shown ? await lint.finish() : emptyTally();
    const notes = [...campaignNotes(c.roster, orphans, summary.stale, `${o.resume} --redraft-decided`, repliedNote(replies, store, o.resume)), ...batchInNotes(batch, c.roster, store, o), ...sentiment.notes()];
    return { summary, tally, notes, readerGone, selected: c.selected.count - skipped.length, excluded: [...c.excluded, ...skipped], rules, draftsPath, next: batchNext(batch, o) };
  } finally {
    stopListening();
    lint.close();
    await store.close();
    await engines.close();
  }
}

type Running = { engine: Engine; hosts: RunHost[] | undefined; store: DraftsStore; controller: AbortController; lint: LazyLint; batch?: BatchIn; replies: ReplyPlan; rules: RuleCounts; sentiment?: PlanStep };

/** The rows kept although their recipient replied since, for the summary's notes. */
function repliedNote(replies: ReplyPlan, store: DraftsStore, resume: string) {
  if (replies.kept.size === 0) return undefined;
  const rows = (decided: boolean) => [...replies.kept].filter(([, d]) => d === decided).map(([key]) => store.get(key)?.row ?? 0).sort((a, b) => a - b);
  return { undecided: rows(false), decided: rows(true), resume };
}

/** What every job of the run shares (the memory's history and examples, the rows' planner), and the lint's memory. */
function jobSettings(c: Campaign, r: Running, variants: VariantSpec[] | undefined): { settings: JobSettings; lintMemory: ReturnType<typeof historyForLint>['take'] } {
  const { source: history, take: lintMemory } = historyForLint(c.memory.historySource(c.profile, c.templates, r.store.path));
  const examples = c.memory.exampleSource(c.profile, c.profileFile, r.store.path);
  const settings: JobSettings = {
    profile: c.profile, templates: c.templates, columns: c.scan.columns, schema: c.schema, options: c.options, engine: r.engine.info,
    keyAt: (row) => c.roster.keyAt(row)!.key,
    digestAt: (row) => c.roster.digestAt(row),
    ...(history ? { history } : {}),
    ...(examples ? { examples } : {}),
    // Order: sentiment, rules, catalog (app/recipient-plans.ts); then the summary's count of rules.
    planner: countingRules(campaignPlanner(c, { sentiment: r.sentiment, ...catalogPlanning(c, r.engine) }), r.rules),
    plansReadMore: c.plansReadMore,
    ...(variants ? { variants } : {}),
  };
  return { settings, lintMemory };
}

/** The drafting loop over the rows not settled from the scan alone, with progress and `--out`. */
async function draftRows(c: Campaign, o: DraftCampaignOptions, deps: DraftCampaignDeps, r: Running): Promise<{ summary: RunSummary; readerGone: boolean; skipped: Exclusion[] }> {
  const plan = planJobs(r.store, r.engine.info, { force: Boolean(o.force), redraftDecided: Boolean(o.redraftDecided) }, r.replies);
  const { settings, lintMemory } = jobSettings(c, r, variantsOf(c.profile, o));
  const run = runDigestOf(settings);
  // --out writes every row, cached ones included, in order: those runs take the full path.
  const { settled, count: settledCount } = o.out ? { settled: new Uint8Array(0), count: 0 } : settleUnchanged(c.selected.rows(), c.scan.rows, c.roster, run, plan, (key) => r.store.get(key));
  const toRead = settledCount === c.selected.count ? undefined : c.recipients();
  const out = o.out ? await openOutput(o.out, deps) : undefined;
  const records = out ? outRecords(out, { format: o.format, rawCells: o.rawCells, columns: c.scan.columns, channel: c.profile.channel, fields: outputFieldNames(c.profile.output?.fields), store: r.store, controller: r.controller }) : undefined;
  const progress = await createProgress(deps.ui, { total: c.selected.count, cached: settledCount, perHost: (r.hosts?.length ?? 0) > 1 });
  // A row a rule skips is done without a request (the progress counts it with the unchanged ones).
  const skips = skipRecorder(r.store, c.memory, (row, key) => progress.onEvent({ type: 'cached', row, key }));
  settings.onSkip = skips.onSkip;
  let summary: RunSummary;
  let broke = false;
  try {
    summary = await runDrafts({
      jobs: toRead ? batchJobs(r.batch, draftJobs(skipSettled(toRead, settled), settings, run, r.controller.signal), plan) : noJobs(),
      // A batch result is what it is: asking again would read the same answer.
      engine: r.engine, plan, profile: c.profileFile, concurrency: o.concurrency, retries: r.batch ? 0 : o.retries, giveUpAfterMs: o.giveUpAfter * 1000, signal: r.controller.signal,
      ...(r.hosts ? { hosts: r.hosts, hostRetryAfterMs: (o.hostRetryAfter ?? 15) * 1000 } : {}),
      parse: (text) => parseDraftOutput(text, c.profile.channel, outputFieldNames(c.profile.output?.fields)),
      save: (record) => {
        const was = r.store.get(record.key!)?.status;
        r.store.append(record);
        // The drafts file's approval ends with the new version; so does the memory's.
        if (was === 'approved') c.memory.withdraw(r.store.path, record.key!);
      },
      onEvent: (e) => {
        progress.onEvent(e);
        // The lint thread boots while the first answer streams in, not after it (and no request
        // waits for it: starting it at 'started' delayed the first one).
        if (e.type === 'text') r.lint.start();
        // Only this run's new drafts: re-linting 100k unchanged ones would cost minutes and say
        // nothing new (`status` lints every undecided draft).
        // The lint's memory checks read the history the prompt carried (looked up once).
        if (e.type === 'drafted' && e.record.status === 'drafted') r.lint.add(e.record, lintMemory(e.record.key!));
        else if (e.type === 'failed') lintMemory(settings.keyAt(e.row));
      },
      emit: records?.emit,
    });
  } catch (err) {
    broke = true;
    throw err;
  } finally {
    progress.stop();
    await records?.end();
    // An interrupted run's --out holds every finished row in order; a failed one is discarded.
    await (broke ? out?.abort() : out?.close());
  }
  summary.cached += settledCount;
  return { summary, readerGone: records?.readerGone() ?? false, skipped: skips.skipped };
}
