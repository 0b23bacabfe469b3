// The review loop: show a draft, ask for one letter, write what was decided, move on (one function
// per action). Prompts, editor, model and journal are injected, so the whole loop runs in tests
// without a terminal.
// Every decision and every new version is appended to the journal before the next screen.
import type { ChalkInstance } from 'chalk';
import { startingText, withVariant, type StoredRecipient } from '../../core/decisions/rules.js';
import { stripControlsInline } from '../../core/text/sanitize.js';
import { DECIDED, type DraftRecord, type DraftStatus } from '../../core/decisions/records.js';
import { recordDecision, recordEdit, type ApprovalLedger, type DecisionJournal } from '../../core/decisions/recording.js';
import type { RecipientState } from '../../core/decisions/recipient-index.js';
import { isAbortError } from '../../core/errors.js';
import type { HistoryItem, Suppression } from '../../core/memory/records.js';
import { ReviewSession, type ReviewCounts } from './session.js';
import { isPromptCancel, type Ask, type Choice } from '../ask.js';
import { renderFullView, renderScreen, type Finding, type ShownDraft } from './screen.js';
import { renderPicks } from './catalog-card.js';

/** The part of DraftsStore the loop uses. */
export interface ReviewStore extends DecisionJournal {
  recipients(): RecipientState[];
}

/** The memory's side of a review (app/decision-memory.ts); absent when there is no memory. */
export interface ReviewMemory extends ApprovalLedger {
  suppression(key: string, recipient: Record<string, string>): Suppression | undefined;
  history(key: string, recipient: Record<string, string>): HistoryItem[];
  /** When the person replied after this draft was made (stale by a reply). */
  repliedSince(shown: StoredRecipient): string | undefined;
}

export type EditOutcome = { ok: true; draft: ShownDraft } | { ok: false; reason: string };

export interface ReviewDeps {
  store: ReviewStore;
  ask: Ask;
  /** Open the text in an editor; resolves with the new text or why nothing changed. */
  edit: (draft: ShownDraft, record: DraftRecord) => Promise<EditOutcome>;
  /**
   * A new version of the recipient's draft from the model, given the text on screen and the
   * reviewer's feedback, numbered `version`. Returns the record to append, or why regeneration is
   * unavailable.
   */
  regenerate: (shown: StoredRecipient, feedback: string, version: number) => Promise<DraftRecord | string>;
  lint: (draft: ShownDraft, record: DraftRecord, key: string) => Finding[];
  isPrivate: (header: string) => boolean;
  /** Writes text to the terminal. */
  show: (text: string) => void;
  /** Clears the terminal before each draft's screen (optional: tests keep every screen). */
  clear?: () => void;
  width: number;
  chalk: ChalkInstance;
  now?: () => string;
  memory?: ReviewMemory;
  /** Recorded with each decision. */
  reviewer?: string;
}

export interface ReviewFilter {
  /** Revisit decided drafts too. */
  all?: boolean;
  statuses?: ReadonlySet<DraftStatus>;
  rows?: { has(row: number): boolean };
}

export interface ReviewResult {
  /** Why the loop ended. */
  end: 'finished' | 'quit' | 'interrupted' | 'empty';
  counts: ReviewCounts;
  /** The row on screen when the reviewer left (for the resume hint). */
  row?: number;
}

/** `variant:2`: show variant 2 of a draft made in variants (keys 1..N). */
type Action = 'approve' | 'edit' | 'regenerate' | 'skip' | 'back' | 'view' | 'quit' | `variant:${number}`;

const ACTIONS: readonly Choice<Action>[] = [
  { key: 'a', name: 'approve', value: 'approve' },
  { key: 'e', name: 'edit in $EDITOR', value: 'edit' },
  { key: 'r', name: 'regenerate (with optional feedback)', value: 'regenerate' },
  { key: 's', name: 'skip', value: 'skip' },
  { key: 'b', name: 'back to the previous draft', value: 'back' },
  { key: 'v', name: 'view the full row and the prompt sent', value: 'view' },
  { key: 'q', name: 'save and quit', value: 'quit' },
];

export async function runReview(deps: ReviewDeps, filter: ReviewFilter = {}): Promise<ReviewResult> {
  const { session, empty } = openSession(deps.store, filter);
  if (empty || session.done) return { end: 'empty', counts: session.counts() };
  const now = deps.now ?? (() => new Date().toISOString());
  let notice: string | undefined;
  // The variant a reviewer picked for a draft made in variants (else the approved one, else the first).
  const picks = new Map<string, number>();
  try {
    while (!session.done) {
      const { key, row } = session.current()!;
      const read = deps.store.read(key);
      const pick = picks.get(key);
      const shown = read && pick !== undefined ? (withVariant(read, pick) ?? read) : read;
      if (!shown) {
        session.advance();
        continue;
      }
      const findings = shown.text ? deps.lint(shown.text, shown.draft, key) : [];
      showScreen(deps, session, { row, shown, findings, notice });
      notice = undefined;
      // No default: a stray Enter must never approve anything.
      const action = await deps.ask.choose('Action', [...ACTIONS, ...variantChoices(shown)]);
      if (action === 'quit') return { end: 'quit', counts: session.counts(), row };
      if (action.startsWith('variant:')) {
        picks.set(key, Number(action.slice('variant:'.length)));
        continue;
      }
      notice = await act(action as Exclude<Action, 'quit' | `variant:${number}`>, { deps, session, key, row, shown, findings, now });
    }
  } catch (err) {
    // Ctrl-C at a prompt, or during a regeneration: everything decided is already on disk.
    if (isPromptCancel(err) || isAbortError(err)) return { end: 'interrupted', counts: session.counts(), row: session.current()?.row };
    throw err;
  }
  return { end: 'finished', counts: session.counts() };
}

/** Keys 1..N for a draft made in variants (its latest version is the model's): each shows that variant. */
function variantChoices(shown: StoredRecipient): Choice<Action>[] {
  if (shown.variant === undefined) return [];
  return (shown.draft.variants ?? []).map((v, i) => ({ key: String(i + 1), name: `show variant ${i + 1} (${stripControlsInline(v.name)})`, value: `variant:${i + 1}` as const }));
}

/** The drafts this review goes through, and whether the filter left none. */
function openSession(store: ReviewStore, filter: ReviewFilter): { session: ReviewSession; empty: boolean } {
  // Recipients no longer in the CSV are never exported, so there is nothing to decide about them;
  // nor about excluded ones (the memory says not to contact them).
  const items = store
    .recipients()
    .filter((s) => !s.orphaned && s.status !== 'excluded' && (!filter.rows || filter.rows.has(s.row)) && (!filter.statuses || filter.statuses.has(s.status)))
    .map((s) => ({ key: s.key, row: s.row, status: s.status }));
  // Asking for decided statuses (--status approved) means revisiting them.
  const revisit = Boolean(filter.all) || [...(filter.statuses ?? [])].some((s) => DECIDED.has(s));
  return { session: new ReviewSession(items, { revisit }), empty: items.length === 0 };
}

interface OnScreen {
  row: number;
  shown: StoredRecipient;
  findings: Finding[];
  notice: string | undefined;
}

function showScreen(deps: ReviewDeps, session: ReviewSession, { row, shown, findings, notice }: OnScreen): void {
  const { state, draft, text } = shown;
  const memory = deps.memory;
  deps.clear?.();
  deps.show(
    renderScreen({
      row,
      position: session.position(),
      counts: session.counts(),
      recipient: draft.recipient,
      isPrivate: deps.isPrivate,
      draft: text,
      error: text ? undefined : draft.error,
      findings,
      version: state.version,
      status: state.status,
      edited: state.edited,
      stale: state.stale,
      history: memory?.history(state.key, draft.recipient) ?? [],
      suppression: memory?.suppression(state.key, draft.recipient),
      ...(draft.rules?.length ? { rules: draft.rules } : {}),
      ...(draft.sentiment ? { sentiment: draft.sentiment } : {}),
      repliedAt: memory?.repliedSince(shown),
      picks: renderPicks(draft, deps.width, deps.chalk),
      notice,
      ...(shown.variant !== undefined ? { variants: { names: (draft.variants ?? []).map((v) => v.name), shown: shown.variant } } : {}),
      width: deps.width,
      chalk: deps.chalk,
    }),
  );
}

/** The draft on screen and what acting on it needs. */
interface Turn {
  deps: ReviewDeps;
  session: ReviewSession;
  key: string;
  row: number;
  shown: StoredRecipient;
  findings: Finding[];
  now: () => string;
}

/** Does what the reviewer chose; returns the notice for the next screen, if any. */
async function act(action: Exclude<Action, 'quit' | `variant:${number}`>, t: Turn): Promise<string | undefined> {
  switch (action) {
    case 'approve':
      return approve(t);
    case 'edit':
      return edit(t);
    case 'regenerate':
      return regenerate(t);
    case 'skip':
      decide(t, 'skipped');
      t.session.advance();
      return undefined;
    case 'back':
      return t.session.back() ? undefined : 'this is the first draft';
    case 'view':
      t.deps.show(renderFullView(t.shown.draft.recipient, t.deps.isPrivate, t.shown.draft.messages, t.deps.width, t.deps.chalk, t.shown.draft.memoryExamples));
      await t.deps.ask.text('Press Enter to go back to the draft');
      return undefined;
  }
}

/** A decision names the exact version on screen; a newer version withdraws it. */
function decide(t: Turn, status: 'approved' | 'skipped'): void {
  recordDecision(t.deps.store, t.deps.memory, t.shown, { status, at: t.now(), ...(t.deps.reviewer ? { reviewer: t.deps.reviewer } : {}) });
  t.session.update(t.key, status);
}

/** A skip or a new version takes back an approval the memory holds. */
function withdrawIfApproved(t: Turn): void {
  if (t.shown.state.status === 'approved') t.deps.memory?.withdrawn(t.key);
}

async function approve(t: Turn): Promise<string | undefined> {
  if (!t.shown.text) return 'nothing to approve: drafting failed for this row; regenerate (r) or skip (s)';
  const suppressed = t.deps.memory?.suppression(t.key, t.shown.draft.recipient);
  if (suppressed) return `not approved: this person is on the do-not-contact list (${suppressed.kind}: ${suppressed.reason}); skip (s) it`;
  if (t.findings.some((f) => f.level === 'error')) {
    const sure = await t.deps.ask.confirm('This draft has lint errors. Approve it anyway?', false);
    if (!sure) return 'not approved';
  }
  decide(t, 'approved');
  t.session.advance();
  return undefined;
}

async function edit(t: Turn): Promise<string> {
  const out = await t.deps.edit(startingText(t.shown), t.shown.draft);
  if (!out.ok) return out.reason;
  // An edit is a new version, not a decision: the same draft comes back, undecided, linted again.
  const edited = recordEdit(t.deps.store, t.deps.memory, t.shown, out.draft, t.now());
  t.session.update(t.key, 'drafted');
  return `edited: saved as version ${edited.state.version}, not approved yet; approve (a) to send this text`;
}

async function regenerate(t: Turn): Promise<string> {
  const feedback = (await t.deps.ask.text('Feedback for the model (optional, Enter for none):')).trim();
  t.deps.show('regenerating…\n');
  const next = await t.deps.regenerate(t.shown, feedback, t.shown.state.version + 1);
  if (typeof next === 'string') return next;
  // A failed attempt is not saved over a draft that may be fine: the row keeps what it had.
  if (next.status !== 'drafted') return `regeneration failed: ${next.error ?? 'unknown error'}`;
  t.deps.store.append(next);
  withdrawIfApproved(t);
  t.session.update(t.key, next.status);
  return `regenerated: version ${next.version}${feedback ? ` (feedback: ${feedback})` : ''}`;
}
