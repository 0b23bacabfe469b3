// The Ollama engine against the fake Ollama server: only what crosses the wire is faked.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EngineError } from '../../src/core/errors.js';
import type { Engine } from '../../src/core/engine.js';
import { createOllamaEngine, listOllamaModels, ollamaVersion } from '../../src/engines/ollama/engine.js';
import { useFakeOllama, withFakeOllama } from '../helpers/use-fake-ollama.js';
import { closedPort, failure } from '../helpers/net.js';
import { draftSchema as schema, engineRequest as request } from '../helpers/engine-request.js';

const fake = useFakeOllama();
const engines: Engine[] = [];
function engine(opts: Partial<Parameters<typeof createOllamaEngine>[0]> = {}): Engine {
  const e = createOllamaEngine({ host: fake.server.url, model: 'llama3.2', ...opts });
  engines.push(e);
  return e;
}

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

describe('generate: streaming', () => {
  it('assembles the streamed answer, including text split mid-UTF-8 character and text in the final chunk', async () => {
    const content = JSON.stringify({ subject: 'Grüße, Zoë — 你好', body: 'Ça va? Ünïcödé ✓ 🎉 naïve café' });
    // finalText: the last piece rides in the done chunk, so dropping it would break the equality below.
    fake.server.setBehaviour({ content, pieceChars: 5, chunkDelayMs: 5, finalText: true });
    const pieces: string[] = [];
    const result = await engine().generate(request({ first_name: 'Zoë' }, { onText: (t) => pieces.push(t) }));
    expect(result.text).toBe(content);
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.join('')).toBe(content);
  });

  it('drafts for the recipient in the request and reports the final chunk metrics', async () => {
    fake.server.setBehaviour({ pieceChars: 10, chunkDelayMs: 3 });
    const result = await engine().generate(request({ first_name: 'Ana', company: 'Acme' }));
    const draft = JSON.parse(result.text);
    expect(draft.body).toContain('Ana');
    expect(draft.body).toContain('Acme');
    expect(result.evalCount).toBe(Math.ceil([...result.text].length / 10));
    expect(result.evalMs).toBeGreaterThan(0);
    expect(result.evalMs!).toBeLessThan(result.totalMs);
    expect(result.promptEvalCount).toBeGreaterThan(0);
    expect(result.doneReason).toBe('stop');
    expect(result.totalMs).toBeGreaterThan(0);
  });

  it('sends the chat request Ollama expects', async () => {
    const before = fake.server.requests.length;
    const req = request({ first_name: 'Ana' });
    await engine({ keepAlive: '10m' }).generate(req);
    const sent = fake.server.requests.slice(before);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/chat']);
    const body = sent[0]!.body;
    expect(body.model).toBe('llama3.2');
    expect(body.messages).toEqual(req.messages);
    expect(body.format).toEqual(schema);
    expect(body.options).toEqual(req.options);
    expect(body.stream).toBe(true);
    expect(body.think).toBe(false);
    expect(body.keep_alive).toBe('10m');
    expect(sent[0]!.headers['content-type']).toBe('application/json');
  });

  it('runs concurrent requests side by side, up to the server slots', async () => {
    await withFakeOllama({ slots: 2, latencyMs: 60 }, async (s) => {
      const e = createOllamaEngine({ host: s.url, model: 'llama3.2' });
      engines.push(e);
      const names = ['Ana', 'Bo', 'Cy', 'Di', 'Ed', 'Flo'];
      const results = await Promise.all(names.map((n) => e.generate(request({ first_name: n }))));
      names.forEach((n, i) => expect(JSON.parse(results[i]!.text).body).toContain(n));
      expect(s.maxConcurrent).toBe(2);
    });
  });

  it('reuses its connections: 40 drafts, 4 at a time, over at most 8 sockets, not 40', async () => {
    await withFakeOllama({ slots: 4 }, async (s) => {
      const e = createOllamaEngine({ host: s.url, model: 'llama3.2' });
      engines.push(e);
      const lanes = Array.from({ length: 4 }, async (_, lane) => {
        for (let i = 0; i < 10; i++) {
          const r = await e.generate(request({ first_name: `N${lane}-${i}` }));
          expect(JSON.parse(r.text).body).toContain(`N${lane}-${i}`);
        }
      });
      await Promise.all(lanes);
      expect(s.requests.filter((r) => r.path === '/api/chat')).toHaveLength(40);
      // A socket goes back to the pool a tick after its answer ends, so a lane may open a second one.
      expect(s.connections).toBeLessThanOrEqual(8);
    });
  });
});

describe('generate: failures', () => {
  it('a missing model is not retryable and says how to pull it', async () => {
    const err = await failure(engine({ model: 'nosuchmodel' }).generate(request({})));
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).retryable).toBe(false);
    expect((err as EngineError).hint).toContain('ollama pull nosuchmodel');
  });

  it('other 4xx are not retryable and carry the server message', async () => {
    fake.server.setBehaviour({ status: 400, error: 'option "seed" must be of type integer' });
    const err = (await failure(engine().generate(request({})))) as EngineError;
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('option "seed" must be of type integer');
  });

  it.each([500, 503])('HTTP %i is retryable and carries the server message', async (status) => {
    fake.server.setBehaviour({ status });
    const err = (await failure(engine().generate(request({})))) as EngineError;
    expect(err).toBeInstanceOf(EngineError);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain(String(status));
    if (status === 503) expect(err.message).toContain('maximum pending requests exceeded');
  });

  it('a plain-text or HTML error body becomes the message, and nothing reaches stdout', async () => {
    const writes = vi.spyOn(process.stdout, 'write');
    const logs = vi.spyOn(console, 'log');
    fake.server.enqueue(
      { status: 500, rawErrorBody: 'internal server error' },
      { status: 502, rawErrorBody: '<html><body><h1>502 Bad Gateway</h1></body></html>', contentType: 'text/html' },
    );
    const plain = (await failure(engine().generate(request({})))) as EngineError;
    const html = (await failure(engine().generate(request({})))) as EngineError;
    expect(plain.message).toContain('internal server error');
    expect(plain.retryable).toBe(true);
    expect(html.message).toContain('502 Bad Gateway');
    expect(html.message).not.toContain('<h1>');
    expect(writes).not.toHaveBeenCalled();
    expect(logs).not.toHaveBeenCalled();
  });

  it('a redirect is not followed: the error names the status and says what to pass', async () => {
    fake.server.enqueue({ status: 301, rawErrorBody: '<a href="https://ollama.example/api/chat">Moved Permanently</a>.', contentType: 'text/html' });
    const err = (await failure(engine().generate(request({})))) as EngineError;
    expect(err.message).toMatch(/HTTP 301\): Moved Permanently/);
    expect(err.retryable).toBe(false);
    expect(err.hint).toMatch(/redirects elsewhere/);
  });

  it('an {"error"} line after output is retryable', async () => {
    fake.server.setBehaviour({ streamError: { afterChunks: 2 } });
    const pieces: string[] = [];
    const err = (await failure(engine().generate(request({ first_name: 'Ana' }, { onText: (t) => pieces.push(t) })))) as EngineError;
    expect(pieces.length).toBe(2);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('an error was encountered while running the model');
  });

  it('after an {"error"} line the next request reuses the same connection (the answer is drained, not torn down)', async () => {
    await withFakeOllama({}, async (s) => {
      const e = createOllamaEngine({ host: s.url, model: 'llama3.2' });
      engines.push(e);
      s.enqueue({ streamError: { afterChunks: 1 } });
      expect(await failure(e.generate(request({ first_name: 'Ana' })))).toBeInstanceOf(EngineError);
      await new Promise((r) => setTimeout(r, 50)); // the rest of the answer drains; the socket goes back to the pool
      const ok = await e.generate(request({ first_name: 'Bo' }));
      expect(JSON.parse(ok.text).body).toContain('Bo');
      expect(s.connections).toBe(1);
    });
  });

  it('a connection cut mid-stream is retryable', async () => {
    fake.server.setBehaviour({ cutAfterChunks: 2 });
    const err = (await failure(engine().generate(request({})))) as EngineError;
    expect(err).toBeInstanceOf(EngineError);
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/mid-answer/);
  });

  it('our own deadline fires when headers never come (retryable, names the time)', async () => {
    fake.server.setBehaviour({ latencyMs: 5000 });
    const t0 = Date.now();
    const err = (await failure(engine({ requestTimeoutMs: 200 }).generate(request({})))) as EngineError;
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(err).toBeInstanceOf(EngineError);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('no answer from Ollama');
    expect(err.message).toContain('0.2s');
  });

  it('the deadline also covers a body that stalls after the headers', async () => {
    fake.server.setBehaviour({ headersDelayMs: 10, latencyMs: 5000 });
    const err = (await failure(engine({ requestTimeoutMs: 250 }).generate(request({})))) as EngineError;
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('within 0.3s');
  });

  it('a caller abort mid-stream rejects with AbortError and closes the connection', async () => {
    fake.server.setBehaviour({ chunkDelayMs: 40 });
    const before = fake.server.requests.length;
    const ac = new AbortController();
    const err = await failure(engine().generate(request({}, { signal: ac.signal, onText: () => ac.abort() })));
    expect(err.name).toBe('AbortError');
    expect(err).not.toBeInstanceOf(EngineError);
    const rec = fake.server.requests[before]!;
    await vi.waitFor(() => expect(rec.clientClosed).toBe(true), { timeout: 2000 });
    await vi.waitFor(() => expect(fake.server.active).toBe(0), { timeout: 2000 });
  });

  it('leaving the stream early (a throwing onText) still cancels the HTTP request', async () => {
    fake.server.setBehaviour({ chunkDelayMs: 40 });
    const before = fake.server.requests.length;
    const err = await failure(engine().generate(request({}, { onText: () => { throw new Error('consumer failed'); } })));
    expect(err.message).toBe('consumer failed'); // the caller's own error, not dressed up as Ollama's
    const rec = fake.server.requests[before]!;
    await vi.waitFor(() => expect(rec.clientClosed).toBe(true), { timeout: 1000 });
  });

  it('an already-aborted signal sends nothing', async () => {
    const before = fake.server.requests.length;
    const err = await failure(engine().generate(request({}, { signal: AbortSignal.abort() })));
    expect(err.name).toBe('AbortError');
    expect(fake.server.requests.length).toBe(before);
  });
});

describe('prepare and the one-off calls', () => {
  it('passes when the model is installed, with or without :latest', async () => {
    await expect(engine({ model: 'llama3.2' }).prepare()).resolves.toBeUndefined();
    await expect(engine({ model: 'llama3.2:latest' }).prepare()).resolves.toBeUndefined();
    await expect(engine({ model: 'qwen3:0.6b' }).prepare()).resolves.toBeUndefined();
    expect(fake.server.requests.at(-1)!.path).toBe('/api/tags');
  });

  it('names the model to pull when it is missing', async () => {
    const err = (await failure(engine({ model: 'mistral' }).prepare())) as EngineError;
    expect(err).toBeInstanceOf(EngineError);
    expect(err.retryable).toBe(false);
    expect(err.hint).toContain('ollama pull mistral');
    expect(err.message).toContain('llama3.2:latest'); // what is installed instead
  });

  it('an unreachable host gets one clear, non-retryable error naming it', async () => {
    const host = `http://127.0.0.1:${await closedPort()}`;
    const e = createOllamaEngine({ host, model: 'llama3.2' });
    engines.push(e);
    const err = (await failure(e.prepare())) as EngineError;
    expect(err).toBeInstanceOf(EngineError);
    expect(err.message).toBe(`Cannot reach Ollama at ${host}`);
    expect(err.hint).toContain('ollama serve');
    expect(err.retryable).toBe(false);
  });

  it('generate against an unreachable host is retryable', async () => {
    const e = createOllamaEngine({ host: `http://127.0.0.1:${await closedPort()}`, model: 'llama3.2' });
    engines.push(e);
    const err = (await failure(e.generate(request({})))) as EngineError;
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/^Cannot reach Ollama at/);
  });

  it('a server error on /api/tags is reported with its message', async () => {
    fake.server.setEndpointBehaviour('/api/tags', { status: 500, error: 'disk on fire' });
    try {
      const err = (await failure(engine().prepare())) as EngineError;
      expect(err.message).toContain('disk on fire');
    } finally {
      fake.server.setEndpointBehaviour('/api/tags', undefined);
    }
  });

  it('lists models and the server version', async () => {
    const models = await listOllamaModels(fake.server.url);
    expect(models.map((m) => m.name)).toEqual(fake.server.models.map((m) => (m.name.includes(':') ? m.name : `${m.name}:latest`)));
    expect(models[0]).toMatchObject({ parameterSize: '3.2B', quantization: 'Q4_K_M', size: 2019393189 });
    expect(models[0]!.modifiedAt).toMatch(/^\d{4}-/);
    expect(await ollamaVersion(fake.server.url)).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('close() is safe to call twice', async () => {
    const e = engine();
    await e.close();
    await expect(e.close()).resolves.toBeUndefined();
  });
});
