// `draftsmith draft`: wires the CSV reader, profile, prompts, engine, runner and drafts file.
import path from 'node:path';
import { EngineError, InterruptedError, PartialFailureError, UsageError } from '../../core/errors.js';
import {
  buildMessages,
  draftSchema,
  generationOptions,
  parseDraftOutput,
  unknownFieldNames,
} from '../../core/drafting/prompt.js';
import type { Recipient } from '../../core/recipients/recipients.js';
import { stripControlsInline } from '../../core/text/sanitize.js';
import { shellWord } from '../../core/text/shell-word.js';
import { bindDraftsFile, campaignNotes, planJobs, rosterReader, settleUnchanged } from '../../app/campaign.js';
import { draftJobs, runDigestOf, type JobSettings } from '../../app/draft-jobs.js';
import { emptyTally } from '../../core/lint/tally.js';
import { storedRecipientKey } from '../../core/recipients/recipient-key.js';
import type { RosterBuilder } from '../../core/recipients/roster.js';
import { DRAFT_RESUME_FLAGS, resumeCommand } from '../resume.js';
import { listRows, parseRowSelection, type RowSelection } from '../../core/recipients/row-selection.js';
import { runDrafts } from '../../core/drafting/run.js';
import { toExportRecord } from '../../core/export/export-record.js';
import { startBackgroundLint, type BackgroundLint } from '../../io/lint-in-background.js';
import { readRecipients, scanCsv, spoolToTempFile, type CsvOptions } from '../../io/csv/reader.js';
import { defaultDraftsPath } from '../../io/drafts-file/drafts-path.js';
import { DraftsStore } from '../../io/drafts-file/store.js';
import { readProfile } from '../../io/profile-file.js';
import { loadTemplates } from '../../io/templates.js';
import { createRecordWriter, isBrokenPipe, type OutputFormat } from '../../io/export/record-writer.js';
import { openOutput } from '../output.js';
import { createUi } from '../../ui/terminal.js';
import { createProgress } from '../../ui/progress.js';
import { renderLintSummary } from '../../ui/lint-summary.js';
import { renderSummary } from '../../ui/summary.js';
import { renderDryRun } from '../../ui/dry-run.js';
import { createEngineFromFlags, type EngineFlags } from '../engine-choice.js';
import { onInterrupt } from '../interrupt.js';
import type { CliIo } from '../streams.js';

export interface DraftFlags extends EngineFlags {
  profile: string;
  concurrency: number;
  drafts?: string;
  format: OutputFormat;
  out?: string;
  rows?: string;
  limit?: number;
  dryRun?: boolean;
  force?: boolean;
  redraftDecided?: boolean;
  relink?: boolean;
  seed?: number;
  temperature?: number;
  retries: number;
  giveUpAfter: number;
  rawCells?: boolean;
  encoding?: string;
  skipLines?: number;
  quiet?: boolean;
}

export async function runDraftCommand(csvArg: string, flags: DraftFlags, io: CliIo): Promise<void> {
  const ui = createUi({ env: io.env, stdout: io.stdout, stderr: io.stderr, quiet: Boolean(flags.quiet) });
  const selection: RowSelection | undefined = flags.rows ? parseRowSelection(flags.rows) : undefined;
  const fromStdin = csvArg === '-';
  if (fromStdin && io.stdin.isTTY) {
    throw new UsageError('`-` reads the recipients CSV from stdin, but stdin is a terminal.', {
      hint: 'pipe a file in (`cat leads.csv | draftsmith draft - ...`) or pass the CSV path.',
    });
  }

  const { profile, dir: profileDir, file: profileFile } = await readProfile(path.resolve(io.cwd, flags.profile));
  const templates = await loadTemplates(profile, profileDir);

  // stdin is spooled so the whole file can be checked before the first model request.
  const spool = fromStdin ? await spoolToTempFile(io.stdin) : undefined;
  try {
    const csv: CsvOptions = {
      file: spool ? spool.path : path.resolve(io.cwd, csvArg),
      displayName: spool ? '<stdin>' : csvArg,
      encoding: flags.encoding,
      skipLines: flags.skipLines,
    };
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
    const selected = selectedRows(scan.rows, selection, flags.limit, (row) => roster.keyAt(row)?.first === true);
    if (selection && !selection.within(scan.rows)) {
      throw new UsageError(`--rows ${flags.rows} matches none of the ${scan.rows} data row(s) in ${stripControlsInline(csv.displayName ?? csv.file)}.`, {
        hint: `data rows are numbered 1-${scan.rows} (row 1 is the first row after the header).`,
      });
    }
    const schema = draftSchema(profile.channel);
    const options = generationOptions(profile, { temperature: flags.temperature, seed: flags.seed });
    const recipients = () => filterRows(readRecipients(csv, scan), selected);

    if (flags.dryRun) {
      const out = await openOutput(flags.out ?? '-', io);
      try {
        for await (const r of recipients()) {
          const messages = buildMessages(profile, templates, r, scan.columns);
          await out.write(renderDryRun({ row: r.row, messages, schema, options }, flags.format));
        }
      } catch (err) {
        // A half-written file never replaces the previous one.
        await out.abort();
        throw err;
      }
      await out.close();
      return;
    }

    const engine = await createEngineFromFlags(flags, profile, io);
    const draftsPath = flags.drafts ? path.resolve(io.cwd, flags.drafts) : defaultDraftsPath(fromStdin ? null : csvArg, io.cwd);
    const store = await DraftsStore.open(draftsPath, { lock: true, create: true, legacyKey: storedRecipientKey({ identity: profile.identity }), expected: roster.keys.length, rosterDigestOnly: true, intern: (key) => roster.intern(key),
    });
    const controller = new AbortController();
    let stopLint = () => {};
    const stopListening = onInterrupt(io, () => {
      controller.abort();
      ui.warn('stopping: finishing nothing new, keeping every finished draft (Ctrl-C again to quit at once)');
    });
    try {
      for (const w of store.warnings) ui.warn(w);
      const draftsName = path.relative(io.cwd, draftsPath) || draftsPath;
      const source = { csv: fromStdin ? null : csv.file, header: scan.columns.headers, profile: profileFile };
      const orphans = bindDraftsFile(store, source, roster, { relink: Boolean(flags.relink), draftsName });
      await engine.prepare(controller.signal);
      ui.info(`drafting ${selected.count} recipient(s) with ${engine.info.engine} · ${engine.info.model} (${engine.info.location})`);

      const plan = planJobs(store, engine.info, { force: Boolean(flags.force), redraftDecided: Boolean(flags.redraftDecided) });
      const settings: JobSettings = {
        profile, templates, columns: scan.columns, schema, options, engine: engine.info,
        keyAt: (row) => roster.keyAt(row)!.key,
        digestAt: (row) => roster.digestAt(row),
      };
      const run = runDigestOf(settings);
      // --out writes every row, cached ones included, in order: those runs take the full path.
      const { settled, count: settledCount } = flags.out ? { settled: new Uint8Array(0), count: 0 } : settleUnchanged(selected.rows(), scan.rows, roster, run, plan, (key) => store.get(key));
      const toRead = settledCount === selected.count ? undefined : recipients();

      const out = flags.out ? await openOutput(flags.out, io) : undefined;
      const writer = out ? createRecordWriter(flags.format, out.stream, { headers: scan.columns.headers, channel: profile.channel, rawCells: flags.rawCells }) : undefined;
      let pending: Promise<void> = Promise.resolve();
      let readerGone = false;
      const progress = await createProgress(ui, { total: selected.count, cached: settledCount });
      // The lint thread starts with the first answer: a re-run with nothing to draft never pays for it.
      let lint: BackgroundLint | undefined;
      stopLint = () => lint?.close();
      let summary;
      let broke = false;
      try {
        summary = await runDrafts({
          jobs: toRead ? draftJobs(skipSettled(toRead, settled), settings, run) : noJobs(),
          engine,
          plan,
          profile: profileFile,
          concurrency: flags.concurrency,
          retries: flags.retries,
          giveUpAfterMs: flags.giveUpAfter * 1000,
          signal: controller.signal,
          parse: (text) => parseDraftOutput(text, profile.channel),
          save: (record) => store.append(record),
          onEvent: (e) => {
            progress.onEvent(e);
            // The lint thread boots while the first answer streams in, not after it (and no
            // request waits for it: starting it at 'started' delayed the first one).
            if (e.type === 'text') lint ??= startBackgroundLint(profile);
            // Only this run's new drafts: re-linting 100k unchanged ones would cost minutes and say
            // nothing new (`status` lints every undecided draft).
            if (e.type === 'drafted' && e.record.status === 'drafted') {
              (lint ??= startBackgroundLint(profile)).add(e.record.row, { subject: e.record.subject, body: e.record.body ?? '', recipient: e.record.recipient });
            }
          },
          emit: writer
            ? (job) => {
                // What a person decided shows, not the model's first text: the same version everywhere.
                const shown = store.read(job.key);
                if (!shown || readerGone) return;
                pending = pending
                  .then(() => writer.write(toExportRecord(shown)))
                  .catch((err: unknown) => {
                    if (!isBrokenPipe(err)) throw err;
                    // `draft --out - | head`: nobody reads the rest, so stop paying for drafts.
                    readerGone = true;
                    controller.abort();
                  });
              }
            : undefined,
        });
      } catch (err) {
        broke = true;
        throw err;
      } finally {
        progress.stop();
        await pending;
        await writer?.end().catch((err: unknown) => {
          if (!isBrokenPipe(err)) throw err;
        });
        // An interrupted run's --out holds every finished row in order; a failed one is discarded.
        await (broke ? out?.abort() : out?.close());
      }

      summary.cached += settledCount;
      const shown = !flags.quiet || summary.failed > 0;
      // --quiet with nothing failed prints no summary: its lint is not waited for.
      const tally = lint && shown ? await lint.finish() : emptyTally();
      const resume = resumeCommand('draft', [csvArg, '--profile', flags.profile], flags as never, DRAFT_RESUME_FLAGS);
      const notes = campaignNotes(roster, orphans, summary.stale, `${resume} --redraft-decided`);
      if (readerGone) {
        ui.note(`the reader of --out closed the pipe: stopped, ${summary.drafted} new draft(s) kept in ${path.relative(io.cwd, draftsPath) || draftsPath}.`);
        return;
      }
      if (shown) {
        io.stderr.write(
          renderSummary(summary, {
            draftsFile: path.relative(io.cwd, draftsPath) || draftsPath,
            color: ui.chalk,
            resumeCommand: resume,
            lint: [...notes, ...renderLintSummary(tally, ui.chalk), ...(summary.cached + summary.stale > 0 ? [unchangedNote(draftsPath, io.cwd)] : [])],
            review: true,
          }),
        );
      }
      if (summary.engineDown) {
        const { sinceMs, lastError } = summary.engineDown;
        const left = selected.count - summary.drafted - summary.cached - summary.failed;
        throw new EngineError(`the engine stopped answering (nothing for ${Math.round(sinceMs / 1000)}s; last error: ${lastError}): stopped with ${summary.drafted} new draft(s) kept, ${left} row(s) not drafted yet.`, {
          hint: `once it answers again (\`draftsmith doctor\` checks), ${fromStdin ? 'pipe the same CSV into the same command' : `resume with: ${resume}`}`,
        });
      }
      if (summary.interrupted) {
        throw new InterruptedError('interrupted: every finished draft is saved.', {
          hint: fromStdin ? 'pipe the same CSV into the same command to resume.' : `resume with: ${resume}`,
        });
      }
      if (summary.failed > 0) {
        throw new PartialFailureError(`${summary.failed} of ${selected.count} recipient(s) failed.`, {
          hint: 're-run the same command: only the failed rows are drafted again.',
        });
      }
    } finally {
      stopListening();
      stopLint();
      await store.close();
      await engine.close();
    }
  } finally {
    await spool?.cleanup();
  }
}

interface Selected {
  count: number;
  has: (row: number) => boolean;
  /** The selected rows, in order. */
  rows: () => Iterable<number>;
}

/** Which data rows `--rows` and `--limit` keep, and how many that is (for progress). */
function selectedRows(total: number, selection: RowSelection | undefined, limit: number | undefined, eligible: (row: number) => boolean): Selected {
  let count = 0;
  let last = 0;
  for (let row = 1; row <= total; row++) {
    if ((selection && !selection.has(row)) || !eligible(row)) continue;
    if (limit !== undefined && count >= limit) break;
    count++;
    last = row;
  }
  const has = (row: number) => row <= last && (!selection || selection.has(row)) && eligible(row);
  return {
    count,
    has,
    rows: function* () {
      for (let row = 1; row <= last; row++) if (has(row)) yield row;
    },
  };
}

async function* skipSettled(source: AsyncIterable<Recipient>, settled: Uint8Array): AsyncGenerator<Recipient> {
  for await (const r of source) if (settled[r.row] !== 1) yield r;
}

async function* noJobs(): AsyncGenerator<never> {}

async function* filterRows(source: AsyncIterable<Recipient>, selected: Selected): AsyncGenerator<Recipient> {
  for await (const r of source) if (selected.has(r.row)) yield r;
}

/** Rows that will make poor drafts, said before any model time is spent. */
function preflightWarnings(roster: RosterBuilder, channel: string): string[] {
  const out: string[] = [];
  if (roster.noName.length > 0) out.push(`${roster.noName.length} row(s) have no name (rows ${listRows(roster.noName)}): their drafts cannot greet anyone by name`);
  if (channel === 'email' && roster.noEmail.length > 0) {
    out.push(`${roster.noEmail.length} row(s) have no e-mail address (rows ${listRows(roster.noEmail)}): they cannot be exported as mail`);
  }
  return out;
}

function unchangedNote(draftsPath: string, cwd: string): string {
  return `lint: unchanged drafts are not linted again; \`draftsmith status ${shellWord(path.relative(cwd, draftsPath) || draftsPath)}\` lints every undecided one`;
}
