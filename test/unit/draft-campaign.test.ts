// The draft use case (app/draft-campaign.ts) without argv or a process: a CSV and a profile on disk,
// the queue-driven fake engine, a quiet ui. What the command prints comes back as the outcome.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { draftCampaign, type DraftCampaignDeps, type DraftCampaignOptions } from '../../src/app/draft-campaign.js';
import { createUi } from '../../src/ui/terminal.js';
import { parseRowSelection } from '../../src/core/recipients/row-selection.js';
import { createFakeEngine, type FakeEngine } from '../helpers/fake-engine.js';
import { campaignDir, personRow } from '../helpers/campaign-dir.js';

let dir: string;
beforeEach(async () => {
  dir = await campaignDir('draft-campaign-');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rowOf = personRow;
const answer = (row: number) => ({ text: JSON.stringify({ subject: `Hi ${row}`, body: `Hello Person${row}` }) });

function options(extra: Partial<DraftCampaignOptions> = {}): DraftCampaignOptions {
  return { csv: 'leads.csv', profile: 'profile.yaml', concurrency: 2, retries: 0, giveUpAfter: 30, format: 'jsonl', resume: 'draftsmith draft leads.csv', ...extra };
}

function deps(engine: FakeEngine | undefined, stdout = new PassThrough()) {
  const stderr = new PassThrough();
  const listening = { count: 0 };
  const d: DraftCampaignDeps = {
    ui: createUi({ env: {}, stdout, stderr, quiet: true }),
    cwd: dir,
    env: { DRAFTSMITH_MEMORY: path.join(dir, 'memory.db') },
    stdin: new PassThrough(),
    stdout,
    createEngine: async () => {
      if (!engine) throw new Error('no engine expected');
      return engine;
    },
    onInterrupt: () => {
      listening.count++;
      return () => listening.count--;
    },
  };
  return { deps: d, listening };
}

describe('draftCampaign', () => {
  it('drafts every selected row into the drafts file and returns the summary; a re-run settles them all without the engine', async () => {
    const engine = createFakeEngine({ rowOf, fallback: answer });
    const first = deps(engine);
    const outcome = await draftCampaign(options(), first.deps);
    expect(outcome).toMatchObject({ selected: 3, readerGone: false, draftsPath: path.join(dir, 'leads.drafts.jsonl') });
    expect(outcome!.summary).toMatchObject({ drafted: 3, cached: 0, failed: 0, interrupted: false });
    expect(engine.calls.map((c) => c.row).sort()).toEqual([1, 2, 3]);
    expect(engine.closed).toBe(true);
    expect(first.listening.count).toBe(0);
    expect(await readFile(outcome!.draftsPath, 'utf8')).toContain('Hello Person2');

    const again = createFakeEngine({ rowOf, fallback: answer });
    const second = await draftCampaign(options(), deps(again).deps);
    expect(second!.summary).toMatchObject({ drafted: 0, cached: 3 });
    expect(again.calls).toEqual([]);
  });

  it('--rows and --out: only the selected rows, their records written in row order', async () => {
    const engine = createFakeEngine({ rowOf, fallback: answer, script: { 1: [{ ...answer(1), delayMs: 30 }] } });
    const outcome = await draftCampaign(options({ selection: parseRowSelection('1,3'), rows: '1,3', out: 'out.jsonl' }), deps(engine).deps);
    expect(outcome!.summary.drafted).toBe(2);
    const lines = (await readFile(path.join(dir, 'out.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { row: number; body: string });
    expect(lines.map((l) => [l.row, l.body])).toEqual([
      [1, 'Hello Person1'],
      [3, 'Hello Person3'],
    ]);
  });

  it('--dry-run writes the messages on stdout, creates no engine and no drafts file, and returns nothing', async () => {
    const stdout = new PassThrough();
    let printed = '';
    stdout.on('data', (b: Buffer) => (printed += b.toString()));
    const outcome = await draftCampaign(options({ dryRun: true }), deps(undefined, stdout).deps);
    expect(outcome).toBeUndefined();
    expect(printed.trim().split('\n').map((l) => (JSON.parse(l) as { row: number }).row)).toEqual([1, 2, 3]);
    await expect(readFile(path.join(dir, 'leads.drafts.jsonl'))).rejects.toThrow();
  });

  it('--rows matching no data row is a usage error before any engine starts', async () => {
    await expect(draftCampaign(options({ selection: parseRowSelection('9'), rows: '9' }), deps(undefined).deps)).rejects.toThrow(
      '--rows 9 matches none of the 3 data row(s) in leads.csv.',
    );
  });
});
