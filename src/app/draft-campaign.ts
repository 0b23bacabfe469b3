// `draft`'s use case: one campaign from the recipients CSV to the drafts file. Reads the profile and
// the CSV (stdin is spooled first, so the whole file is checked before the first model request),
// selects the rows, then either writes the dry run's messages or runs the drafting loop against the
// drafts file, writing `--out` records in row order as they finish. Warnings and progress go through
// the ui passed in; the run's outcome is returned for the command to report.
import path from 'node:path';
import { UsageError, isBrokenPipe } from '../core/errors.js';
import { buildMessages, generationOptions, type Templates } from '../core/drafting/prompt.js';
import { draftSchema, parseDraftOutput } from '../core/drafting/draft-answer.js';
import { unknownFieldNames } from '../core/drafting/private-columns.js';
import { runDrafts } from '../core/drafting/run.js';
import type { DraftJob, RunHost, RunSummary } from '../core/drafting/run-contract.js';
import type { Engine, GenerationOptions, JsonSchema } from '../core/engine.js';
import { toExportRecord } from '../core/export/export-record.js';
import { emptyTally, type LintTally } from '../core/lint/tally.js';
import type { ToneProfile } from '../core/profile.js';
import { storedRecipientKey } from '../core/recipients/recipient-key.js';
import type { Recipient } from '../core/recipients/recipients.js';
import type { RosterBuilder } from '../core/recipients/roster.js';
import { selectedRows, type RowSelection, type SelectedRows } from '../core/recipients/row-selection.js';
import { stripControlsInline } from '../core/text/sanitize.js';
import { readRecipients, scanCsv, type CsvOptions, type CsvScan } from '../io/csv/reader.js';
import { spoolToTempFile } from '../io/csv/stdin-spool.js';
import { defaultDraftsPath } from '../io/drafts-file/drafts-path.js';
import { DraftsStore } from '../io/drafts-file/store.js';
import { createRecordWriter, type OutputFormat } from '../io/export/record-writer.js';
import { openOutput, type OutputTarget } from '../io/output-target.js';
import { readProfile } from '../io/profile-file.js';
import { loadTemplates } from '../io/templates.js';
import { renderDryRun } from '../ui/dry-run.js';
import { createProgress } from '../ui/progress.js';
import type { Ui } from '../ui/terminal.js';
import { bindDraftsFile, campaignNotes, planJobs, preflightWarnings, rosterReader, settleUnchanged } from './campaign.js';
import { lazyLint, type LazyLint } from './lazy-lint.js';
import { draftJobs, filterRows, noJobs, runDigestOf, skipSettled, type JobSettings } from './draft-jobs.js';
import { openEngines, planHosts, type HostPick } from './draft-hosts.js';
import { batchInNotes, batchJobs, batchNext, campaignEngines, type BatchFlags, type BatchIn } from './batch-in.js';
import { writeBatchOut, type BatchOutReport } from './batch-out.js';

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
  force?: boolean;
  redraftDecided?: boolean;
  relink?: boolean;
  seed?: number;
  temperature?: number;
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
  /** Recipients this run selected. */
  selected: number;
  draftsPath: string;
  /** --batch-in: the command that writes the requests of the rows still to draft. */
  next?: string;
}

/** The scanned CSV and everything every row of this run shares. */
interface Campaign {
  profile: ToneProfile;
  profileFile: string;
  templates: Templates;
  csv: CsvOptions;
  fromStdin: boolean;
  scan: CsvScan;
  roster: RosterBuilder;
  selected: SelectedRows;
  schema: JsonSchema;
  options: GenerationOptions;
  /** The selected rows, read again from the CSV. */
  recipients: () => AsyncGenerator<Recipient>;
}

/** Runs the campaign; undefined for a dry run (its messages are already written). */
export async function draftCampaign(o: DraftCampaignOptions, deps: DraftCampaignDeps): Promise<CampaignOutcome | BatchOutReport | undefined> {
  const { profile, dir, file: profileFile } = await readProfile(path.resolve(deps.cwd, o.profile));
  const templates = await loadTemplates(profile, dir);
  const spool = o.csv === '-' ? await spoolToTempFile(deps.stdin) : undefined;
  try {
    const campaign = await scanCampaign(o, deps.ui, { profile, profileFile, templates }, spool?.path ?? path.resolve(deps.cwd, o.csv), Boolean(spool));
    if (o.batchOut !== undefined) return await writeBatchOut(campaign, { ...o, batchOut: o.batchOut }, deps);
    if (!o.dryRun) return await runCampaign(campaign, o, deps);
    await writeDryRun(campaign, o, deps);
    return undefined;
  } finally {
    await spool?.cleanup();
  }
}

async function scanCampaign(o: DraftCampaignOptions, ui: Ui, loaded: Pick<Campaign, 'profile' | 'profileFile' | 'templates'>, file: string, fromStdin: boolean): Promise<Campaign> {
  const { profile } = loaded;
  const csv: CsvOptions = { file, displayName: fromStdin ? '<stdin>' : o.csv, encoding: o.encoding, skipLines: o.skipLines };
  const reader = rosterReader(profile);
  const scan = await scanCsv(csv, reader.visitor);
  const roster = reader.roster();
  for (const notice of scan.notices) ui.note(notice);
  for (const warning of scan.warnings) ui.warn(warning);
  for (const warning of preflightWarnings(roster, profile.channel)) ui.warn(warning);
  const unknown = unknownFieldNames(profile, scan.columns);
  if (unknown.length > 0) {
    ui.warn(`profile names column(s) the CSV does not have: ${unknown.join(', ')} (check fields.private / fields.use)`);
  }
  // A recipient's later rows in the same CSV are not drafted: one person gets one message.
  const selected = selectedRows(scan.rows, o.selection, o.limit, (row) => roster.keyAt(row)?.first === true);
  if (o.selection && !o.selection.within(scan.rows)) {
    throw new UsageError(`--rows ${o.rows} matches none of the ${scan.rows} data row(s) in ${stripControlsInline(csv.displayName ?? csv.file)}.`, {
      hint: `data rows are numbered 1-${scan.rows} (row 1 is the first row after the header).`,
    });
  }
  return {
    ...loaded,
    csv,
    fromStdin,
    scan,
    roster,
    selected,
    schema: draftSchema(profile.channel),
    options: generationOptions(profile, { temperature: o.temperature, seed: o.seed }),
    recipients: () => filterRows(readRecipients(csv, scan), selected),
  };
}

async function writeDryRun(c: Campaign, o: DraftCampaignOptions, deps: DraftCampaignDeps): Promise<void> {
  const out = await openOutput(o.out ?? '-', deps);
  try {
    for await (const r of c.recipients()) {
      const messages = buildMessages(c.profile, c.templates, r, c.scan.columns);
      await out.write(renderDryRun({ row: r.row, messages, schema: c.schema, options: c.options }, o.format));
    }
  } catch (err) {
    // A half-written file never replaces the previous one.
    await out.abort();
    throw err;
  }
  await out.close();
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
    await engines.prepare(controller.signal);
    ui.info(`drafting ${c.selected.count} recipient(s) with ${engine.info.engine} · ${engine.info.model} (${engines.where})`);
    const { summary, readerGone } = await draftRows(c, o, deps, { engine, hosts: engines.hosts, store, controller, lint, batch });
    // --quiet with nothing failed prints no summary: its lint is not waited for.
    const shown = !o.quiet || summary.failed > 0;
    const tally = shown ? await lint.finish() : emptyTally();
    const notes = [...campaignNotes(c.roster, orphans, summary.stale, `${o.resume} --redraft-decided`), ...batchInNotes(batch, c.roster, store, o)];
    return { summary, tally, notes, readerGone, selected: c.selected.count, draftsPath, next: batchNext(batch, o) };
  } finally {
    stopListening();
    lint.close();
    await store.close();
    await engines.close();
  }
}

type Running = { engine: Engine; hosts: RunHost[] | undefined; store: DraftsStore; controller: AbortController; lint: LazyLint; batch?: BatchIn };

/** The drafting loop over the rows not settled from the scan alone, with progress and `--out`. */
async function draftRows(c: Campaign, o: DraftCampaignOptions, deps: DraftCampaignDeps, r: Running): Promise<{ summary: RunSummary; readerGone: boolean }> {
  const plan = planJobs(r.store, r.engine.info, { force: Boolean(o.force), redraftDecided: Boolean(o.redraftDecided) });
  const settings: JobSettings = {
    profile: c.profile, templates: c.templates, columns: c.scan.columns, schema: c.schema, options: c.options, engine: r.engine.info,
    keyAt: (row) => c.roster.keyAt(row)!.key,
    digestAt: (row) => c.roster.digestAt(row),
  };
  const run = runDigestOf(settings);
  // --out writes every row, cached ones included, in order: those runs take the full path.
  const { settled, count: settledCount } = o.out ? { settled: new Uint8Array(0), count: 0 } : settleUnchanged(c.selected.rows(), c.scan.rows, c.roster, run, plan, (key) => r.store.get(key));
  const toRead = settledCount === c.selected.count ? undefined : c.recipients();
  const out = o.out ? await openOutput(o.out, deps) : undefined;
  const records = out ? outRecords(out, c, o, r) : undefined;
  const progress = await createProgress(deps.ui, { total: c.selected.count, cached: settledCount, perHost: (r.hosts?.length ?? 0) > 1 });
  let summary: RunSummary;
  let broke = false;
  try {
    summary = await runDrafts({
      jobs: toRead ? batchJobs(r.batch, draftJobs(skipSettled(toRead, settled), settings, run), plan) : noJobs(),
      // A batch result is what it is: asking again would read the same answer.
      engine: r.engine, plan, profile: c.profileFile, concurrency: o.concurrency, retries: r.batch ? 0 : o.retries, giveUpAfterMs: o.giveUpAfter * 1000, signal: r.controller.signal,
      ...(r.hosts ? { hosts: r.hosts, hostRetryAfterMs: (o.hostRetryAfter ?? 15) * 1000 } : {}),
      parse: (text) => parseDraftOutput(text, c.profile.channel),
      save: (record) => r.store.append(record),
      onEvent: (e) => {
        progress.onEvent(e);
        // The lint thread boots while the first answer streams in, not after it (and no request
        // waits for it: starting it at 'started' delayed the first one).
        if (e.type === 'text') r.lint.start();
        // Only this run's new drafts: re-linting 100k unchanged ones would cost minutes and say
        // nothing new (`status` lints every undecided draft).
        if (e.type === 'drafted' && e.record.status === 'drafted') r.lint.add(e.record);
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
  return { summary, readerGone: records?.readerGone() ?? false };
}

/** `--out`: every finished job's record, in row order; a reader that leaves stops the run. */
function outRecords(out: OutputTarget, c: Campaign, o: DraftCampaignOptions, r: Running) {
  const writer = createRecordWriter(o.format, out.stream, { headers: c.scan.columns.headers, channel: c.profile.channel, rawCells: o.rawCells });
  let pending: Promise<void> = Promise.resolve();
  let gone = false;
  return {
    readerGone: () => gone,
    emit: (job: DraftJob) => {
      // What a person decided shows, not the model's first text: the same version everywhere.
      const shown = r.store.read(job.key);
      if (!shown || gone) return;
      pending = pending
        .then(() => writer.write(toExportRecord(shown)))
        .catch((err: unknown) => {
          if (!isBrokenPipe(err)) throw err;
          // `draft --out - | head`: nobody reads the rest, so stop paying for drafts.
          gone = true;
          r.controller.abort();
        });
    },
    end: async () => {
      await pending;
      await writer.end().catch((err: unknown) => {
        if (!isBrokenPipe(err)) throw err;
      });
    },
  };
}
