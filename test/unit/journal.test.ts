import { describe, expect, it } from 'vitest';
import type { DecisionRecord, DraftRecord } from '../../src/core/draft.js';
import { applyRecord, parseJournalLine, type RowState } from '../../src/core/journal.js';

function draft(row: number, over: Partial<DraftRecord> = {}): DraftRecord {
  return {
    type: 'draft',
    row,
    fingerprint: `fp${row}`,
    status: 'drafted',
    recipient: { Name: `n${row}` },
    body: 'hi',
    engine: 'fake',
    model: 'm',
    version: 1,
    timing: { ms: 5 },
    at: '2025-01-01T00:00:00.000Z',
    ...over,
  };
}

function decision(row: number, status: DecisionRecord['status'], version = 1): DecisionRecord {
  return { type: 'decision', row, status, version, at: '2025-01-01T00:00:00.000Z' };
}

describe('applyRecord', () => {
  it('folds drafts, redrafts and decisions into the latest state per row', () => {
    const states = new Map<number, RowState>();
    applyRecord(states, draft(1), 0, 100);
    applyRecord(states, draft(2, { status: 'failed', error: 'boom' }), 101, 50);
    applyRecord(states, decision(1, 'approved'), 152, 40);
    expect(states.get(1)).toEqual({
      row: 1, fingerprint: 'fp1', status: 'approved', version: 1, offset: 0, length: 100,
      decision: { offset: 152, length: 40 },
    });
    expect(states.get(2)).toMatchObject({ status: 'failed', offset: 101, length: 50 });

    // A new version replaces the state and clears the decision.
    applyRecord(states, draft(1, { fingerprint: 'fp1b', version: 2 }), 200, 90);
    expect(states.get(1)).toEqual({ row: 1, fingerprint: 'fp1b', status: 'drafted', version: 2, offset: 200, length: 90 });

    applyRecord(states, draft(2, { version: 2 }), 300, 80);
    expect(states.get(2)).toMatchObject({ status: 'drafted', version: 2, offset: 300 });
  });

  it.each(['approved', 'edited', 'skipped'] as const)('a %s decision sets the status', (status) => {
    const states = new Map<number, RowState>();
    applyRecord(states, draft(7), 0, 10);
    applyRecord(states, decision(7, status), 11, 10);
    expect(states.get(7)?.status).toBe(status);
  });

  it('ignores a decision about a row that has no draft', () => {
    const states = new Map<number, RowState>();
    applyRecord(states, decision(9, 'approved'), 0, 10);
    expect(states.size).toBe(0);
  });
});

describe('parseJournalLine', () => {
  it('accepts draft and decision records', () => {
    expect(parseJournalLine(JSON.stringify(draft(3)))).toEqual(draft(3));
    expect(parseJournalLine(JSON.stringify(decision(3, 'edited')))).toEqual(decision(3, 'edited'));
  });

  it.each([
    ['a torn line', JSON.stringify(draft(1)).slice(0, 40)],
    ['not an object', '[1,2]'],
    ['null', 'null'],
    ['an unknown type', JSON.stringify({ ...draft(1), type: 'note' })],
    ['a row of 0', JSON.stringify(draft(0))],
    ['a fractional row', JSON.stringify({ ...draft(1), row: 1.5 })],
    ['a string row', JSON.stringify({ ...draft(1), row: '1' })],
    ['a missing fingerprint', JSON.stringify({ ...draft(1), fingerprint: undefined })],
    ['a decision status on a draft', JSON.stringify({ ...draft(1), status: 'approved' })],
    ['a draft status on a decision', JSON.stringify({ ...decision(1, 'approved'), status: 'drafted' })],
    ['a missing version', JSON.stringify({ ...draft(1), version: undefined })],
    ['a missing recipient', JSON.stringify({ ...draft(1), recipient: undefined })],
  ])('rejects %s', (_label, line) => {
    expect(parseJournalLine(line)).toBeUndefined();
  });
});
