// The pure parts of batch files: a job's custom_id, one request line, and the reading of one
// result line in every shape the OpenAI Batch API and `vllm run-batch` write (and the flattened one).
import { describe, expect, it } from 'vitest';
import { batchId } from '../../src/core/drafting/batch-id.js';
import { requestLine } from '../../src/app/batch-out.js';
import { BadResultLine, parseResultLine } from '../../src/engines/batch-results/result-line.js';

const completion = (content: unknown, finish = 'stop', extra: object = {}) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'qwen',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finish }],
  usage: { prompt_tokens: 90, completion_tokens: 30, total_tokens: 120 },
  ...extra,
});
const line = (o: object) => JSON.stringify(o);

describe('batchId (a batch line custom_id)', () => {
  const fp = '0123456789abcdef0123456789abcdef';
  it.each([
    ['the same key and fingerprint give the same id', () => batchId('email:a@b.example', fp) === batchId('email:a@b.example', fp)],
    ['another recipient, another id', () => batchId('email:a@b.example', fp) !== batchId('email:c@b.example', fp)],
    ['changed inputs, another id', () => batchId('email:a@b.example', fp) !== batchId('email:a@b.example', fp.replace('0', '1'))],
    ['key and fingerprint cannot slide into each other', () => batchId('ab', 'c') !== batchId('a', 'bc')],
  ])('%s', (_, holds) => expect(holds()).toBe(true));

  it('is ds- and 32 hex digits, with nothing of the key in it', () => {
    const id = batchId('email:maya.okafor@northwind-analytics.example', fp);
    expect(id).toMatch(/^ds-[0-9a-f]{32}$/);
    expect(id).not.toContain('maya');
  });
});

describe('requestLine', () => {
  it('is one JSON object: the id, POST /v1/chat/completions, and the OpenAI engine body, not streamed, with the schema', () => {
    const schema = { type: 'object', properties: { body: { type: 'string' } }, required: ['body'] };
    const text = requestLine({ id: 'ds-1', messages: [{ role: 'user', content: 'hi\nthere' }], schema, options: { temperature: 0.4, seed: 7, num_predict: 300, num_ctx: 4096 } }, 'qwen');
    expect(text).not.toContain('\n');
    expect(JSON.parse(text)).toEqual({
      custom_id: 'ds-1',
      method: 'POST',
      url: '/v1/chat/completions',
      body: {
        model: 'qwen', messages: [{ role: 'user', content: 'hi\nthere' }], stream: false, temperature: 0.4, seed: 7, max_tokens: 300,
        response_format: { type: 'json_schema', json_schema: { name: 'draft', schema, strict: true } },
      },
    });
  });

  it('refuses a request without an id', () => {
    expect(() => requestLine({ messages: [], schema: {}, options: {} }, 'qwen')).toThrow();
  });
});

describe('parseResultLine', () => {
  it.each([
    ['Batch API shape', line({ id: 'b1', custom_id: 'ds-1', response: { status_code: 200, request_id: 'r', body: completion('{"body":"x"}') }, error: null }),
      { customId: 'ds-1', ok: true, text: '{"body":"x"}', finishReason: 'stop', completionTokens: 30, promptTokens: 90, model: 'qwen' }],
    ['the completion itself as response', line({ custom_id: 'ds-2', response: completion('{"body":"y"}', 'length') }),
      { customId: 'ds-2', ok: true, text: '{"body":"y"}', finishReason: 'length', completionTokens: 30, promptTokens: 90, model: 'qwen' }],
    ['no content', line({ custom_id: 'ds-3', response: { status_code: 200, body: completion(null) }, error: null }),
      { customId: 'ds-3', ok: true, text: '', finishReason: 'stop', completionTokens: 30, promptTokens: 90, model: 'qwen' }],
    ['an error object', line({ custom_id: 'ds-4', response: null, error: { code: 'server_error', message: 'boom' } }), { customId: 'ds-4', ok: false, error: 'boom (server_error)' }],
    ['a status other than 200, with the error body', line({ custom_id: 'ds-5', response: { status_code: 400, body: { error: { message: 'bad schema' } } }, error: null }),
      { customId: 'ds-5', ok: false, error: 'status 400: bad schema' }],
    ['a status other than 200, no body', line({ custom_id: 'ds-6', response: { status_code: 500 }, error: null }), { customId: 'ds-6', ok: false, error: 'status 500' }],
    ['an error string', line({ custom_id: 'ds-7', error: 'expired' }), { customId: 'ds-7', ok: false, error: 'expired' }],
  ])('%s', (_, text, expected) => expect(parseResultLine(text)).toEqual(expected));

  it.each([
    ['not JSON', '{"custom_id":', 'not JSON'],
    ['an array', '[1]', 'not a JSON object'],
    ['no custom_id', line({ response: completion('x') }), 'no "custom_id"'],
    ['an empty custom_id', line({ custom_id: '', response: completion('x') }), 'no "custom_id"'],
    ['no response and no error', line({ custom_id: 'ds-1', error: null }), 'no "response" object'],
    ['no choices', line({ custom_id: 'ds-1', response: { status_code: 200, body: { id: 'x' } } }), 'no "choices"'],
    ['content not a string', line({ custom_id: 'ds-1', response: completion(42) }), '"message.content" is not a string'],
  ])('refuses %s', (_, text, why) => {
    expect(() => parseResultLine(text)).toThrow(BadResultLine);
    expect(() => parseResultLine(text)).toThrow(why);
  });
});
