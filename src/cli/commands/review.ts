// `draftsmith review`: wires the drafts file, prompts, editor, lint and engine into the review loop.
//
// Screens and prompts go to stderr, like every other message draftsmith prints (stdout is data
// only). The review still requires stdin, stdout and stderr to be terminals: the prompts read
// keys from stdin, the screens are drawn on stderr, and the editor takes over the terminal
// through the inherited stdin/stdout.
import path from 'node:path';
import { parseStatusList, type DraftRecord } from '../../core/decisions/records.js';
import type { StoredRecipient } from '../../core/decisions/rules.js';
import { loadLintContext, type LintContext } from '../../app/lint-context.js';
import { regenerateDraft } from '../../app/regenerate.js';
import { shellWord } from '../../core/text/shell-word.js';
import { DraftsmithError, InterruptedError, UsageError } from '../../core/errors.js';
import { parseRowSelection } from '../../core/recipients/row-selection.js';
import type { ToneProfile } from '../../core/profile.js';
import type { Engine } from '../../core/engine.js';
import { locateDraftsFile, profileForDrafts } from '../../io/drafts-file/drafts-path.js';
import { DraftsStore } from '../../io/drafts-file/store.js';
import { editDraft } from '../../io/editor.js';
import { createAsk } from '../../ui/ask.js';
import { runReview, type ReviewResult } from '../../ui/review/loop.js';
import { createUi } from '../../ui/terminal.js';
import type { CliIo } from '../streams.js';
import { createEngineFromFlags } from '../engine-choice.js';

export interface ReviewFlags {
  engine?: 'auto' | 'ollama' | 'llama-cpp';
  threads?: number;
  yes?: boolean;
  all?: boolean;
  status?: string;
  rows?: string;
  profile?: string;
  model?: string;
  host?: string;
  allowRemote?: boolean;
  timeout: number;
}


export async function runReviewCommand(file: string | undefined, flags: ReviewFlags, io: CliIo): Promise<void> {
  if (!io.stdin.isTTY || !io.stdout.isTTY || !io.stderr.isTTY) {
    throw new UsageError('`review` is interactive and needs a terminal (stdin, stdout and stderr).', {
      hint: 'in scripts, use `draftsmith approve --rows 3,5-9` or `draftsmith approve --clean`, then `draftsmith export`.',
    });
  }
  const statuses = flags.status ? parseStatusList(flags.status) : undefined;
  const rows = flags.rows ? parseRowSelection(flags.rows) : undefined;
  const ui = createUi({ env: io.env, stdout: io.stdout, stderr: io.stderr, quiet: false });
  const draftsPath = await locateDraftsFile(file, io.cwd);
  const store = await DraftsStore.open(draftsPath, { lock: true, create: false });
  let ctx: LintContext | undefined;
  try {
    const profileFile = profileForDrafts(flags.profile, store.recordedProfile(), io.cwd);
    ctx = profileFile ? await loadLintContext(profileFile) : undefined;
  } catch (err) {
    await store.close();
    throw err;
  }
  const engines = new Map<string, Engine>();
  const resume = resumeCommand(file, flags);
  let result: ReviewResult;
  try {
    for (const w of store.warnings) ui.warn(w);
    // By default a regeneration uses the engine, host and model that wrote the draft; flags override.
    const engineFor = async (record: DraftRecord, profile: ToneProfile): Promise<Engine> => {
      const model = flags.model ?? record.model;
      const engineName = flags.engine ?? (record.engine === 'llama-cpp' || record.engine === 'ollama' ? record.engine : undefined);
      const host = flags.host ?? record.host;
      const key = `${engineName ?? 'auto'}\u0000${model}\u0000${host ?? ''}`;
      let engine = engines.get(key);
      if (!engine) {
        const created = await createEngineFromFlags({ ...flags, model, ...(host ? { host } : {}), ...(engineName ? { engine: engineName } : {}) }, profile, io);
        try {
          await created.prepare();
        } catch (err) {
          await created.close();
          throw err;
        }
        engines.set(key, (engine = created));
      }
      return engine;
    };
    result = await runReview(
      {
        store,
        ask: createAsk({ input: io.stdin, output: io.stderr }),
        edit: (draft, record) => editDraft(draft, { env: io.env, withSubject: record.subject !== undefined }),
        regenerate: async (shown, feedback, version) => {
          if (!ctx) return 'regenerating needs the tone profile, and the one the drafts were made with is gone: run review again with --profile <file>';
          return withInterrupt((signal) => regenerate(ctx, shown, feedback, version, engineFor, signal));
        },
        lint: (draft, record) =>
          ctx
            ? ctx.lint(draft, record.recipient)
            : [{ level: 'warning', code: 'no-profile', message: 'not linted: the tone profile was not found; pass --profile to check this draft' }],
        isPrivate: ctx ? ctx.isPrivate : () => false,
        show: (text) => io.stderr.write(text),
        clear: () => io.stderr.write('\u001b[H\u001b[2J'),
        width: Math.min(ui.width, 120),
        chalk: ui.chalk,
      },
      { all: flags.all, statuses, rows },
    );
  } finally {
    await store.close();
    for (const e of engines.values()) await e.close();
  }

  const c = result.counts;
  const tally = `approved ${c.approved} · skipped ${c.skipped} · left ${c.left}`;
  const rel = path.relative(io.cwd, draftsPath) || draftsPath;
  switch (result.end) {
    case 'empty':
      io.stderr.write(`draftsmith: nothing to review in ${rel} (${tally}).\n  hint: revisit decided drafts with --all.\n`);
      return;
    case 'finished':
      io.stderr.write(`draftsmith: review finished: ${tally}.\n  next: draftsmith export ${shellWord(rel)} --format csv --out approved.csv\n`);
      return;
    case 'quit':
      io.stderr.write(`draftsmith: saved (${tally}).\n  resume with: ${resume}\n`);
      return;
    case 'interrupted':
      throw new InterruptedError(`interrupted: every decision is saved (${tally}).`, { hint: `resume with: ${resume}` });
  }
}

async function regenerate(
  ctx: LintContext,
  shown: StoredRecipient,
  feedback: string,
  version: number,
  engineFor: (record: DraftRecord, profile: ToneProfile) => Promise<Engine>,
  signal: AbortSignal,
): Promise<DraftRecord | string> {
  try {
    const engine = await engineFor(shown.draft, ctx.profile);
    return await regenerateDraft(ctx, engine, shown, feedback, version, signal);
  } catch (err) {
    // Engine trouble or an unusable answer: say so on the same screen; the draft stays as it was.
    if (err instanceof DraftsmithError) return `regeneration failed: ${err.message}${err.hint ? ` (${err.hint})` : ''}`;
    throw err;
  }
}

/** Ctrl-C while the model writes (no prompt is reading keys then): abort the request. */
async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', stop);
  }
}

function resumeCommand(file: string | undefined, flags: ReviewFlags): string {
  const parts = ['draftsmith review'];
  if (file) parts.push(shellWord(file));
  if (flags.profile) parts.push('--profile', shellWord(flags.profile));
  if (flags.status) parts.push('--status', shellWord(flags.status));
  if (flags.rows) parts.push('--rows', shellWord(flags.rows));
  if (flags.engine) parts.push('--engine', flags.engine);
  if (flags.model) parts.push('--model', shellWord(flags.model));
  if (flags.host) parts.push('--host', shellWord(flags.host));
  if (flags.allowRemote) parts.push('--allow-remote');
  return parts.join(' ');
}
