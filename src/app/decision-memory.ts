// What review and approve read from and tell the memory, opened once per command:
// - the do-not-contact list (read even under --no-memory: an opt-out is never lost by a flag);
// - the recipient's history from other campaigns, for the review card and the lint (full memory only);
// - each approval as it is made, and its withdrawal when a later version or a skip replaces it.
// The drafts file is the record of decisions: a memory that fails to open or to write costs a
// warning saying what was not recorded, never a decision.
import { modelText, repliedAfter, type StoredRecipient } from '../core/decisions/rules.js';
import { messageIdFor } from '../core/export/message-id.js';
import { toExportRecord } from '../core/export/export-record.js';
import type { LintMemory } from '../core/lint/repeats.js';
import { sentData } from '../core/drafting/recipient-data.js';
import type { Approval, ApprovalLearning, HistoryBudget, HistoryItem, Suppression } from '../core/memory/records.js';
import { whoOf } from '../core/memory/who.js';
import type { ToneProfile } from '../core/profile.js';
import { buildColumns } from '../core/recipients/recipients.js';
import { recipientAddress } from '../io/export/mail-files.js';
import type { MemoryStore } from '../io/memory/memory-store.js';
import { exampleSourceIn } from './campaign-memory.js';
import type { ExampleSource } from './draft-jobs.js';
import { openMemory, type MemoryFlag } from './open-memory.js';

/** How far back review and the lint look: more than a prompt carries, a repeat is a repeat for years. */
const DECIDING_BUDGET: HistoryBudget = { items: 10, sinceDays: 3 * 365, excerptChars: 400 };

export interface DecisionMemory {
  /** Opted out or undeliverable; undefined without a memory. */
  suppression(key: string, recipient: Record<string, string>): Suppression | undefined;
  /** Newest first, other campaigns only; [] without a full memory. `budget`: a prompt's (regenerate), else the card's and the lint's. */
  history(key: string, recipient: Record<string, string>, budget?: HistoryBudget): HistoryItem[];
  /** When the person wrote to us after this draft was made (stale by a reply); undefined without a full memory. */
  repliedSince(shown: StoredRecipient): string | undefined;
  /** For the lint: undefined when there is no memory at all (its checks are then absent). */
  lintMemory(key: string, recipient: Record<string, string>): LintMemory | undefined;
  /** The examples `draft` chooses for this profile (its absolute path) in this campaign, for regenerate; undefined without a full memory. */
  examples(profile: ToneProfile, profileFile: string): ExampleSource | undefined;
  /** Records the approval of the recipient's latest version (one write). */
  approved(shown: StoredRecipient, decision: { at: string; reviewer: string }): void;
  /** A later version or a skip of an approved recipient withdraws its approval. */
  withdrawn(key: string): void;
  /** Why some decisions are not in the memory, once, at the end; undefined when all are. */
  unrecorded(): string | undefined;
  close(): void;
}

export interface DecisionMemoryDeps {
  env: NodeJS.ProcessEnv;
  cwd: string;
  warn: (message: string) => void;
  /** The first-time notice (where the memory is, how to turn it off): printed as it is. */
  notice?: (message: string) => void;
  /**
   * The tone profile the drafts are reviewed against: with it, each approval is recorded with what
   * it teaches (channel, the model's text when edited, the recipient's non-private fields);
   * without it the approval is never an example nor a lesson.
   */
  toneProfile?: ToneProfile;
}

/**
 * `campaign`: the drafts file's absolute path (undefined for records from elsewhere: then no
 * history, as this campaign's own approvals cannot be told apart). `read` (the lint) opens only
 * an existing memory and records nothing.
 */
export async function openDecisionMemory(flag: MemoryFlag, campaign: string | undefined, deps: DecisionMemoryDeps, mode: 'read' | 'write' = 'write'): Promise<DecisionMemory> {
  try {
    const opened = await openMemory(flag, { env: deps.env, cwd: deps.cwd, notice: deps.notice ?? deps.warn }, mode);
    return opened ? memoryFor(opened.store, { full: opened.full, record: opened.full && mode === 'write', profile: deps.toneProfile }, campaign, deps.warn) : NO_MEMORY;
  } catch (err) {
    deps.warn(
      `the memory could not be opened (${(err as Error).message}): decisions are saved in the drafts file but not recorded in the memory, ` +
        'and the do-not-contact list was not checked here (`draftsmith export` checks it again).',
    );
    return NO_MEMORY;
  }
}

const NO_MEMORY: DecisionMemory = {
  suppression: () => undefined,
  history: () => [],
  repliedSince: () => undefined,
  lintMemory: () => undefined,
  examples: () => undefined,
  approved: () => {},
  withdrawn: () => {},
  unrecorded: () => undefined,
  close: () => {},
};

function memoryFor(store: MemoryStore, { full, record, profile }: { full: boolean; record: boolean; profile: ToneProfile | undefined }, campaign: string | undefined, warn: (m: string) => void): DecisionMemory {
  let failed = 0;
  let firstError: string | undefined;
  const write = (fn: () => void) => {
    if (!record) return;
    try {
      fn();
    } catch (err) {
      // Warn once; the count comes at the end. The drafts file already holds the decision.
      if (failed++ === 0) warn(`a decision could not be recorded in the memory (${(firstError = (err as Error).message)}); it is saved in the drafts file.`);
    }
  };
  let readFailed = false;
  // A read that fails (a locked or damaged file) costs the screen its memory lines, not the review.
  const read = <T>(fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch (err) {
      if (!readFailed) warn(`the memory could not be read (${(err as Error).message}): history and the do-not-contact list are missing here (\`draftsmith export\` checks the list again).`);
      readFailed = true;
      return fallback;
    }
  };
  const history = (key: string, recipient: Record<string, string>, budget: HistoryBudget = DECIDING_BUDGET) =>
    full && campaign !== undefined ? read(() => store.history(whoOf(key, recipient), budget, { excludeCampaign: campaign }), []) : [];
  const suppression = (key: string, recipient: Record<string, string>) => read(() => store.suppression(whoOf(key, recipient)), undefined);
  return {
    suppression,
    history,
    repliedSince: ({ state, draft }) => {
      if (!full) return undefined;
      const last = read(() => store.lastReceivedAt(whoOf(state.key, draft.recipient)), undefined);
      return repliedAfter(draft.at, last) ? last : undefined;
    },
    lintMemory: (key, recipient) => {
      const s = suppression(key, recipient);
      return { history: history(key, recipient), ...(s ? { suppression: s } : {}) };
    },
    examples: (tone, profileFile) => (full && campaign !== undefined ? exampleSourceIn(store, tone, { profile: profileFile, campaign }, warn) : undefined),
    approved: (shown, decision) => write(() => campaign !== undefined && store.recordApproval(approvalOf(shown, campaign, decision, profile))),
    withdrawn: (key) => write(() => campaign !== undefined && store.withdrawApproval(campaign, key)),
    unrecorded: () => (failed > 0 ? `${failed} decision(s) were not recorded in the memory (${firstError}); the drafts file holds them all.` : undefined),
    close: () => store.close(),
  };
}

/**
 * The memory's record of one approval; its Message-ID is the one eml/mbox exports give this text.
 * With the profile, it carries what the approval teaches (learningOf).
 */
export function approvalOf(shown: StoredRecipient, campaign: string, decision: { at: string; reviewer: string }, profile?: ToneProfile): Approval {
  const { state, draft, text } = shown;
  const who = whoOf(state.key, draft.recipient);
  const to = recipientAddress(toExportRecord(shown));
  const address = 'email' in to ? to.email : (who.email ?? '');
  const body = text?.body ?? '';
  return {
    who,
    ...('name' in to && to.name ? { name: to.name } : {}),
    campaign,
    version: state.version,
    ...(text?.subject !== undefined ? { subject: text.subject } : {}),
    body,
    edited: state.edited,
    ...(draft.profile ? { profile: draft.profile } : {}),
    engine: draft.engine,
    model: draft.model,
    reviewer: decision.reviewer,
    at: decision.at,
    messageId: messageIdFor({ key: state.key, version: state.version, address, subject: text?.subject ?? '', body }),
    ...(profile ? { learning: learningOf(shown, profile) } : {}),
  };
}

/**
 * The channel, the model's text when the reviewer edited it, and the recipient's columns exactly
 * as the prompt carried them: the prompt's own rule (sentData) decides, so a private column never
 * reaches the memory's fields or its search index.
 */
export function learningOf(shown: StoredRecipient, profile: ToneProfile): ApprovalLearning {
  const { state, draft } = shown;
  const headers = Object.keys(draft.recipient);
  const { columns } = buildColumns(headers);
  const fields = sentData(profile, { row: draft.row, line: 0, cells: headers.map((h) => draft.recipient[h] ?? '') }, columns);
  // The model's text the person edited: of a draft made in variants, the variant they started from.
  const original = state.edited ? modelText(shown) : undefined;
  return { channel: profile.channel, ...(original ? { original } : {}), fields };
}
