// The use cases after `draft` (app/approve-drafts.ts, export-drafts.ts, drafts-status.ts,
// lint-drafts.ts) called as functions, without argv: a campaign drafted with the fake engine, then
// approved, counted, linted and exported, each returning what its command prints.
import { readFile, rm } from 'node:fs/promises';
import Database from 'better-sqlite3';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approveDrafts } from '../../src/app/approve-drafts.js';
import { draftCampaign } from '../../src/app/draft-campaign.js';
import { draftsStatus } from '../../src/app/drafts-status.js';
import { exportDrafts } from '../../src/app/export-drafts.js';
import { lintDrafts } from '../../src/app/lint-drafts.js';
import { APPROVED_ONLY } from '../../src/core/decisions/rules.js';
import { parseRowSelection } from '../../src/core/recipients/row-selection.js';
import { createUi } from '../../src/ui/terminal.js';
import { createFakeEngine } from '../helpers/fake-engine.js';
import { campaignDir, personRow } from '../helpers/campaign-dir.js';

let dir: string;
let env: { DRAFTSMITH_MEMORY: string };
beforeEach(async () => {
  dir = await campaignDir('use-cases-');
  env = { DRAFTSMITH_MEMORY: path.join(dir, 'memory.db') };
  const engine = createFakeEngine({ rowOf: personRow, fallback: (row) => ({ text: JSON.stringify({ subject: `Hi ${row}`, body: `Hello Person${row}, best regards, Elena` }) }) });
  const out = new PassThrough();
  await draftCampaign(
    { csv: 'leads.csv', profile: 'profile.yaml', concurrency: 1, retries: 0, giveUpAfter: 30, format: 'jsonl', resume: 'draftsmith draft leads.csv' },
    { ui: createUi({ env: {}, stdout: out, stderr: out, quiet: true }), cwd: dir, env: { DRAFTSMITH_MEMORY: path.join(dir, 'memory.db') }, stdin: new PassThrough(), stdout: out, createEngine: async () => engine, onInterrupt: () => () => {} },
  );
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the use cases after draft', () => {
  it('approve --rows approves those rows; status counts them; export writes only them', async () => {
    const warnings: string[] = [];
    const notices: string[] = [];
    const approved = await approveDrafts(
      { cwd: dir, env, selection: parseRowSelection('1-2'), rows: '1-2', allowed: new Set(), force: true, reviewer: 'sam', notice: (m) => notices.push(m) },
      (w) => warnings.push(w),
    );
    expect(approved).toMatchObject({ approved: [1, 2], leftAlone: [], refused: [], draftsPath: path.join(dir, 'leads.drafts.jsonl') });
    expect(warnings).toEqual([]);
    expect(notices.join('')).toMatch(/created the memory at .*memory\.db/);
    // The memory holds both approvals, as approved (not sent), with who decided.
    const db = new Database(env.DRAFTSMITH_MEMORY, { readonly: true });
    const remembered = db.prepare("SELECT state, reviewer, campaign, version FROM messages ORDER BY id").all();
    db.close();
    expect(remembered).toEqual([1, 2].map(() => ({ state: 'approved', reviewer: 'sam', campaign: path.join(dir, 'leads.drafts.jsonl'), version: 1 })));

    const { report, tally } = await draftsStatus({ cwd: dir, lint: true, name: (p) => path.basename(p) }, () => {});
    expect(report).toMatchObject({ file: 'leads.drafts.jsonl', recipients: 3, counts: { approved: 2, drafted: 1 }, failures: [] });
    expect(tally?.linted).toBe(1);

    const exported = await exportDrafts({ cwd: dir, env, stdout: new PassThrough(), format: 'jsonl', out: 'approved.jsonl', choice: APPROVED_ONLY });
    expect(exported).toMatchObject({ written: 2, skipped: [], orphansLeft: 0, undecided: 1, edited: 0 });
    const rows = (await readFile(path.join(dir, 'approved.jsonl'), 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { row: number }).row);
    expect(rows).toEqual([1, 2]);
  });

  it('lint hands each draft\'s findings to the caller and returns the tally', async () => {
    const seen: number[] = [];
    const tally = await lintDrafts({ file: 'leads.drafts.jsonl', cwd: dir, stdin: new PassThrough(), env, warn: () => {} }, async (row) => {
      seen.push(row);
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(tally.linted).toBe(3);
  });
});
