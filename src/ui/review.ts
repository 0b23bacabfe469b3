// The review loop: show a draft, ask for one letter, write what was decided, move on. Prompts,
// editor, model and journal are injected, so the whole loop runs in tests without a terminal.
// Every decision and every new version is appended to the journal before the next screen.
import type { ChalkInstance } from 'chalk';
import { DECIDED, type DecisionRecord, type DraftRecord, type DraftStatus, type JournalRecord } from '../core/draft.js';
import type { RowState } from '../core/journal.js';
import { isAbortError } from '../core/errors.js';
import { ReviewSession, type ReviewCounts } from '../core/review-session.js';
import { isPromptCancel, type Ask, type Choice } from './ask.js';
import { renderFullView, renderScreen, type Finding, type ShownDraft } from './render-draft.js';

/** The part of DraftsStore the loop uses. */
export interface ReviewStore {
  rows(): RowState[];
  state(row: number): RowState | undefined;
  readDraft(row: number): DraftRecord | undefined;
  readDecision(row: number): DecisionRecord | undefined;
  append(rec: JournalRecord): void;
}

export type EditOutcome = { ok: true; draft: ShownDraft } | { ok: false; reason: string };

export interface ReviewDeps {
  store: ReviewStore;
  ask: Ask;
  /** Open the text in an editor; resolves with the new text or why nothing changed. */
  edit: (draft: ShownDraft, record: DraftRecord) => Promise<EditOutcome>;
  /**
   * A new version of the row's draft from the model, given the text on screen and the reviewer's
   * feedback. Returns the record to append, or a string saying why regeneration is unavailable.
   */
  regenerate: (record: DraftRecord, shown: ShownDraft | undefined, feedback: string) => Promise<DraftRecord | string>;
  lint: (draft: ShownDraft, record: DraftRecord) => Finding[];
  isPrivate: (header: string) => boolean;
  /** Writes text to the terminal. */
  show: (text: string) => void;
  /** Clears the terminal before each draft's screen (optional: tests keep every screen). */
  clear?: () => void;
  width: number;
  chalk: ChalkInstance;
  now?: () => string;
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

type Action = 'approve' | 'edit' | 'regenerate' | 'skip' | 'back' | 'view' | 'quit';

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
  const items = deps.store
    .rows()
    .filter((s) => (!filter.rows || filter.rows.has(s.row)) && (!filter.statuses || filter.statuses.has(s.status)))
    .map((s) => ({ row: s.row, status: s.status }));
  // Asking for decided statuses (--status approved) means revisiting them.
  const revisit = Boolean(filter.all) || [...(filter.statuses ?? [])].some((s) => DECIDED.has(s));
  const session = new ReviewSession(items, { revisit });
  if (items.length === 0 || session.done) return { end: 'empty', counts: session.counts() };
  const now = deps.now ?? (() => new Date().toISOString());
  let notice: string | undefined;

  try {
    while (!session.done) {
      const row = session.current()!.row;
      const record = deps.store.readDraft(row);
      if (!record) {
        session.advance();
        continue;
      }
      const state = deps.store.state(row)!;
      const decision = deps.store.readDecision(row);
      // Text a person wrote travels with the decision; it wins over the model's text.
      const personText = decision && decision.body !== undefined ? { subject: decision.subject, body: decision.body } : undefined;
      const shown: ShownDraft | undefined =
        personText ?? (record.status === 'drafted' ? { subject: record.subject, body: record.body ?? '' } : undefined);
      const findings = shown ? deps.lint(shown, record) : [];
      deps.clear?.();
      deps.show(
        renderScreen({
          row,
          position: session.position(),
          counts: session.counts(),
          recipient: record.recipient,
          isPrivate: deps.isPrivate,
          draft: shown,
          error: record.error,
          findings,
          version: record.version,
          status: state.status,
          notice,
          width: deps.width,
          chalk: deps.chalk,
        }),
      );
      notice = undefined;

      const action = await deps.ask.choose('Action', ACTIONS, 'a');
      const decide = (status: DecisionRecord['status'], text?: ShownDraft) => {
        deps.store.append({
          type: 'decision',
          row,
          status,
          version: record.version,
          ...(text?.subject !== undefined ? { subject: text.subject } : {}),
          ...(text ? { body: text.body } : {}),
          at: now(),
        });
        session.update(row, status);
      };

      switch (action) {
        case 'approve': {
          if (!shown) {
            notice = 'nothing to approve: drafting failed for this row; regenerate (r) or skip (s)';
            break;
          }
          if (findings.some((f) => f.level === 'error')) {
            const sure = await deps.ask.confirm('This draft has lint errors. Approve it anyway?', false);
            if (!sure) {
              notice = 'not approved';
              break;
            }
          }
          // Approving a person's edit keeps it marked as edited (and keeps its text).
          if (personText) decide('edited', personText);
          else decide('approved');
          session.advance();
          break;
        }
        case 'edit': {
          const start = shown ?? { subject: record.subject, body: record.body ?? '' };
          const out = await deps.edit(start, record);
          if (out.ok) {
            decide('edited', out.draft);
            notice = 'edited: saved; approve (a) to confirm, or keep editing';
          } else notice = out.reason;
          break;
        }
        case 'regenerate': {
          const feedback = (await deps.ask.text('Feedback for the model (optional, Enter for none):')).trim();
          deps.show('regenerating…\n');
          const next = await deps.regenerate(record, shown, feedback);
          if (typeof next === 'string') notice = next;
          else if (next.status !== 'drafted') {
            // A failed attempt is not saved over a draft that may be fine: the row keeps what it had.
            notice = `regeneration failed: ${next.error ?? 'unknown error'}`;
          } else {
            deps.store.append(next);
            session.update(row, next.status);
            notice = `regenerated: version ${next.version}${feedback ? ` (feedback: ${feedback})` : ''}`;
          }
          break;
        }
        case 'skip':
          decide('skipped', personText);
          session.advance();
          break;
        case 'back':
          if (!session.back()) notice = 'this is the first draft';
          break;
        case 'view':
          deps.show(renderFullView(record.recipient, deps.isPrivate, record.messages, deps.width, deps.chalk));
          await deps.ask.text('Press Enter to go back to the draft');
          break;
        case 'quit':
          return { end: 'quit', counts: session.counts(), row };
      }
    }
  } catch (err) {
    // Ctrl-C at a prompt, or during a regeneration: everything decided is already on disk.
    if (isPromptCancel(err) || isAbortError(err)) return { end: 'interrupted', counts: session.counts(), row: session.current()?.row };
    throw err;
  }
  return { end: 'finished', counts: session.counts() };
}
