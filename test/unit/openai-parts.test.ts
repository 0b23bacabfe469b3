// The OpenAI-compatible engine's pure parts: the SSE reader, the base URL, Retry-After and error
// bodies, and where the API key may go.
import { describe, expect, it } from 'vitest';
import { SseReader } from '../../src/engines/openai/sse.js';
import { DEFAULT_BASE_URL, resolveBaseUrl } from '../../src/engines/openai/host.js';
import { errorBodyMessage, refusesSchema, retryAfterMs, toEngineError } from '../../src/engines/openai/errors.js';
import { HttpError } from '../../src/engines/openai/transport.js';
import { serves } from '../../src/engines/openai/doctor-checks.js';
import { authHeaders, plainHttpWarning, readApiKey, redactKey } from '../../src/engines/openai/api-key.js';

describe('SseReader', () => {
  const stream = 'data: {"a":1}\n\n: keep-alive\n\ndata: {"b":"x\\ny"}\n\nevent: ping\ndata: two\ndata: lines\n\ndata: [DONE]\n\n';
  const all = ['{"a":1}', '{"b":"x\\ny"}', 'two\nlines', '[DONE]'];

  it('reads every event of a whole stream, skipping comments and other fields', () => {
    const r = new SseReader();
    expect([...r.push(stream), ...r.end()]).toEqual(all);
  });

  it.each([1, 2, 3, 5, 7, 13])('gives the same events however the stream is cut into reads (every %i characters)', (size) => {
    const r = new SseReader();
    const got: string[] = [];
    for (let i = 0; i < stream.length; i += size) got.push(...r.push(stream.slice(i, i + size)));
    got.push(...r.end());
    expect(got).toEqual(all);
  });

  it('CRLF and lone CR line endings, a CRLF split between reads, "data:" without a space', () => {
    const r = new SseReader();
    const got = [...r.push('data:{"a":1}\r'), ...r.push('\n\r\ndata: b\r\rdata: c\n\n')];
    expect(got).toEqual(['{"a":1}', 'b', 'c']);
  });

  it('a field only named like data is not data; "data" alone is an empty line of data', () => {
    const r = new SseReader();
    expect(r.push('database: x\n\ndata\ndata: y\n\n')).toEqual(['\ny']);
  });

  it('an event not closed by a blank line at the end still counts; an empty stream has none', () => {
    const r = new SseReader();
    expect(r.push('data: [DONE]')).toEqual([]);
    expect(r.end()).toEqual(['[DONE]']);
    expect(new SseReader().end()).toEqual([]);
  });
});

describe('resolveBaseUrl', () => {
  it.each([
    [undefined, DEFAULT_BASE_URL],
    ['http://127.0.0.1:8000/v1', 'http://127.0.0.1:8000/v1'],
    ['http://127.0.0.1:8000', 'http://127.0.0.1:8000/v1'],
    ['http://127.0.0.1:8000/', 'http://127.0.0.1:8000/v1'],
    ['127.0.0.1:8080/v1/', 'http://127.0.0.1:8080/v1'],
    ['localhost:1234', 'http://localhost:1234/v1'],
    ['https://llm.example.com', 'https://llm.example.com/v1'],
    ['http://0.0.0.0:8000/v1', 'http://127.0.0.1:8000/v1'],
    ['http://[::]:8000', 'http://[::1]:8000/v1'],
    ['http://proxy:4000/openai/v1', 'http://proxy:4000/openai/v1'],
  ])('%s -> %s', (flag, url) => {
    expect(resolveBaseUrl(flag)).toBe(url);
  });

  it.each([['', /empty/], ['ftp://x', /scheme/], ['http://user:pw@h/v1', /credentials/], ['http://h/v1?x=1', /query/], ['a b', /spaces/]])('refuses %j', (flag, why) => {
    expect(() => resolveBaseUrl(flag)).toThrow(why);
  });
});

describe('errors', () => {
  it('Retry-After: seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('0.5')).toBe(500);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });

  it('reads every error body shape', () => {
    expect(errorBodyMessage('{"error":{"message":"bad","type":"x"}}')).toBe('bad');
    expect(errorBodyMessage('{"error":"Unauthorized"}')).toBe('Unauthorized');
    expect(errorBodyMessage('{"detail":"Not Found"}')).toBe('Not Found');
    expect(errorBodyMessage('<html><body><h1>502 Bad Gateway</h1></body></html>')).toBe('502 Bad Gateway');
    expect(errorBodyMessage('plain words')).toBe('plain words');
  });

  it('the status table: retry decisions', () => {
    const ctx = { baseUrl: 'http://h/v1', model: 'm' };
    const at = (status: number, body = '{}', ra?: string) => toEngineError(new HttpError(status, body, ra), ctx);
    expect([400, 401, 403, 404, 422].map((s) => at(s).retryable)).toEqual([false, false, false, false, false]);
    expect([429, 500, 502, 503].map((s) => at(s).retryable)).toEqual([true, true, true, true]);
    expect(at(429, '{}', '2').retryAfterMs).toBe(2000);
    expect(at(404, '{"error":{"message":"The model `m` does not exist."}}').message).toMatch(/Model "m" is not available/);
    expect(refusesSchema(new HttpError(400, '{"error":{"message":"response_format json_schema not supported"}}', undefined))).toBe(true);
    expect(refusesSchema(new HttpError(400, '{"error":{"message":"messages required"}}', undefined))).toBe(false);
  });
});

describe('the API key', () => {
  it('DRAFTSMITH_API_KEY goes to any host; OPENAI_API_KEY only to https://api.openai.com', () => {
    expect(readApiKey('http://127.0.0.1:8000/v1', { DRAFTSMITH_API_KEY: 'k1', OPENAI_API_KEY: 'k2' })).toEqual({ value: 'k1', variable: 'DRAFTSMITH_API_KEY' });
    expect(readApiKey('http://127.0.0.1:8000/v1', { OPENAI_API_KEY: 'k2' })).toBeUndefined();
    expect(readApiKey('http://api.openai.com/v1', { OPENAI_API_KEY: 'k2' })).toBeUndefined();
    expect(readApiKey('https://api.openai.com/v1', { OPENAI_API_KEY: 'k2' })).toEqual({ value: 'k2', variable: 'OPENAI_API_KEY' });
    expect(readApiKey('https://api.openai.com.evil.io/v1', { OPENAI_API_KEY: 'k2' })).toBeUndefined();
    expect(authHeaders(undefined)).toEqual({});
    expect(authHeaders({ value: 'k', variable: 'V' })).toEqual({ authorization: 'Bearer k' });
  });

  it("a profile host's own variable: its key alone, an unset one refused, OPENAI_API_KEY still only for OpenAI", () => {
    const env = { GPU1_KEY: ' k3 ', DRAFTSMITH_API_KEY: 'k1', OPENAI_API_KEY: 'k2' };
    expect(readApiKey('http://10.0.0.5:8000/v1', env, 'GPU1_KEY')).toEqual({ value: 'k3', variable: 'GPU1_KEY' });
    expect(() => readApiKey('http://10.0.0.5:8000/v1', env, 'GPU2_KEY')).toThrow(/takes its API key from GPU2_KEY, which is not set/);
    expect(() => readApiKey('http://10.0.0.5:8000/v1', env, 'OPENAI_API_KEY')).toThrow(/only ever sent to https:\/\/api\.openai\.com/);
    expect(readApiKey('https://api.openai.com/v1', env, 'OPENAI_API_KEY')).toEqual({ value: 'k2', variable: 'OPENAI_API_KEY' });
  });

  it('warns about plain http to another machine, not for https or loopback, and never names the key', () => {
    const key = { value: 'sk-secret', variable: 'DRAFTSMITH_API_KEY' };
    const w = plainHttpWarning('http://10.0.0.5:8000/v1', key, false);
    expect(w).toMatch(/DRAFTSMITH_API_KEY is sent over plain http to http:\/\/10\.0\.0\.5:8000\/v1/);
    expect(w).not.toContain('sk-secret');
    expect(plainHttpWarning('https://10.0.0.5/v1', key, false)).toBeUndefined();
    expect(plainHttpWarning('http://127.0.0.1:8000/v1', key, true)).toBeUndefined();
    expect(plainHttpWarning('http://10.0.0.5:8000/v1', undefined, false)).toBeUndefined();
    expect(redactKey('a sk-secret b sk-secret', key)).toBe('a *** b ***');
  });
});

describe('serves', () => {
  it('an exact id, or NAME for NAME:latest as Ollama\'s /v1 lists it', () => {
    expect(serves(['Qwen/Qwen2.5-3B-Instruct'], 'Qwen/Qwen2.5-3B-Instruct')).toBe(true);
    expect(serves(['llama3.2:latest'], 'llama3.2')).toBe(true);
    expect(serves(['llama3.2:latest'], 'llama3.2:1b')).toBe(false);
    expect(serves(['llama3.2'], 'llama3')).toBe(false);
  });
});
