import { describe, expect, it } from 'vitest';
import { ReviewSession, type ReviewItem } from '../../src/ui/review/session.js';

const items = (statuses: string): ReviewItem[] =>
  // one letter per row: d drafted, f failed, a approved, s skipped
  [...statuses].map((c, i) => ({
    key: `k${i + 1}`,
    row: i + 1,
    status: ({ d: 'drafted', f: 'failed', a: 'approved', s: 'skipped' } as const)[c as 'd']!,
  }));

describe('ReviewSession', () => {
  it('starts at the first undecided draft and reports position and counts', () => {
    const s = new ReviewSession(items('asdd'));
    expect(s.current()?.row).toBe(3);
    expect(s.position()).toEqual({ index: 3, total: 4 });
    expect(s.counts()).toEqual({ approved: 1, skipped: 1, left: 2 });
  });

  it('sorts by row whatever order it is given', () => {
    const s = new ReviewSession([
      { key: 'a', row: 9, status: 'drafted' },
      { key: 'b', row: 2, status: 'drafted' },
    ]);
    expect(s.current()?.row).toBe(2);
  });

  it('advances to the next undecided draft, skipping decided ones, then is done', () => {
    const s = new ReviewSession(items('dad'));
    s.update('k1', 'approved');
    s.advance();
    expect(s.current()?.row).toBe(3);
    s.update('k3', 'skipped');
    s.advance();
    expect(s.done).toBe(true);
    expect(s.current()).toBeUndefined();
    expect(s.counts()).toEqual({ approved: 2, skipped: 1, left: 0 });
  });

  it('is done at once when everything is decided, unless revisiting', () => {
    expect(new ReviewSession(items('aa')).done).toBe(true);
    const all = new ReviewSession(items('aa'), { revisit: true });
    expect(all.current()?.row).toBe(1);
    all.advance();
    expect(all.current()?.row).toBe(2);
    all.advance();
    expect(all.done).toBe(true);
  });

  it('back returns to the draft shown before, and a decision there moves on past it', () => {
    const s = new ReviewSession(items('dddd'));
    s.update('k1', 'approved');
    s.advance();
    s.update('k2', 'skipped');
    s.advance();
    expect(s.current()?.row).toBe(3);
    expect(s.back()).toBe(true);
    expect(s.current()?.row).toBe(2);
    s.update('k2', 'approved');
    s.advance();
    expect(s.current()?.row).toBe(3);
    expect(s.counts()).toEqual({ approved: 2, skipped: 0, left: 2 });
  });

  it('back from a resumed position steps to the previous row; at the first row it refuses', () => {
    const s = new ReviewSession(items('ad'));
    expect(s.current()?.row).toBe(2);
    expect(s.back()).toBe(true);
    expect(s.current()?.row).toBe(1);
    expect(s.back()).toBe(false);
    expect(s.current()?.row).toBe(1);
  });

  it('after the last draft, comes back for undecided drafts left behind by back', () => {
    const s = new ReviewSession(items('dd'));
    s.update('k1', 'approved');
    s.advance();
    s.back(); // to row 1, row 2 still undecided
    s.advance(); // re-decided nothing: goes forward to row 2
    expect(s.current()?.row).toBe(2);
    s.update('k2', 'approved');
    s.advance();
    expect(s.done).toBe(true);
  });

  it('wraps around to an undecided draft before the cursor', () => {
    const s = new ReviewSession(items('ddd'));
    s.update('k1', 'approved');
    s.advance(); // row 2
    s.advance(); // row 3 (row 2 left undecided, e.g. a failed regeneration)
    s.update('k3', 'approved');
    s.advance();
    expect(s.current()?.row).toBe(2);
  });

  it('counts a regenerated (drafted) row as left again', () => {
    const s = new ReviewSession(items('a'), { revisit: true });
    s.update('k1', 'drafted');
    expect(s.counts().left).toBe(1);
  });
});
