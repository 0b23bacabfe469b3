// The Ollama engine: ollama-js speaks the protocol, one client per request so each stream aborts on
// its own. Its fetch is lean-fetch.ts (node:http with keep-alive, no web streams, no hidden
// timeouts): our own deadline (requestTimeoutMs) is the only one, so a slow queue or model load is
// not cut at fetch's 300 s.
// Every failure is mapped in one place (errors.ts, toEngineError) to a message, a hint and a retry decision.
import type { ChatResponse, Ollama } from 'ollama';
import { EngineError } from '../../core/errors.js';
import { withDeadline as deadline } from '../deadline.js';
import { toEngineError, type ErrorContext } from './errors.js';
import { hasOllamaModel } from './model-name.js';
import { CallbackError, type Engine, type EngineInfo, type GenerateRequest, type GenerateResult } from '../../core/engine.js';
import { keepAliveAgents } from '../http-agents.js';
import { client } from './client.js';
import { assertEmbedModelInstalled, embedMethod } from './embed.js';
import { pinnedLookup } from '../../io/resolve-host.js';

export interface OllamaEngineOptions {
  host: string;
  model: string;
  /** Deadline for one whole request, queue wait included. Default 10 minutes. */
  requestTimeoutMs?: number;
  keepAlive?: string;
  /** Models from an /api/tags answer the caller already has: prepare() checks them instead of asking again. */
  installedModels?: readonly { name: string; digest?: string }[];
  /** The addresses the host name resolved to when it was checked as local: connect to these, not to a fresh lookup. */
  addresses?: readonly string[];
  /** The profile's model.embed: the engine then has embed() (POST /api/embed with this model). */
  embedModel?: string;
}

export interface OllamaModelInfo {
  name: string;
  /** The model's digest (sha256 hex), recorded with each draft as provenance. */
  digest?: string;
  size: number;
  parameterSize: string;
  quantization: string;
  modifiedAt: string;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** /api/tags answers at once on a healthy server; do not wait minutes to say it is not there. */
const PREPARE_TIMEOUT_MS = 30_000;

export function createOllamaEngine(opts: OllamaEngineOptions): Engine {
  const { host, model } = opts;
  const timeoutMs = opts.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const agent = keepAliveAgents(opts.addresses ? pinnedLookup(opts.addresses) : undefined);
  let closed = false;
  const info: EngineInfo = { engine: 'ollama', model, location: host };

  return {
    info,

    async prepare(signal) {
      const models =
        opts.installedModels ??
        (await withDeadline(signal, Math.min(timeoutMs, PREPARE_TIMEOUT_MS), host, { retryable: false }, async (s) => {
          const list = await client(host, agent, s).list();
          return list.models.map((m) => ({ name: m.name, digest: m.digest }));
        }));
      const digest = installedDigest(models, model, host);
      if (opts.embedModel !== undefined) assertEmbedModelInstalled(models.map((m) => m.name), opts.embedModel, host);
      // The digest from the same answer: no extra request for provenance.
      if (digest) info.digest = digest;
    },

    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const started = performance.now();
      return withDeadline(request.signal, timeoutMs, host, { model }, async (s, ctx) => {
        const stream = await client(host, agent, s).chat({
          model,
          messages: request.messages,
          format: request.schema,
          options: request.options,
          stream: true,
          // false is accepted by every model (only true is refused by non-thinking ones) and keeps
          // thinking models from spending tokens on hidden reasoning before the JSON answer.
          think: false,
          ...(opts.keepAlive !== undefined ? { keep_alive: opts.keepAlive } : {}),
        });
        ctx.midStream = true;
        const { text, last } = await readAnswer(stream, request.onText);
        return {
          text,
          evalCount: last?.eval_count || undefined,
          evalMs: last?.eval_duration ? last.eval_duration / 1e6 : undefined,
          promptEvalCount: last?.prompt_eval_count || undefined,
          totalMs: performance.now() - started,
          doneReason: last?.done_reason || undefined,
        };
      });
    },

    ...embedMethod({ host, model: opts.embedModel, agent, timeoutMs, keepAlive: opts.keepAlive }),

    async close() {
      if (closed) return;
      closed = true;
      agent.destroy();
    },
  };
}

/** Throws when the model is not installed; else its digest, when the answer gave one. */
function installedDigest(models: readonly { name: string; digest?: string }[], model: string, host: string): string | undefined {
  const names = models.map((m) => m.name);
  if (!hasOllamaModel(names, model)) {
    const installed = names.length > 0 ? `installed: ${names.join(', ')}` : 'no models are installed';
    throw new EngineError(`Model "${model}" is not available on Ollama at ${host} (${installed})`, {
      hint: `Run \`ollama pull ${model}\`, or choose an installed model with --model`,
    });
  }
  return models.find((m) => hasOllamaModel([m.name], model))?.digest;
}

/** The streamed answer's text, piece by piece to onText, and its last part (the counts and timings). */
async function readAnswer(
  stream: AsyncIterable<ChatResponse> & { abort(): void },
  onText: ((text: string) => void) | undefined,
): Promise<{ text: string; last: ChatResponse | undefined }> {
  let text = '';
  let last: ChatResponse | undefined;
  let complete = false;
  try {
    for await (const part of stream) {
      const piece = part.message?.content ?? '';
      if (piece !== '') {
        text += piece;
        notify(onText, piece);
      }
      last = part;
    }
    complete = true;
  } finally {
    // A throw mid-stream does not cancel the HTTP request; this does. A finished stream
    // needs nothing (aborting it would only build an AbortError to throw away).
    if (!complete) stream.abort();
  }
  return { text, last };
}

/** Installed models, for `models` and `doctor`. */
export async function listOllamaModels(host: string, signal?: AbortSignal, addresses?: readonly string[]): Promise<OllamaModelInfo[]> {
  return oneShot(host, signal, addresses, async (c) => {
    const list = await c.list();
    return list.models.map((m) => ({
      name: m.name,
      ...(m.digest ? { digest: m.digest } : {}),
      size: m.size,
      parameterSize: m.details?.parameter_size ?? '',
      quantization: m.details?.quantization_level ?? '',
      modifiedAt: String(m.modified_at), // typed Date, a string on the wire
    }));
  });
}

/** The server's version string, e.g. "0.33.0". */
export async function ollamaVersion(host: string, signal?: AbortSignal, addresses?: readonly string[]): Promise<string> {
  return oneShot(host, signal, addresses, async (c) => (await c.version()).version);
}

async function oneShot<T>(host: string, signal: AbortSignal | undefined, addresses: readonly string[] | undefined, fn: (c: Ollama) => Promise<T>): Promise<T> {
  const agent = keepAliveAgents(addresses ? pinnedLookup(addresses) : undefined);
  try {
    return await withDeadline(signal, PREPARE_TIMEOUT_MS, host, { retryable: false }, (s) => fn(client(host, agent, s)));
  } finally {
    agent.destroy();
  }
}

function notify(onText: ((t: string) => void) | undefined, piece: string): void {
  try {
    onText?.(piece);
  } catch (err) {
    throw new CallbackError(err);
  }
}

// ---- deadlines and errors ---------------------------------------------------------------

/** Runs fn with a signal that fires on the caller's abort or our deadline; maps what it throws (../deadline.ts). */
function withDeadline<T>(
  callerSignal: AbortSignal | undefined,
  timeoutMs: number,
  host: string,
  extra: Omit<ErrorContext, 'host'>,
  fn: (request: AbortController, ctx: ErrorContext) => Promise<T>,
): Promise<T> {
  return deadline(callerSignal, timeoutMs, { host, ...extra }, toEngineError, fn);
}
