import { PassThrough } from 'node:stream';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { DraftRecord } from '../../src/core/decisions/records.js';
import type { RunSummary } from '../../src/core/drafting/run-contract.js';
import { createProgress, formatDuration, ProgressStats } from '../../src/ui/progress.js';
import { renderSummary } from '../../src/ui/summary.js';
import { createUi } from '../../src/ui/terminal.js';

type FakeStream = PassThrough & { isTTY?: boolean; columns?: number; text(): string };

function stream(tty: boolean, columns?: number): FakeStream {
  const s = new PassThrough() as FakeStream;
  if (tty) s.isTTY = true;
  if (columns) s.columns = columns;
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  s.text = () => Buffer.concat(chunks).toString('utf8');
  return s;
}

function drafted(row: number, evalCount?: number): { type: 'drafted'; row: number; record: DraftRecord } {
  return {
    type: 'drafted',
    row,
    record: {
      type: 'draft', row, fingerprint: 'f', status: 'drafted', recipient: {}, body: 'b', engine: 'fake', model: 'm',
      version: 1, timing: { ms: 100, ...(evalCount !== undefined ? { evalCount } : {}) }, at: '2025-01-01T00:00:00Z',
    },
  };
}

const ESC_OR_SPINNER = /[\u001b\u009b\u2800-\u28ff]/;

describe('createUi', () => {
  const tty = { stdout: stream(true), stderr: stream(true, 120) };

  it('uses colour on a terminal', () => {
    const ui = createUi({ env: {}, ...tty, quiet: false });
    expect(ui.color).toBe(true);
    expect(ui.interactive).toBe(true);
    expect(ui.width).toBe(120);
    expect(ui.chalk.red('x')).not.toBe('x');
  });

  it('honours NO_COLOR (non-empty) and ignores an empty one', () => {
    const off = createUi({ env: { NO_COLOR: '1' }, ...tty, quiet: false });
    expect(off.color).toBe(false);
    expect(off.chalk.red('x')).toBe('x');
    expect(createUi({ env: { NO_COLOR: '' }, ...tty, quiet: false }).color).toBe(true);
  });

  it('has no colour and no spinner when stderr or stdout is not a terminal, or TERM=dumb', () => {
    for (const ui of [
      createUi({ env: {}, stdout: stream(true), stderr: stream(false), quiet: false }),
      createUi({ env: {}, stdout: stream(false), stderr: stream(true), quiet: false }),
      createUi({ env: { TERM: 'dumb' }, ...tty, quiet: false }),
    ]) {
      expect(ui.color).toBe(false);
      expect(ui.interactive).toBe(false);
    }
    expect(createUi({ env: {}, stdout: stream(false), stderr: stream(false), quiet: false }).width).toBe(80);
  });

  it('lets FORCE_COLOR and the colour flag decide', () => {
    const pipes = { stdout: stream(false), stderr: stream(false) };
    expect(createUi({ env: { FORCE_COLOR: '1' }, ...pipes, quiet: false }).color).toBe(true);
    expect(createUi({ env: { FORCE_COLOR: '0' }, ...tty, quiet: false }).color).toBe(false);
    expect(createUi({ env: {}, ...pipes, quiet: false, colorFlag: true }).color).toBe(true);
    expect(createUi({ env: { FORCE_COLOR: '3' }, ...tty, quiet: false, colorFlag: false }).color).toBe(false);
  });

  it('writes messages to stderr, stripped of escapes, and nothing to stdout', () => {
    const s = { stdout: stream(false), stderr: stream(false) };
    const ui = createUi({ env: {}, ...s, quiet: false });
    ui.info('reading \u001b]0;evil\u0007leads.csv');
    ui.warn('column \u001b[31mX\u001b[0m repeated');
    ui.note('skipped preamble');
    expect(s.stdout.text()).toBe('');
    expect(s.stderr.text()).toBe(
      'draftsmith: reading leads.csv\ndraftsmith: warning: column X repeated\ndraftsmith: note: skipped preamble\n',
    );
  });

  it('--quiet silences info, notes and warnings', () => {
    const s = { stdout: stream(false), stderr: stream(false) };
    const ui = createUi({ env: {}, ...s, quiet: true });
    ui.info('a');
    ui.warn('b');
    ui.note('c');
    expect(s.stderr.text()).toBe('');
  });
});

describe('createProgress without a terminal', () => {
  async function setup(quiet = false) {
    const s = { stdout: stream(false), stderr: stream(false) };
    const ui = createUi({ env: {}, ...s, quiet });
    let now = 0;
    const clock = { advance: (ms: number) => (now += ms) };
    const progress = await createProgress(ui, { total: 100, now: () => now });
    return { s, progress, clock };
  }

  it('writes plain lines (no escapes, no spinner frames) at most every 10% or ~2 s, plus each failure', async () => {
    const { s, progress, clock } = await setup();
    for (let row = 1; row <= 100; row++) {
      progress.onEvent({ type: 'started', row });
      progress.onEvent({ type: 'text', row, chars: 3 });
      clock.advance(10);
      if (row === 42) progress.onEvent({ type: 'failed', row, error: 'bad \u001b[2Janswer\nfrom model' });
      else progress.onEvent(drafted(row, 20));
    }
    progress.stop();
    const out = s.stderr.text();
    expect(ESC_OR_SPINNER.test(out)).toBe(false);
    const lines = out.trimEnd().split('\n');
    expect(lines).toContain('draftsmith: row 42 failed: bad answer from model');
    const progressLines = lines.filter((l) => /\d+\/100/.test(l));
    expect(progressLines.length).toBeGreaterThanOrEqual(10);
    expect(progressLines.length).toBeLessThanOrEqual(11);
    expect(progressLines.at(-1)).toMatch(/100\/100 \(100%\) · 1 failed · [\d.]+ tok\/s/);
    expect(s.stdout.text()).toBe('');
  });

  it('prints a line after ~2 s even without crossing 10%', async () => {
    const { s, progress, clock } = await setup();
    progress.onEvent({ type: 'started', row: 1 });
    clock.advance(2500);
    progress.onEvent(drafted(1));
    expect(s.stderr.text()).toMatch(/^draftsmith: drafting 1\/100 \(1%\)/);
  });

  it('prints one line the first time each kind of error is retried, then only counts', async () => {
    const { s, progress, clock } = await setup();
    for (let i = 0; i < 50; i++) {
      clock.advance(500);
      progress.onEvent({ type: 'retry', row: 7 + (i % 2), attempt: 1 + (i >> 1), delayMs: 500, error: 'Cannot reach http://127.0.0.1:11434' });
    }
    progress.onEvent({ type: 'retry', row: 9, attempt: 1, delayMs: 500, error: 'http://h/api/chat failed (HTTP 503): busy' });
    progress.onEvent({ type: 'retry', row: 9, attempt: 2, delayMs: 1000, error: 'http://h/api/chat failed (HTTP 503): still busy' });
    expect(s.stderr.text()).toBe(
      'draftsmith: row 7: retrying in 500ms (attempt 2): Cannot reach http://127.0.0.1:11434 (more retries for this are only counted)\n' +
        'draftsmith: row 9: retrying in 500ms (attempt 2): http://h/api/chat failed (HTTP 503): busy (more retries for this are only counted)\n',
    );
    // The count shows on the next progress line.
    progress.onEvent({ type: 'started', row: 1 });
    progress.onEvent(drafted(1));
    expect(s.stderr.text()).toMatch(/\ndraftsmith: drafting 1\/100 \(1%\) · 52 retries · /);
  });

  it('prints nothing with --quiet', async () => {
    const { s, progress, clock } = await setup(true);
    for (let row = 1; row <= 100; row++) {
      clock.advance(3000);
      progress.onEvent({ type: 'failed', row, error: 'x' });
    }
    progress.stop();
    expect(s.stderr.text()).toBe('');
  });
});

describe('createProgress on a terminal', () => {
  it('runs an ora spinner on stderr showing done/total and stops cleanly', async () => {
    const s = { stdout: stream(true), stderr: stream(true, 100) };
    // The cursor moves ora needs from a tty.WriteStream.
    Object.assign(s.stderr, {
      cursorTo: (x: number, cb?: () => void) => s.stderr.write(`\u001b[${x + 1}G`, cb),
      moveCursor: (_dx: number, dy: number, cb?: () => void) => s.stderr.write(dy < 0 ? `\u001b[${-dy}A` : '', cb),
      clearLine: (_dir: number, cb?: () => void) => s.stderr.write('\u001b[2K', cb),
    });
    const ui = createUi({ env: {}, ...s, quiet: false });
    let now = 0;
    const progress = await createProgress(ui, { total: 3, now: () => now });
    progress.onEvent({ type: 'started', row: 1 });
    now += 1000;
    progress.onEvent(drafted(1, 40));
    progress.onEvent({ type: 'failed', row: 2, error: 'boom' });
    for (let attempt = 1; attempt <= 3; attempt++) progress.onEvent({ type: 'retry', row: 3, attempt, delayMs: 500, error: 'HTTP 503' });
    await new Promise((r) => setTimeout(r, 120)); // let a frame render
    progress.stop();
    progress.stop(); // safe twice
    const out = s.stderr.text();
    expect(out).toContain('row 2 failed: boom');
    expect(out).toMatch(/2\/3/);
    // Retries are a count on the live line, never lines of their own.
    expect(out).toMatch(/2\/3 \(66%\) · \S*1 failed\S* · 3 retries · /);
    expect(out).not.toMatch(/retrying|HTTP 503/);
    expect(out).toMatch(/[\u2800-\u28ff]/); // a spinner frame was drawn
    expect(s.stdout.text()).toBe('');
  });

  it('falls back to plain lines when stderr cannot move the cursor', async () => {
    const s = { stdout: stream(true), stderr: stream(true) };
    const progress = await createProgress(createUi({ env: {}, ...s, quiet: false }), { total: 1 });
    progress.onEvent(drafted(1));
    progress.stop();
    expect(s.stderr.text()).toBe('draftsmith: drafting 1/1 (100%)\n');
  });
});

describe('ProgressStats', () => {
  it('counts tokens from streamed chunks, corrected by the exact count, and a pace-based ETA', () => {
    let now = 0;
    const stats = new ProgressStats(10, 0, () => now);
    stats.apply({ type: 'cached', row: 1 });
    stats.apply({ type: 'started', row: 2 });
    for (let i = 0; i < 5; i++) stats.apply({ type: 'text', row: 2, chars: 4 });
    expect(stats.tokens).toBe(5);
    now = 2000;
    stats.apply(drafted(2, 50));
    expect(stats.tokens).toBe(50);
    expect(stats.tokensPerSecond()).toBe(25);
    // 1 row needed the model in 2 s; 8 rows remain.
    expect(stats.etaMs()).toBe(16_000);
    expect(stats.line('drafting')).toBe('drafting 2/10 (20%) · 1 cached · 25 tok/s · ETA 16.0s');
  });

  it('has no rate or ETA before any model work', () => {
    const stats = new ProgressStats(5, 0, () => 0);
    stats.apply({ type: 'cached', row: 1 });
    expect(stats.tokensPerSecond()).toBeUndefined();
    expect(stats.etaMs()).toBeUndefined();
    expect(stats.line('drafting')).toBe('drafting 1/5 (20%) · 1 cached');
  });

  it.each([
    [850, '850ms'],
    [12_345, '12.3s'],
    [245_000, '4m 05s'],
    [3_720_000, '1h 02m'],
  ])('formatDuration(%i) = %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('renderSummary', () => {
  const plain = new Chalk({ level: 0 });
  const base: RunSummary = {
    drafted: 10, cached: 2, failed: 0, failures: [], interrupted: false, wallMs: 12_300, evalCount: 2000, evalMs: 50_000, cutRows: [], retries: [],
  };

  it('gives counts, wall time, tokens/s, the drafts file and the next step', () => {
    const text = renderSummary(base, { draftsFile: 'leads.drafts.jsonl', color: plain });
    expect(text).toBe(
      'done: 10 drafted · 2 cached · 0 failed · in 12.3s · 40 tok/s\n' +
        'drafts: leads.drafts.jsonl\n' +
        'next: draftsmith export leads.drafts.jsonl --all --format csv --out drafts.csv\n',
    );
    expect(renderSummary(base, { draftsFile: 'my leads.jsonl', color: plain, review: true })).toContain(
      "next: draftsmith review 'my leads.jsonl'",
    );
  });

  it('names the failing rows (first 10) and says a re-run retries only them', () => {
    const failures = Array.from({ length: 12 }, (_, i) => ({ row: i + 1, error: `err\u001b[2J ${i + 1}` }));
    const text = renderSummary(
      { ...base, failed: 12, failures },
      { draftsFile: 'd.jsonl', color: plain, resumeCommand: 'draftsmith draft leads.csv --profile p.yaml' },
    );
    expect(ESC_OR_SPINNER.test(text)).toBe(false);
    expect(text).toContain('12 failed');
    expect(text).toContain('  row 1: err 1');
    expect(text).toContain('  row 10: err 10');
    expect(text).not.toContain('row 11:');
    expect(text).toContain('... and 2 more');
    expect(text).toContain('next: re-run the same command to retry only the failed rows: draftsmith draft leads.csv --profile p.yaml');
  });

  it('says how failed rows are retried when it is not the same command (a batch read with --batch-in)', () => {
    const text = renderSummary(
      { ...base, failed: 1, failures: [{ row: 2, error: 'HTTP 500' }] },
      { draftsFile: 'd.jsonl', color: plain, resumeCommand: 'draftsmith draft l.csv --batch-out again.jsonl', retryHow: 'write the requests of the failed rows again' },
    );
    expect(text).toContain('next: write the requests of the failed rows again: draftsmith draft l.csv --batch-out again.jsonl');
    expect(text).not.toContain('re-run the same command');
  });

  it('warns about drafts cut at the token limit, naming the rows and the fix', () => {
    const text = renderSummary({ ...base, cutRows: [9, 4] }, { draftsFile: 'd.jsonl', color: plain });
    expect(text).toContain('2 draft(s) stopped at the token limit and may end mid-sentence: rows 4, 9');
    expect(text).toContain('raise model.num_predict');
    expect(renderSummary(base, { draftsFile: 'd.jsonl', color: plain })).not.toContain('token limit');
  });

  it('counts retries by reason in one line', () => {
    const one = renderSummary({ ...base, retries: [{ reason: 'Cannot reach http://127.0.0.1:11434', count: 12 }] }, { draftsFile: 'd', color: plain });
    expect(one.split('\n')[1]).toBe('12 retries (Cannot reach http://127.0.0.1:11434)');
    const many = renderSummary(
      { ...base, retries: [{ reason: 'A', count: 9 }, { reason: 'B\u001b[2J', count: 3 }, { reason: 'C', count: 1 }, { reason: 'D', count: 1 }] },
      { draftsFile: 'd', color: plain },
    );
    expect(many.split('\n')[1]).toBe('14 retries (9 × A, 3 × B, 1 × C, ...)');
    expect(renderSummary(base, { draftsFile: 'd', color: plain })).not.toContain('retr');
  });

  it('says when the run stopped because the engine stopped answering, and how to finish', () => {
    const text = renderSummary(
      { ...base, engineDown: { sinceMs: 31_000, lastError: 'Cannot reach h' } },
      { draftsFile: 'd.jsonl', color: plain, resumeCommand: 'draftsmith draft leads.csv --profile p.yaml' },
    );
    expect(text.startsWith('stopped: 10 drafted')).toBe(true);
    expect(text).toContain('next: once the engine answers again, re-run the same command to finish; finished drafts are kept: draftsmith draft leads.csv --profile p.yaml');
  });

  it('says when the run was interrupted', () => {
    const text = renderSummary({ ...base, interrupted: true }, { draftsFile: 'd.jsonl', color: plain });
    expect(text.startsWith('interrupted:')).toBe(true);
    expect(text).toContain('re-run the same command to finish');
  });

  it('colours only when given a colouring chalk', () => {
    const text = renderSummary({ ...base, failed: 1, failures: [{ row: 3, error: 'x' }] }, { draftsFile: 'd', color: new Chalk({ level: 1 }) });
    expect(text).toContain('\u001b[');
  });
});

describe('several hosts', () => {
  const plain = new Chalk({ level: 0 });
  const base: RunSummary = {
    drafted: 10, cached: 2, stale: 0, failed: 0, failures: [], interrupted: false, wallMs: 12_300, evalCount: 2000, evalMs: 50_000, cutRows: [], retries: [],
  };
  const onHost = (row: number, host: string) => {
    const e = drafted(row);
    return { ...e, record: { ...e.record, host } };
  };

  it('the progress line adds drafts per second by host; one host keeps the line as it was', () => {
    let now = 0;
    const many = new ProgressStats(10, 0, () => now, true);
    const one = new ProgressStats(10, 0, () => now);
    for (const s of [many, one]) s.apply({ type: 'started', row: 1 });
    now = 2000;
    for (const [row, host] of [[1, 'a:1'], [2, 'a:1'], [3, 'b:2']] as const) {
      many.apply(onHost(row, host));
      one.apply(onHost(row, host));
    }
    expect(many.line('drafting')).toMatch(/ · a:1 1\.0\/s, b:2 0\.5\/s$/);
    expect(one.line('drafting')).not.toMatch(/\/s/);
  });

  it('the summary lists each host with drafts, failures and mean latency, only when there were several', () => {
    const hosts = [
      { label: '127.0.0.1:11434', drafts: 7, failures: 0, avgMs: 1200, setAside: 0 },
      { label: '10.0.0.5:11434', drafts: 3, failures: 4, avgMs: 850, setAside: 1 },
    ];
    const text = renderSummary({ ...base, hosts }, { draftsFile: 'd', color: plain });
    expect(text).toContain('hosts:\n  127.0.0.1:11434  7 drafts · 0 failures · avg 1.2s\n  10.0.0.5:11434   3 drafts · 4 failures · avg 850ms (set aside once)\n');
    expect(renderSummary({ ...base, hosts: hosts.slice(0, 1) }, { draftsFile: 'd', color: plain })).not.toContain('hosts:');
    const idle = hosts.map((h) => ({ ...h, drafts: 0, failures: 0 }));
    expect(renderSummary({ ...base, hosts: idle }, { draftsFile: 'd', color: plain })).not.toContain('hosts:');
  });
});
