// The decision model as a fold over journal records: one table row per sequence of records, with
// the state a reader must see afterwards.
import { describe, expect, it } from 'vitest';
import type { DecisionRecord, DraftRecord, EditRecord, JournalRecord } from '../../src/core/decisions/records.js';
import { applyRecord, isShareable, parseDraftHead, parseJournalLine, promptId, type FoldContext } from '../../src/core/decisions/journal.js';
import { draftedRecord, failedRecord } from '../../src/core/drafting/draft-record.js';
import { RecipientIndex } from '../../src/core/decisions/recipient-index.js';

function draft(version = 1, over: Partial<DraftRecord> = {}): DraftRecord {
  return {
    type: 'draft', key: 'email:ana@x.org', row: 3, fingerprint: `fp${version}`, status: 'drafted',
    recipient: { email: 'ana@x.org' }, body: `text ${version}`, engine: 'fake', model: 'm', version,
    timing: { ms: 5 }, at: '2025-01-01T00:00:00.000Z', ...over,
  };
}
const legacy = (version = 1, over: Partial<DraftRecord> = {}): DraftRecord => {
  const { key: _none, ...rest } = draft(version, over);
  return rest;
};
const decision = (status: DecisionRecord['status'], version: number, over: Partial<DecisionRecord> = {}): DecisionRecord => ({
  type: 'decision', key: 'email:ana@x.org', row: 3, status, version, at: 't', ...over,
});
const oldDecision = (status: DecisionRecord['status'], version: number, over: Partial<DecisionRecord> = {}): DecisionRecord => {
  const { key: _none, ...rest } = decision(status, version, over);
  return rest;
};
const edit = (version: number): EditRecord => ({ type: 'edit', key: 'email:ana@x.org', row: 3, version, body: `edit ${version}`, at: 't' });
const inputs = (fingerprint: string): JournalRecord => ({ type: 'inputs', key: 'email:ana@x.org', fingerprint, at: 't' });
const excluded = (reason = 'opted out: history optout'): JournalRecord => ({ type: 'excluded', key: 'email:ana@x.org', row: 3, reason, at: 't' });

function fold(records: JournalRecord[]) {
  const ctx: FoldContext = { index: new RecipientIndex(), legacyKey: (r) => `email:${r.email}` };
  records.forEach((rec, i) => applyRecord(ctx, rec, { offset: i * 100, length: 90 }));
  return ctx.index.get('email:ana@x.org');
}

describe('the decision model (applyRecord)', () => {
  it.each<[string, JournalRecord[], { status: string; version: number; edited: boolean; stale?: boolean } | undefined]>([
    ['a draft is undecided', [draft()], { status: 'drafted', version: 1, edited: false }],
    ['approving names the version', [draft(), decision('approved', 1)], { status: 'approved', version: 1, edited: false }],
    ['skipping names the version', [draft(), decision('skipped', 1)], { status: 'skipped', version: 1, edited: false }],
    ['an edit after approval is a new, undecided version', [draft(), decision('approved', 1), edit(2)], { status: 'drafted', version: 2, edited: true }],
    ['approving the edit', [draft(), edit(2), decision('approved', 2)], { status: 'approved', version: 2, edited: true }],
    ['an approval of an older version does not apply', [draft(), edit(2), decision('approved', 1)], { status: 'drafted', version: 2, edited: true }],
    ['a regeneration withdraws the approval', [draft(), decision('approved', 1), draft(2)], { status: 'drafted', version: 2, edited: false }],
    ['a failed draft', [draft(1, { status: 'failed', error: 'x' })], { status: 'failed', version: 1, edited: false }],
    ['changed inputs mark a decided draft stale', [draft(), decision('approved', 1), inputs('fpX')], { status: 'approved', version: 1, edited: false, stale: true }],
    ['inputs matching the draft again clear it', [draft(), decision('approved', 1), inputs('fpX'), inputs('fp1')], { status: 'approved', version: 1, edited: false, stale: false }],
    ['a new draft clears staleness', [draft(), decision('approved', 1), inputs('fpX'), draft(2)], { status: 'drafted', version: 2, edited: false, stale: false }],
    ['old file: an approval by row', [legacy(), oldDecision('approved', 1)], { status: 'approved', version: 1, edited: false }],
    ['old file: an `edited` decision is an edit nobody approved', [legacy(), oldDecision('edited', 1, { body: 'mine' })], { status: 'drafted', version: 2, edited: true }],
    ['old file: approved, then edited', [legacy(), oldDecision('approved', 1), oldDecision('edited', 1, { body: 'mine' })], { status: 'drafted', version: 2, edited: true }],
    ['old file: edited twice (edit, then approve of the edit)', [legacy(), oldDecision('edited', 1, { body: 'a' }), oldDecision('edited', 1, { body: 'a' })], { status: 'drafted', version: 3, edited: true }],
    ['old file: a skip carrying edited text', [legacy(), oldDecision('skipped', 1, { body: 'mine' })], { status: 'skipped', version: 2, edited: true }],
    ['old file: an `edited` decision without its text is still an edit nobody approved', [legacy(), oldDecision('edited', 1)], { status: 'drafted', version: 2, edited: true }],
    ['a decision naming only a row finds the keyed draft made from it', [draft(), oldDecision('approved', 1)], { status: 'approved', version: 1, edited: false }],
    ['a decision with no draft is ignored', [decision('approved', 1)], undefined],
    ['an edit with no draft is ignored', [edit(2)], undefined],
    ['inputs with no draft are ignored', [inputs('fpX')], undefined],
    ['excluded before any draft: a state of its own, version 0', [excluded()], { status: 'excluded', version: 0, edited: false }],
    ['an approved recipient excluded: the approval no longer holds', [draft(), decision('approved', 1), excluded()], { status: 'excluded', version: 1, edited: false }],
    ['a decision about an excluded recipient is ignored', [draft(), excluded(), decision('approved', 1)], { status: 'excluded', version: 1, edited: false }],
    ['an edit of an excluded recipient is kept; it stays excluded', [draft(), excluded(), edit(2)], { status: 'excluded', version: 2, edited: true }],
    ['a new draft after the exclusion (contactable again): a new undecided version', [draft(), decision('approved', 1), excluded(), draft(2)], { status: 'drafted', version: 2, edited: false }],
  ])('%s', (_label, records, expected) => {
    const state = fold(records);
    if (expected === undefined) expect(state).toBeUndefined();
    else expect(state).toMatchObject({ stale: false, ...expected });
  });

  it('keeps where the excluded record is, and drops it with the next draft', () => {
    expect(fold([excluded()])).toMatchObject({ draft: { offset: 0, length: 90 }, excluded: { offset: 0, length: 90 } });
    expect(fold([draft(), decision('approved', 1), excluded()])).toMatchObject({ draft: { offset: 0, length: 90 }, excluded: { offset: 200, length: 90 } });
    expect(fold([draft(), decision('approved', 1), excluded()])).not.toHaveProperty('decision');
    expect(fold([excluded(), draft(1)])).not.toHaveProperty('excluded');
  });

  it('reads an excluded record back from its line, and refuses one without its reason or row', () => {
    expect(parseJournalLine(JSON.stringify(excluded()))).toEqual(excluded());
    expect(parseJournalLine('{"type":"excluded","key":"k","row":2,"at":"t"}')).toBeUndefined();
    expect(parseJournalLine('{"type":"excluded","key":"k","reason":"x","at":"t"}')).toBeUndefined();
  });

  it('keeps where the latest draft, edit text and decision are', () => {
    expect(fold([draft(), edit(2), decision('approved', 2)])).toMatchObject({
      draft: { offset: 0, length: 90 },
      text: { offset: 100, length: 90 },
      decision: { offset: 200, length: 90 },
    });
    expect(fold([draft(), edit(2), draft(3)])).not.toHaveProperty('text');
  });

  it('a decision goes by its key, not by the row it names (rows move, recipients stay)', () => {
    const ctx: FoldContext = { index: new RecipientIndex(), legacyKey: (r) => `email:${r.email}` };
    const records: JournalRecord[] = [
      draft(1, { key: 'email:ana@x.org', row: 3 }),
      draft(1, { key: 'email:bo@x.org', row: 5 }),
      // Ana moved to row 5 when a row above was deleted; her approval names her key.
      decision('approved', 1, { key: 'email:ana@x.org', row: 5 }),
    ];
    records.forEach((rec, i) => applyRecord(ctx, rec, { offset: i * 100, length: 90 }));
    expect(ctx.index.get('email:ana@x.org')?.status).toBe('approved');
    expect(ctx.index.get('email:bo@x.org')?.status).toBe('drafted');
  });

  it('keeps a draft\'s inputs digest, and a roster line with its rows parses', () => {
    expect(fold([draft(1, { inputs: 'c'.repeat(32) })])).toMatchObject({ inputs: 'c'.repeat(32) });
    expect(fold([draft(1)])).not.toHaveProperty('inputs');
    expect(parseJournalLine(JSON.stringify({ type: 'roster', keys: ['a', 'b'], rows: [1, 3], at: 't' }))).toMatchObject({ rows: [1, 3] });
  });

  it('an old decision finds its recipient by the row of an old draft, not by a newer keyed one', () => {
    const older = legacy(1, { row: 3, recipient: { email: 'ana@x.org' } });
    const other = draft(1, { key: 'email:ben@x.org', row: 3, recipient: { email: 'ben@x.org' } });
    const ctx: FoldContext = { index: new RecipientIndex(), legacyKey: (r) => `email:${r.email}` };
    [older, other, oldDecision('approved', 1)].forEach((rec, i) => applyRecord(ctx, rec, { offset: i * 100, length: 90 }));
    expect(ctx.index.get('email:ana@x.org')?.status).toBe('approved');
    expect(ctx.index.get('email:ben@x.org')?.status).toBe('drafted');
  });

  it('an old draft is keyed from its recipient and marked legacy (its fingerprint folded in the row)', () => {
    expect(fold([legacy()])).toMatchObject({ key: 'email:ana@x.org', legacy: true, draftRow: 3 });
    expect(fold([draft()])).toMatchObject({ legacy: false });
  });
});

describe('parseJournalLine', () => {
  it('accepts every record type', () => {
    for (const rec of [draft(), draft(1, { status: 'failed', error: 'x' }), decision('approved', 1), decision('skipped', 1), oldDecision('edited', 1, { body: 'x' }), edit(2), inputs('f')] as JournalRecord[]) {
      expect(parseJournalLine(JSON.stringify(rec))).toEqual(rec);
    }
    const source = { type: 'source', csv: null, header: ['a'], profile: '/p.yaml', at: 't' };
    expect(parseJournalLine(JSON.stringify(source))).toEqual(source);
    expect(parseJournalLine(JSON.stringify({ type: 'roster', keys: ['a', 'b'], at: 't' }))).toBeDefined();
  });

  it.each([
    ['a torn line', JSON.stringify(draft()).slice(0, 40)],
    ['not an object', '[1,2]'],
    ['null', 'null'],
    ['an unknown type', JSON.stringify({ ...draft(), type: 'note' })],
    ['a row of 0', JSON.stringify(draft(1, { row: 0 }))],
    ['a fractional row', JSON.stringify({ ...draft(), row: 1.5 })],
    ['a string row', JSON.stringify({ ...draft(), row: '1' })],
    ['a missing fingerprint', JSON.stringify({ ...draft(), fingerprint: undefined })],
    ['a decision status on a draft', JSON.stringify({ ...draft(), status: 'approved' })],
    ['a draft status on a decision', JSON.stringify({ ...decision('approved', 1), status: 'drafted' })],
    ['a missing version', JSON.stringify({ ...draft(), version: undefined })],
    ['a missing recipient', JSON.stringify({ ...draft(), recipient: undefined })],
    ['an edit without a key', JSON.stringify({ ...edit(2), key: undefined })],
    ['an edit without text', JSON.stringify({ ...edit(2), body: undefined })],
    ['a roster with a non-string key', JSON.stringify({ type: 'roster', keys: [1], at: 't' })],
    ['a roster whose rows do not match its keys', JSON.stringify({ type: 'roster', keys: ['a', 'b'], rows: [1], at: 't' })],
    ['a roster with a row of 0', JSON.stringify({ type: 'roster', keys: ['a'], rows: [0], at: 't' })],
    ['a roster whose rows are not a list', JSON.stringify({ type: 'roster', keys: ['a'], rows: '1', at: 't' })],
    ['a roster with one non-string key among others', JSON.stringify({ type: 'roster', keys: ['a', 1], at: 't' })],
    ['a record of an unknown type that looks like a decision', JSON.stringify({ ...decision('approved', 1), type: 'note' })],
    ['a draft with a non-string key', JSON.stringify(draft(1, { key: 5 as unknown as string }))],
    ['a draft whose recipient is null', JSON.stringify({ ...draft(), recipient: null })],
    ['a prompt without content', JSON.stringify({ type: 'prompt', id: 'abc' })],
    ['a prompt without id', JSON.stringify({ type: 'prompt', content: 'You write.' })],
    ['a source whose csv is a number', JSON.stringify({ type: 'source', csv: 5, header: ['a'], profile: '/p.yaml', at: 't' })],
    ['a source without header', JSON.stringify({ type: 'source', csv: 'a.csv', profile: '/p.yaml', at: 't' })],
    ['a source without profile', JSON.stringify({ type: 'source', csv: 'a.csv', header: ['a'], at: 't' })],
    ['inputs without fingerprint', JSON.stringify({ type: 'inputs', key: 'k', at: 't' })],
    ['inputs without key', JSON.stringify({ type: 'inputs', fingerprint: 'f', at: 't' })],
  ])('rejects %s', (_label, line) => {
    expect(parseJournalLine(line)).toBeUndefined();
  });
});

describe('parseDraftHead (loading a big drafts file by each line head)', () => {
  const origin = {
    key: 'email:"quoted"\\slash@x.org', row: 12, fingerprint: 'a'.repeat(32), inputs: 'b'.repeat(32),
    recipient: { email: 'x' }, engine: { engine: 'ollama', model: 'm', location: 'http://127.0.0.1:11434' },
    messages: [{ role: 'user' as const, content: 'hi' }], version: 3, profile: '/p.yaml',
  };

  it.each([
    ['a drafted record', draftedRecord(origin, { subject: 'S', body: 'B' }, { text: '', totalMs: 5 }, new Date(0))],
    ['a failed record', failedRecord({ ...origin, inputs: undefined }, 'boom', 5, new Date(0))],
  ])('reads what the fold needs from %s as the whole record gives it', (_label, rec) => {
    const line = JSON.stringify(rec);
    const whole = parseJournalLine(line) as DraftRecord;
    const head = parseDraftHead(line.slice(0, 200))!;
    for (const k of ['type', 'key', 'row', 'version', 'fingerprint', 'inputs', 'status'] as const) expect(head[k], k).toEqual(whole[k]);
  });

  it.each([
    ['another key order', JSON.stringify({ type: 'draft', row: 1, key: 'k', version: 1, fingerprint: 'a'.repeat(32), status: 'drafted' })],
    ['a record without a key (before keys)', JSON.stringify(legacy())],
    ['a fingerprint that is not 32 hex digits', JSON.stringify({ type: 'draft', key: 'k', row: 1, version: 1, fingerprint: 'fp1', status: 'drafted' })],
    ['a decision', JSON.stringify(decision('approved', 1))],
  ])('leaves %s to the whole-line parse', (_label, line) => {
    expect(parseDraftHead(line)).toBeUndefined();
  });
});

describe('shared prompts', () => {
  it('names a prompt by 16 hex characters of its sha256, as files already on disk do', () => {
    expect(promptId('You write short emails.')).toMatch(/^[0-9a-f]{16}$/);
    expect(promptId('a')).toBe('ca978112ca1bbdca');
  });

  it.each([
    ['a long system message', 'system', 512, true],
    ['a system message one character short', 'system', 511, false],
    ['a long user message (the recipient’s data)', 'user', 2000, false],
  ] as const)('%s -> %s', (_label, role, length, shared) => {
    expect(isShareable({ role, content: 'x'.repeat(length) })).toBe(shared);
  });
});
