// The OpenAI-compatible engine against the fake OpenAI-compatible server: only the wire is faked.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseEngine } from '../../src/app/choose-engine.js';
import { EngineError } from '../../src/core/errors.js';
import type { Engine } from '../../src/core/engine.js';
import { createOpenAIEngine, listOpenAIModels, type OpenAIEngineOptions } from '../../src/engines/openai/engine.js';
import { useFakeOpenAI, withFakeOpenAI } from '../helpers/use-fake-openai.js';
import { closedPort, failure } from '../helpers/net.js';
import { draftSchema as schema, engineRequest as request } from '../helpers/engine-request.js';

const fake = useFakeOpenAI({ slots: 4 });
const engines: Engine[] = [];
function engine(opts: Partial<OpenAIEngineOptions> = {}, url = fake.server.url): Engine {
  const e = createOpenAIEngine({ baseUrl: url, model: 'llama3.2', ...opts });
  engines.push(e);
  return e;
}

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

describe('generate', () => {
  it('streamed: assembles the SSE answer (split events, comments, several per read), usage counts, finish_reason stop; the request maps seed, temperature, max_tokens and the schema', async () => {
    const content = JSON.stringify({ subject: 'Grüße, Zoë — 你好', body: 'Ça va? Ünïcödé ✓ 🎉 naïve café' });
    fake.server.setBehaviour({ content, pieceChars: 3 });
    const pieces: string[] = [];
    const result = await engine().generate(request({ first_name: 'Zoë' }, { onText: (t) => pieces.push(t) }));
    expect(result.text).toBe(content);
    expect(pieces.join('')).toBe(content);
    expect(pieces.length).toBeGreaterThan(10);
    expect(result).toMatchObject({ doneReason: 'stop', evalCount: expect.any(Number), promptEvalCount: expect.any(Number) });
    const sent = fake.chats().at(-1)!.body;
    expect(sent).toMatchObject({ model: 'llama3.2', stream: true, stream_options: { include_usage: true }, seed: 42, temperature: 0.7, max_tokens: 400 });
    expect(sent.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'draft', schema, strict: true } });
    expect(sent).not.toHaveProperty('num_ctx');
  });

  it("a profile's output fields go in response_format's schema, and the answer carries them", async () => {
    const { draftSchema, parseDraftOutput } = await import('../../src/core/drafting/draft-answer.js');
    const withFields = draftSchema('email', { ps: 'a one-line P.S.' });
    const r = await engine().generate(request({ first_name: 'Ada' }, { schema: withFields }));
    expect(fake.chats().at(-1)!.body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'draft', schema: withFields, strict: true } });
    expect(parseDraftOutput(r.text, 'email', ['ps']).fields).toEqual({ ps: 'ps for Ada' });
  });

  it('streamed with CRLF line endings', async () => {
    await withFakeOpenAI({ crlf: true }, async (s) => {
      const r = await engine({}, s.url).generate(request({ first_name: 'Ada', company: 'Acme' }));
      expect(JSON.parse(r.text)).toMatchObject({ subject: 'A note for Ada at Acme' });
    });
  });

  it('non-streamed (stream: false): the whole chat.completion', async () => {
    const r = await engine({ stream: false }).generate(request({ first_name: 'Ada' }));
    expect(JSON.parse(r.text).subject).toBe('A note for Ada');
    expect(r.doneReason).toBe('stop');
    expect(fake.chats().at(-1)!.body.stream).toBe(false);
  });

  it('finish_reason "length" is a cut draft (doneReason "length"), streamed and whole', async () => {
    const cut = request({ first_name: 'Ada' }, { options: { num_predict: 10 } });
    expect((await engine().generate(cut)).doneReason).toBe('length');
    expect((await engine({ stream: false }).generate(cut)).doneReason).toBe('length');
  });

  it('a server that refuses json_schema: json_object from then on, said once', async () => {
    await withFakeOpenAI({ schema: 'refuse' }, async (s) => {
      const notes: string[] = [];
      const e = engine({ note: (m) => notes.push(m) }, s.url);
      const a = await e.generate(request({ first_name: 'Ada' }));
      const b = await e.generate(request({ first_name: 'Bo' }));
      expect(JSON.parse(a.text).body).toContain('Hi Ada');
      expect(JSON.parse(b.text).body).toContain('Hi Bo');
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatch(/does not take a JSON schema.*any JSON object/);
      expect(s.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body.response_format.type)).toEqual(['json_schema', 'json_object', 'json_object']);
    });
  });
});

describe('errors', () => {
  it('model not found: prepare lists the server\'s models; generate\'s 404 is not retried', async () => {
    const err = await failure(engine({ model: 'mistral' }).prepare());
    expect(err).toBeInstanceOf(EngineError);
    expect(err.message).toMatch(/Model "mistral" is not available on the server at .*it serves: llama3\.2, qwen3:0\.6b/);
    const gen = (await failure(engine({ model: 'mistral' }).generate(request({})))) as EngineError;
    expect(gen.retryable).toBe(false);
    expect(gen.message).toMatch(/mistral/);
  });

  it('429 and 503 are retryable with Retry-After (seconds or a date); 500 retryable; 400 not', async () => {
    fake.server.enqueue({ status: 429, error: 'slow down', retryAfter: '3' });
    const busy = (await failure(engine().generate(request({})))) as EngineError;
    expect(busy).toMatchObject({ retryable: true, retryAfterMs: 3000 });
    expect(busy.message).toMatch(/busy \(HTTP 429\): slow down/);
    fake.server.enqueue({ status: 503, retryAfter: new Date(Date.now() + 5000).toUTCString() });
    const overloaded = (await failure(engine().generate(request({})))) as EngineError;
    expect(overloaded.retryable).toBe(true);
    expect(overloaded.retryAfterMs).toBeGreaterThan(3000);
    fake.server.enqueue({ status: 500 });
    expect(((await failure(engine().generate(request({})))) as EngineError).retryable).toBe(true);
    fake.server.enqueue({ status: 400, error: 'bad messages' });
    expect(((await failure(engine().generate(request({})))) as EngineError).retryable).toBe(false);
    fake.server.enqueue({ status: 422, rawErrorBody: '{"detail":[{"loc":["body","messages"],"msg":"field required"}]}', contentType: 'application/json' });
    const fastapi = (await failure(engine().generate(request({})))) as EngineError;
    expect(fastapi.message).toMatch(/HTTP 422.*field required/);
  });

  it('a cut stream and an error event inside a stream are retryable', async () => {
    fake.server.enqueue({ cutAfterChunks: 2 });
    const cut = (await failure(engine().generate(request({})))) as EngineError;
    expect(cut).toMatchObject({ retryable: true });
    expect(cut.message).toMatch(/stopped mid-answer/);
    fake.server.enqueue({ streamError: { afterChunks: 1, message: 'CUDA out of memory' } });
    const event = (await failure(engine().generate(request({})))) as EngineError;
    expect(event).toMatchObject({ retryable: true });
    expect(event.message).toMatch(/stopped mid-answer: CUDA out of memory/);
  });

  it('unreachable: retryable for drafting, not for listing', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const e = (await failure(engine({}, url).generate(request({})))) as EngineError;
    expect(e).toMatchObject({ retryable: true });
    expect(e.message).toMatch(/Cannot reach the server at .* \(connection refused\)/);
    expect(((await failure(listOpenAIModels(url, undefined))) as EngineError).retryable).toBe(false);
  });

  it('a deadline: retryable, naming the timeout', async () => {
    fake.server.enqueue({ latencyMs: 2000 });
    const e = (await failure(engine({ requestTimeoutMs: 100 }).generate(request({})))) as EngineError;
    expect(e).toMatchObject({ retryable: true });
    expect(e.message).toMatch(/within 0\.1s/);
  });

  it('the caller\'s abort is an AbortError, not an engine error', async () => {
    fake.server.enqueue({ latencyMs: 2000 });
    const c = new AbortController();
    setTimeout(() => c.abort(), 50);
    expect((await failure(engine().generate(request({}, { signal: c.signal })))).name).toBe('AbortError');
  });
});

describe('the API key', () => {
  it('is sent as Authorization: Bearer when given, and absent otherwise', async () => {
    await engine().generate(request({}));
    expect(fake.chats().at(-1)!.headers.authorization).toBeUndefined();
    await withFakeOpenAI({ apiKey: 'sk-test-123' }, async (s) => {
      const key = { value: 'sk-test-123', variable: 'DRAFTSMITH_API_KEY' };
      await engine({ key }, s.url).prepare();
      await engine({ key }, s.url).generate(request({}));
      expect(s.requests.map((r) => r.headers.authorization)).toEqual(['Bearer sk-test-123', 'Bearer sk-test-123']);
    });
  });

  it('401/403: one clear error naming the variable (missing or refused), not retried, the key never in it', async () => {
    await withFakeOpenAI({ apiKey: 'sk-right', authStyle: 'vllm' }, async (s) => {
      const none = (await failure(engine({}, s.url).prepare())) as EngineError;
      expect(none.retryable).toBe(false);
      expect(none.message).toMatch(/refused the request \(HTTP 401\): Unauthorized/);
      expect(none.hint).toMatch(/set DRAFTSMITH_API_KEY/);
      const wrong = (await failure(engine({ key: { value: 'sk-wrong-secret', variable: 'DRAFTSMITH_API_KEY' } }, s.url).generate(request({})))) as EngineError;
      expect(wrong.hint).toMatch(/does not accept the key in DRAFTSMITH_API_KEY/);
      expect(`${wrong.message} ${wrong.hint}`).not.toContain('sk-wrong-secret');
    });
  });

  it('a key a server echoes back is redacted from the message', async () => {
    fake.server.enqueue({ status: 400, error: 'bad key sk-echoed-999 in header' });
    const e = (await failure(engine({ key: { value: 'sk-echoed-999', variable: 'DRAFTSMITH_API_KEY' } }).generate(request({})))) as EngineError;
    expect(e.message).toMatch(/bad key \*\*\* in header/);
  });
});

describe('keep-alive', () => {
  it('reuses connections across requests', async () => {
    const before = fake.server.connections;
    const e = engine();
    for (let i = 0; i < 5; i++) await e.generate(request({ first_name: `N${i}` }));
    expect(fake.server.connections - before).toBe(1);
  });
});

describe('choosing the engine (app/choose-engine.ts with the openai descriptor)', () => {
  const KEY = 'sk-choose-secret';
  function streams() {
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    return { stdin: new PassThrough(), stderr, cwd: process.cwd(), err: () => err };
  }
  const profile = {} as never;
  const noInterrupt = () => () => undefined;

  it('a key over plain http to a host that resolves elsewhere (with --allow-remote): one warning naming the variable, never the key', async () => {
    const t = streams();
    const lookup = async () => ['10.0.0.5'];
    const e = await chooseEngine({ engine: 'openai', host: 'http://gpu.test:8000/v1', allowRemote: true, model: 'm', timeout: 5 }, profile, { ...t, env: { DRAFTSMITH_API_KEY: KEY }, lookup }, noInterrupt);
    engines.push(e);
    expect(t.err()).toBe('draftsmith: note: warning: DRAFTSMITH_API_KEY is sent over plain http to http://gpu.test:8000/v1, which is not this machine: anyone on the network path can read it (use https, or a private network)\n');
    // https, or a loopback host: nothing to say.
    const quiet = streams();
    engines.push(await chooseEngine({ engine: 'openai', host: 'https://gpu.test/v1', allowRemote: true, model: 'm', timeout: 5 }, profile, { ...quiet, env: { DRAFTSMITH_API_KEY: KEY }, lookup }, noInterrupt));
    engines.push(await chooseEngine({ engine: 'openai', host: fake.server.url, model: 'm', timeout: 5 }, profile, { ...quiet, env: { DRAFTSMITH_API_KEY: KEY } }, noInterrupt));
    expect(quiet.err()).toBe('');
  });

  it('a non-local host without --allow-remote: the usage error with the server\'s own way to stay local', async () => {
    const t = streams();
    const err = await failure(chooseEngine({ engine: 'openai', host: 'http://gpu.test:8000/v1', model: 'm', timeout: 5 }, profile, { ...t, env: {}, lookup: async () => ['10.0.0.5'] }, noInterrupt));
    expect(err.message).toBe('refusing to send recipient data to non-local host http://gpu.test:8000/v1 (it resolves to 10.0.0.5); pass --allow-remote if you mean it');
    expect((err as { hint?: string }).hint).toMatch(/^Run the server on this machine \(e\.g\. `vllm serve MODEL`/);
  });

  it('no model named: the server\'s only model, else the default name', async () => {
    await withFakeOpenAI({ models: ['Qwen/Qwen2.5-3B-Instruct'] }, async (s) => {
      const e = await chooseEngine({ engine: 'openai', host: s.url, timeout: 5 }, profile, { ...streams(), env: {} }, noInterrupt);
      engines.push(e);
      expect(e.info).toEqual({ engine: 'openai', model: 'Qwen/Qwen2.5-3B-Instruct', location: s.url });
      await e.prepare();
    });
    const two = await chooseEngine({ engine: 'openai', host: fake.server.url, timeout: 5 }, profile, { ...streams(), env: {} }, noInterrupt);
    engines.push(two);
    expect(two.info.model).toBe('llama3.2');
  });
});

describe('a key echoed back by the server', () => {
  it('is redacted from an error event\'s message and from a broken answer\'s JSON error, and the cause holding it is dropped', async () => {
    const key = { value: 'sk-echo-777', variable: 'DRAFTSMITH_API_KEY' };
    fake.server.enqueue({ streamError: { afterChunks: 1, message: 'bad auth sk-echo-777' } });
    const event = (await failure(engine({ key }).generate(request({})))) as EngineError;
    expect(event.message).toMatch(/bad auth \*\*\*/);
    expect(event.cause).toBeUndefined();
    expect(event.retryable).toBe(true);
    fake.server.enqueue({ status: 200, rawErrorBody: 'oops sk-echo-777', contentType: 'application/json' });
    const broken = (await failure(engine({ key }).generate(request({})))) as EngineError;
    expect(broken.message).toMatch(/not JSON/);
    expect(broken.message).not.toContain('sk-echo-777');
    expect(broken.cause).toBeUndefined();
  });
});
