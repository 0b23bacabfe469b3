// Engine.embed on every engine: Ollama's POST /api/embed and the OpenAI-compatible POST
// /v1/embeddings against the fake servers (only the wire is fake: they speak the documented shapes),
// and node-llama-cpp's embedding context on the real stories260K.gguf. The profile's model.embed
// reaches each engine through the engine choice, under the same host rules as drafting.
import { copyFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseEngine } from '../../src/app/choose-engine.js';
import type { Engine } from '../../src/core/engine.js';
import { EngineError, isAbortError } from '../../src/core/errors.js';
import { parseProfile, type ToneProfile } from '../../src/core/profile.js';
import type { EngineFlags } from '../../src/engines/descriptor.js';
import { fakeEmbedding } from '../helpers/fake-ollama/index.js';
import { sharedDir } from '../helpers/cli.js';
import { failure } from '../helpers/net.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';
import { useFakeOpenAI } from '../helpers/use-fake-openai.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const ollama = useFakeOllama({ models: ['llama3.2', 'nomic-embed-text'] });
const openai = useFakeOpenAI({ models: ['llama3.2', 'nomic-embed-text'], apiKey: 'sk-embed-secret' });
const tmp = useTempDir('draftsmith-embed-');
const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

function profile(model: Record<string, unknown>): ToneProfile {
  const r = parseProfile({ goal: 'x', model });
  if (!r.ok) throw new Error('bad test profile');
  return r.profile;
}

async function engine(flags: Omit<EngineFlags, 'timeout'> & { timeout?: number }, model: Record<string, unknown>, env: NodeJS.ProcessEnv = {}, lookup?: () => Promise<string[]>): Promise<Engine> {
  const io = { stdin: new PassThrough(), stderr: new PassThrough(), cwd: tmp.path, env, ...(lookup ? { lookup } : {}) };
  const e = await chooseEngine({ timeout: 5, ...flags }, profile(model), io, () => () => undefined);
  engines.push(e);
  return e;
}

const unit = (v: number[]) => Math.hypot(...v);
const TEXTS = Array.from({ length: 40 }, (_, i) => `catalog item ${i}: kubernetes migration guide number ${i}`);

describe('Ollama: POST /api/embed with model.embed', () => {
  const embeds = () => ollama.server.requests.filter((r) => r.path === '/api/embed');

  it('embeds in batches of 32, in order, unit vectors; no model.embed, no embed()', async () => {
    const e = await engine({ engine: 'ollama', host: ollama.server.url, model: 'llama3.2' }, { embed: 'nomic-embed-text' });
    await e.prepare();
    const before = embeds().length;
    const vectors = await e.embed!(TEXTS);
    const sent = embeds().slice(before);
    expect(sent.map((r) => r.body.input.length)).toEqual([32, 8]);
    expect(sent[0]!.body).toEqual({ model: 'nomic-embed-text', input: TEXTS.slice(0, 32) });
    expect(vectors).toHaveLength(40);
    vectors.forEach((v, i) => expect(v).toEqual(fakeEmbedding(TEXTS[i]!).map((x) => expect.closeTo(x, 12))));
    expect(unit(vectors[0]!)).toBeCloseTo(1, 12);
    expect((await engine({ engine: 'ollama', host: ollama.server.url }, {})).embed).toBeUndefined();
  });

  it('an embedding model not pulled: prepare() says so with `ollama pull`; asked anyway, the 404 says the same', async () => {
    const e = await engine({ engine: 'ollama', host: ollama.server.url }, { embed: 'mxbai-embed-large' });
    const early = (await failure(e.prepare())) as EngineError;
    expect(early).toBeInstanceOf(EngineError);
    expect(early.message).toMatch(/embedding model "mxbai-embed-large" \(the profile's model\.embed\) is not available on Ollama at http:\/\/127\.0\.0\.1:\d+/);
    expect(early.hint).toMatch(/^run `ollama pull mxbai-embed-large`/);
    const late = (await failure(e.embed!(['x']))) as EngineError;
    expect(late.message).toMatch(/model "mxbai-embed-large" not found, try pulling it first/);
    expect(late.hint).toMatch(/^run `ollama pull mxbai-embed-large`/);
    expect(late.retryable).toBe(false);
  });

  it('a server error is retryable; a broken answer is an EngineError naming model.embed', async () => {
    const e = await engine({ engine: 'ollama', host: ollama.server.url }, { embed: 'nomic-embed-text' });
    ollama.server.setEndpointBehaviour('/api/embed', { status: 500, error: 'llama runner process has terminated' });
    try {
      const err = (await failure(e.embed!(['x']))) as EngineError;
      expect(err.message).toMatch(/failed \(HTTP 500\): llama runner process has terminated/);
      expect(err.retryable).toBe(true);
      ollama.server.setEndpointBehaviour('/api/embed', { rawErrorBody: '{"model":"nomic-embed-text","embeddings":[[0.1]]}', status: 200, contentType: 'application/json' });
      const bad = (await failure(e.embed!(['x', 'y']))) as EngineError;
      expect(bad.message).toMatch(/unusable embedding answer: 1 embedding\(s\) for 2 text\(s\)/);
    } finally {
      ollama.server.setEndpointBehaviour('/api/embed', undefined);
    }
  });

  it('the caller\'s abort stops a waiting request (an AbortError, the connection closed); the deadline is the engine\'s', async () => {
    const e = await engine({ engine: 'ollama', host: ollama.server.url }, { embed: 'nomic-embed-text' });
    ollama.server.setEndpointBehaviour('/api/embed', { headersDelayMs: 10_000 });
    try {
      const stop = new AbortController();
      const before = embeds().length;
      const asked = failure(e.embed!(['x'], stop.signal));
      await waitFor(() => embeds().length > before, 5000);
      stop.abort();
      expect(isAbortError(await asked)).toBe(true);
      await waitFor(() => embeds().at(-1)!.clientClosed, 5000);
      const slow = await engine({ engine: 'ollama', host: ollama.server.url, timeout: 0.2 }, { embed: 'nomic-embed-text' });
      const late = (await failure(slow.embed!(['x']))) as EngineError;
      expect(late.message).toMatch(/no answer from Ollama at .* within 0\.2s/);
    } finally {
      ollama.server.setEndpointBehaviour('/api/embed', undefined);
    }
  });

  it('a non-local host is refused before any request, embeddings or not', async () => {
    const before = ollama.server.requests.length;
    const err = await failure(engine({ engine: 'ollama', host: 'http://gpu.test:11434' }, { embed: 'nomic-embed-text' }, {}, async () => ['10.0.0.5']));
    expect(err.message).toMatch(/refusing to send recipient data to non-local host/);
    expect(ollama.server.requests.length).toBe(before);
  });
});

describe('OpenAI-compatible: POST /v1/embeddings with model.embed', () => {
  const env = { DRAFTSMITH_API_KEY: 'sk-embed-secret' };
  const embeds = () => openai.server.requests.filter((r) => r.path === '/v1/embeddings');

  it('sends the key from the environment, batches of 32, vectors in input order', async () => {
    const e = await engine({ engine: 'openai', host: openai.server.url, model: 'llama3.2' }, { embed: 'nomic-embed-text' }, env);
    await e.prepare();
    const before = embeds().length;
    const vectors = await e.embed!(TEXTS);
    const sent = embeds().slice(before);
    expect(sent.map((r) => r.body)).toEqual([
      { model: 'nomic-embed-text', input: TEXTS.slice(0, 32) },
      { model: 'nomic-embed-text', input: TEXTS.slice(32) },
    ]);
    expect(sent[0]!.headers.authorization).toBe('Bearer sk-embed-secret');
    vectors.forEach((v, i) => expect(v).toEqual(fakeEmbedding(TEXTS[i]!).map((x) => expect.closeTo(x, 12))));
  });

  it('a model the server does not serve: prepare() names model.embed; the 404 does too, without the key', async () => {
    const e = await engine({ engine: 'openai', host: openai.server.url, model: 'llama3.2' }, { embed: 'bge-m3' }, env);
    const early = (await failure(e.prepare())) as EngineError;
    expect(early.message).toMatch(/embedding model "bge-m3" \(the profile's model\.embed\) is not served at .*\(it serves: llama3\.2, nomic-embed-text\)/);
    const late = (await failure(e.embed!(['x']))) as EngineError;
    expect(late.message).toMatch(/cannot embed with "bge-m3" \(HTTP 404\): The model `bge-m3` does not exist\./);
    expect(late.hint).toMatch(/model\.embed/);
    expect(`${late.message} ${late.hint}`).not.toContain('sk-embed-secret');
  });

  it('a wrong key is the same 401 as for drafting', async () => {
    const e = await engine({ engine: 'openai', host: openai.server.url, model: 'llama3.2' }, { embed: 'nomic-embed-text' }, { DRAFTSMITH_API_KEY: 'wrong' });
    const err = (await failure(e.embed!(['x']))) as EngineError;
    expect(err.message).toMatch(/refused the request \(HTTP 401\)/);
    expect(err.hint).toMatch(/DRAFTSMITH_API_KEY/);
  });
});

const modelPath = path.join(sharedDir, 'models/stories260K.gguf');
const hasModel = existsSync(modelPath);
if (!hasModel) console.warn(`skipping the embedded engine's embedding tests: ${modelPath} not found`);

describe.skipIf(!hasModel)('llama-cpp: the embedding context on stories260K.gguf', () => {
  let cat: number[] | undefined;
  it('on the drafting model itself: one unit vector per text, the same text the same vector; close() frees it', async () => {
    // num_ctx bounds the embedding context too (and keeps the long text below quick).
    const e = await engine({ engine: 'llama-cpp', model: modelPath, threads: 1 }, { embed: modelPath, num_ctx: 256 });
    const [a, b, again] = await e.embed!(['Once upon a time there was a cat.', 'The big dog ran home.', 'Once upon a time there was a cat.']);
    expect(a).toHaveLength(64);
    expect(unit(a!)).toBeCloseTo(1, 9);
    expect(again).toEqual(a);
    cat = a;
    expect(b).not.toEqual(a);
    // A long text is cut to the context, not refused.
    expect(await e.embed!(['cat '.repeat(5000)])).toHaveLength(1);
    await e.close();
    await expect(e.embed!(['x'])).rejects.toThrow(/closed/);
  }, 30_000);

  it('on another GGUF named by model.embed, loaded beside the drafting model; a missing one says which file', async () => {
    const copy = path.join(tmp.path, 'embedder.gguf');
    await copyFile(modelPath, copy);
    const e = await engine({ engine: 'llama-cpp', model: modelPath, threads: 1 }, { embed: copy });
    const mine = await e.embed!(['Once upon a time there was a cat.']);
    expect(mine).toEqual([cat]); // the same weights as the drafting model's (the first test)
    const err = await failure(engine({ engine: 'llama-cpp', model: modelPath, threads: 1 }, { embed: path.join(tmp.path, 'nope.gguf') }));
    expect(err.message).toMatch(/nope\.gguf/);
  }, 30_000);
});
