// The review loop with scripted answers, an in-memory journal and stub editor/model: no terminal.
import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { withCatalog } from '../../src/core/drafting/catalog-block.js';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDecisionMemory } from '../../src/app/decision-memory.js';
import { messageIdFor, normaliseMessageId } from '../../src/core/export/message-id.js';
import { MemoryStore } from '../../src/io/memory/memory-store.js';
import { effectiveText } from '../../src/core/decisions/rules.js';
import type { DecisionRecord, DraftRecord, EditRecord, JournalRecord } from '../../src/core/decisions/records.js';
import { applyRecord } from '../../src/core/decisions/journal.js';
import { RecipientIndex } from '../../src/core/decisions/recipient-index.js';
import type { Ask, Choice } from '../../src/ui/ask.js';
import { runReview, type ReviewDeps, type ReviewStore } from '../../src/ui/review/loop.js';
import type { Finding } from '../../src/ui/review/screen.js';
import type { StoredRecipient } from '../../src/core/decisions/rules.js';

/** Journal in memory, folded by the real rules: offsets are indices into `records`. */
function memoryStore(initial: JournalRecord[]): ReviewStore & { records: JournalRecord[] } {
  const records: JournalRecord[] = [];
  const index = new RecipientIndex();
  const ctx = { index, legacyKey: (r: Record<string, string>) => `k${r.first_name}` };
  const store = {
    records,
    recipients: () => index.values(),
    read: (key: string): StoredRecipient | undefined => {
      const state = index.get(key);
      if (!state) return undefined;
      const draft = records[state.draft.offset] as DraftRecord;
      const edit = state.text ? (records[state.text.offset] as EditRecord | DecisionRecord) : undefined;
      return { state, draft, text: effectiveText(draft, edit) };
    },
    append: (rec: JournalRecord) => {
      records.push(structuredClone(rec));
      applyRecord(ctx, rec, { offset: records.length - 1, length: 1 });
    },
  };
  for (const r of initial) store.append(r);
  return store;
}

function draft(row: number, over: Partial<DraftRecord> = {}): DraftRecord {
  return {
    type: 'draft',
    key: `k${row}`,
    row,
    fingerprint: `fp${row}`,
    status: 'drafted',
    recipient: { first_name: `Person${row}`, company: `Co${row}`, notes: 'secret' },
    subject: `Hello ${row}`,
    body: `Dear Person${row},\nbody ${row}`,
    engine: 'fake',
    model: 'm',
    messages: [{ role: 'user', content: `row:${row}` }],
    version: 1,
    timing: { ms: 1 },
    at: '2024-01-01T00:00:00.000Z',
    ...over,
  };
}

type Answer = string | boolean;

interface Harness {
  deps: ReviewDeps;
  store: ReturnType<typeof memoryStore>;
  screens: string[];
  prompts: string[];
  regenerations: { row: number; shown?: { subject?: string; body: string }; feedback: string; version: number }[];
}

function harness(records: JournalRecord[], answers: Answer[], over: Partial<ReviewDeps> = {}): Harness {
  const store = memoryStore(records);
  const queue = [...answers];
  const screens: string[] = [];
  const prompts: string[] = [];
  const regenerations: Harness['regenerations'] = [];
  const next = (message: string): Answer => {
    prompts.push(message);
    if (queue.length === 0) {
      const err = new Error('User force closed the prompt with SIGINT');
      err.name = 'ExitPromptError';
      throw err;
    }
    return queue.shift()!;
  };
  const ask: Ask = {
    async choose<T extends string>(message: string, choices: readonly Choice<T>[]) {
      const key = next(message) as string;
      const choice = choices.find((c) => c.key === key);
      if (!choice) throw new Error(`script: no choice ${key}`);
      return choice.value;
    },
    async text(message) {
      return next(message) as string;
    },
    async confirm(message) {
      return next(message) as boolean;
    },
  };
  const deps: ReviewDeps = {
    store,
    ask,
    edit: async (d) => ({ ok: true, draft: { subject: d.subject, body: `${d.body}\nEDITED` } }),
    regenerate: async (shown, feedback, version) => {
      const rec = shown.draft;
      regenerations.push({ row: rec.row, shown: shown.text, feedback, version });
      return { ...rec, status: 'drafted', error: undefined, version, body: `regenerated ${rec.row}`, feedback, at: 'later' };
    },
    lint: (d): Finding[] => (d.body.includes('{{') ? [{ level: 'error', code: 'placeholder', message: 'unfilled placeholder' }] : []),
    isPrivate: (h) => h === 'notes',
    show: (t) => screens.push(t),
    width: 80,
    chalk: new Chalk({ level: 0 }),
    now: () => 'NOW',
    ...over,
  };
  return { deps, store, screens, prompts, regenerations };
}

const decisions = (h: Harness) => h.store.records.filter((r): r is DecisionRecord => r.type === 'decision');
const edits = (h: Harness) => h.store.records.filter((r): r is EditRecord => r.type === 'edit');

describe('runReview', () => {
  it('approves, skips, goes back and re-decides, then finishes with every decision in the journal', async () => {
    const h = harness([draft(1), draft(2), draft(3)], ['a', 's', 'b', 'a', 'a']);
    const result = await runReview(h.deps);
    expect(result.end).toBe('finished');
    expect(decisions(h).map((d) => [d.row, d.status])).toEqual([
      [1, 'approved'],
      [2, 'skipped'],
      [2, 'approved'],
      [3, 'approved'],
    ]);
    expect(result.counts).toEqual({ approved: 3, skipped: 0, left: 0 });
    expect(h.screens[0]).toMatch(/Draft 1 of 3/);
    expect(h.screens[0]).toMatch(/notes\s+secret \(private, never sent\)/);
  });

  it('appends each decision before the next screen is drawn', async () => {
    const h = harness([draft(1), draft(2)], ['a', 'q']);
    let recordsAtSecondScreen = -1;
    const show = h.deps.show;
    h.deps.show = (t) => {
      if (/Draft 2 of 2/.test(t)) recordsAtSecondScreen = h.store.records.length;
      show(t);
    };
    await runReview(h.deps);
    expect(recordsAtSecondScreen).toBe(3); // two drafts + the approval of row 1
  });

  it('starts at the first undecided draft; --all starts at the first', async () => {
    const recs = [draft(1), draft(2), { type: 'decision', key: 'k1', row: 1, status: 'approved', version: 1, at: 'x' } as DecisionRecord];
    const h = harness(recs, ['q']);
    expect((await runReview(h.deps)).row).toBe(2);
    const all = harness(recs, ['q']);
    expect((await runReview(all.deps, { all: true })).row).toBe(1);
  });

  it('filters by status and rows', async () => {
    const recs = [draft(1), draft(2, { status: 'failed', body: undefined, error: 'boom' }), draft(3)];
    const h = harness(recs, ['s']);
    const r = await runReview(h.deps, { statuses: new Set(['failed']) });
    expect(decisions(h).map((d) => d.row)).toEqual([2]);
    expect(r.end).toBe('finished');
    expect(h.screens[0]).toMatch(/drafting failed: boom/);
    const rows = harness(recs, ['a']);
    await runReview(rows.deps, { rows: { has: (n) => n === 3 } });
    expect(decisions(rows).map((d) => d.row)).toEqual([3]);
  });

  it("a draft's own fields (output.fields) are on the card, reach the editor, and `e` records the edited ones", async () => {
    const seen: (Record<string, string> | undefined)[] = [];
    const h = harness([draft(1, { fields: { ps: 'P.S. model' } })], ['e', 'a'], {
      edit: async (d) => {
        seen.push(d.fields);
        return { ok: true, draft: { subject: d.subject, body: d.body, fields: { ps: 'P.S. person' } } };
      },
    });
    await runReview(h.deps);
    expect(h.screens[0]).toContain('ps: P.S. model');
    expect(seen).toEqual([{ ps: 'P.S. model' }]);
    expect(edits(h).map((e) => e.fields)).toEqual([{ ps: 'P.S. person' }]);
    expect(h.screens[1]).toContain('ps: P.S. person');
    expect(decisions(h).map((d) => [d.status, d.version])).toEqual([['approved', 2]]);
  });

  it('an edit is a new version, saved at once and shown again undecided; only `a` approves it, naming that version', async () => {
    const h = harness([draft(1), draft(2)], ['e', 'a', 'q']);
    await runReview(h.deps);
    expect(edits(h)).toEqual([{ type: 'edit', key: 'k1', row: 1, version: 2, subject: 'Hello 1', body: expect.stringContaining('EDITED'), at: 'NOW' }]);
    expect(decisions(h)).toEqual([{ type: 'decision', key: 'k1', row: 1, status: 'approved', version: 2, at: 'NOW' }]);
    // The second screen is the same draft with the new text, undecided, saying so.
    expect(h.screens[1]).toMatch(/Draft 1 of 2/);
    expect(h.screens[1]).toContain('EDITED');
    expect(h.screens[1]).toMatch(/version 2 · drafted · edited by you/);
    expect(h.screens[1]).toMatch(/not approved yet/);
  });

  it('edit then quit decides nothing: the edited version waits, undecided', async () => {
    const h = harness([draft(1)], ['e', 'q']);
    await runReview(h.deps);
    expect(decisions(h)).toEqual([]);
    expect(h.store.recipients()[0]).toMatchObject({ status: 'drafted', version: 2, edited: true });
  });

  it('an edit after an approval withdraws it (revisiting with --all)', async () => {
    const h = harness([draft(1), { type: 'decision', key: 'k1', row: 1, status: 'approved', version: 1, at: 'x' }], ['e', 'q']);
    await runReview(h.deps, { all: true });
    expect(h.store.recipients()[0]).toMatchObject({ status: 'drafted', version: 2 });
  });

  it('Enter alone is no answer: choose is asked without a default', async () => {
    const defaults: (string | undefined)[] = [];
    const h = harness([draft(1)], ['q']);
    const choose = h.deps.ask.choose.bind(h.deps.ask);
    h.deps.ask.choose = (message, choices, defaultKey) => {
      defaults.push(defaultKey);
      return choose(message, choices, defaultKey);
    };
    await runReview(h.deps);
    expect(defaults).toEqual([undefined]);
  });

  it('a cancelled edit changes nothing and says why', async () => {
    const h = harness([draft(1)], ['e', 'q'], { edit: async () => ({ ok: false, reason: 'no change made in the editor' }) });
    await runReview(h.deps);
    expect(decisions(h)).toEqual([]);
    expect(h.screens[1]).toContain('no change made in the editor');
  });

  it('regenerates with feedback and the previous text, appends the new version, and shows it', async () => {
    const h = harness([draft(1)], ['e', 'r', 'shorter please', 'a']);
    await runReview(h.deps);
    expect(h.regenerations).toEqual([{ row: 1, shown: expect.objectContaining({ body: expect.stringContaining('EDITED') }), feedback: 'shorter please', version: 3 }]);
    const drafts = h.store.records.filter((r) => r.type === 'draft') as DraftRecord[];
    expect(drafts.map((d) => d.version)).toEqual([1, 3]);
    expect(drafts[1]!.feedback).toBe('shorter please');
    // The model's new text replaces the edit: approving it is a plain approval of version 3.
    const last = decisions(h).at(-1)!;
    expect(last).toMatchObject({ status: 'approved', version: 3 });
    expect(last.body).toBeUndefined();
    expect(h.screens.some((s) => s.includes('regenerated 1'))).toBe(true);
  });

  it('a failed or unavailable regeneration keeps the current draft', async () => {
    const failing = harness([draft(1)], ['r', '', 'q'], {
      regenerate: async (shown) => ({ ...shown.draft, status: 'failed', body: undefined, error: 'model gone', version: 2 }),
    });
    await runReview(failing.deps);
    expect(failing.store.records).toHaveLength(1);
    expect(failing.screens.at(-1)).toContain('regeneration failed: model gone');
    const unavailable = harness([draft(1)], ['r', '', 'q'], { regenerate: async () => 'regenerating needs --profile' });
    await runReview(unavailable.deps);
    expect(unavailable.screens.at(-1)).toContain('regenerating needs --profile');
  });

  it('approving a draft with a lint error asks first; "no" keeps it undecided', async () => {
    const recs = [draft(1, { body: 'Hi {{first_name}}' }), draft(2, { body: 'Hi {{x}}' })];
    const h = harness(recs, ['a', false, 'a', true, 'a', true]);
    await runReview(h.deps);
    expect(h.prompts.filter((p) => /lint errors/.test(p))).toHaveLength(3);
    expect(decisions(h).map((d) => [d.row, d.status])).toEqual([
      [1, 'approved'],
      [2, 'approved'],
    ]);
    expect(h.screens[0]).toMatch(/error\s+unfilled placeholder \[placeholder\]/);
  });

  it('a failed row cannot be approved, only regenerated or skipped', async () => {
    const h = harness([draft(1, { status: 'failed', body: undefined, error: 'timeout' })], ['a', 's']);
    await runReview(h.deps);
    expect(decisions(h).map((d) => d.status)).toEqual(['skipped']);
    expect(h.screens[1]).toContain('nothing to approve');
  });

  it('view shows every column and the exact messages, then returns to the same draft', async () => {
    const h = harness([draft(1)], ['v', '', 'q']);
    await runReview(h.deps);
    expect(h.screens[1]).toMatch(/\[user\]\nrow:1/);
    expect(h.screens[1]).toMatch(/private, never sent/);
    expect(h.screens[2]).toMatch(/Draft 1 of 1/);
  });

  it('Ctrl-C at any prompt ends as "interrupted" with decisions kept, not as an error', async () => {
    const h = harness([draft(1), draft(2)], ['a', 'r']); // Ctrl-C at the feedback prompt
    const r = await runReview(h.deps);
    expect(r).toMatchObject({ end: 'interrupted', row: 2 });
    expect(decisions(h)).toHaveLength(1);
  });

  it('a skip keeps text a person edited, so revisiting later still shows it, and approving approves that version', async () => {
    const h = harness([draft(1)], ['e', 's']);
    await runReview(h.deps);
    expect(decisions(h)).toEqual([expect.objectContaining({ status: 'skipped', version: 2 })]);
    const again = harness(h.store.records, ['a']);
    await runReview(again.deps, { all: true });
    expect(again.screens[0]).toContain('EDITED');
    expect(decisions(again).at(-1)).toMatchObject({ status: 'approved', version: 2 });
  });

  it("shows the draft's catalog picks on the card, their titles from its prompt, stripped of terminal escapes", async () => {
    const item = { id: 'k8s', title: 'K8s guide\u001b]0;x\u0007', description: '', tags: [] };
    const messages = withCatalog([{ role: 'system', content: 's' }, { role: 'user', content: 'row:1' }], { method: 'bm25', picks: [{ id: 'k8s', score: 2.5, item }] });
    const h = harness([draft(1, { messages, catalog: { method: 'bm25', picks: [{ id: 'k8s', score: 2.5 }] } }), draft(2)], ['s', 'q']);
    await runReview(h.deps);
    expect(h.screens[0]).toMatch(/^catalog picks \(BM25\): K8s guide \(2\.5\)$/m);
    expect(h.screens[0]).not.toMatch(/[\u001b\u0007]/);
    expect(h.screens[1]).not.toContain('catalog picks');
  });

  it('nothing to review is reported as empty', async () => {
    const h = harness([draft(1), { type: 'decision', key: 'k1', row: 1, status: 'approved', version: 1, at: 'x' }], []);
    expect((await runReview(h.deps)).end).toBe('empty');
    expect(h.screens).toEqual([]);
  });

  it('strips terminal escapes from CSV values and model text on screen', async () => {
    const evil = draft(1, {
      recipient: { first_name: 'Eve\u001b]52;c;ZXZpbA==\u0007', company: '\u001b[2JCo' },
      body: 'Hi\u001b]0;title\u0007 there \u009b31m',
    });
    const h = harness([evil], ['v', '', 'q']);
    await runReview(h.deps);
    for (const s of h.screens) expect(s).not.toMatch(/[\u001b\u0007\u009b]/);
    expect(h.screens[0]).toContain('Eve');
  });
});

describe('editing a draft in $VISUAL (the e key)', () => {
  const fakeEditor = new URL('../helpers/fake-editor.mjs', import.meta.url).pathname;
  const env = (extra: Record<string, string>) => ({ PATH: process.env.PATH, VISUAL: `'${process.execPath}' '${fakeEditor}'`, ...extra });

  it('round-trips subject and body through the editor text', async () => {
    const { parseEditorText, renderEditorText } = await import('../../src/io/editor.js');
    const d = { subject: 'Hi there', body: 'Line one\n\nLine two' };
    expect(renderEditorText(d, true)).toBe('Subject: Hi there\n\nLine one\n\nLine two\n');
    expect(parseEditorText(renderEditorText(d, true), true)).toEqual(d);
    expect(parseEditorText('subject:  New \r\n\r\nBody\r\n', true)).toEqual({ subject: 'New', body: 'Body' });
    expect(parseEditorText('No subject line\nat all', true)).toEqual({ subject: '', body: 'No subject line\nat all' });
    expect(parseEditorText('just a body\n\n', false)).toEqual({ body: 'just a body' });
  });

  it('runs $VISUAL on a temp file and reads the edit back', async () => {
    const { editDraft } = await import('../../src/io/editor.js');
    const out = await editDraft({ subject: 'S', body: 'Hello Ana' }, { env: env({ FAKE_EDITOR_REPLACE: 'Ana=>Ana Pereira', FAKE_EDITOR_APPEND: 'PS' }), withSubject: true });
    expect(out).toEqual({ ok: true, draft: { subject: 'S', body: 'Hello Ana Pereira\nPS' } });
  });

  it('keeps the draft when the editor fails, changes nothing, or empties the body', async () => {
    const { editDraft } = await import('../../src/io/editor.js');
    const d = { body: 'Hello' };
    const failed = await editDraft(d, { env: env({ FAKE_EDITOR_APPEND: 'x', FAKE_EDITOR_EXIT: '3' }), withSubject: false });
    expect(failed).toMatchObject({ ok: false, reason: expect.stringMatching(/exited with 3/) });
    const same = await editDraft(d, { env: env({}), withSubject: false });
    expect(same).toMatchObject({ ok: false, reason: expect.stringMatching(/no change/) });
    const emptied = await editDraft(d, { env: env({ FAKE_EDITOR_REPLACE: 'Hello=>' }), withSubject: false });
    expect(emptied).toMatchObject({ ok: false, reason: expect.stringMatching(/empty/) });
  });
});

describe('the review loop with the memory (a real SQLite memory in a temporary folder)', () => {
  const CAMPAIGN = '/campaigns/this.drafts.jsonl';
  const withEmail = (row: number, over: Partial<DraftRecord> = {}) => draft(row, { key: `email:p${row}@example.org`, recipient: { first_name: `Person${row}`, email: `p${row}@example.org` }, ...over });

  async function opened() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-review-memory-'));
    const file = path.join(dir, 'memory.db');
    const memory = await openDecisionMemory(file, CAMPAIGN, { env: {}, cwd: dir, warn: (w) => { throw new Error(`unexpected warning: ${w}`); }, notice: () => {} });
    const rows = () => {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare('SELECT m.state, m.version, m.reviewer, m.body, m.message_id AS messageId FROM messages m ORDER BY m.id').all() as { state: string; version: number; reviewer: string; body: string; messageId: string }[];
      } finally {
        db.close();
      }
    };
    return { dir, file, memory, rows };
  }

  it('records each approval once with the reviewer; an edit withdraws it, approving the new version records that one; a skip withdraws', async () => {
    const m = await opened();
    // a, back, a again (re-approval is idempotent), back, e (withdraws), a (version 2), back, s (withdraws version 2), quit on row 2.
    const h = harness([withEmail(1), withEmail(2)], ['a', 'b', 'a', 'b', 'e', 'a', 'b', 's', 'q'], { memory: m.memory, reviewer: 'sam' });
    await runReview(h.deps, { all: true });
    m.memory.close();
    expect(decisions(h).map((d) => [d.status, d.version, d.reviewer])).toEqual([
      ['approved', 1, 'sam'], ['approved', 1, 'sam'], ['approved', 2, 'sam'], ['skipped', 2, 'sam'],
    ]);
    const rows = m.rows();
    expect(rows.map((r) => [r.state, r.version, r.reviewer])).toEqual([['withdrawn', 1, 'sam'], ['withdrawn', 2, 'sam']]);
    expect(rows[1]!.body).toMatch(/EDITED$/);
    // The Message-ID eml/mbox exports give this exact text.
    expect(rows[1]!.messageId).toBe(normaliseMessageId(messageIdFor({ key: 'email:p1@example.org', version: 2, address: 'p1@example.org', subject: 'Hello 1', body: rows[1]!.body })));
  });

  it('shows the person\'s earlier messages from other campaigns on the card, never this campaign\'s', async () => {
    const m = await opened();
    const store = (await MemoryStore.open(m.file))!;
    const earlier = { who: { key: 'email:p1@example.org', email: 'p1@example.org' }, version: 1, subject: 'Spring hello', body: 'Hi Person1,\nI loved your spring talk. More soon.', edited: false, engine: 'fake', model: 'm', reviewer: 'sam', messageId: '<x@draftsmith.local>' };
    store.recordApproval({ ...earlier, campaign: '/campaigns/spring.drafts.jsonl', at: '2026-04-01T10:00:00.000Z' });
    store.recordApproval({ ...earlier, subject: 'THIS CAMPAIGN', campaign: CAMPAIGN, at: '2026-05-01T10:00:00.000Z', messageId: '<y@draftsmith.local>' });
    store.close();
    const h = harness([withEmail(1, { body: 'Dear Person1,\nI loved your spring talk. Here is more.' })], ['q'], { memory: m.memory, reviewer: 'sam', lint: () => [] });
    await runReview(h.deps);
    m.memory.close();
    expect(h.screens[0]).toMatch(/Earlier with this person\n\s+2026-04-01\s+approved\s+Spring hello — Hi Person1, I loved your spring ta…/);
    expect(h.screens[0]).not.toContain('THIS CAMPAIGN');
    // The lint sees the same history.
    const lintMemory = (await openDecisionMemory(m.file, CAMPAIGN, { env: {}, cwd: m.dir, warn: () => {} })).lintMemory('email:p1@example.org', { email: 'p1@example.org' });
    expect(lintMemory?.history.map((x) => x.subject)).toEqual(['Spring hello']);
  });

  it('marks a draft stale when the person replied after it was made, and shows the reply on the card', async () => {
    const m = await opened();
    const store = (await MemoryStore.open(m.file))!;
    store.importBatch([{ contentHash: 'h1', direction: 'received', address: 'p1@example.org', at: '2026-10-03T09:00:00.000Z', subject: 'Re: Hello', text: 'Not now, try me in Q1.', source: 'Inbox.mbox#1' }]);
    store.close();
    const h = harness([withEmail(1), withEmail(2)], ['a', 'q'], { memory: m.memory, reviewer: 'sam' });
    await runReview(h.deps);
    m.memory.close();
    expect(h.screens[0]).toMatch(/stale: they replied on 2026-10-03, after this draft/);
    expect(h.screens[0]).toMatch(/2026-10-03\s+they replied\s+Re: Hello — Not now, try me in Q1\./);
    expect(h.screens[1]).not.toMatch(/they replied/);
  });

  it('refuses `a` for a person on the do-not-contact list and marks the card; a skip still works', async () => {
    const m = await opened();
    const store = (await MemoryStore.open(m.file))!;
    store.optOut('p1@example.org', 'history optout');
    store.close();
    const h = harness([withEmail(1)], ['a', 's'], { memory: m.memory, reviewer: 'sam' });
    const result = await runReview(h.deps);
    m.memory.close();
    expect(h.screens[0]).toMatch(/DO NOT CONTACT: asked not to be contacted \(history optout\)/);
    expect(h.screens[1]).toMatch(/not approved: this person is on the do-not-contact list \(opted-out: history optout\)/);
    expect(decisions(h).map((d) => d.status)).toEqual(['skipped']);
    expect(result.counts).toEqual({ approved: 0, skipped: 1, left: 0 });
    expect(m.rows()).toEqual([]);
  });
});
