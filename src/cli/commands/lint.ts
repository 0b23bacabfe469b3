// `draftsmith lint FILE [--profile P]`: lints a drafts file (the latest version of every draft,
// against the profile it was made with) or JSONL records shaped like `export`'s (row, recipient,
// subject, body) from anywhere, one finding a line on stdout. Exit 1 when any finding is an error.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ExitError, InputError, UsageError } from '../../core/errors.js';
import { lintDraft, type LintFinding } from '../../core/lint/lint-draft.js';
import { addToTally, emptyTally } from '../../core/lint/tally.js';
import { stripControlsInline } from '../../core/text/sanitize.js';
import { parseJournalLine } from '../../core/decisions/journal.js';
import { profileForDrafts } from '../../io/drafts-file/drafts-path.js';
import { DraftsStore } from '../../io/drafts-file/store.js';
import { readProfile } from '../../io/profile-file.js';
import { toJsonLine } from '../../io/export/record-writer.js';
import { renderLintSummary } from '../../ui/lint-summary.js';
import { createUi } from '../../ui/terminal.js';
import { writeWithBackpressure } from '../../io/output-target.js';
import type { CliIo } from '../streams.js';

export interface LintFlags {
  profile?: string;
  format: 'text' | 'jsonl';
}

/** One draft to lint, as read from a drafts file or an export. */
interface LintItem {
  row: number;
  subject?: string;
  body: string;
  recipient: Record<string, string>;
}

export async function runLintCommand(file: string, flags: LintFlags, io: CliIo): Promise<void> {
  if (file === '-' && io.stdin.isTTY) {
    throw new UsageError('`-` reads the drafts from stdin, but stdin is a terminal.', {
      hint: 'pipe them in (`draftsmith export --all | draftsmith lint - -p profile.yaml`) or pass a file.',
    });
  }
  const ui = createUi({ env: io.env, stdout: io.stdout, stderr: io.stderr, quiet: false });
  const shown = file === '-' ? '<stdin>' : file;
  const draftsFile = file !== '-' && (await isDraftsFile(path.resolve(io.cwd, file), shown));
  const store = draftsFile ? await DraftsStore.open(path.resolve(io.cwd, file), { lock: false, create: false }) : undefined;
  try {
    const profileFile = flags.profile ? path.resolve(io.cwd, flags.profile) : profileForDrafts(undefined, store?.recordedProfile(), io.cwd);
    if (!profileFile) {
      throw new UsageError(store ? 'the drafts file names no tone profile that still exists.' : 'linting exported records needs the tone profile.', {
        hint: 'add --profile <file> (the one the drafts were made with).',
      });
    }
    const { profile } = await readProfile(profileFile);
    const items = store ? latestVersions(store) : exportedRecords(file === '-' ? io.stdin : await openInput(path.resolve(io.cwd, file), shown), shown);
    const tally = emptyTally();
    for await (const item of items) {
      const findings = lintDraft({ subject: item.subject, body: item.body, recipient: item.recipient }, profile);
      addToTally(tally, item.row, findings);
      for (const f of findings) await writeWithBackpressure(io.stdout, formatFinding(item.row, f, flags.format));
    }
    if (tally.linted === 0) {
      throw new InputError(`no drafts in ${shown}`, {
        hint: store ? 'the drafts file holds no draft with text yet: run `draftsmith draft` first.' : 'pass a JSONL file with one record per line, e.g. from `draftsmith export --all`.',
      });
    }
    for (const l of renderLintSummary(tally, ui.chalk)) io.stderr.write(`${l}\n`);
    if (tally.errorRows.length > 0) throw new ExitError(1);
  } finally {
    await store?.close();
  }
}

/** Every recipient's latest version that has text (a failed draft has none), orphans left out. */
function* latestVersions(store: DraftsStore): Generator<LintItem> {
  for (const s of store.recipients()) {
    if (s.orphaned) continue;
    const shown = store.read(s.key);
    if (shown?.text) yield { row: s.row, ...shown.text, recipient: shown.draft.recipient };
  }
}

async function* exportedRecords(input: NodeJS.ReadableStream, shown: string): AsyncGenerator<LintItem> {
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    const draft = parseRecord(text, shown, line);
    if (draft === undefined) continue;
    yield {
      row: typeof draft.row === 'number' ? draft.row : line,
      subject: draft.subject as string | undefined,
      body: draft.body as string,
      recipient: (draft.recipient ?? {}) as Record<string, string>,
    };
  }
}

/** A drafts file starts with a draftsmith journal record (`type`), an export record does not. */
async function isDraftsFile(file: string, shown: string): Promise<boolean> {
  const input = await openInput(file, shown);
  try {
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      if (text.trim() === '') continue;
      const rec = parseJournalLine(text);
      return rec !== undefined;
    }
    return false;
  } finally {
    (input as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  }
}

async function openInput(file: string, shown: string): Promise<NodeJS.ReadableStream> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw Object.assign(new Error('it is a folder'), { code: 'EISDIR' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `file not found: ${shown}` : `cannot read ${shown}: ${(err as Error).message}`, {
      hint: 'pass a JSONL file of drafts, e.g. one written by `draftsmith export --all --out all.jsonl`.',
      cause: err,
    });
  }
  return createReadStream(file);
}

/** A record to lint, or undefined for a drafts file's shared-prompt line (nothing to lint). */
function parseRecord(text: string, file: string, line: number): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError('not a JSON record', {
      location: { file, line },
      hint: 'each line must be one JSON object with row, recipient, subject and body (as `draftsmith export` writes).',
    });
  }
  if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'prompt') return undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value) || typeof (value as { body?: unknown }).body !== 'string') {
    throw new InputError('the record has no "body" text', {
      location: { file, line },
      hint: 'each record needs at least "body" (and "recipient", "subject" for the best checks).',
    });
  }
  return value as Record<string, unknown>;
}

function formatFinding(row: number, f: LintFinding, format: 'text' | 'jsonl'): string {
  if (format === 'jsonl') return `${toJsonLine({ row, level: f.level, code: f.code, message: f.message })}\n`;
  return `row ${row}\t${f.level}\t${f.code}\t${stripControlsInline(f.message)}\n`;
}
