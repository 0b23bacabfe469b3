// The fake OpenAI-compatible server checked on the wire with a raw HTTP client, against
// ../shared/docs/openai-compatible.md, so the engine tests that rely on it test something real.
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { useFakeOpenAI, withFakeOpenAI } from '../helpers/use-fake-openai.js';

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  pieces: string[];
  text: string;
}

function raw(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const pieces: string[] = [];
      res.setEncoding('utf8');
      res.on('data', (c: string) => pieces.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, pieces, text: pieces.join('') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const schema = { type: 'object', properties: { subject: { type: 'string' }, body: { type: 'string' } }, required: ['subject', 'body'], additionalProperties: false };
const recipient = 'Write to this person:\n{"first_name":"Ada","company":"Acme"}';
const chat = (extra: Record<string, unknown> = {}) => ({
  model: 'llama3.2',
  messages: [{ role: 'system', content: 'You write.' }, { role: 'user', content: recipient }],
  response_format: { type: 'json_schema', json_schema: { name: 'draft', schema, strict: true } },
  ...extra,
});

/** The data of each SSE event, by the spec's rules (blank line ends an event; comments skipped). */
function events(text: string): string[] {
  return text
    .split(/\r?\n\r?\n/)
    .map((block) => block.split(/\r?\n/).filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n'))
    .filter((d) => d !== '');
}

describe('fake OpenAI-compatible server', () => {
  const fake = useFakeOpenAI();

  it('GET /v1/models lists the models as {"object":"list","data":[{"id","object":"model",...}]}', async () => {
    const r = await raw(`${fake.server.url}/models`, 'GET');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const list = JSON.parse(r.text);
    expect(list.object).toBe('list');
    expect(list.data.map((m: { id: string }) => m.id)).toEqual(['llama3.2', 'qwen3:0.6b']);
    expect(list.data[0]).toMatchObject({ object: 'model', owned_by: 'vllm', max_model_len: 8192 });
  });

  it('streams SSE: role in the first delta, content pieces, finish_reason on the last, a usage chunk with choices [], then [DONE]; comments, split events and several per write', async () => {
    const r = await raw(`${fake.server.url}/chat/completions`, 'POST', chat({ stream: true, stream_options: { include_usage: true } }));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(r.text).toMatch(/^: keep-alive\n\n/);
    const data = events(r.text);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    const usage = chunks.at(-1);
    expect(usage.choices).toEqual([]);
    expect(usage.usage.completion_tokens).toBeGreaterThan(0);
    const content = chunks.slice(0, -1);
    expect(content.at(-1).choices[0].finish_reason).toBe('stop');
    expect(content.slice(0, -1).every((c) => c.choices[0].finish_reason === null)).toBe(true);
    const text = content.map((c) => c.choices[0].delta.content ?? '').join('');
    expect(JSON.parse(text)).toEqual({ subject: 'A note for Ada at Acme', body: expect.stringContaining('Hi Ada') });
    // Writes split events and carry several at once.
    expect(r.pieces.some((p) => !p.endsWith('\n\n'))).toBe(true);
    expect(r.pieces.some((p) => (p.match(/data: /g) ?? []).length > 1)).toBe(true);
  });

  it('answers whole with stream false: a chat.completion with usage', async () => {
    const r = await raw(`${fake.server.url}/chat/completions`, 'POST', chat());
    const c = JSON.parse(r.text);
    expect(c).toMatchObject({ object: 'chat.completion', model: 'llama3.2', choices: [{ index: 0, message: { role: 'assistant' }, finish_reason: 'stop' }] });
    expect(c.usage.total_tokens).toBe(c.usage.prompt_tokens + c.usage.completion_tokens);
  });

  it('max_tokens cuts the answer: finish_reason "length"', async () => {
    const c = JSON.parse((await raw(`${fake.server.url}/chat/completions`, 'POST', chat({ max_tokens: 5 }))).text);
    expect(c.choices[0].finish_reason).toBe('length');
    expect(c.choices[0].message.content).toHaveLength(20);
  });

  it('404 for an unknown model, naming it; FastAPI 404/405 for unknown paths and methods; 400 for a bad body', async () => {
    const nf = await raw(`${fake.server.url}/chat/completions`, 'POST', chat({ model: 'nope' }));
    expect(nf.status).toBe(404);
    expect(JSON.parse(nf.text)).toEqual({ error: { message: 'The model `nope` does not exist.', type: 'NotFoundError', param: 'model', code: 404 } });
    expect(JSON.parse((await raw(`http://127.0.0.1:${fake.server.port}/api/version`, 'GET')).text)).toEqual({ detail: 'Not Found' });
    expect((await raw(`${fake.server.url}/models`, 'POST', {})).status).toBe(405);
    expect((await raw(`${fake.server.url}/chat/completions`, 'POST', { model: 'llama3.2' })).status).toBe(400);
  });

  it('429 with Retry-After, and an error event inside a stream followed by [DONE]', async () => {
    fake.server.enqueue({ status: 429, error: 'rate limited', retryAfter: '2' });
    const busy = await raw(`${fake.server.url}/chat/completions`, 'POST', chat());
    expect(busy.status).toBe(429);
    expect(busy.headers['retry-after']).toBe('2');
    expect(JSON.parse(busy.text).error).toMatchObject({ message: 'rate limited', type: 'RateLimitError' });
    fake.server.enqueue({ streamError: { afterChunks: 2, message: 'engine died' } });
    const data = events((await raw(`${fake.server.url}/chat/completions`, 'POST', chat({ stream: true }))).text);
    expect(data.at(-1)).toBe('[DONE]');
    expect(JSON.parse(data.at(-2)!).error.message).toBe('engine died');
    expect(data).toHaveLength(1 + 2 + 2); // role, two pieces, the error, [DONE]
  });

  it('records requests', () => {
    expect(fake.chats().length).toBeGreaterThan(3);
    expect(fake.chats()[0]!.body.model).toBe('llama3.2');
  });
});

describe('fake OpenAI-compatible server options', () => {
  it('an API key: 401 without it or with a wrong one (OpenAI body, or vLLM\'s {"error":"Unauthorized"}), 200 with it', async () => {
    await withFakeOpenAI({ apiKey: 'sk-right' }, async (s) => {
      const none = await raw(`${s.url}/models`, 'GET');
      expect(none.status).toBe(401);
      expect(JSON.parse(none.text).error.code).toBe('invalid_api_key');
      expect((await raw(`${s.url}/models`, 'GET', undefined, { authorization: 'Bearer sk-wrong' })).status).toBe(401);
      expect((await raw(`${s.url}/models`, 'GET', undefined, { authorization: 'Bearer sk-right' })).status).toBe(200);
    });
    await withFakeOpenAI({ apiKey: 'k', authStyle: 'vllm' }, async (s) => {
      expect(JSON.parse((await raw(`${s.url}/models`, 'GET')).text)).toEqual({ error: 'Unauthorized' });
    });
  });

  it('schema "refuse": json_schema is a 400 naming response_format, json_object works', async () => {
    await withFakeOpenAI({ schema: 'refuse' }, async (s) => {
      const refused = await raw(`${s.url}/chat/completions`, 'POST', chat());
      expect(refused.status).toBe(400);
      expect(JSON.parse(refused.text).error.param).toBe('response_format');
      const ok = await raw(`${s.url}/chat/completions`, 'POST', chat({ response_format: { type: 'json_object' } }));
      expect(JSON.parse(JSON.parse(ok.text).choices[0].message.content)).toHaveProperty('body');
    });
  });

  it('CRLF line endings, a cut stream, and slots with latency', async () => {
    await withFakeOpenAI({ crlf: true, slots: 2, latencyMs: 50 }, async (s) => {
      const r = await raw(`${s.url}/chat/completions`, 'POST', chat({ stream: true }));
      expect(r.text).toContain('\r\n\r\n');
      expect(events(r.text).at(-1)).toBe('[DONE]');
      await Promise.all([1, 2, 3, 4].map(() => raw(`${s.url}/chat/completions`, 'POST', chat())));
      expect(s.maxConcurrent).toBe(2);
      s.enqueue({ cutAfterChunks: 2 });
      await expect(raw(`${s.url}/chat/completions`, 'POST', chat({ stream: true }))).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
    });
  });
});
