// `review`'s use case: opens the drafts file (locked), finds the tone profile the drafts were made
// with (or --profile), and runs the review loop with the lint, the editor and regeneration wired
// in, and the memory: the recipient's history on the card and in a regeneration's prompt, its
// do-not-contact mark, each approval recorded and withdrawn as it happens. Regeneration keeps one engine per engine, model and host, all closed at the end. The
// terminal side (prompts, screens) is passed in; the loop's result is returned for the command.
import type { DraftRecord } from '../core/decisions/records.js';
import type { StoredRecipient } from '../core/decisions/rules.js';
import type { Engine, EngineChoice } from '../core/engine.js';
import { isEngineName } from '../engines/index.js';
import { DraftsmithError } from '../core/errors.js';
import type { ToneProfile } from '../core/profile.js';
import { locateDraftsFile, profileForDrafts } from '../io/drafts-file/drafts-path.js';
import { DraftsStore } from '../io/drafts-file/store.js';
import { editDraft } from '../io/editor.js';
import { runReview, type ReviewDeps, type ReviewFilter, type ReviewResult } from '../ui/review/loop.js';
import { openDecisionMemory, type DecisionMemory } from './decision-memory.js';
import { loadLintContext, type LintContext } from './lint-context.js';
import type { MemoryFlag } from './open-memory.js';
import { regenerateDraft } from './regenerate.js';

/** The engine a regeneration uses; the flags override the one that wrote the draft. */
export interface RegenerateWith {
  engine?: EngineChoice;
  model?: string;
  host?: string;
}

export interface ReviewDraftsOptions {
  /** The drafts file as given (default: the one in cwd). */
  file?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  profile?: string;
  filter: ReviewFilter;
  engine: RegenerateWith;
  /** Recorded with each decision. */
  reviewer: string;
  memory?: MemoryFlag;
}

export interface ReviewDraftsDeps {
  /** The terminal side of the loop. */
  terminal: Pick<ReviewDeps, 'ask' | 'show' | 'clear' | 'width' | 'chalk'>;
  warn: (message: string) => void;
  /** The memory's first-time notice, printed as it is. */
  notice?: (message: string) => void;
  createEngine: (choice: RegenerateWith & { model: string }, profile: ToneProfile) => Promise<Engine>;
  /** Runs a regeneration so that Ctrl-C aborts it (no prompt reads keys while the model writes). */
  interruptible: <T>(fn: (signal: AbortSignal) => Promise<T>) => Promise<T>;
}

export async function reviewDrafts(o: ReviewDraftsOptions, deps: ReviewDraftsDeps): Promise<{ result: ReviewResult; draftsPath: string }> {
  const draftsPath = await locateDraftsFile(o.file, o.cwd);
  const store = await DraftsStore.open(draftsPath, { lock: true, create: false });
  let ctx: LintContext | undefined;
  let memory: DecisionMemory;
  try {
    const profileFile = profileForDrafts(o.profile, store.recordedProfile(), o.cwd);
    ctx = profileFile ? await loadLintContext(profileFile) : undefined;
    memory = await openDecisionMemory(o.memory, draftsPath, { env: o.env, cwd: o.cwd, warn: deps.warn, ...(deps.notice ? { notice: deps.notice } : {}), ...(ctx ? { toneProfile: ctx.profile } : {}) });
  } catch (err) {
    await store.close();
    throw err;
  }
  const engines = engineCache(o.engine, deps.createEngine);
  try {
    for (const w of store.warnings) deps.warn(w);
    const loop = { store, ...deps.terminal, ...withProfile(ctx, memory, o.env, engines.engineFor, deps.interruptible), memory, reviewer: o.reviewer };
    const result = await runReview(loop, o.filter);
    const unrecorded = memory.unrecorded();
    if (unrecorded) deps.warn(unrecorded);
    return { result, draftsPath };
  } finally {
    memory.close();
    await store.close();
    await engines.closeAll();
  }
}

/** The loop's lint, editor and regeneration, with the profile when one was found. */
function withProfile(ctx: LintContext | undefined, memory: DecisionMemory, env: NodeJS.ProcessEnv, engineFor: EngineFor, interruptible: ReviewDraftsDeps['interruptible']) {
  const deps: Pick<ReviewDeps, 'edit' | 'regenerate' | 'lint' | 'isPrivate'> = {
    edit: (draft, record) => editDraft(draft, { env, withSubject: record.subject !== undefined }),
    regenerate: async (shown, feedback, version) => {
      if (!ctx) return 'regenerating needs the tone profile, and the one the drafts were made with is gone: run review again with --profile <file>';
      return interruptible((signal) => regenerate(ctx, shown, feedback, version, { engineFor, memory }, signal));
    },
    lint: (draft, record, key) =>
      ctx
        ? ctx.lint(draft, record.recipient, memory.lintMemory(key, record.recipient), record.effective)
        : [{ level: 'warning', code: 'no-profile', message: 'not linted: the tone profile was not found; pass --profile to check this draft' }],
    isPrivate: ctx ? ctx.isPrivate : () => false,
  };
  return deps;
}

type EngineFor = (record: DraftRecord, profile: ToneProfile) => Promise<Engine>;

/** By default a regeneration uses the engine, host and model that wrote the draft; flags override. */
function engineCache(flags: RegenerateWith, create: ReviewDraftsDeps['createEngine']): { engineFor: EngineFor; closeAll: () => Promise<void> } {
  const engines = new Map<string, Engine>();
  const engineFor: EngineFor = async (record, profile) => {
    const model = flags.model ?? record.model;
    const engineName = flags.engine ?? (isEngineName(record.engine) ? record.engine : undefined);
    const host = flags.host ?? record.host;
    const key = `${engineName ?? 'auto'}\u0000${model}\u0000${host ?? ''}`;
    let engine = engines.get(key);
    if (!engine) {
      const created = await create({ model, ...(host ? { host } : {}), ...(engineName ? { engine: engineName } : {}) }, profile);
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
  const closeAll = async () => {
    for (const e of engines.values()) await e.close();
  };
  return { engineFor, closeAll };
}

/** `memory`: the history `draft` would put into the prompt (none under --no-memory). */
async function regenerate(ctx: LintContext, shown: StoredRecipient, feedback: string, version: number, w: { engineFor: EngineFor; memory: DecisionMemory }, signal: AbortSignal): Promise<DraftRecord | string> {
  try {
    const engine = await w.engineFor(shown.draft, ctx.profile);
    return await regenerateDraft(ctx, engine, shown, feedback, version, signal, w.memory);
  } catch (err) {
    // Engine trouble or an unusable answer: say so on the same screen; the draft stays as it was.
    if (err instanceof DraftsmithError) return `regeneration failed: ${err.message}${err.hint ? ` (${err.hint})` : ''}`;
    throw err;
  }
}
