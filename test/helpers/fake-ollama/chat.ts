// /api/chat and /api/generate: the checks Ollama makes before generating (model, format, options,
// a free slot), then the answer: NDJSON pieces with the metrics in the final `done` chunk, or one
// JSON object when `stream: false`. Every other line goes out in two writes, split mid-character,
// so clients are tested on partial lines; scripted stream errors, cuts and delays happen here.
import type { ServerResponse } from 'node:http';
import { earlyError, type Behaviour } from './behaviour.js';
import { defaultContent } from './content.js';
import type { SetStatus } from './endpoints.js';
import type { FakeModel, ModelCatalog } from './models.js';
import type { RecordedRequest } from './requests.js';
import type { Slots } from './slots.js';
import { createdAt, drained, JSON_CT, NDJSON, sendJson, sleep, write } from './wire.js';

export interface Generator {
  catalog: ModelCatalog;
  slots: Slots;
  /** Requests allowed to wait for a slot before 503. */
  maxQueue: number;
}

/** Checks the request, waits for a slot, then answers it (or sends the scripted error). */
export async function answerGeneration(
  server: Generator,
  res: ServerResponse,
  rec: RecordedRequest,
  b: Behaviour,
  gone: AbortSignal,
  status: SetStatus,
): Promise<void> {
  const body = rec.body as Record<string, any>;
  if (typeof body.model !== 'string' || body.model === '') return void sendJson(res, status(400), { error: 'model is required' });
  const model = server.catalog.find(body.model);
  if (!model) return void sendJson(res, status(404), { error: `model '${body.model}' not found` });
  const invalid = validateRequest(body, model);
  if (invalid) return void sendJson(res, status(400), { error: invalid });
  if (server.slots.waiting >= server.maxQueue)
    return void sendJson(res, status(503), { error: 'server busy, please try again.  maximum pending requests exceeded' });

  if (!(await server.slots.acquire(gone))) return;
  try {
    if (await earlyError(res, b, rec, gone)) return;
    await generate(res, rec, b, rec.path === '/api/chat', gone, status);
  } finally {
    server.slots.release();
  }
}

/** Request checks Ollama makes before generating; returns the 400 message or undefined. */
function validateRequest(body: Record<string, any>, model: FakeModel): string | undefined {
  const f = body.format;
  if (f !== undefined && f !== '' && f !== 'json' && (typeof f !== 'object' || f === null || Array.isArray(f)))
    return `invalid format: ${JSON.stringify(f)}; expected "json" or a valid JSON Schema`;
  const o = body.options ?? {};
  for (const key of ['seed', 'num_ctx', 'num_predict', 'top_k']) {
    if (o[key] !== undefined && !Number.isInteger(o[key])) return `option "${key}" must be of type integer`;
  }
  for (const key of ['temperature', 'top_p']) {
    if (o[key] !== undefined && typeof o[key] !== 'number') return `option "${key}" must be of type float`;
  }
  if (body.think === true && !(model.capabilities ?? []).includes('thinking')) return `"${body.model}" does not support thinking`;
  if (body.messages !== undefined && !Array.isArray(body.messages)) return 'json: cannot unmarshal object into Go struct field ChatRequest.messages of type []api.Message';
  return undefined;
}

/** One generation's answer, planned before anything is sent. */
interface Answer {
  body: Record<string, any>;
  chat: boolean;
  /** messages:[] (or no prompt): a load (or, with keep_alive 0, an unload), no text. */
  empty: boolean;
  text: string;
  doneReason: string;
  /** The streamed pieces, without the one the final chunk carries. */
  pieces: string[];
  finalText: string;
  started: bigint;
  firstToken: bigint;
}

function planAnswer(rec: RecordedRequest, b: Behaviour, chat: boolean): Answer {
  const started = process.hrtime.bigint();
  const body = rec.body as Record<string, any>;
  const empty = chat ? Array.isArray(body.messages) && body.messages.length === 0 : body.prompt === undefined || body.prompt === '';
  // messages:[] (or no prompt) only loads the model; with keep_alive 0 it unloads it.
  const text = empty ? '' : typeof b.content === 'function' ? b.content(rec) : (b.content ?? defaultContent(body));
  const doneReason = empty ? (body.keep_alive === 0 || body.keep_alive === '0' ? 'unload' : 'load') : (b.doneReason ?? 'stop');
  const pieces = splitPieces(text, b.pieceChars ?? 12);
  const finalText = b.finalText !== false && pieces.length > 1 ? pieces.pop()! : '';
  return { body, chat, empty, text, doneReason, pieces, finalText, started, firstToken: started };
}

async function generate(res: ServerResponse, rec: RecordedRequest, b: Behaviour, chat: boolean, gone: AbortSignal, status: SetStatus): Promise<void> {
  const a = planAnswer(rec, b, chat);
  const stream = a.body.stream !== false; // Ollama streams unless told otherwise
  if (b.headersDelayMs) {
    res.writeHead(status(200), { 'Content-Type': stream ? NDJSON : JSON_CT });
    res.flushHeaders();
  }
  if (b.latencyMs && !(await sleep(b.latencyMs, gone))) return;
  a.firstToken = process.hrtime.bigint();

  if (!stream) {
    if (!res.headersSent) res.writeHead(status(200), { 'Content-Type': JSON_CT });
    rec.status = 200;
    res.end(JSON.stringify(finalChunk(a, a.text)));
    return;
  }
  if (!res.headersSent) res.writeHead(status(200), { 'Content-Type': NDJSON });
  const lines = a.empty ? [] : a.pieces.map((p) => `${JSON.stringify(chunk(a, p, false))}\n`);
  if (!(await streamLines(res, lines, b, gone))) return;
  if (b.streamError) {
    await write(res, `${JSON.stringify({ error: b.streamError.message ?? 'an error was encountered while running the model' })}\n`);
    res.end();
    return;
  }
  if (b.cutAfterChunks !== undefined) {
    res.socket?.destroy();
    return;
  }
  res.end(`${JSON.stringify(finalChunk(a, a.finalText))}\n`);
}

/** Writes the lines up to a scripted stream error or cut; false when the client went away. */
async function streamLines(res: ServerResponse, lines: string[], b: Behaviour, gone: AbortSignal): Promise<boolean> {
  let sent = 0;
  for (const [i, line] of lines.entries()) {
    if (b.streamError && sent >= (b.streamError.afterChunks ?? 1)) break;
    if (b.cutAfterChunks !== undefined && sent >= b.cutAfterChunks) break;
    // Every other line goes out in two writes, split mid-character when the line has one.
    const parts = i % 2 === 1 ? splitLineBytes(line) : [Buffer.from(line)];
    for (const part of parts) {
      if (gone.aborted) return false;
      if (b.chunkDelayMs || b.cutAfterChunks !== undefined) {
        // Wait for each write to reach the socket: pieces arrive apart, and a cut comes after them.
        await write(res, part, gone);
        if (b.chunkDelayMs && !(await sleep(b.chunkDelayMs, gone))) return false;
      } else if (!res.write(part)) {
        await drained(res, gone); // backpressure: wait for the socket to take it
      }
    }
    sent++;
  }
  return true;
}

/** A chunk in Go's field order: model, created_at, message (chat) or response, done. */
function chunk(a: Answer, content: string, done: boolean): Record<string, unknown> {
  const base: Record<string, unknown> = { model: a.body.model, created_at: createdAt() };
  if (a.chat) base.message = { role: 'assistant', content };
  else base.response = content;
  base.done = done;
  return base;
}

/** The `done` chunk: done_reason, then the metrics (none for a load or unload). */
function finalChunk(a: Answer, content: string): Record<string, unknown> {
  const now = process.hrtime.bigint();
  const c = chunk(a, content, true);
  c.done_reason = a.doneReason;
  if (a.empty) return c;
  c.total_duration = Number(now - a.started) || 1;
  c.load_duration = 1_250_000;
  c.prompt_eval_count = Math.max(1, Math.ceil(JSON.stringify(a.chat ? a.body.messages : a.body.prompt).length / 4));
  c.prompt_eval_duration = Number(a.firstToken - a.started) || 1;
  c.eval_count = a.pieces.length + (a.finalText ? 1 : 0);
  c.eval_duration = Number(now - a.firstToken) || 1;
  if (!a.chat && a.body.raw !== true) c.context = [1, 2, 3];
  return c;
}

function splitPieces(text: string, size: number): string[] {
  const chars = [...text];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out.length > 0 ? out : [''];
}

/** Two buffers for one line: cut inside a multi-byte character when there is one, else mid-line. */
function splitLineBytes(line: string): Buffer[] {
  const buf = Buffer.from(line);
  let cut = buf.findIndex((byte, i) => i > 0 && (byte & 0xc0) === 0x80); // a continuation byte
  if (cut <= 0) cut = Math.floor(buf.length / 2);
  return [buf.subarray(0, cut), buf.subarray(cut)];
}
