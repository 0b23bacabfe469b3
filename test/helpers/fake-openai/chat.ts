// POST /v1/chat/completions: the checks a server makes (model, messages, response_format), a free
// slot, then the answer: SSE chunks (role in the first delta, finish_reason on the last content
// chunk, a usage chunk with `choices: []` when stream_options.include_usage, then `data: [DONE]`,
// `: keep-alive` comments between) or one chat.completion object. The text is derived from the
// request as the fake Ollama's is (its content.ts); max_tokens cuts it (finish_reason "length").
import type { ServerResponse } from 'node:http';
import { defaultContent, type RecordedRequest } from '../fake-ollama/index.js';
import type { Slots } from '../fake-ollama/slots.js';
import type { Behaviour } from './behaviour.js';
import { errorBody, event, JSON_CT, sendJson, sleep, write, writeStream } from './wire.js';

export interface ChatServer {
  models: string[];
  slots: Slots;
  /** 'refuse': a json_schema response_format is a 400 (only json_object works), as older servers do. */
  schema: 'accept' | 'refuse';
  /** SSE line ending: "\n" (vLLM) or "\r\n" (sse-starlette's default). */
  eol: string;
}

type SetStatus = (code: number) => number;

export async function answerChat(server: ChatServer, res: ServerResponse, rec: RecordedRequest, b: Behaviour, gone: AbortSignal, status: SetStatus): Promise<void> {
  const body = rec.body as Record<string, any>;
  const invalid = checkRequest(server, body);
  if (invalid) return void sendJson(res, status(invalid.status), errorBody(invalid.status, invalid.message, invalid.param ?? null));
  if (!(await server.slots.acquire(gone))) return;
  try {
    if (b.latencyMs && !(await sleep(b.latencyMs, gone))) return;
    if (b.status !== undefined || b.error !== undefined || b.rawErrorBody !== undefined) return void sendError(res, b, status);
    const a = planAnswer(rec, b);
    if (body.stream === true) await stream(server, res, a, b, gone, status);
    else {
      res.writeHead(status(200), { 'Content-Type': JSON_CT });
      res.end(JSON.stringify(completion(a)));
    }
  } finally {
    server.slots.release();
  }
}

function checkRequest(server: ChatServer, body: Record<string, any>): { status: number; message: string; param?: string } | undefined {
  if (typeof body.model !== 'string') return { status: 400, message: 'model is required', param: 'model' };
  if (!server.models.includes(body.model)) return { status: 404, message: `The model \`${body.model}\` does not exist.`, param: 'model' };
  if (!Array.isArray(body.messages) || body.messages.length === 0) return { status: 400, message: 'messages must be a non-empty list', param: 'messages' };
  const f = body.response_format;
  if (f !== undefined) {
    if (!['text', 'json_object', 'json_schema'].includes(f?.type)) return { status: 400, message: `invalid response_format type: ${JSON.stringify(f?.type)}`, param: 'response_format' };
    if (f.type === 'json_schema') {
      if (server.schema === 'refuse') return { status: 400, message: "response_format type 'json_schema' is not supported by this server", param: 'response_format' };
      if (typeof f.json_schema?.name !== 'string' || typeof f.json_schema?.schema !== 'object') return { status: 400, message: 'json_schema needs a name and a schema', param: 'response_format' };
    }
  }
  return undefined;
}

function sendError(res: ServerResponse, b: Behaviour, status: SetStatus): void {
  const code = status(b.status ?? 500);
  const headers: Record<string, string> = b.retryAfter !== undefined ? { 'Retry-After': b.retryAfter } : {};
  if (b.rawErrorBody !== undefined) {
    res.writeHead(code, { 'Content-Type': b.contentType ?? 'text/plain; charset=utf-8', ...headers });
    return void res.end(b.rawErrorBody);
  }
  sendJson(res, code, errorBody(code, b.error ?? 'an error was encountered while running the model'), headers);
}

interface Answer {
  id: string;
  created: number;
  model: string;
  text: string;
  finish: string;
  promptTokens: number;
  usage: boolean;
  pieceChars: number;
}

function planAnswer(rec: RecordedRequest, b: Behaviour): Answer {
  const body = rec.body as Record<string, any>;
  const f = body.response_format;
  const format = f?.type === 'json_schema' ? f.json_schema.schema : f?.type === 'json_object' ? 'json' : undefined;
  let text = typeof b.content === 'function' ? b.content(rec) : (b.content ?? defaultContent({ messages: body.messages, format }));
  let finish = b.finishReason ?? 'stop';
  const limit = body.max_completion_tokens ?? body.max_tokens;
  if (typeof limit === 'number' && text.length > limit * 4) {
    text = text.slice(0, limit * 4); // about four characters a token
    finish = 'length';
  }
  const promptTokens = Math.max(1, Math.ceil(JSON.stringify(body.messages).length / 4));
  return { id: `chatcmpl-${rec.rawBody.length}${Date.now() % 100000}`, created: Math.floor(Date.now() / 1000), model: body.model, text, finish, promptTokens, usage: body.stream_options?.include_usage === true, pieceChars: b.pieceChars ?? 12 };
}

const tokens = (text: string) => Math.ceil(text.length / 4);

function completion(a: Answer): unknown {
  return {
    id: a.id,
    object: 'chat.completion',
    created: a.created,
    model: a.model,
    choices: [{ index: 0, message: { role: 'assistant', content: a.text }, logprobs: null, finish_reason: a.finish }],
    usage: { prompt_tokens: a.promptTokens, completion_tokens: tokens(a.text), total_tokens: a.promptTokens + tokens(a.text) },
  };
}

async function stream(server: ChatServer, res: ServerResponse, a: Answer, b: Behaviour, gone: AbortSignal, status: SetStatus): Promise<void> {
  res.writeHead(status(200), { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
  const eol = server.eol;
  const chunk = (delta: object, finish: string | null) =>
    event(JSON.stringify({ id: a.id, object: 'chat.completion.chunk', created: a.created, model: a.model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] }), eol);
  const pieces = [...a.text].reduce<string[]>((out, ch, i) => (i % a.pieceChars === 0 ? out.push(ch) : (out[out.length - 1] += ch), out), []);
  const stop = b.cutAfterChunks ?? b.streamError?.afterChunks ?? (b.streamError ? 1 : Infinity);
  let text = `: keep-alive${eol}${eol}${chunk({ role: 'assistant', content: '' }, null)}`;
  for (const [i, p] of pieces.entries()) {
    if (i >= stop) break;
    if (i > 0 && i % 7 === 0) text += `: keep-alive${eol}${eol}`;
    text += chunk({ content: p }, i === pieces.length - 1 ? a.finish : null);
  }
  if (b.cutAfterChunks !== undefined) {
    if (await writeStream(res, text, b.chunkDelayMs ?? 1, gone)) await write(res, '', gone);
    return void res.socket?.destroy();
  }
  if (b.streamError) text += event(JSON.stringify(errorBody(500, b.streamError.message ?? 'an error was encountered while running the model')), eol);
  else if (a.usage) {
    const usage = { prompt_tokens: a.promptTokens, completion_tokens: tokens(a.text), total_tokens: a.promptTokens + tokens(a.text) };
    text += event(JSON.stringify({ id: a.id, object: 'chat.completion.chunk', created: a.created, model: a.model, choices: [], usage }), eol);
  }
  text += event('[DONE]', eol);
  if (await writeStream(res, text, b.chunkDelayMs, gone)) res.end();
}
