// POST /v1/embeddings as vLLM answers it: {"object":"list","data":[{"object":"embedding","index",
// "embedding"}],"model","usage"}; a model the server does not serve is a 404 in OpenAI's error shape,
// a malformed `input` a 400. The vectors are the fake Ollama's (hashed bag of words, unit length).
import type { ServerResponse } from 'node:http';
import type { RecordedRequest } from '../fake-ollama/index.js';
import { embedInputs, embedWords, fakeEmbedding } from '../fake-ollama/embed.js';
import { errorBody, sendJson } from './wire.js';

export function answerEmbeddings(state: { models: string[] }, res: ServerResponse, rec: RecordedRequest, status: (code: number) => number): void {
  const model = rec.body?.model;
  if (typeof model !== 'string' || !state.models.includes(model)) {
    return void sendJson(res, status(404), errorBody(404, `The model \`${String(model)}\` does not exist.`));
  }
  const inputs = embedInputs(rec.body.input);
  if (!inputs || inputs.length === 0) return void sendJson(res, status(400), errorBody(400, 'input must be a string or a non-empty list of strings', 'input'));
  const tokens = inputs.reduce((n, t) => n + embedWords(t).length, 0);
  sendJson(res, status(200), {
    id: 'embd-fake',
    object: 'list',
    created: 1_760_000_000,
    model,
    data: inputs.map((t, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(t) })),
    usage: { prompt_tokens: tokens, total_tokens: tokens, completion_tokens: 0 },
  });
}
