// `approve --rows N --edit FILE` (app/approve-drafts.ts) called as a function: the edit file's
// shape (core/decisions/edit-file.ts, a table), and that it writes exactly the records review's `e`
// then `a` write, with the memory learning that the approval was edited; a text with lint errors
// writes nothing without --force; the draft's own text approves it unedited.
import { copyFile, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import { Chalk } from 'chalk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approveDrafts, type ApproveOptions } from '../../src/app/approve-drafts.js';
import { draftCampaign } from '../../src/app/draft-campaign.js';
import { parseEditFile } from '../../src/core/decisions/edit-file.js';
import { InputError } from '../../src/core/errors.js';
import { parseRowSelection } from '../../src/core/recipients/row-selection.js';
import { DraftsStore } from '../../src/io/drafts-file/store.js';
import type { Ask } from '../../src/ui/ask.js';
import { runReview } from '../../src/ui/review/loop.js';
import { createUi } from '../../src/ui/terminal.js';
import { campaignDir, personRow } from '../helpers/campaign-dir.js';
import { createFakeEngine } from '../helpers/fake-engine.js';

describe('the edit file', () => {
  const email = { withSubject: true, file: 'row3.txt' };
  it.each([
    ['subject, blank line, body', 'Subject: Hello Ana\n\nHi Ana,\nthanks.\n', email, { subject: 'Hello Ana', body: 'Hi Ana,\nthanks.' }],
    ['BOM, CRLF, trailing blank lines', '\uFEFFsubject:  Hola \r\n\r\nHola Ana,\r\ngracias.\r\n\r\n', email, { subject: 'Hola', body: 'Hola Ana,\ngracias.' }],
    ['a body keeps its inner blank lines', 'Subject: S\n\n\nA\n\nB', email, { subject: 'S', body: 'A\n\nB' }],
    ['other channels: the body only', 'Hallo Ana,\ndanke.\n', { withSubject: false, file: 'x' }, { body: 'Hallo Ana,\ndanke.' }],
  ])('%s', (_what, text, o, want) => {
    expect(parseEditFile(text, o)).toEqual(want);
  });

  it.each([
    ['no Subject line', 'Hi Ana,\n\nthanks', email, 1, /first line is not a `Subject: \.\.\.` line in the edit file row3\.txt/],
    ['an empty subject', 'Subject:  \n\nHi', email, 1, /subject is empty/],
    ['no blank line after the subject', 'Subject: S\nHi Ana', email, 2, /line after the subject is not blank/],
    ['no body', 'Subject: S\n\n  \n', email, 3, /body is empty/],
    ['a Subject line where the channel has none', 'Subject: S\n\nHi', { withSubject: false, file: '-' }, 1, /channel has no subject in the edit file \(standard input\)/],
  ])('%s is an InputError naming the line', (_what, text, o, line, message) => {
    let err: unknown;
    try {
      parseEditFile(text, o);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(message);
    expect((err as InputError).location).toEqual({ file: o.file === '-' ? '<stdin>' : o.file, line });
    expect((err as InputError).hint).toMatch(o.withSubject ? /`Subject: \.\.\.`, then a blank line, then the body/ : /only the body/);
  });
});

let dir: string;
let env: { DRAFTSMITH_MEMORY: string };
beforeEach(async () => {
  dir = await campaignDir('approve-edit-');
  env = { DRAFTSMITH_MEMORY: path.join(dir, 'memory.db') };
  const engine = createFakeEngine({ rowOf: personRow, fallback: (row) => ({ text: JSON.stringify({ subject: `Hi ${row}`, body: `Hello Person${row}, a word about the beta.\n\nBest regards,\nElena` }) }) });
  const out = new PassThrough();
  await draftCampaign(
    { csv: 'leads.csv', profile: 'profile.yaml', concurrency: 1, retries: 0, giveUpAfter: 30, format: 'jsonl', resume: 'draftsmith draft leads.csv' },
    { ui: createUi({ env: {}, stdout: out, stderr: out, quiet: true }), cwd: dir, env, stdin: new PassThrough(), stdout: out, createEngine: async () => engine, onInterrupt: () => () => {} },
  );
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const EDITED = { subject: 'Hi 2, about the beta', body: 'Hello Person2, a short word about the beta.\n\nCheers,\nElena' };

function approveWith(text: string, over: Partial<ApproveOptions> = {}) {
  const stdin = new PassThrough();
  stdin.end(text);
  const warnings: string[] = [];
  return approveDrafts(
    { file: 'leads.drafts.jsonl', cwd: dir, env, selection: parseRowSelection('2'), rows: '2', allowed: new Set(), force: false, reviewer: 'sam', notice: () => {}, edit: { file: '-', stdin }, ...over },
    (w) => warnings.push(w),
  ).then((o) => ({ ...o, warnings }));
}

async function journal(file = 'leads.drafts.jsonl'): Promise<Record<string, unknown>[]> {
  return (await readFile(path.join(dir, file), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

const tail = (records: Record<string, unknown>[], n: number) => records.slice(-n).map(({ at: _at, ...r }) => r);

function remembered(): Record<string, unknown>[] {
  const db = new Database(env.DRAFTSMITH_MEMORY, { readonly: true });
  try {
    return db.prepare('SELECT state, version, edited, subject, body, reviewer FROM messages ORDER BY id').all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

describe('approve --edit', () => {
  it("writes what review's e then a write: the edit as version 2, the approval of version 2, the memory's edited approval", async () => {
    // The same campaign reviewed by a person: a copy of the drafts file, e then a on row 2.
    await copyFile(path.join(dir, 'leads.drafts.jsonl'), path.join(dir, 'reviewed.drafts.jsonl'));
    const store = await DraftsStore.open(path.join(dir, 'reviewed.drafts.jsonl'), { lock: true, create: false });
    const answers = ['e', 'a', 'q'];
    const ask: Ask = { choose: async (m, choices) => { const k = answers.shift(); const c = choices.find((x) => x.key === k); if (!c) throw new Error(`no answer for ${m}`); return c.value; }, text: async () => '', confirm: async () => false };
    await runReview(
      { store, ask, edit: async () => ({ ok: true, draft: EDITED }), regenerate: async () => 'no', lint: () => [], isPrivate: () => false, show: () => {}, width: 80, chalk: new Chalk({ level: 0 }), reviewer: 'sam' },
      { rows: parseRowSelection('2') },
    );
    await store.close();

    const out = await approveWith(`Subject: ${EDITED.subject}\n\n${EDITED.body}\n`);
    expect(out).toMatchObject({ approved: [2], edited: [{ row: 2, version: 2 }], held: [], refused: [], leftAlone: [], warnings: [] });
    const written = tail(await journal(), 2);
    expect(written).toEqual(tail(await journal('reviewed.drafts.jsonl'), 2));
    expect(written).toEqual([
      { type: 'edit', key: expect.any(String), row: 2, version: 2, ...EDITED },
      { type: 'decision', key: expect.any(String), row: 2, status: 'approved', version: 2, reviewer: 'sam' },
    ]);
    expect(remembered()).toEqual([{ state: 'approved', version: 2, edited: 1, ...EDITED, reviewer: 'sam' }]);
  });

  it('a text with a lint error writes nothing without --force, and is approved with it', async () => {
    const before = await journal();
    const held = await approveWith('Subject: Hi\n\nHello {{first_name}},\nBest regards,\nElena');
    expect(held).toMatchObject({ approved: [], edited: [], held: [{ row: 2, codes: ['placeholder'] }] });
    expect(await journal()).toEqual(before);
    const forced = await approveWith('Subject: Hi\n\nHello {{first_name}},\nBest regards,\nElena', { force: true });
    expect(forced).toMatchObject({ approved: [2], edited: [{ row: 2, version: 2 }], forced: [{ row: 2, codes: ['placeholder'] }] });
  });

  it("the draft's own text approves it unedited (no new version); a decided row is left alone", async () => {
    const own = await approveWith('Subject: Hi 2\n\nHello Person2, a word about the beta.\n\nBest regards,\nElena\n\n');
    expect(own).toMatchObject({ approved: [2], edited: [] });
    expect(tail(await journal(), 1)).toEqual([expect.objectContaining({ type: 'decision', version: 1, status: 'approved' })]);
    expect(remembered()).toEqual([expect.objectContaining({ version: 1, edited: 0 })]);
    const again = await approveWith(`Subject: ${EDITED.subject}\n\n${EDITED.body}`);
    expect(again).toMatchObject({ approved: [], leftAlone: ['2 (approved)'] });
  });

  it('a malformed edit file is an InputError before anything is written', async () => {
    const before = await journal();
    await expect(approveWith('Hello Person2')).rejects.toThrow(InputError);
    expect(await journal()).toEqual(before);
  });
});
