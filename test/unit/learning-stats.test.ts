// `stats` (app/learning-stats.ts) as a function over real campaigns drafted with the fake engine
// and decided through approve and approve --edit, with a real memory; and its text (ui/stats-report.ts):
// the table, the chart (plain and block bars) and the verdict.
import { copyFile, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Chalk } from 'chalk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approveDrafts } from '../../src/app/approve-drafts.js';
import { draftCampaign } from '../../src/app/draft-campaign.js';
import { learningStats, median } from '../../src/app/learning-stats.js';
import { parseRowSelection } from '../../src/core/recipients/row-selection.js';
import { editShare } from '../../src/core/text/word-diff.js';
import { DraftsStore } from '../../src/io/drafts-file/store.js';
import { renderStats, trend, type CampaignLine } from '../../src/ui/stats-report.js';
import { createUi } from '../../src/ui/terminal.js';
import { campaignDir, personRow } from '../helpers/campaign-dir.js';
import { createFakeEngine } from '../helpers/fake-engine.js';

let dir: string;
let env: { DRAFTSMITH_MEMORY: string };
const BODY = (row: number) => `Hello Person${row}, a word about the beta of our tool.\n\nBest regards,\nElena`;

async function draft(csv: string, out: string): Promise<void> {
  const engine = createFakeEngine({ rowOf: personRow, fallback: (row) => ({ text: JSON.stringify({ subject: `Hi ${row}`, body: BODY(row) }) }) });
  const sink = new PassThrough();
  await draftCampaign(
    { csv, profile: 'profile.yaml', drafts: out, concurrency: 1, retries: 0, giveUpAfter: 30, format: 'jsonl', resume: 'draftsmith draft' },
    { ui: createUi({ env: {}, stdout: sink, stderr: sink, quiet: true }), cwd: dir, env, stdin: new PassThrough(), stdout: sink, createEngine: async () => engine, onInterrupt: () => () => {} },
  );
}

async function approve(file: string, rows: string, edit?: string): Promise<void> {
  const stdin = new PassThrough();
  stdin.end(edit ?? '');
  await approveDrafts(
    { file, cwd: dir, env, selection: parseRowSelection(rows), rows, allowed: new Set(), force: true, reviewer: 'sam', notice: () => {}, ...(edit ? { edit: { file: '-', stdin } } : {}) },
    () => {},
  );
}

beforeEach(async () => {
  dir = await campaignDir('learning-stats-');
  env = { DRAFTSMITH_MEMORY: path.join(dir, 'memory.db') };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('learningStats', () => {
  it('per campaign in time order: drafts, approved as drafted or edited, skipped, the median edit share, lint findings per draft; --profile filters; a gone file is named', async () => {
    // Campaign A (before any memory exists: only its approvals make it known): row 1 as drafted,
    // rows 2 and 3 edited (two different shares), nothing skipped.
    await draft('leads.csv', 'a.drafts.jsonl');
    await approve('a.drafts.jsonl', '1');
    const short = `Subject: Hi 2\n\nHello Person2, a word about the beta.\n\nBest regards,\nElena`;
    const shorter = `Subject: Hi 3\n\nHello Person3, about our beta.\n\nCheers,\nElena`;
    await approve('a.drafts.jsonl', '2', short);
    await approve('a.drafts.jsonl', '3', shorter);
    // Campaign B, later: row 1 skipped, row 2 approved as drafted, row 3 undecided.
    await draft('leads.csv', 'b.drafts.jsonl');
    const b = await DraftsStore.open(path.join(dir, 'b.drafts.jsonl'), { lock: true });
    b.append({ type: 'decision', key: b.recipients()[0]!.key, row: 1, status: 'skipped', version: 1, reviewer: 'sam', at: new Date().toISOString() });
    await b.close();
    await approve('b.drafts.jsonl', '2');

    const whole = (s: string, body: string) => `${s}\n\n${body}`;
    const shares = [
      editShare(whole('Hi 2', BODY(2)), whole('Hi 2', 'Hello Person2, a word about the beta.\n\nBest regards,\nElena')),
      editShare(whole('Hi 3', BODY(3)), whole('Hi 3', 'Hello Person3, about our beta.\n\nCheers,\nElena')),
    ];
    expect(shares[0]).toBeGreaterThan(0);
    expect(shares[1]).toBeGreaterThan(shares[0]!);
    const stats = await learningStats({ cwd: dir, env }, () => {});
    expect(stats.campaigns.map((c) => path.basename(c.file))).toEqual(['a.drafts.jsonl', 'b.drafts.jsonl']);
    const [a, bb] = stats.campaigns;
    expect(a).toMatchObject({ drafts: 3, approvedUnedited: 1, approvedEdited: 2, skipped: 0, undecided: 0, failed: 0, profile: path.join(dir, 'profile.yaml') });
    expect(a!.medianEditShare).toBeCloseTo((shares[0]! + shares[1]!) / 2, 10);
    expect(bb).toMatchObject({ drafts: 3, approvedUnedited: 1, approvedEdited: 0, skipped: 1, undecided: 1, medianEditShare: null });
    expect(a!.startedAt! < bb!.startedAt!).toBe(true);
    expect(typeof a!.lintFindings).toBe('number');
    expect(a!.lintPerDraft).toBeCloseTo(a!.lintFindings! / 3, 10);
    expect(stats).toMatchObject({ memory: env.DRAFTSMITH_MEMORY, missing: [], unlinted: [] });

    // Only campaigns of another profile: none; a gone drafts file is named, not fatal.
    await copyFile(path.join(dir, 'profile.yaml'), path.join(dir, 'other.yaml'));
    expect((await learningStats({ cwd: dir, env, profile: 'other.yaml' }, () => {})).campaigns).toEqual([]);
    await expect(learningStats({ cwd: dir, env, profile: 'nowhere.yaml' }, () => {})).rejects.toThrow(/--profile nowhere\.yaml: no such file/);
    await unlink(path.join(dir, 'a.drafts.jsonl'));
    const after = await learningStats({ cwd: dir, env, profile: 'profile.yaml' }, () => {});
    expect(after.campaigns.map((c) => path.basename(c.file))).toEqual(['b.drafts.jsonl']);
    expect(after.missing).toEqual([path.join(dir, 'a.drafts.jsonl')]);
  });

  it('without a memory: nothing to show, and no memory created', async () => {
    const stats = await learningStats({ cwd: dir, env }, () => {});
    expect(stats).toEqual({ campaigns: [], missing: [], unlinted: [] });
    await expect(import('node:fs/promises').then((fs) => fs.access(env.DRAFTSMITH_MEMORY))).rejects.toThrow();
  });
});

describe('the stats text', () => {
  it.each([
    [[], null],
    [[0.4, 0.2, 0.1], 0.2],
    [[0.4, 0.1], 0.25],
  ])('median of %j is %s', (values, want) => {
    expect(median(values)).toBe(want);
  });

  it.each([
    [[0.4, null, 0.1], /^trend: fewer edits over time \(40% -> 10%\)/],
    [[0.1, 0.3], /^trend: more edits over time \(10% -> 30%\): `draftsmith learn`/],
    [[0.2, 0.21], /^trend: about the same edits/],
    [[null, 0.2], /^trend: needs two campaigns with edited approvals$/],
  ])('the verdict over %j', (shares, want) => {
    expect(trend(shares)).toMatch(want);
  });

  const line = (name: string, share: number | null): CampaignLine => ({ name, startedAt: '2026-11-01T10:00:00Z', drafts: 10, approvedUnedited: 4, approvedEdited: 5, skipped: 1, medianEditShare: share, lintPerDraft: 0.5 });

  it('a table row per campaign, then a bar per campaign: # on a plain terminal, blocks on a colour one', () => {
    const plain = renderStats({ campaigns: [line('a.drafts.jsonl', 0.5), line('b.drafts.jsonl', null)], missing: [], unlinted: [], chalk: new Chalk({ level: 0 }), fancy: false, width: 60 });
    expect(plain[0]).toMatch(/^campaign\s+started\s+drafts\s+approved\s+edited\s+skipped\s+median edit\s+lint\/draft$/);
    expect(plain[1]).toMatch(/^a\.drafts\.jsonl\s+2026-11-01\s+10\s+4\s+5\s+1\s+50%\s+0\.50$/);
    expect(plain[2]).toMatch(/^b\.drafts\.jsonl .*\s-\s+0\.50$/);
    const bars = plain.filter((l) => l.startsWith('  a.drafts') || l.startsWith('  b.drafts'));
    // 60 columns - 14 (name) - 8 = 38 cells: half of them for 50%.
    expect(bars).toEqual([`  a.drafts.jsonl  ${'#'.repeat(19)}${'.'.repeat(19)} 50%`, '  b.drafts.jsonl  no edited approvals']);
    expect(plain.join('\n')).not.toMatch(/\u001b|█/);
    const fancy = renderStats({ campaigns: [line('a', 0.25)], missing: [], unlinted: [], chalk: new Chalk({ level: 1 }), fancy: true, width: 60 });
    expect(fancy.join('\n')).toMatch(/\u001b\[36m█+/);
  });

  it('no campaigns: says how to get some', () => {
    expect(renderStats({ campaigns: [], missing: [], unlinted: [], chalk: new Chalk({ level: 0 }), fancy: false, width: 80 })).toEqual([
      'no campaigns to show yet: approve (or edit and approve) drafts with the memory on, then run `draftsmith stats` again.',
    ]);
  });
});
