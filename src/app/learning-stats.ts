// `stats`'s use case: is the tool learning? For each campaign the memory knows (the drafts files
// it noted and those its approvals came from, MemoryStore.campaigns()), optionally only those drafted with one tone profile, in
// time order (the file's first record): how many drafts, how many a person approved as they were
// or edited, skipped, the median share of words changed in the edited approvals (the model's text
// against the approved one, core/text/word-diff.ts), and the lint findings per draft on the model's
// own text (with the campaign's profile, app/lint-context.ts). A campaign whose file is gone is
// named, not fatal. Read only: nothing is written. Returns data; the command renders it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { modelText, type StoredRecipient } from '../core/decisions/rules.js';
import { DraftsmithError, UsageError } from '../core/errors.js';
import { editShare } from '../core/text/word-diff.js';
import { DraftsStore } from '../io/drafts-file/store.js';
import { loadLintContext, type LintContext } from './lint-context.js';
import { countVariants, type VariantRate } from '../core/decisions/variant-rates.js';
import { memoryPath, openMemory, type MemoryFlag } from './open-memory.js';

export interface CampaignStats {
  /** The drafts file (absolute path). */
  file: string;
  /** The tone profile it was drafted with (absolute), when recorded. */
  profile?: string;
  /** ISO time of its first record: campaigns are listed in this order. */
  startedAt?: string;
  /** Recipients with a model draft (failed and excluded ones aside). */
  drafts: number;
  approvedUnedited: number;
  approvedEdited: number;
  skipped: number;
  /** Drafts no one has decided yet. */
  undecided: number;
  failed: number;
  /** Median share of words changed (0 to 1) over the edited approvals; null without any. */
  medianEditShare: number | null;
  /** Lint findings on the model's own text, all drafts together; null when the profile is gone. */
  lintFindings: number | null;
  /** lintFindings / drafts; null as above or without drafts. */
  lintPerDraft: number | null;
  /** Drafts made in variants: per variant name, recipients offered it and approved with it (absent without any). */
  variants?: VariantRate[];
}

export interface LearningStats {
  /** The memory file read (undefined: there is none yet). */
  memory?: string;
  campaigns: CampaignStats[];
  /** Drafts files the memory lists that are not there any more. */
  missing: string[];
  /** Campaigns whose profile could not be read for the lint: the file, and why. */
  unlinted: { file: string; reason: string }[];
}

export interface StatsOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** --profile: only campaigns drafted with this tone profile. */
  profile?: string;
  memory?: MemoryFlag;
}

export async function learningStats(o: StatsOptions, warn: (message: string) => void): Promise<LearningStats> {
  const opened = await openMemory(o.memory, { env: o.env, cwd: o.cwd, notice: () => {} }, 'read');
  const out: LearningStats = { campaigns: [], missing: [], unlinted: [] };
  if (!opened) return out;
  let files: string[];
  try {
    out.memory = memoryPath(o.memory, o.env, o.cwd);
    files = opened.store.campaigns();
  } finally {
    opened.store.close();
  }
  const wanted = o.profile === undefined ? undefined : path.resolve(o.cwd, o.profile);
  if (wanted !== undefined && !existsSync(wanted)) {
    throw new UsageError(`--profile ${o.profile}: no such file.`, { hint: 'give the tone profile the campaigns were drafted with, or leave --profile out to see every campaign.' });
  }
  const contexts = new Map<string, Promise<LintContext | string>>();
  for (const file of files) {
    if (!existsSync(file)) {
      out.missing.push(file);
      continue;
    }
    try {
      const stats = await campaignStats(file, { wanted, contexts, out, warn });
      if (stats) out.campaigns.push(stats);
    } catch (err) {
      // One damaged or foreign file costs its line, not the report.
      if (!(err instanceof DraftsmithError)) throw err;
      warn(`${file} is left out: ${err.message}`);
    }
  }
  // Time order; a campaign with no time (no records) last, then by name, so the order is stable.
  out.campaigns.sort((a, b) => (a.startedAt ?? '\uffff').localeCompare(b.startedAt ?? '\uffff') || a.file.localeCompare(b.file));
  return out;
}

interface Walk {
  wanted: string | undefined;
  contexts: Map<string, Promise<LintContext | string>>;
  out: LearningStats;
  warn: (message: string) => void;
}

async function campaignStats(file: string, w: Walk): Promise<CampaignStats | undefined> {
  const store = await DraftsStore.open(file, { lock: false, create: false });
  try {
    const profile = store.recordedProfile();
    if (w.wanted !== undefined && (profile === undefined || path.resolve(profile) !== w.wanted)) return undefined;
    for (const m of store.warnings) w.warn(`${file}: ${m}`);
    const ctx = profile ? await lintContextFor(profile, w.contexts) : 'the drafts file names no tone profile';
    if (typeof ctx === 'string') w.out.unlinted.push({ file, reason: ctx });
    return tally(store, file, profile, typeof ctx === 'string' ? undefined : ctx);
  } finally {
    await store.close();
  }
}

function lintContextFor(profile: string, contexts: Walk['contexts']): Promise<LintContext | string> {
  let ctx = contexts.get(profile);
  if (!ctx) {
    ctx = loadLintContext(profile).catch((err: unknown) => {
      if (err instanceof DraftsmithError) return `its tone profile cannot be read (${err.message})`;
      throw err;
    });
    contexts.set(profile, ctx);
  }
  return ctx;
}

function tally(store: DraftsStore, file: string, profile: string | undefined, ctx: LintContext | undefined): CampaignStats {
  const s: CampaignStats = { file, ...(profile ? { profile } : {}), drafts: 0, approvedUnedited: 0, approvedEdited: 0, skipped: 0, undecided: 0, failed: 0, medianEditShare: null, lintFindings: ctx ? 0 : null, lintPerDraft: null };
  let first = store.source()?.at;
  const shares: number[] = [];
  const rates = new Map<string, VariantRate>();
  for (const state of store.recipients()) {
    const shown = store.read(state.key);
    if (!shown) continue;
    if (first === undefined || shown.draft.at < first) first = shown.draft.at;
    if (state.status === 'failed') s.failed++;
    if (state.status === 'failed' || state.status === 'excluded' || shown.draft.status !== 'drafted') continue;
    s.drafts++;
    if (state.status === 'skipped') s.skipped++;
    else if (state.status === 'drafted') s.undecided++;
    else if (!state.edited) s.approvedUnedited++;
    else {
      s.approvedEdited++;
      shares.push(shareOf(shown));
    }
    if (ctx && s.lintFindings !== null) s.lintFindings += ctx.lint({ subject: shown.draft.subject, body: shown.draft.body ?? '' }, shown.draft.recipient).length;
    if (shown.variant !== undefined) countVariants(rates, (shown.draft.variants ?? []).map((v) => v.name), state.status === 'approved' ? shown.variant : undefined);
  }
  if (rates.size > 0) s.variants = [...rates.values()];
  if (first !== undefined) s.startedAt = first;
  s.medianEditShare = median(shares);
  s.lintPerDraft = s.lintFindings !== null && s.drafts > 0 ? s.lintFindings / s.drafts : null;
  return s;
}

/** The model's text against the approved text, subject and body together. */
function shareOf(shown: StoredRecipient): number {
  const whole = (subject: string | undefined, body: string) => (subject ? `${subject}\n\n${body}` : body);
  const model = modelText(shown);
  return editShare(whole(model.subject, model.body), whole(shown.text?.subject, shown.text?.body ?? ''));
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
