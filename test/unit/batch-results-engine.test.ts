// The --batch-in engine over a results file: a result found by the request's id answers as a live
// engine would (text, cut, tokens, onText), an error result is a failure not worth retrying, the
// model comes from --model or the results, and the results nobody asked for are listed.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineError, InputError, UsageError } from '../../src/core/errors.js';
import { readBatchResults } from '../../src/engines/batch-results/engine.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tmp = useTempDir('draftsmith-batch-results-');
const ok = (id: string, content: string, finish = 'stop', model = 'qwen') =>
  JSON.stringify({ id: `b-${id}`, custom_id: id, response: { status_code: 200, body: { model, choices: [{ message: { role: 'assistant', content }, finish_reason: finish }], usage: { prompt_tokens: 9, completion_tokens: 3 } } }, error: null });

function file(name: string, ...lines: string[]): string {
  const f = path.join(tmp.path, name);
  writeFileSync(f, `${lines.join('\n')}\n`);
  return f;
}
const ask = (id: string | undefined, onText?: (t: string) => void) => ({ messages: [], schema: {}, options: {}, ...(id ? { id } : {}), ...(onText ? { onText } : {}) });

describe('readBatchResults', () => {
  it('answers by id, in any order, as the OpenAI engine would; lists what nobody asked for', async () => {
    const f = file('a.jsonl', ok('ds-b', '{"body":"B"}', 'length'), '', ok('ds-a', '{"body":"A"}'), ok('ds-z', '{"body":"Z"}'));
    const r = await readBatchResults(f, 'a.jsonl', undefined);
    expect(r.engine.info).toEqual({ engine: 'openai', model: 'qwen', location: 'batch results a.jsonl' });
    const seen: string[] = [];
    await expect(r.engine.generate(ask('ds-a', (t) => seen.push(t)))).resolves.toMatchObject({ text: '{"body":"A"}', doneReason: 'stop', evalCount: 3, promptEvalCount: 9 });
    expect(seen).toEqual(['{"body":"A"}']);
    await expect(r.engine.generate(ask('ds-b'))).resolves.toMatchObject({ text: '{"body":"B"}', doneReason: 'length' });
    expect(r.unused()).toEqual(['ds-z']);
    expect([r.size, r.repeated, r.has('ds-z'), r.has('ds-q')]).toEqual([3, 0, true, false]);
  });

  it('an error result, a request without a result, or without an id: a failure not worth retrying, control characters removed', async () => {
    const f = file('e.jsonl', JSON.stringify({ custom_id: 'ds-e', response: null, error: { message: 'out of memory\u001b[31m' } }), ok('ds-a', '{}'));
    const r = await readBatchResults(f, 'e.jsonl', 'qwen');
    for (const [id, message] of [['ds-e', 'the batch result is an error: out of memory'], ['ds-nope', 'no result in e.jsonl'], [undefined, 'no result in e.jsonl']] as const) {
      const err = await r.engine.generate(ask(id)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EngineError);
      expect((err as EngineError).retryable).toBe(false);
      expect((err as Error).message).toContain(message);
      expect((err as Error).message).not.toMatch(/\u001b|\[31m/);
    }
  });

  it('a repeated custom_id: the last line wins, and it is counted', async () => {
    const r = await readBatchResults(file('r.jsonl', ok('ds-a', '{"body":"1"}'), ok('ds-a', '{"body":"2"}')), 'r.jsonl', undefined);
    expect(r.repeated).toBe(1);
    await expect(r.engine.generate(ask('ds-a'))).resolves.toMatchObject({ text: '{"body":"2"}' });
  });

  it.each([
    ['names no model', [JSON.stringify({ custom_id: 'ds-a', response: { choices: [{ message: { content: '{}' } }] } })]],
    ['names several models', [ok('ds-a', '{}', 'stop', 'm1'), ok('ds-b', '{}', 'stop', 'm2')]],
  ])('without --model, a file that %s: a usage error naming --model', async (_, lines) => {
    await expect(readBatchResults(file('m.jsonl', ...lines), 'm.jsonl', undefined)).rejects.toThrow(UsageError);
    await expect(readBatchResults(file('m.jsonl', ...lines), 'm.jsonl', undefined)).rejects.toThrow('--batch-in needs --model');
    await expect(readBatchResults(file('m.jsonl', ...lines), 'm.jsonl', 'given')).resolves.toBeDefined();
  });

  it('bad lines: one InputError (exit 2) at the first, each further one a detail; a missing file too', async () => {
    const err = await readBatchResults(file('b.jsonl', ok('ds-a', '{}'), 'nope', '{}', '[]'), 'b.jsonl', 'qwen').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect([e.exitCode, e.location, e.message]).toEqual([2, { file: 'b.jsonl', line: 2 }, 'not a batch result: not JSON (and 2 more bad line(s))']);
    expect(e.details).toEqual(['b.jsonl:3: no "custom_id"', 'b.jsonl:4: not a JSON object']);
    await expect(readBatchResults(path.join(tmp.path, 'none.jsonl'), 'none.jsonl', 'qwen')).rejects.toThrow('results file not found: none.jsonl');
  });
});
