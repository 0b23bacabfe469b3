// Variants (issue 13 §4) in the decision model and the runner. The promise: nothing leaves that a
// person did not approve in that exact version, and at most one variant of a recipient is approved.
// A decision names the version and the variant; the approved text is that variant's.
import { describe, expect, it } from 'vitest';
import type { DecisionRecord, DraftRecord, EditRecord, JournalRecord } from '../../src/core/decisions/records.js';
import { applyRecord, parseDraftHead, parseJournalLine, type FoldContext } from '../../src/core/decisions/journal.js';
import { RecipientIndex } from '../../src/core/decisions/recipient-index.js';
import { effectiveText, modelText, withVariant, type StoredRecipient } from '../../src/core/decisions/rules.js';
import { recordDecision, recordEdit } from '../../src/core/decisions/recording.js';
import { draftedRecord, variantsRecord, type DraftOrigin } from '../../src/core/drafting/draft-record.js';
import { draftFingerprint } from '../../src/core/drafting/fingerprint.js';
import { resolveVariants, variantRequest } from '../../src/core/drafting/variants.js';
import { UsageError } from '../../src/core/errors.js';
import { runDrafts } from '../../src/core/drafting/run.js';
import type { DraftJob } from '../../src/core/drafting/run-contract.js';
import { createFakeEngine } from '../helpers/fake-engine.js';
import { plainPipeline } from '../helpers/plain-pipeline.js';

const KEY = 'email:ana@x.org';
const THREE = [
  { name: 'short', subject: 'S1', body: 'short text' },
  { name: 'story', subject: 'S2', body: 'story text' },
  { name: 'data', subject: 'S3', body: 'data text' },
];
function draft(version = 1, variants: DraftRecord['variants'] | null = THREE): DraftRecord {
  return {
    type: 'draft', key: KEY, row: 3, fingerprint: `fp${version}`, status: 'drafted', recipient: { email: 'ana@x.org' },
    subject: variants?.[0]?.subject ?? 'S', body: variants?.[0]?.body ?? `text ${version}`, engine: 'fake', model: 'm', version,
    timing: { ms: 5 }, ...(variants ? { variants } : {}), at: 't',
  };
}
const plain = (version = 1) => draft(version, null);
const decision = (status: DecisionRecord['status'], version: number, variant?: number): DecisionRecord => ({
  type: 'decision', key: KEY, row: 3, status, version, ...(variant !== undefined ? { variant } : {}), at: 't',
});
const edit = (version: number): EditRecord => ({ type: 'edit', key: KEY, row: 3, version, body: `edit ${version}`, at: 't' });

/** The fold over the records, and the text an export of the recipient carries (the store's read, over plain records). */
function fold(records: JournalRecord[]) {
  const ctx: FoldContext = { index: new RecipientIndex(), legacyKey: () => KEY };
  const at = new Map<number, JournalRecord>();
  records.forEach((rec, i) => {
    at.set(i * 100, rec);
    applyRecord(ctx, rec, { offset: i * 100, length: 90 });
  });
  const state = ctx.index.get(KEY)!;
  const latest = at.get(state.draft.offset) as DraftRecord;
  const shownEdit = state.text ? (at.get(state.text.offset) as EditRecord) : undefined;
  const dec = state.decision ? (at.get(state.decision.offset) as DecisionRecord) : undefined;
  const variant = state.variants !== undefined && !state.edited ? (dec?.variant ?? 1) : undefined;
  return { state, text: effectiveText(latest, shownEdit, variant)?.body, variant };
}

describe('the fold with variants: a decision names the version and the variant', () => {
  it.each<[string, JournalRecord[], { status: string; text: string; variant?: number }]>([
    ['undecided: the first variant is shown', [draft()], { status: 'drafted', text: 'short text', variant: 1 }],
    ['approving variant 2: its text is the approved text', [draft(), decision('approved', 1, 2)], { status: 'approved', text: 'story text', variant: 2 }],
    ['approving variant 3', [draft(), decision('approved', 1, 3)], { status: 'approved', text: 'data text', variant: 3 }],
    ['a later approval of another variant replaces the first: one approved variant at most', [draft(), decision('approved', 1, 2), decision('approved', 1, 3)], { status: 'approved', text: 'data text', variant: 3 }],
    ['an approval naming no variant of a draft with variants does not hold', [draft(), decision('approved', 1)], { status: 'drafted', text: 'short text', variant: 1 }],
    ['an approval naming a variant the draft does not have does not hold', [draft(), decision('approved', 1, 4)], { status: 'drafted', text: 'short text', variant: 1 }],
    ['an approval naming a variant of a draft without variants does not hold', [plain(), decision('approved', 1, 1)], { status: 'drafted', text: 'text 1' }],
    ['a draft without variants approves as before', [plain(), decision('approved', 1)], { status: 'approved', text: 'text 1' }],
    ['a skip needs no variant', [draft(), decision('skipped', 1)], { status: 'skipped', text: 'short text', variant: 1 }],
    ['a skip after approving variant 2 withdraws it', [draft(), decision('approved', 1, 2), decision('skipped', 1, 2)], { status: 'skipped', text: 'story text', variant: 2 }],
    ['an approval of variant 2 of an older version does not hold', [draft(), draft(2), decision('approved', 1, 2)], { status: 'drafted', text: 'short text', variant: 1 }],
    ['a new draft withdraws the approved variant', [draft(), decision('approved', 1, 2), draft(2)], { status: 'drafted', text: 'short text', variant: 1 }],
    ['a person\'s edit is a version without variants', [draft(), decision('approved', 1, 2), edit(2)], { status: 'drafted', text: 'edit 2' }],
    ['approving the edit names no variant', [draft(), edit(2), decision('approved', 2)], { status: 'approved', text: 'edit 2' }],
    ['an approval of the edit naming a variant does not hold', [draft(), edit(2), decision('approved', 2, 2)], { status: 'drafted', text: 'edit 2' }],
    ['a redraft without variants after one with them', [draft(), decision('approved', 1, 2), plain(2), decision('approved', 2)], { status: 'approved', text: 'text 2' }],
  ])('%s', (_label, records, expected) => {
    const { state, text, variant } = fold(records);
    expect({ status: state.status, text, variant }).toEqual({ ...expected, variant: expected.variant });
  });

  it('knows the variant count from the record, which is read whole (its head does not match the fast path)', () => {
    const origin: DraftOrigin = { key: KEY, row: 3, fingerprint: 'a'.repeat(32), recipient: {}, engine: { engine: 'fake', model: 'm', location: 'x' }, messages: [], version: 1 };
    const result = { text: '', totalMs: 10, evalCount: 5, evalMs: 100 };
    const answers = THREE.map(({ name, subject, body }) => ({ spec: { name }, parsed: { subject, body }, result }));
    const line = JSON.stringify(variantsRecord(origin, answers, new Date(0)));
    expect(parseDraftHead(line)).toBeUndefined();
    const rec = parseJournalLine(line) as DraftRecord;
    expect(rec).toMatchObject({ subject: 'S1', body: 'short text', timing: { ms: 30, evalCount: 15 }, variants: [{ name: 'short' }, { name: 'story' }, { name: 'data' }] });
    // A record without variants keeps the head draftsmith always wrote.
    expect(parseDraftHead(JSON.stringify(draftedRecord(origin, { body: 'b' }, result, new Date(0))))).toBeDefined();
  });

  it.each([
    ['a decision naming variant 0', '{"type":"decision","key":"k","row":1,"status":"approved","version":1,"variant":0,"at":"t"}'],
    ['a decision naming variant "2"', '{"type":"decision","key":"k","row":1,"status":"approved","version":1,"variant":"2","at":"t"}'],
    ['a draft whose variants are not texts', '{"type":"draft","key":"k","row":1,"version":1,"fingerprint":"f","variants":[{"name":"a"}],"status":"drafted","recipient":{},"at":"t"}'],
  ])('refuses %s as a record', (_label, line) => {
    expect(parseJournalLine(line)).toBeUndefined();
  });

  it('records the variant shown with the decision, so the approval is of that text', () => {
    const appended: JournalRecord[] = [];
    const approvedText: (string | undefined)[] = [];
    const shown: StoredRecipient = { state: fold([draft()]).state, draft: draft(), text: { subject: 'S1', body: 'short text' }, variant: 1 };
    const picked = withVariant(shown, 2)!;
    expect(picked.text).toEqual({ subject: 'S2', body: 'story text' });
    expect(withVariant(shown, 4)).toBeUndefined();
    recordDecision({ read: () => picked, append: (r) => appended.push(r) }, { approved: (s) => approvedText.push(s.text?.body), withdrawn: () => {} }, picked, { status: 'approved', at: 't', reviewer: 'sam' });
    expect(appended).toEqual([{ type: 'decision', key: KEY, row: 3, status: 'approved', version: 1, reviewer: 'sam', variant: 2, at: 't' }]);
    // The memory records the approved variant's text.
    expect(approvedText).toEqual(['story text']);
  });
});

describe('a person\'s edit of a variant', () => {
  it('records the variant it started from, so what the approval teaches is that variant\'s text against theirs', () => {
    const appended: JournalRecord[] = [];
    const state = fold([draft()]).state;
    const shown = withVariant({ state, draft: draft(), text: { subject: 'S1', body: 'short text' }, variant: 1 }, 3)!;
    recordEdit({ read: () => undefined, append: (r) => appended.push(r) }, undefined, shown, { subject: 'S3', body: 'my text' }, 't');
    expect(appended).toEqual([{ type: 'edit', key: KEY, row: 3, version: 2, subject: 'S3', body: 'my text', variant: 3, at: 't' }]);
    expect(parseJournalLine(JSON.stringify(appended[0]))).toEqual(appended[0]);
    const edited: StoredRecipient = { state: { ...state, version: 2, edited: true }, draft: draft(), text: { body: 'my text' }, editedFrom: 3 };
    expect(modelText(edited)).toEqual({ subject: 'S3', body: 'data text' });
    expect(modelText({ ...edited, editedFrom: undefined })).toEqual({ subject: 'S1', body: 'short text' });
  });
});

describe('resolveVariants', () => {
  const profile = [{ name: 'short', instructions: 'Three sentences.' }, { name: 'story', instructions: 'Open with a story.' }];
  it.each<[string, Parameters<typeof resolveVariants>, string[] | undefined]>([
    ['no profile variants, no flag: none', [undefined, undefined, 0.7], undefined],
    ['--variants 1 without profile variants: none', [undefined, 1, 0.7], undefined],
    ['--variants 3: three plain ones', [undefined, 3, 0.7], ['1', '2', '3']],
    ['--variants 3 with an engine-default temperature', [undefined, 3, undefined], ['1', '2', '3']],
    ['the profile\'s', [profile, undefined, 0], ['short', 'story']],
    ['the profile\'s first n', [profile, 1, 0.7], ['short']],
  ])('%s', (_label, args, names) => {
    expect(resolveVariants(...args)?.map((v) => v.name)).toEqual(names);
  });

  it.each<[string, Parameters<typeof resolveVariants>, RegExp]>([
    ['plain variants at temperature 0 (identical drafts)', [undefined, 3, 0], /3 variants at temperature 0 would be 3 identical drafts/],
    ['profile variants without their own instructions at temperature 0', [[{ name: 'a' }, { name: 'b' }], undefined, 0], /identical drafts/],
    ['more than the profile names', [profile, 3, 0.7], /--variants 3 asks for more variants than the profile's 2 \(short, story\)/],
    ['two variants of one name', [[{ name: 'a', instructions: 'x' }, { name: 'a', instructions: 'y' }], undefined, 0.7], /two variants are named "a"/],
  ])('refuses %s with a UsageError saying why', (_label, args, message) => {
    let error: unknown;
    try {
      resolveVariants(...args);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(message);
    expect((error as UsageError).hint).toBeTruthy();
  });
});

describe('variantRequest', () => {
  const request = { messages: [{ role: 'system' as const, content: 'sys' }, { role: 'user' as const, content: 'data' }], options: { temperature: 0.7, seed: 5 } };
  it('adds the variant\'s instructions as a line of the user request, and gives each later variant a seed of its own', () => {
    expect(variantRequest(request, { name: 'short', instructions: 'Three sentences.' }, 0)).toEqual({
      messages: [request.messages[0], { role: 'user', content: "data\n\nThis version's angle (short): Three sentences." }], options: request.options,
    });
    expect(variantRequest(request, { name: '2' }, 1)).toEqual({ messages: request.messages, options: { temperature: 0.7, seed: 1005 } });
    expect(variantRequest({ ...request, options: { temperature: 0.7 } }, { name: '3' }, 2).options).toEqual({ temperature: 0.7 });
  });

  it('variants are part of the fingerprint; without them it is what it always was', () => {
    const inputs = { messages: request.messages, schema: {}, options: {}, engine: 'e', model: 'm' };
    expect(draftFingerprint({ ...inputs, variants: undefined })).toBe(draftFingerprint(inputs));
    expect(draftFingerprint({ ...inputs, variants: [{ name: '1' }, { name: '2' }] })).not.toBe(draftFingerprint(inputs));
    expect(draftFingerprint({ ...inputs, variants: [{ name: '1' }, { name: '2' }] })).not.toBe(draftFingerprint({ ...inputs, variants: [{ name: '1' }, { name: '2' }, { name: '3' }] }));
  });
});

describe('the runner with variants', () => {
  const job = (row: number, variants?: DraftJob['variants']): DraftJob => ({
    key: `k${row}`, recipient: { row, line: row + 1, cells: [] }, recipientRecord: {}, fingerprint: `fp${row}`,
    request: { messages: [{ role: 'user', content: `row:${row}` }], schema: {}, options: { temperature: 0.8, seed: 1 } },
    ...(variants ? { variants } : {}),
  });
  const three = [{ name: 'a', instructions: 'Be brief.' }, { name: 'b' }, { name: 'c', instructions: 'Tell a story.' }];
  async function run(jobs: DraftJob[], engine = createFakeEngine({ fallback: (row, attempt) => ({ text: JSON.stringify({ body: `row ${row} answer ${attempt}` }) }) }), signal?: AbortSignal) {
    const saved: DraftRecord[] = [];
    async function* gen() {
      yield* jobs;
    }
    const summary = await runDrafts({
      jobs: gen(), engine, plan: () => ({ plan: 'draft', version: 1 }), concurrency: 2, retries: 1, backoffMs: 1, sleep: async () => {},
      parse: (t) => JSON.parse(t) as { body: string }, save: (r) => saved.push(r), ...(signal ? { signal } : {}),
    });
    return { saved, summary, engine };
  }

  it('asks once per variant and writes one record a row once all have answered', async () => {
    const { saved, summary, engine } = await run([job(1, three), job(2, three)]);
    expect(engine.calls.length).toBe(6);
    expect(summary.drafted).toBe(2);
    const rec = saved.find((r) => r.row === 1)!;
    expect(rec.variants?.map((v) => [v.name, v.body])).toEqual([['a', 'row 1 answer 1'], ['b', 'row 1 answer 2'], ['c', 'row 1 answer 3']]);
    expect(rec.variants?.[0]?.instructions).toBe('Be brief.');
    expect(rec.body).toBe('row 1 answer 1');
    // The record's messages are the request without any variant's line; each variant's own seed.
    expect(rec.messages).toEqual([{ role: 'user', content: 'row:1' }]);
    const row1 = engine.calls.filter((c) => c.row === 1);
    expect(row1.map((c) => c.request.options.seed)).toEqual([1, 1001, 2001]);
    expect(row1[2]!.request.messages.at(-1)!.content).toBe("row:1\n\nThis version's angle (c): Tell a story.");
  });

  it('each variant keeps its own answer fields, and the text of a variant carries them', async () => {
    const engine = createFakeEngine({ fallback: (row, attempt) => ({ text: JSON.stringify({ body: `b${attempt}`, ps: `ps ${attempt}` }) }) });
    const saved: DraftRecord[] = [];
    async function* gen() {
      yield job(1, three);
    }
    await runDrafts({
      jobs: gen(), engine, plan: () => ({ plan: 'draft', version: 1 }), concurrency: 1, save: (r) => saved.push(r),
      parse: (t) => {
        const v = JSON.parse(t) as { body: string; ps: string };
        return { body: v.body, fields: { ps: v.ps } };
      },
    });
    const rec = saved[0]!;
    expect(rec.variants?.map((v) => v.fields)).toEqual([{ ps: 'ps 1' }, { ps: 'ps 2' }, { ps: 'ps 3' }]);
    expect(rec.fields).toEqual({ ps: 'ps 1' });
    expect(effectiveText(rec, undefined, 3)).toEqual({ body: 'b3', fields: { ps: 'ps 3' } });
    // A person's edit of variant 2 written without fields keeps variant 2's.
    expect(effectiveText(rec, { type: 'edit', key: 'k1', row: 1, version: 2, body: 'mine', variant: 2, at: 't' })).toEqual({ body: 'mine', fields: { ps: 'ps 2' } });
  });

  it('a variant that cannot be drafted fails the row: no record holds some variants only', async () => {
    const engine = createFakeEngine({ script: { 1: [{ text: JSON.stringify({ body: 'one' }) }, { error: 'fatal', message: 'model refused' }] } });
    const { saved, summary } = await run([job(1, three)], engine);
    expect(summary.failed).toBe(1);
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ status: 'failed', error: 'model refused' });
    expect(saved[0]!.variants).toBeUndefined();
  });

  it('Ctrl-C during a row\'s variants writes nothing for that row and keeps the finished ones', async () => {
    const stop = new AbortController();
    const engine = createFakeEngine({ script: { 2: [{ text: JSON.stringify({ body: 'first' }) }, { hang: true }] } });
    const jobs = [job(1, three), job(2, three)];
    const pending = run(jobs, engine, stop.signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    stop.abort();
    const { saved, summary } = await pending;
    expect(saved.map((r) => r.row)).toEqual([1]);
    expect(summary.interrupted).toBe(true);
  });

  it('without variants: the same requests, fingerprint and record as before variants (computed with main at 43b24bf)', async () => {
    const seen = await plainPipeline();
    expect(seen.requests).toBe(1);
    expect(seen.fingerprint).toBe('f69904376b92d68acdc741bb8efdea48');
    expect(seen.hash).toBe('cffccc9930f8217ef4cc767be15bd80c03d70e04eea835935344806bf6ff4345');
  });
});
