// Where a review stands: which drafts are in it, which one is on screen, what has been decided so
// far, and where `back` goes. Pure: the loop (src/ui/review/loop.ts) asks, writes the journal, and
// tells the session what happened.
import { DECIDED, type DraftStatus } from '../../core/decisions/records.js';

export interface ReviewItem {
  key: string;
  row: number;
  status: DraftStatus;
}

export interface ReviewCounts {
  approved: number;
  skipped: number;
  /** Not decided yet (drafted or failed). */
  left: number;
}

export interface ReviewPosition {
  /** 1-based index of the current draft among the drafts in this review. */
  index: number;
  total: number;
}

export interface SessionOptions {
  /** Revisit decided drafts too (`--all`): start at the first draft and step through every one. */
  revisit?: boolean;
}

export class ReviewSession {
  private readonly items: ReviewItem[];
  private readonly revisit: boolean;
  private cursor: number;
  /** Indices shown before the current one, most recent last: what `back` walks. */
  private readonly history: number[] = [];

  constructor(items: readonly ReviewItem[], opts: SessionOptions = {}) {
    this.items = [...items].sort((a, b) => a.row - b.row).map((i) => ({ ...i }));
    this.revisit = Boolean(opts.revisit);
    this.cursor = this.revisit ? (this.items.length > 0 ? 0 : -1) : this.nextUndecided(0);
  }

  /** Nothing left to show. */
  get done(): boolean {
    return this.cursor < 0;
  }

  current(): ReviewItem | undefined {
    return this.cursor < 0 ? undefined : { ...this.items[this.cursor]! };
  }

  position(): ReviewPosition {
    return { index: this.cursor < 0 ? this.items.length : this.cursor + 1, total: this.items.length };
  }

  counts(): ReviewCounts {
    const c: ReviewCounts = { approved: 0, skipped: 0, left: 0 };
    for (const item of this.items) {
      if (item.status === 'approved' || item.status === 'skipped') c[item.status]++;
      else c.left++;
    }
    return c;
  }

  /** A recipient's status changed (a decision, or a new version): counts follow, the cursor stays. */
  update(key: string, status: DraftStatus): void {
    const item = this.items.find((i) => i.key === key);
    if (item) item.status = status;
  }

  /**
   * Move on after a decision: to the next undecided draft (or, when revisiting, simply the next
   * one). When nothing is left after the cursor, undecided drafts before it (skipped over by `back`
   * and never decided) come next; then the review is done.
   */
  advance(): void {
    if (this.cursor < 0) return;
    const from = this.cursor;
    let next: number;
    if (this.revisit) next = from + 1 < this.items.length ? from + 1 : -1;
    else {
      next = this.nextUndecided(from + 1);
      if (next < 0) next = this.nextUndecided(0);
    }
    this.history.push(from);
    this.cursor = next;
  }

  /** Go to the draft shown before this one. False when there is none. */
  back(): boolean {
    const prev = this.history.pop();
    if (prev === undefined) {
      // Nothing shown before in this session: step to the previous draft in row order, if any.
      if (this.cursor > 0) {
        this.cursor--;
        return true;
      }
      return false;
    }
    this.cursor = prev;
    return true;
  }

  private nextUndecided(from: number): number {
    for (let i = from; i < this.items.length; i++) if (!DECIDED.has(this.items[i]!.status)) return i;
    return -1;
  }
}
