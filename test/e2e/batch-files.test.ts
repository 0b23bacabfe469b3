// `draft --batch-out` / `--batch-in` with the built binary: the requests a run would send go to a
// file (no server is contacted, though one listens), a stand-in for `vllm run-batch` answers them
// (shuffled, one error, one cut, one missing, one result for nobody), and the results come back
// into the drafts file as if drafted live; a second --batch-out asks only for what is still missing.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, runCli } from '../helpers/cli.js';
import { parseJsonl, readDrafts, readJsonl } from '../helpers/jsonl.js';
import { readRequests, runBatch } from '../helpers/run-batch.js';
import { useFakeOpenAI } from '../helpers/use-fake-openai.js';

const fake = useFakeOpenAI();
const MODEL = 'llama3.2';
const STACK = /\n\s+at .+\(.*:\d+:\d+\)/;

function campaign(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-batch-'));
  copyFileSync(fixture('recipients.csv'), path.join(d, 'people.csv'));
  return d;
}

const draft = (d: string, ...args: string[]) => runCli(['draft', 'people.csv', '-p', fixture('profile.yaml'), ...args], { cwd: d });

describe('draft --batch-out / --batch-in (end to end)', () => {
  it('--batch-out without --model: exit 2 naming --model, nothing written', async () => {
    const d = campaign();
    const r = await draft(d, '--batch-out', 'requests.jsonl');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--batch-out needs --model');
    expect(existsSync(path.join(d, 'requests.jsonl'))).toBe(false);
    expect(existsSync(path.join(d, 'people.drafts.jsonl'))).toBe(false);
  });

  it('round trip: requests written without contacting the listening server, results read back, only the rest asked for again', async () => {
    const d = campaign();
    const r = await draft(d, '--batch-out', 'requests.jsonl', '--model', MODEL, '--engine', 'openai', '--host', fake.server.url);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.code).toBe(0);
    expect(fake.server.requests).toHaveLength(0);
    const file = path.join(d, 'requests.jsonl');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    const requests = readRequests(file);
    expect(requests.length).toBe(12);
    expect(new Set(requests.map((q) => q.custom_id)).size).toBe(requests.length);
    for (const q of requests) {
      expect(q.custom_id).toMatch(/^ds-[0-9a-f]{32}$/);
      expect(q).toMatchObject({ method: 'POST', url: '/v1/chat/completions' });
      expect(q.body).toMatchObject({ model: MODEL, stream: false, response_format: { type: 'json_schema', json_schema: { name: 'draft', strict: true } } });
    }
    // Private columns (email, phone) are in no request.
    expect(text).not.toMatch(/@[a-z-]+\.example/);
    expect(text).not.toContain('+44 20 7946 0123');
    expect(r.stderr).toContain(`vllm run-batch -i requests.jsonl -o results.jsonl --model ${MODEL}`);
    expect(r.stderr).toContain('--batch-in results.jsonl');
    // The drafts file knows the list (source, roster) and holds no draft yet.
    const drafts = path.join(d, 'people.drafts.jsonl');
    expect(readJsonl(drafts).map((x) => x.type)).toEqual(['source', 'roster']);

    // The batch: shuffled, request 0 an error, 1 cut, 2 without a result, 3 flattened, one stray result.
    runBatch(file, path.join(d, 'results.jsonl'), { errors: [0], cut: [1], omit: [2], flatten: [3], unknown: ['ds-00000000000000000000000000000000'], shuffleSeed: 7 });
    const back = await draft(d, '--batch-in', 'results.jsonl');
    expect(back.stderr).not.toMatch(STACK);
    expect(back.code).toBe(1);
    expect(fake.server.requests).toHaveLength(0);
    expect(back.stderr).toContain('1 result(s) in results.jsonl match no row of this run and were not used: ds-00000000000000000000000000000000');
    expect(back.stderr).toContain('1 row(s) to draft have no result in results.jsonl: still undrafted');
    expect(back.stderr).toContain('engine crashed on request 0');
    // What comes next is a batch of the rows still to draft, with the model the results named.
    expect(back.stderr).toContain(`--model ${MODEL} --batch-out requests.jsonl`);
    expect(back.stderr).toContain('read its results with --batch-in');
    expect(back.stderr).toContain('next: write the requests of the failed and missing rows, run that batch, and read its results with --batch-in: ');
    expect(back.stderr).not.toContain('re-run the same command');
    const records = readDrafts(drafts);
    const byKey = new Map(records.map((x) => [x.key, x]));
    expect(records.filter((x) => x.status === 'drafted')).toHaveLength(10);
    const failed = records.filter((x) => x.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.error).toContain('engine crashed on request 0');
    expect(records.filter((x) => x.cut === true)).toHaveLength(1);
    expect(records.every((x) => x.engine === 'openai' && x.model === MODEL)).toBe(true);
    expect(byKey.size).toBe(11);

    // Again: only the failed row and the one without a result are asked for, with the same ids.
    const again = await draft(d, '--batch-out', 'requests2.jsonl', '--model', MODEL);
    expect(again.code).toBe(0);
    const rest = readRequests(path.join(d, 'requests2.jsonl')).map((q) => q.custom_id).sort();
    expect(rest).toEqual([requests[0]!.custom_id, requests[2]!.custom_id].sort());
    expect(again.stderr).toContain('wrote 2 request(s)');

    // Their results complete the campaign; reading them twice changes nothing.
    runBatch(path.join(d, 'requests2.jsonl'), path.join(d, 'results2.jsonl'), { shuffleSeed: 3 });
    const done = await draft(d, '--batch-in', 'results2.jsonl', '--model', MODEL);
    expect(done.code).toBe(0);
    const twice = await draft(d, '--batch-in', 'results2.jsonl', '--model', MODEL);
    expect(twice.code).toBe(0);
    expect(twice.stderr).toContain('2 result(s) in results2.jsonl are for rows already drafted: not used again');
    const final = readDrafts(drafts);
    expect(final.filter((x) => x.type === 'draft' && x.status === 'drafted')).toHaveLength(12);
    const none = await draft(d, '--batch-out', 'requests3.jsonl', '--model', MODEL);
    expect(none.stderr).toContain('wrote 0 request(s)');
    expect(readFileSync(path.join(d, 'requests3.jsonl'), 'utf8')).toBe('');

    // The drafts are a live run's: export --all has every one.
    const exported = parseJsonl((await runCli(['export', '--all'], { cwd: d })).stdout);
    expect(exported).toHaveLength(12);
    expect(exported.every((x) => typeof x.body === 'string' && x.body.length > 0)).toBe(true);
  });

  it('a malformed results file: exit 2 naming each bad line, nothing written', async () => {
    const d = campaign();
    const ok = JSON.stringify({ id: 'a', custom_id: 'ds-1', response: { status_code: 200, body: { model: MODEL, choices: [{ message: { content: '{}' }, finish_reason: 'stop' }] } }, error: null });
    writeFileSync(path.join(d, 'bad.jsonl'), `${ok}\nnot json\n{"custom_id":"x"}\n`);
    const r = await draft(d, '--batch-in', 'bad.jsonl');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.jsonl:2: not a batch result: not JSON');
    expect(r.stderr).toContain('bad.jsonl:3');
    expect(existsSync(path.join(d, 'people.drafts.jsonl'))).toBe(false);
  });
});
