// The sentiment request through the HTTP engines' generate (core/analysis/sentiment.ts): Ollama and
// an OpenAI-compatible server (fakes: only the wire is fake, so what they receive is the real
// structured request; the label in their answer is scripted here, never the fake's). The embedded
// engine's grammar path is checked on the real stories260K.gguf in llama-cpp-engine.test.ts, with
// the model that file already loads (the answer's shape only: a story model has no opinion).
import { afterAll, describe, expect, it } from 'vitest';
import { parseSentiment, SENTIMENT_SCHEMA, sentimentRequest } from '../../src/core/analysis/sentiment.js';
import type { Engine } from '../../src/core/engine.js';
import { createOllamaEngine } from '../../src/engines/ollama/engine.js';
import { createOpenAIEngine } from '../../src/engines/openai/engine.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';
import { useFakeOpenAI } from '../helpers/use-fake-openai.js';

const ollama = useFakeOllama();
const openai = useFakeOpenAI();
const engines: Engine[] = [];
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
});

const REPLY = 'Das ist jetzt das dritte Mal, dass die Rechnung falsch ist. Ich bin wirklich verärgert.';
const ANSWER = JSON.stringify({ sentiment: 'negative', confidence: 0.93, reason: 'Complains about a wrong invoice.' });
const request = () => sentimentRequest(REPLY, { temperature: 0.8, seed: 11, num_ctx: 4096, num_predict: 600 });

/** The text the request carries, read back from its fenced block. */
function fencedMessage(messages: { role: string; content: string }[]): string {
  const block = /```json\n([\s\S]*?)\n```/.exec(messages.at(-1)!.content)![1]!;
  return (JSON.parse(block) as { message: string }).message;
}

describe('the sentiment request on the wire', () => {
  it('Ollama: /api/chat gets the schema as `format`, temperature 0, a small budget; the answer parses', async () => {
    ollama.server.setBehaviour({ content: ANSWER });
    const e = createOllamaEngine({ host: ollama.server.url, model: 'llama3.2' });
    engines.push(e);
    const result = await e.generate(request());
    const sent = ollama.chats().at(-1)!.body;
    expect(sent.format).toEqual(SENTIMENT_SCHEMA);
    expect(sent.options).toMatchObject({ temperature: 0, seed: 11, num_ctx: 4096, num_predict: 160 });
    expect(sent.messages[0].role).toBe('system');
    expect(fencedMessage(sent.messages)).toBe(REPLY);
    expect(parseSentiment(result.text)).toEqual({ label: 'negative', confidence: 0.93, reason: 'Complains about a wrong invoice.' });
  });

  it('OpenAI-compatible: response_format json_schema carries the schema, temperature 0, max_tokens; the answer parses', async () => {
    openai.server.setBehaviour({ content: ANSWER });
    const e = createOpenAIEngine({ baseUrl: openai.server.url, model: 'llama3.2' });
    engines.push(e);
    const result = await e.generate(request());
    const sent = openai.chats().at(-1)!.body;
    expect(sent.response_format).toMatchObject({ type: 'json_schema', json_schema: { schema: SENTIMENT_SCHEMA, strict: true } });
    expect(sent).toMatchObject({ temperature: 0, seed: 11, max_tokens: 160 });
    expect(fencedMessage(sent.messages)).toBe(REPLY);
    expect(parseSentiment(result.text).label).toBe('negative');
  });
});
