// The OpenAI-compatible engine: POST {base}/chat/completions streamed as Server-Sent Events (or
// whole, `stream: false`), GET {base}/models, over node:http with keep-alive (transport.ts). The
// draft schema goes as response_format json_schema (strict); a server that refuses it (a 400 naming
// response_format or the schema) gets json_object from then on, the runner's parse-and-retry path
// catching what does not fit, and the user is told once. finish_reason "length" is a cut draft,
// as Ollama's done_reason. Every failure is mapped in errors.ts.
import type { IncomingMessage } from 'node:http';
import { withDeadline as deadline } from '../deadline.js';
import { CallbackError, type Engine, type GenerateRequest, type GenerateResult } from '../../core/engine.js';
import { authHeaders, type ApiKey } from './api-key.js';
import { serves } from './doctor-checks.js';
import { assertEmbedModelServed, openaiEmbedder } from './embed.js';
import { CutStream, StreamErrorEvent, errorBodyMessage, missingModel, refusesSchema, toEngineError, type ErrorContext } from './errors.js';
import { SseReader } from './sse.js';
import { pinnedLookup } from '../../io/resolve-host.js';
import { keepAliveAgents, type Agents } from '../http-agents.js';
import { readAll, send } from './transport.js';

export interface OpenAIEngineOptions {
  /** e.g. http://127.0.0.1:8000/v1 (host.ts). */
  baseUrl: string;
  model: string;
  key?: ApiKey;
  /** Deadline for one whole request, queue wait included. Default 10 minutes. */
  requestTimeoutMs?: number;
  /** Model ids from a /models answer the caller already has: prepare() checks them instead of asking again. */
  knownModels?: string[];
  /** Said once when the server refuses the draft schema. */
  note?: (message: string) => void;
  /** Stream the answer (default true). */
  stream?: boolean;
  /** The addresses the remote check resolved: connect to these, never asking DNS again. */
  addresses?: readonly string[];
  /** The profile's model.embed: the engine then has embed() (POST {base}/embeddings with this model). */
  embedModel?: string;
}

export interface OpenAIModelInfo {
  id: string;
  ownedBy?: string;
  /** vLLM's context length. */
  maxModelLen?: number;
}

type Format = 'json_schema' | 'json_object';
type Answer = Omit<GenerateResult, 'totalMs'>;

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const PREPARE_TIMEOUT_MS = 30_000;

export function createOpenAIEngine(opts: OpenAIEngineOptions): Engine {
  const { baseUrl, model, key } = opts;
  const timeoutMs = opts.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const agents = keepAliveAgents(opts.addresses ? pinnedLookup(opts.addresses) : undefined);
  const headers = authHeaders(key);
  const base: ErrorContext = { baseUrl, model, ...(key ? { key } : {}) };
  let format: Format = 'json_schema';
  let closed = false;

  return {
    info: { engine: 'openai', model, location: baseUrl },

    async prepare(signal) {
      const ids =
        opts.knownModels ??
        (await withDeadline(signal, Math.min(timeoutMs, PREPARE_TIMEOUT_MS), { ...base, retryable: false }, (c) => fetchModels(agents, baseUrl, headers, c))).map((m) => m.id);
      base.models = ids;
      if (!serves(ids, model)) throw missingModel(base);
      if (opts.embedModel !== undefined) assertEmbedModelServed(ids, opts.embedModel, baseUrl);
    },

    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const started = performance.now();
      for (;;) {
        const asked = format;
        const body = chatBody(model, request, asked, opts.stream ?? true);
        const answer = await withDeadline(request.signal, timeoutMs, { ...base }, async (c, ctx) => {
          try {
            const res = await send(agents, `${baseUrl}/chat/completions`, { method: 'POST', headers, body, controller: c });
            ctx.midStream = true;
            return await readAnswer(res, request.onText);
          } catch (err) {
            if (asked === 'json_schema' && refusesSchema(err)) return 'refused' as const;
            throw err;
          }
        });
        if (answer !== 'refused') return { ...answer, totalMs: performance.now() - started };
        if (format === 'json_schema') {
          format = 'json_object';
          opts.note?.(`the server at ${baseUrl} does not take a JSON schema (response_format json_schema); asking for any JSON object instead and checking each answer`);
        }
      }
    },

    ...(opts.embedModel !== undefined ? { embed: openaiEmbedder({ baseUrl, model: opts.embedModel, agents, timeoutMs, ...(key ? { key } : {}) }) } : {}),

    async close() {
      if (closed) return;
      closed = true;
      agents.destroy();
    },
  };
}

/** The request body: the model's own fields for seed, temperature and the token limit. */
export function chatBody(model: string, request: GenerateRequest, format: Format, stream: boolean): string {
  const o = request.options;
  return JSON.stringify({
    model,
    messages: request.messages,
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
    ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.num_predict !== undefined ? { max_tokens: o.num_predict } : {}),
    response_format: format === 'json_schema' ? { type: 'json_schema', json_schema: { name: 'draft', schema: request.schema, strict: true } } : { type: 'json_object' },
  });
}

interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
}

/** The answer, streamed (SSE) or whole (a server may ignore `stream`: the content type decides). */
async function readAnswer(res: IncomingMessage, onText: ((text: string) => void) | undefined): Promise<Answer> {
  if (!/text\/event-stream/i.test(String(res.headers['content-type'] ?? ''))) {
    const whole = JSON.parse(await readAll(res)) as { error?: unknown; choices?: { message?: { content?: string }; finish_reason?: string }[]; usage?: Usage };
    if (whole.error !== undefined) throw new StreamErrorEvent(errorBodyMessage(JSON.stringify(whole)));
    const choice = whole.choices?.[0];
    const text = choice?.message?.content ?? '';
    if (text !== '') notify(onText, text);
    return result(text, choice?.finish_reason, whole.usage, undefined);
  }
  const sse = new SseReader();
  let text = '';
  let finish: string | undefined;
  let usage: Usage | undefined;
  let done = false;
  let firstAt: number | undefined;
  const handle = (data: string) => {
    if (done) return;
    if (data === '[DONE]') return void (done = true);
    const chunk = JSON.parse(data) as { error?: unknown; choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[]; usage?: Usage | null };
    if (chunk.error !== undefined) throw new StreamErrorEvent(errorBodyMessage(data));
    const choice = chunk.choices?.[0];
    const piece = choice?.delta?.content;
    if (typeof piece === 'string' && piece !== '') {
      firstAt ??= performance.now();
      text += piece;
      notify(onText, piece);
    }
    if (choice?.finish_reason) finish = choice.finish_reason;
    if (chunk.usage) usage = chunk.usage;
  };
  // Read to the end even after [DONE]: the server ends the response there, and a response read
  // to its end leaves its socket to the keep-alive agent.
  for await (const piece of res) for (const data of sse.push(piece as string)) handle(data);
  for (const data of sse.end()) handle(data);
  if (!done && finish === undefined) throw new CutStream();
  return result(text, finish, usage, firstAt);
}

function result(text: string, finish: string | undefined, usage: Usage | undefined, firstAt: number | undefined): Answer {
  return {
    text,
    ...(usage?.completion_tokens ? { evalCount: usage.completion_tokens } : {}),
    ...(usage?.completion_tokens && firstAt !== undefined ? { evalMs: performance.now() - firstAt } : {}),
    ...(usage?.prompt_tokens ? { promptEvalCount: usage.prompt_tokens } : {}),
    ...(finish ? { doneReason: finish } : {}),
  };
}

function notify(onText: ((text: string) => void) | undefined, piece: string): void {
  try {
    onText?.(piece);
  } catch (err) {
    throw new CallbackError(err);
  }
}

/** The server's models (GET {base}/models), for prepare, `models`, `doctor` and the `auto` probe. */
export async function listOpenAIModels(
  baseUrl: string,
  key: ApiKey | undefined,
  signal?: AbortSignal,
  timeoutMs = PREPARE_TIMEOUT_MS,
  addresses?: readonly string[],
): Promise<OpenAIModelInfo[]> {
  const agents = keepAliveAgents(addresses ? pinnedLookup(addresses) : undefined);
  try {
    return await withDeadline(signal, timeoutMs, { baseUrl, retryable: false, ...(key ? { key } : {}) }, (c) => fetchModels(agents, baseUrl, authHeaders(key), c));
  } finally {
    agents.destroy();
  }
}

async function fetchModels(agents: Agents, baseUrl: string, headers: Record<string, string>, c: AbortController): Promise<OpenAIModelInfo[]> {
  const res = await send(agents, `${baseUrl}/models`, { method: 'GET', headers, controller: c });
  const list = JSON.parse(await readAll(res)) as { data?: { id?: unknown; owned_by?: unknown; max_model_len?: unknown }[] };
  if (!Array.isArray(list?.data)) throw new SyntaxError('no "data" list in the /models answer: is --host an OpenAI-compatible server?');
  return list.data
    .filter((m) => typeof m?.id === 'string')
    .map((m) => ({
      id: m.id as string,
      ...(typeof m.owned_by === 'string' ? { ownedBy: m.owned_by } : {}),
      ...(typeof m.max_model_len === 'number' ? { maxModelLen: m.max_model_len } : {}),
    }));
}

/** Runs fn with a controller fired by the caller's abort or our deadline; maps what it throws (../deadline.ts). */
function withDeadline<T>(callerSignal: AbortSignal | undefined, timeoutMs: number, ctx: ErrorContext, fn: (c: AbortController, ctx: ErrorContext) => Promise<T>): Promise<T> {
  return deadline(callerSignal, timeoutMs, ctx, toEngineError, fn);
}
