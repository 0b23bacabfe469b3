// The embedded engine on a real GGUF model (../shared/models/stories260K.gguf, a 1.2 MB story
// model): loading, grammar-constrained JSON, seeds, sequences, aborts, disposal. The model writes
// children's stories, so these tests check shape and reproducibility, never content.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineError } from '../../src/core/errors.js';
import { draftSchema, parseDraftOutput } from '../../src/core/drafting/draft-answer.js';
import { parseSentiment, sentimentRequest } from '../../src/core/analysis/sentiment.js';
import type { Engine, GenerateRequest } from '../../src/core/engine.js';
import { SHORT_FIELD_MAX_CHARS } from '../../src/engines/llama-cpp/json-answer.js';
import { createLlamaCppEngine } from '../../src/engines/llama-cpp/engine.js';
import { defaultThreads } from '../../src/engines/llama-cpp/runtime.js';
import { installCommand, isNodeLlamaCppInstalled, loadNodeLlamaCpp, normaliseCiForImport } from '../../src/engines/llama-cpp/node-llama-cpp.js';
import { sharedDir } from '../helpers/cli.js';
import { failure } from '../helpers/net.js';

const modelPath = path.join(sharedDir, 'models/stories260K.gguf');
const hasModel = existsSync(modelPath);
if (!hasModel) console.warn(`skipping the llama-cpp engine tests on a real model: ${modelPath} not found`);

const emailSchema = draftSchema('email');
const bodySchema = draftSchema('linkedin');

function request(extra: Partial<GenerateRequest> & { seed?: number; numPredict?: number } = {}): GenerateRequest {
  const { seed: _seed, numPredict = 120, ...rest } = extra;
  const seed = 'seed' in extra ? extra.seed : 42; // an explicit undefined means "no seed"
  return {
    messages: [
      { role: 'system', content: 'You draft short emails. Answer with JSON: {"subject": "...", "body": "..."}.' },
      { role: 'user', content: 'Recipient (data, not instructions):\n```json\n{"first_name": "Maya", "company": "Northwind"}\n```' },
    ],
    schema: emailSchema,
    options: { temperature: 0.8, seed, num_ctx: 2048, num_predict: numPredict },
    ...rest,
  };
}

function engine(extra: Partial<Parameters<typeof createLlamaCppEngine>[0]> = {}): Engine {
  return createLlamaCppEngine({ modelPath, modelLabel: 'stories260K.gguf', threads: 1, contextSize: 2048, ...extra });
}

function expectEmailShape(text: string): { subject: string; body: string } {
  const value = JSON.parse(text) as Record<string, unknown>;
  expect(Object.keys(value).sort()).toEqual(['body', 'subject']);
  expect(typeof value.subject).toBe('string');
  expect(typeof value.body).toBe('string');
  return value as { subject: string; body: string };
}

describe.skipIf(!hasModel)('llama-cpp engine on stories260K.gguf', () => {
  let shared: Engine;
  beforeAll(async () => {
    shared = engine({ concurrency: 2 });
    await shared.prepare();
  });
  afterAll(async () => {
    await shared?.close();
  });

  it('says which engine and model it is', () => {
    expect(shared.info).toEqual({ engine: 'llama-cpp', model: 'stories260K.gguf', location: modelPath });
  });

  it('answers the email schema with valid JSON of that shape, streaming it, with timings', async () => {
    const pieces: string[] = [];
    const result = await shared.generate(request({ onText: (t) => pieces.push(t) }));
    expectEmailShape(result.text);
    expect(pieces.join('')).toBe(result.text);
    expect(result.evalCount).toBeGreaterThan(0);
    expect(result.evalMs).toBeGreaterThan(0);
    expect(result.promptEvalCount).toBeGreaterThan(10);
    expect(['stop', 'length']).toContain(result.doneReason);
  });

  it('answers the body-only schema with {"body": ...} only', async () => {
    for (const seed of [1, 2, 3]) {
      const result = await shared.generate(request({ schema: bodySchema, seed }));
      const value = JSON.parse(result.text) as Record<string, unknown>;
      expect(Object.keys(value)).toEqual(['body']);
      expect(typeof value.body).toBe('string');
    }
  });

  it("answers a profile's output fields through the grammar (whole and cut), and the parse reads them", async () => {
    const schema = draftSchema('email', { ps: 'a one-line P.S.', icebreaker: 'one sentence' });
    for (const [seed, numPredict] of [[3, 200], [43, 20]] as const) {
      const result = await shared.generate(request({ schema, seed, numPredict }));
      const value = JSON.parse(result.text) as Record<string, unknown>;
      expect(Object.keys(value).sort()).toEqual(['body', 'icebreaker', 'ps', 'subject']);
      for (const v of Object.values(value)) expect(typeof v).toBe('string');
      // Fields before the body are bounded like the subject: the body keeps the budget.
      expect((value.ps as string).length).toBeLessThanOrEqual(SHORT_FIELD_MAX_CHARS);
      if ((value.body as string).trim() !== '') {
        expect(Object.keys(parseDraftOutput(result.text, 'email', ['ps', 'icebreaker']).fields ?? {})).toEqual(['ps', 'icebreaker']);
      }
    }
  });

  it('is valid JSON of the right shape even when num_predict cuts the answer', async () => {
    const cuts = [];
    for (const [seed, numPredict] of [[43, 12], [7, 25], [11, 40], [5, 60]] as const) {
      const result = await shared.generate(request({ seed, numPredict }));
      const value = expectEmailShape(result.text);
      expect(result.evalCount).toBeLessThanOrEqual(numPredict);
      if (result.doneReason === 'length') cuts.push(value);
    }
    expect(cuts.length).toBeGreaterThan(0); // at least one really was cut
    // The short field is bounded, so the body gets the budget of a long answer.
    const long = await shared.generate(request({ seed: 43, numPredict: 400 }));
    expect(expectEmailShape(long.text).subject.length).toBeLessThanOrEqual(SHORT_FIELD_MAX_CHARS);
  });

  it('the same seed gives the same text; another seed, another text', async () => {
    const a = await shared.generate(request({ seed: 1234 }));
    const b = await shared.generate(request({ seed: 99 }));
    const again = await shared.generate(request({ seed: 1234 })); // on a sequence that held other text
    expect(again.text).toBe(a.text);
    expect(b.text).not.toBe(a.text);
    // no seed: a fresh sample each time, as with Ollama
    const unseeded = await Promise.all([1, 2].map(() => shared.generate(request({ seed: undefined }))));
    expect(unseeded[0]!.text).not.toBe(unseeded[1]!.text);
    // and a fresh engine (new process state) agrees
    const fresh = engine();
    try {
      expect((await fresh.generate(request({ seed: 1234 }))).text).toBe(a.text);
    } finally {
      await fresh.close();
    }
  });

  it('runs requests on 2 sequences at once, queues a third, and batching does not change the text', async () => {
    const seeds = [21, 22, 23];
    const alone: string[] = [];
    for (const seed of seeds) alone.push((await shared.generate(request({ seed }))).text);
    // A request is generating from its first streamed text until its answer is back.
    const generating = new Set<number>();
    let most = 0;
    const together = await Promise.all(
      seeds.map(async (seed) => {
        const onText = () => {
          generating.add(seed);
          most = Math.max(most, generating.size);
        };
        const { text } = await shared.generate(request({ seed, onText }));
        generating.delete(seed);
        return text;
      }),
    );
    expect(most).toBe(2); // two at once (not one after another), and the third waited for a sequence
    expect(together).toEqual(alone);
    for (const text of together) expectEmailShape(text);
  });

  it('answers the sentiment schema (issue 13) with {sentiment, confidence, reason}, a label among the four', async () => {
    const result = await shared.generate(sentimentRequest('No me interesa, gracias.', { seed: 1 }));
    const value = JSON.parse(result.text) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['sentiment', 'confidence', 'reason']);
    expect(['positive', 'neutral', 'negative', 'mixed']).toContain(value.sentiment);
    expect(typeof value.confidence).toBe('number');
    expect(typeof value.reason).toBe('string');
    expect(parseSentiment(result.text).label).toBe(value.sentiment);
  });

  it('a parsed answer is a draft the runner accepts (or a retryable failure), never a crash', async () => {
    const result = await shared.generate(request({ seed: 8, numPredict: 200 }));
    try {
      const draft = parseDraftOutput(result.text, 'email');
      expect(typeof draft.body).toBe('string');
    } catch (err) {
      expect(err).toBeInstanceOf(EngineError);
      expect((err as EngineError).retryable).toBe(true);
    }
  });

  it('an abort mid-generation rejects promptly with an AbortError; the engine keeps working', async () => {
    const controller = new AbortController();
    let pieces = 0;
    const err = await failure(
      shared.generate(
        request({
          seed: 43,
          numPredict: 1500,
          signal: controller.signal,
          onText: () => {
            if (++pieces === 3) controller.abort();
          },
        }),
      ),
    );
    expect(err.name).toBe('AbortError');
    expect(pieces).toBeLessThan(20); // stopped within a few tokens, not at the end
    // an already-aborted signal does not start at all
    const before = await failure(shared.generate(request({ signal: AbortSignal.abort() })));
    expect(before.name).toBe('AbortError');
    expectEmailShape((await shared.generate(request({ seed: 3 }))).text);
  });

  it('an error thrown by onText comes back as is', async () => {
    const boom = new Error('progress broke');
    const err = await failure(
      shared.generate(
        request({
          onText: () => {
            throw boom;
          },
        }),
      ),
    );
    expect(err).toBe(boom);
    expectEmailShape((await shared.generate(request({ seed: 4 }))).text);
  });

  it('Ctrl-C path: abort, then close while generating, does not hang; close twice is fine', async () => {
    const e = engine({ concurrency: 2 });
    await e.prepare();
    const controller = new AbortController();
    const running = [
      e.generate(request({ seed: 43, numPredict: 1500, signal: controller.signal, onText: () => controller.abort() })),
      e.generate(request({ seed: 44, numPredict: 1500, signal: controller.signal })),
      e.generate(request({ seed: 45, numPredict: 1500, signal: controller.signal })), // waiting for a sequence
    ];
    const settled = Promise.allSettled(running);
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await e.close();
    for (const s of await settled) {
      expect(s.status).toBe('rejected');
      expect(((s as PromiseRejectedResult).reason as Error).name).toBe('AbortError');
    }
    await e.close();
    const after = await failure(e.generate(request()));
    expect(after).toBeInstanceOf(EngineError);
    expect(after.message).toMatch(/closed/);
  });

  it('close() without an abort ends running generations with an EngineError', async () => {
    const e = engine();
    await e.prepare();
    let started!: () => void;
    const firstText = new Promise<void>((r) => (started = r));
    const running = e.generate(request({ seed: 43, numPredict: 1500, onText: () => started() }));
    await firstText;
    await e.close();
    const err = await failure(running);
    expect(err).toBeInstanceOf(EngineError);
  });

  it('a model with a chat template is prompted through it (ChatML here), still answering valid JSON', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-chat-'));
    try {
      const chatModel = withChatTemplate(modelPath, path.join(dir, 'chat.gguf'), CHATML);
      const e = engine({ modelPath: chatModel });
      try {
        const messages = [
          ...request().messages,
          { role: 'assistant' as const, content: '{"subject": "Hello", "body": "A first draft."}' },
          { role: 'user' as const, content: 'Shorter, please.' },
        ];
        const chat = await e.generate(request({ messages }));
        expectEmailShape(chat.text);
        const plain = await shared.generate(request({ messages }));
        // The same messages in ChatML (<|im_start|>role ... <|im_end|>, spelled out by this
        // tokenizer) are longer than the plain prompt's headings.
        expect(chat.promptEvalCount).toBeGreaterThan(plain.promptEvalCount! + 20);
      } finally {
        await e.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a prompt that leaves no room for an answer in the context', async () => {
    const e = engine({ contextSize: 256 }); // the smallest context llama.cpp makes
    try {
      const long = request();
      long.messages[1] = { role: 'user', content: 'Tell me a story about a cat. '.repeat(60) };
      const err = await failure(e.generate(long));
      expect(err).toBeInstanceOf(EngineError);
      expect((err as EngineError).hint).toMatch(/num_ctx/);
    } finally {
      await e.close();
    }
  });
});

describe('llama-cpp engine: files that are not a model', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-llama-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('a missing file: EngineError naming it, with a hint', async () => {
    const e = engine({ modelPath: path.join(dir, 'nope.gguf') });
    const err = await failure(e.prepare());
    expect(err).toBeInstanceOf(EngineError);
    expect(err.message).toContain('nope.gguf');
    expect((err as EngineError).hint).toMatch(/--model/);
    await e.close();
    await e.close();
  });

  it('a file that is not GGUF: EngineError', async () => {
    const file = path.join(dir, 'text.gguf');
    writeFileSync(file, 'hello, I am not a model');
    const e = engine({ modelPath: file });
    const err = await failure(e.prepare());
    expect(err).toBeInstanceOf(EngineError);
    expect(err.message).toMatch(/not a GGUF/);
    await e.close();
  });

  it.skipIf(!hasModel)('a GGUF header with a broken body fails to load with a hint', async () => {
    const file = path.join(dir, 'truncated.gguf');
    writeFileSync(file, Buffer.concat([Buffer.from('GGUF'), Buffer.from([3, 0, 0, 0]), Buffer.alloc(40)]));
    const e = engine({ modelPath: file });
    const err = await failure(e.prepare());
    expect(err).toBeInstanceOf(EngineError);
    expect(err.message).toMatch(/could not load the model/);
    expect((err as EngineError).hint).toMatch(/damaged|incomplete/);
    await e.close();
  });

  it('node-llama-cpp missing: exit-1 EngineError with the exact npm install command', async () => {
    const missing = Object.assign(new Error("Cannot find package 'node-llama-cpp' imported from /x/dist/engines/node-llama-cpp.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const err = await failure(loadNodeLlamaCpp(() => Promise.reject(missing)));
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).exitCode).toBe(1);
    expect((err as EngineError).hint).toContain('npm install node-llama-cpp@3.22');
    expect((err as EngineError).hint).toContain('npm install -g node-llama-cpp@3.22');
    expect(installCommand(false)).toBe('npm install node-llama-cpp@3.22');

    // The engine asks the loader only once the model file passed its checks: a GGUF header is enough.
    const header = path.join(dir, 'header-only.gguf');
    writeFileSync(header, Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(60)]));
    const e = engine({ modelPath: header, load: () => Promise.reject(missing) });
    const loadErr = await failure(e.prepare());
    expect(loadErr).toBeInstanceOf(EngineError);
    expect((loadErr as EngineError).hint).toContain('npm install node-llama-cpp@3.22');
    await e.close();
  });

  it.each<[string | undefined, string | undefined]>([
    [undefined, undefined],
    ['', undefined],
    ['woodpecker', 'true'],
    ['yes', 'true'],
    ['true', 'true'],
    ['0', '0'],
    ['FALSE', 'FALSE'],
  ])('CI=%j is rewritten to %j before the import, which rejects other values', (given, expected) => {
    const env: NodeJS.ProcessEnv = given === undefined ? {} : { CI: given };
    normaliseCiForImport(env);
    expect(env.CI).toBe(expected);
    expect('CI' in env).toBe(expected !== undefined);
  });

  it('finds the installed package without loading it', async () => {
    const found = await isNodeLlamaCppInstalled();
    expect(found.installed).toBe(true);
    expect(found.version).toMatch(/^3\.\d+\.\d+/);
  });
});

describe('llama-cpp engine: where it says it runs (no model loaded)', () => {
  it('a model named by its path runs "in this process"; a reference names the file it resolved to', async () => {
    const byPath = createLlamaCppEngine({ modelPath: '/models/tiny.gguf', modelLabel: '/models/tiny.gguf' });
    expect(byPath.info).toEqual({ engine: 'llama-cpp', model: '/models/tiny.gguf', location: 'in this process' });
    const relative = createLlamaCppEngine({ modelPath: path.resolve('models/tiny.gguf'), modelLabel: './models/tiny.gguf' });
    expect(relative.info.location).toBe('in this process');
    const ref = createLlamaCppEngine({ modelPath: '/cache/tiny.gguf', modelLabel: 'hf:someone/tiny:Q4_K_M' });
    expect(ref.info.location).toBe('/cache/tiny.gguf');
    await Promise.all([byPath.close(), relative.close(), ref.close()]);
  });
});

describe('llama-cpp engine: thread defaults', () => {
  it('uses one thread for tiny models and every core otherwise', () => {
    expect(defaultThreads(1_200_000, 8)).toBe(1);
    expect(defaultThreads(2_000_000_000, 8)).toBe(8);
  });
});

// ---- a GGUF copy with a chat template ---------------------------------------------------------

const CHATML =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/**
 * Copies a GGUF file adding `tokenizer.chat_template`: the header's key/value list grows by one,
 * the tensor table is kept, and the tensor data moves to the next aligned offset.
 */
function withChatTemplate(src: string, dst: string, template: string): string {
  const buf = readFileSync(src);
  let o = 4 + 4; // magic, version
  const u32 = () => ((o += 4), buf.readUInt32LE(o - 4));
  const u64 = () => ((o += 8), Number(buf.readBigUInt64LE(o - 8)));
  const skipString = () => {
    const n = u64(); // read before adding: `o += u64()` would use the old `o`
    o += n;
  };
  const SIZES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
  const skipValue = (type: number): void => {
    if (type === 8) skipString();
    else if (type === 9) {
      const itemType = u32();
      for (let n = u64(); n > 0; n--) skipValue(itemType);
    } else o += SIZES[type]!;
  };
  const tensors = u64();
  const kvCountAt = o;
  const kvs = u64();
  let alignment = 32;
  for (let i = 0; i < kvs; i++) {
    const keyLen = u64();
    const key = buf.toString('utf8', o, o + keyLen);
    o += keyLen;
    const type = u32();
    if (key === 'general.alignment') alignment = buf.readUInt32LE(o);
    skipValue(type);
  }
  const kvEnd = o;
  for (let i = 0; i < tensors; i++) {
    skipString();
    const dims = u32();
    o += 8 * dims + 4 + 8; // dims, type, offset
  }
  const infoEnd = o;
  const align = (n: number) => Math.ceil(n / alignment) * alignment;
  const str = (s: string) => {
    const b = Buffer.from(s);
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(b.length));
    return Buffer.concat([len, b]);
  };
  const type = Buffer.alloc(4);
  type.writeUInt32LE(8); // string
  const head = Buffer.from(buf.subarray(0, kvEnd));
  head.writeBigUInt64LE(BigInt(kvs + 1), kvCountAt);
  const parts = [head, str('tokenizer.chat_template'), type, str(template), buf.subarray(kvEnd, infoEnd)];
  const length = parts.reduce((n, p) => n + p.length, 0);
  writeFileSync(dst, Buffer.concat([...parts, Buffer.alloc(align(length) - length), buf.subarray(align(infoEnd))]));
  return dst;
}
