// The review loop: show a draft, ask for one letter, write what was decided, move on. Prompts,
// editor, model and journal are injected, so the whole loop runs in tests without a terminal.
// Every decision and every new version is appended to the journal before the next screen.
import type { ChalkInstance } from 'chalk';
import type { StoredRecipient } from '../../core/decisions/rules.js';
import { DECIDED, type DraftRecord, type DraftStatus, type JournalRecord } from '../../core/decisions/records.js';
import type { RecipientState } from '../../core/decisions/recipient-index.js';
import { isAbortError } from '../../core/errors.js';
import { ReviewSession, type ReviewCounts } from './session.js';
import { isPromptCancel, type Ask, type Choice } from '../ask.js';
import { renderFullView, renderScreen, type Finding, type ShownDraft } from './screen.js';

/** The part of DraftsStore the loop uses. */
export interface ReviewStore {
  recipients(): RecipientState[];
  read(key: string): StoredRecipient | undefined;
  append(rec: JournalRecord): void;
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
  // Recipients no longer in the CSV are never exported, so there is nothing to decide about them.
  const items = deps.store
    .recipients()
    .filter((s) => !s.orphaned && (!filter.rows || filter.rows.has(s.row)) && (!filter.statuses || filter.statuses.has(s.status)))
    .map((s) => ({ key: s.key, row: s.row, status: s.status }));
  // Asking for decided statuses (--status approved) means revisiting them.
  const revisit = Boolean(filter.all) || [...(filter.statuses ?? [])].some((s) => DECIDED.has(s));
  const session = new ReviewSession(items, { revisit });
  if (items.length === 0 || session.done) return { end: 'empty', counts: session.counts() };
  const now = deps.now ?? (() => new Date().toISOString());
  let notice: string | undefined;

  try {
    while (!session.done) {
      const { key, row } = session.current()!;
      const shown = deps.store.read(key);
      if (!shown) {
        session.advance();
        continue;
      }
      const { state, draft, text } = shown;
      const findings = text ? deps.lint(text, draft) : [];
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
          notice,
          width: deps.width,
          chalk: deps.chalk,
        }),
      );
      notice = undefined;

      // No default: a stray Enter must never approve anything.
      const action = await deps.ask.choose('Action', ACTIONS);
      // A decision names the exact version on screen; a newer version withdraws it.
      const decide = (status: 'approved' | 'skipped') => {
        deps.store.append({ type: 'decision', key, row, status, version: state.version, at: now() });
        session.update(key, status);
      };

      switch (action) {
        case 'approve': {
          if (!text) {
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
          decide('approved');
          session.advance();
          break;
        }
        case 'edit': {
          const out = await deps.edit(text ?? { subject: draft.subject, body: draft.body ?? '' }, draft);
          if (!out.ok) {
            notice = out.reason;
            break;
          }
          // An edit is a new version, not a decision: the same draft comes back, undecided, linted again.
          const version = state.version + 1;
          const { subject, body } = out.draft;
          deps.store.append({ type: 'edit', key, row, version, ...(subject !== undefined ? { subject } : {}), body, at: now() });
          session.update(key, 'drafted');
          notice = `edited: saved as version ${version}, not approved yet; approve (a) to send this text`;
          break;
        }
        case 'regenerate': {
          const feedback = (await deps.ask.text('Feedback for the model (optional, Enter for none):')).trim();
          deps.show('regenerating…\n');
          const next = await deps.regenerate(shown, feedback, state.version + 1);
          if (typeof next === 'string') notice = next;
          else if (next.status !== 'drafted') {
            // A failed attempt is not saved over a draft that may be fine: the row keeps what it had.
            notice = `regeneration failed: ${next.error ?? 'unknown error'}`;
          } else {
            deps.store.append(next);
            session.update(key, next.status);
            notice = `regenerated: version ${next.version}${feedback ? ` (feedback: ${feedback})` : ''}`;
          }
          break;
        }
        case 'skip':
          decide('skipped');
          session.advance();
          break;
        case 'back':
          if (!session.back()) notice = 'this is the first draft';
          break;
        case 'view':
          deps.show(renderFullView(draft.recipient, deps.isPrivate, draft.messages, deps.width, deps.chalk));
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
