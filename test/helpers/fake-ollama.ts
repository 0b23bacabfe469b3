// A fake Ollama server (node:http, 127.0.0.1, port 0) that speaks the wire protocol as
// ../shared/docs/ollama-and-libraries.md describes it: NDJSON streaming by default, Go field order,
// metrics in the final chunk, {"error"} bodies with Ollama's statuses, plain-text / and 404 pages.
// What it "generates" is derived from the request (the recipient JSON in the last user message, the
// `format` schema), so tests can check that the right recipient got the right draft. Behaviour
// knobs (latency, slots, errors before/after output, cut connections, stalls) are set per server,
// per request via a queue, or by a function of the request. It records every request.
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Behaviour {
  /** Wait before the first chunk; headers go out with it, as Ollama does. */
  latencyMs?: number;
  /** Wait between writes of the stream. */
  chunkDelayMs?: number;
  /** Flush the headers after this wait, then wait latencyMs before the first chunk. */
  headersDelayMs?: number;
  /** Error before any output: this status (default 500) and `{"error": error}`. */
  status?: number;
  error?: string;
  /** Error body sent verbatim instead of JSON (plain text, HTML...), with `contentType` (default text/plain). */
  rawErrorBody?: string;
  contentType?: string;
  /** After this many chunks, write `{"error": message}` (status stays 200) and end. */
  streamError?: { afterChunks?: number; message?: string };
  /** After this many chunks, destroy the socket. */
  cutAfterChunks?: number;
  /** Never answer; the request ends only when the client (or close()) hangs up. */
  hang?: boolean;
  /** Replace the generated text. */
  content?: string | ((req: RecordedRequest) => string);
  /** Characters per streamed piece (default 12). */
  pieceChars?: number;
  /** Put the last piece of text in the final (done) chunk (default true; the client must keep it). */
  finalText?: boolean;
  /** done_reason of the final chunk (default "stop"). */
  doneReason?: string;
}

export type BehaviourFn = (req: RecordedRequest) => Behaviour | undefined;

export interface FakeModel {
  name: string;
  family?: string;
  parameterSize?: string;
  quantization?: string;
  size?: number;
  capabilities?: string[];
}

export interface FakeOllamaOptions extends Behaviour {
  /** Concurrent generations (Ollama's slots); extra requests wait without headers. Default 1. */
  slots?: number;
  /** Requests allowed to wait for a slot before 503 (OLLAMA_MAX_QUEUE). Default 512. */
  maxQueue?: number;
  models?: (string | FakeModel)[];
  version?: string;
  /** Keep every request in `requests` (default true; a 100k-request benchmark may not want to). */
  record?: boolean;
  /** Listen on this port (default 0: any free one), e.g. to bring a closed server back. */
  port?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Parsed JSON body (undefined when absent or not JSON). */
  body: any;
  /** Status sent, once sent. */
  status?: number;
  /** True when the connection closed before the answer was complete (the client hung up, or a cut). */
  clientClosed: boolean;
}

export interface FakeOllama {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Highest number of generations running at once. */
  readonly maxConcurrent: number;
  readonly active: number;
  /** TCP connections accepted so far (a keep-alive client reuses them). */
  readonly connections: number;
  models: FakeModel[];
  /** Behaviour for generation requests (/api/chat, /api/generate); undefined resets to the start options. */
  setBehaviour(b: Behaviour | BehaviourFn | undefined): void;
  /** One-shot behaviours, consumed in order by the next generation requests. */
  enqueue(...b: Behaviour[]): void;
  /** Errors or latency for another endpoint (e.g. '/api/tags'); undefined clears it. */
  setEndpointBehaviour(path: string, b: Behaviour | undefined): void;
  close(): Promise<void>;
}

const NDJSON = 'application/x-ndjson';
const JSON_CT = 'application/json; charset=utf-8';
const TEXT_CT = 'text/plain';
const DEFAULT_MODELS: FakeModel[] = [
  { name: 'llama3.2:latest', family: 'llama', parameterSize: '3.2B', quantization: 'Q4_K_M', size: 2019393189, capabilities: ['completion', 'tools'] },
  { name: 'qwen3:0.6b', family: 'qwen3', parameterSize: '751.63M', quantization: 'Q4_K_M', size: 522653767, capabilities: ['completion', 'tools', 'thinking'] },
];
const ROUTES: Record<string, string[]> = {
  '/': ['GET', 'HEAD'],
  '/api/version': ['GET', 'HEAD'],
  '/api/tags': ['GET', 'HEAD'],
  '/api/ps': ['GET'],
  '/api/chat': ['POST'],
  '/api/generate': ['POST'],
  '/api/show': ['POST'],
  '/api/pull': ['POST'],
};

export async function startFakeOllama(opts: FakeOllamaOptions = {}): Promise<FakeOllama> {
  const { slots = 1, maxQueue = 512, models, version = '0.33.0', record = true, port: listenPort = 0, ...baseBehaviour } = opts;
  const life = new AbortController();
  const sockets = new Set<Socket>();
  const requests: RecordedRequest[] = [];
  const endpointBehaviour = new Map<string, Behaviour>();
  let behaviour: Behaviour | BehaviourFn | undefined;
  let queue: Behaviour[] = [];
  let active = 0;
  let maxConcurrent = 0;
  let connections = 0;
  const waiters: (() => void)[] = [];
  const modelList: FakeModel[] = (models ?? DEFAULT_MODELS).map((m) => (typeof m === 'string' ? { name: m } : { ...m }));

  const findModel = (name: string): FakeModel | undefined => {
    const full = withTag(name);
    return modelList.find((m) => withTag(m.name) === full);
  };

  const behaviourFor = (rec: RecordedRequest): Behaviour => {
    const queued = queue.shift();
    const own = queued ?? (typeof behaviour === 'function' ? behaviour(rec) : behaviour);
    return { ...baseBehaviour, ...own };
  };

  /** Wait for a generation slot without sending anything, like Ollama's scheduler semaphore. */
  const acquire = (gone: AbortSignal): Promise<boolean> => {
    if (active < slots) {
      active++;
      maxConcurrent = Math.max(maxConcurrent, active);
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const grant = () => {
        gone.removeEventListener('abort', quit);
        active++;
        maxConcurrent = Math.max(maxConcurrent, active);
        resolve(true);
      };
      const quit = () => {
        const i = waiters.indexOf(grant);
        if (i >= 0) waiters.splice(i, 1);
        resolve(false);
      };
      waiters.push(grant);
      gone.addEventListener('abort', quit, { once: true });
    });
  };
  const release = () => {
    active--;
    const next = waiters.shift();
    if (next) next();
  };

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: `fake server: ${(err as Error).message}` });
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const rawBody = await readBody(req);
    const rec: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, rawBody, body: tryParse(rawBody), clientClosed: false };
    if (record) requests.push(rec);
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) rec.clientClosed = true;
      gone.abort();
    });
    const onLife = () => gone.abort();
    life.signal.addEventListener('abort', onLife, { once: true });
    res.on('close', () => life.signal.removeEventListener('abort', onLife));
    const status = (code: number) => (rec.status = code);

    const methods = ROUTES[path];
    if (!methods) return void sendText(res, status(404), '404 page not found');
    if (!methods.includes(rec.method)) return void sendText(res, status(405), '405 method not allowed');
    if (path === '/') return void sendText(res, status(200), 'Ollama is running');

    const generating = path === '/api/chat' || path === '/api/generate';
    if (rec.method === 'POST') {
      if (rawBody.trim() === '') return void sendJson(res, status(400), { error: 'missing request body' });
      if (rec.body === undefined) return void sendJson(res, status(400), { error: goDecodeError(rawBody) });
    }
    let b: Behaviour;
    try {
      b = generating ? behaviourFor(rec) : { ...endpointBehaviour.get(path) };
    } catch (err) {
      return void sendJson(res, status(500), { error: `fake server behaviour threw: ${(err as Error).message}` });
    }

    if (b.headersDelayMs) {
      if (!(await sleep(b.headersDelayMs, gone.signal))) return;
    }
    if (!generating && (await earlyError(res, b, rec, gone.signal))) return;

    switch (path) {
      case '/api/version':
        return void sendJson(res, status(200), { version });
      case '/api/tags':
        return void sendJson(res, status(200), { models: modelList.map(tagEntry) });
      case '/api/ps':
        return void sendJson(res, status(200), { models: [] });
      case '/api/show':
        return show(res, rec, status);
      case '/api/pull':
        return pull(res, rec, status);
    }

    // /api/chat and /api/generate
    const body = rec.body as Record<string, any>;
    if (typeof body.model !== 'string' || body.model === '') return void sendJson(res, status(400), { error: 'model is required' });
    const model = findModel(body.model);
    if (!model) return void sendJson(res, status(404), { error: `model '${body.model}' not found` });
    const invalid = validateRequest(body, model);
    if (invalid) return void sendJson(res, status(400), { error: invalid });
    if (waiters.length >= maxQueue)
      return void sendJson(res, status(503), { error: 'server busy, please try again.  maximum pending requests exceeded' });

    if (!(await acquire(gone.signal))) return;
    try {
      if (await earlyError(res, b, rec, gone.signal)) return;
      await generate(res, rec, b, model, path === '/api/chat', gone.signal, status);
    } finally {
      release();
    }
  }

  /** Sends the configured error (or hangs) before any output; true when the request is dealt with. */
  async function earlyError(res: ServerResponse, b: Behaviour, rec: RecordedRequest, gone: AbortSignal): Promise<boolean> {
    if (b.hang) {
      if (!res.headersSent) res.flushHeaders();
      await sleep(Number.MAX_SAFE_INTEGER, gone);
      return true;
    }
    if (b.status === undefined && b.error === undefined && b.rawErrorBody === undefined) return false;
    if (b.latencyMs && !(await sleep(b.latencyMs, gone))) return true;
    rec.status = b.status ?? 500;
    if (b.rawErrorBody !== undefined) sendText(res, rec.status, b.rawErrorBody, b.contentType ?? TEXT_CT);
    else sendJson(res, rec.status, { error: b.error ?? defaultMessage(rec.status) });
    return true;
  }

  function show(res: ServerResponse, rec: RecordedRequest, status: (n: number) => number): void {
    const name = rec.body?.model ?? rec.body?.name;
    if (typeof name !== 'string' || name === '') return void sendJson(res, status(400), { error: 'model is required' });
    const m = findModel(name);
    if (!m) return void sendJson(res, status(404), { error: `model '${name}' not found` });
    const family = m.family ?? 'llama';
    sendJson(res, status(200), {
      modelfile: `# Modelfile generated by "ollama show"\nFROM ${m.name}\n`,
      parameters: 'stop                           "<|eot_id|>"',
      template: '{{ .Prompt }}',
      details: tagEntry(m).details,
      model_info: { 'general.architecture': family, [`${family}.context_length`]: 131072 },
      capabilities: m.capabilities ?? ['completion'],
      modified_at: MODIFIED_AT,
    });
  }

  async function pull(res: ServerResponse, rec: RecordedRequest, status: (n: number) => number): Promise<void> {
    const name = rec.body?.model ?? rec.body?.name; // ollama-js sends `name`
    if (typeof name !== 'string' || name === '') return void sendJson(res, status(400), { error: 'model is required' });
    if (!findModel(name)) modelList.push({ name: withTag(name) });
    const steps = [{ status: 'pulling manifest' }, { status: 'verifying sha256 digest' }, { status: 'writing manifest' }, { status: 'success' }];
    if (rec.body.stream === false) return void sendJson(res, status(200), steps[steps.length - 1]);
    res.writeHead(status(200), { 'Content-Type': NDJSON });
    for (const s of steps) await write(res, `${JSON.stringify(s)}\n`);
    res.end();
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        requests,
        get maxConcurrent() {
          return maxConcurrent;
        },
        get active() {
          return active;
        },
        get connections() {
          return connections;
        },
        models: modelList,
        setBehaviour(b) {
          behaviour = b;
          if (b === undefined) queue = [];
        },
        enqueue(...b) {
          queue.push(...b);
        },
        setEndpointBehaviour(p, b) {
          if (b) endpointBehaviour.set(p, b);
          else endpointBehaviour.delete(p);
        },
        close: () =>
          new Promise<void>((done) => {
            life.abort();
            server.close(() => done());
            for (const s of sockets) s.destroy();
          }),
      });
    });
  });
}

// ---- generation -------------------------------------------------------------------------

async function generate(
  res: ServerResponse,
  rec: RecordedRequest,
  b: Behaviour,
  model: FakeModel,
  chat: boolean,
  gone: AbortSignal,
  status: (n: number) => number,
): Promise<void> {
  const started = process.hrtime.bigint();
  const body = rec.body as Record<string, any>;
  const empty = chat ? Array.isArray(body.messages) && body.messages.length === 0 : body.prompt === undefined || body.prompt === '';
  // messages:[] (or no prompt) only loads the model; with keep_alive 0 it unloads it.
  const text = empty ? '' : typeof b.content === 'function' ? b.content(rec) : (b.content ?? defaultContent(body));
  const doneReason = empty ? (body.keep_alive === 0 || body.keep_alive === '0' ? 'unload' : 'load') : (b.doneReason ?? 'stop');
  const pieces = splitPieces(text, b.pieceChars ?? 12);
  const finalText = b.finalText !== false && pieces.length > 1 ? pieces.pop()! : '';
  const stream = body.stream !== false; // Ollama streams unless told otherwise

  if (b.headersDelayMs) {
    res.writeHead(status(200), { 'Content-Type': stream ? NDJSON : JSON_CT });
    res.flushHeaders();
  }
  if (b.latencyMs && !(await sleep(b.latencyMs, gone))) return;
  const firstToken = process.hrtime.bigint();

  const chunk = (content: string, done: boolean): Record<string, unknown> => {
    const base: Record<string, unknown> = { model: body.model, created_at: createdAt() };
    if (chat) base.message = { role: 'assistant', content };
    else base.response = content;
    base.done = done;
    return base;
  };
  const finalChunk = (content: string): Record<string, unknown> => {
    const now = process.hrtime.bigint();
    const c = chunk(content, true);
    c.done_reason = doneReason;
    if (empty) return c;
    c.total_duration = Number(now - started) || 1;
    c.load_duration = 1_250_000;
    c.prompt_eval_count = Math.max(1, Math.ceil(JSON.stringify(chat ? body.messages : body.prompt).length / 4));
    c.prompt_eval_duration = Number(firstToken - started) || 1;
    c.eval_count = pieces.length + (finalText ? 1 : 0);
    c.eval_duration = Number(now - firstToken) || 1;
    if (!chat && body.raw !== true) c.context = [1, 2, 3];
    return c;
  };

  if (!stream) {
    if (!res.headersSent) res.writeHead(status(200), { 'Content-Type': JSON_CT });
    rec.status = 200;
    res.end(JSON.stringify(finalChunk(text)));
    return;
  }

  if (!res.headersSent) res.writeHead(status(200), { 'Content-Type': NDJSON });
  const lines = empty ? [] : pieces.map((p) => `${JSON.stringify(chunk(p, false))}\n`);
  let sent = 0;
  for (const [i, line] of lines.entries()) {
    if (b.streamError && sent >= (b.streamError.afterChunks ?? 1)) break;
    if (b.cutAfterChunks !== undefined && sent >= b.cutAfterChunks) break;
    // Every other line goes out in two writes, split mid-character when the line has one.
    const parts = i % 2 === 1 ? splitLineBytes(line) : [Buffer.from(line)];
    for (const part of parts) {
      if (gone.aborted) return;
      if (b.chunkDelayMs || b.cutAfterChunks !== undefined) {
        // Wait for each write to reach the socket: pieces arrive apart, and a cut comes after them.
        await write(res, part, gone);
        if (b.chunkDelayMs && !(await sleep(b.chunkDelayMs, gone))) return;
      } else if (!res.write(part)) {
        await drained(res, gone); // backpressure: wait for the socket to take it
      }
    }
    sent++;
  }
  if (b.streamError) {
    await write(res, `${JSON.stringify({ error: b.streamError.message ?? 'an error was encountered while running the model' })}\n`);
    res.end();
    return;
  }
  if (b.cutAfterChunks !== undefined) {
    res.socket?.destroy();
    return;
  }
  res.end(`${JSON.stringify(finalChunk(finalText))}\n`);
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

// ---- content derived from the request ----------------------------------------------------

/**
 * A deterministic answer built from the request: it greets the recipient found in the last user
 * message's JSON block and mentions their company, shaped to the `format` schema.
 */
export function defaultContent(body: Record<string, any>): string {
  const messages: { role?: string; content?: string }[] = Array.isArray(body.messages) ? body.messages : [];
  const lastUser = [...messages].reverse().find((m) => m.role === 'user')?.content ?? String(body.prompt ?? '');
  const recipient = findJsonObject(lastUser) ?? {};
  const fullName = pick(recipient, /^(full.?name|name|display.?name|contact.?name)$/i);
  const first = pick(recipient, /^(first.?name|given.?name|firstname|vorname|pr[ée]nom)$/i) ?? fullName?.split(/\s+/)[0] ?? 'there';
  const company = pick(recipient, /^(company|company.?name|organi[sz]ation|employer|account.?name)$/i);
  const subject = `A note for ${first}${company ? ` at ${company}` : ''}`;
  const text =
    `Hi ${first} — I came across ${company ? `${company}'s` : 'your'} work and wanted to say hello. ` +
    `Would a short call next week suit you? Best regards…`;
  const format = body.format;
  if (format === 'json') return JSON.stringify({ subject, body: text });
  if (format && typeof format === 'object') {
    const props = (format as { properties?: Record<string, { type?: string }> }).properties ?? { body: { type: 'string' } };
    const out: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(props)) {
      if (key === 'subject') out[key] = subject;
      else if (key === 'body') out[key] = text;
      else if (schema?.type === 'number' || schema?.type === 'integer') out[key] = 1;
      else if (schema?.type === 'boolean') out[key] = true;
      else if (schema?.type === 'array') out[key] = [];
      else out[key] = `${key} for ${first}`;
    }
    return JSON.stringify(out);
  }
  return text;
}

/** The first balanced {...} in the text that parses as a JSON object. */
export function findJsonObject(text: string): Record<string, unknown> | undefined {
  for (let start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        const parsed = tryParse(text.slice(start, i + 1));
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
        break;
      }
    }
  }
  return undefined;
}

function pick(obj: Record<string, unknown>, key: RegExp): string | undefined {
  for (const [k, v] of Object.entries(obj)) {
    if (key.test(k) && typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  for (const v of Object.values(obj)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const found = pick(v as Record<string, unknown>, key);
      if (found) return found;
    }
  }
  return undefined;
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

// ---- small wire helpers ------------------------------------------------------------------

const MODIFIED_AT = '2026-08-01T10:00:00.123456789Z';

function tagEntry(m: FakeModel) {
  const family = m.family ?? 'llama';
  return {
    name: withTag(m.name),
    model: withTag(m.name),
    modified_at: MODIFIED_AT,
    size: m.size ?? 1_000_000_000,
    digest: digestOf(m.name),
    details: {
      parent_model: '',
      format: 'gguf',
      family,
      families: [family],
      parameter_size: m.parameterSize ?? '1B',
      quantization_level: m.quantization ?? 'Q4_K_M',
    },
  };
}

function withTag(name: string): string {
  return /:[^/]+$/.test(name) ? name : `${name}:latest`;
}

function digestOf(name: string): string {
  let h = 2166136261;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h.toString(16).padStart(8, '0').repeat(8);
}

/** UTC RFC3339 with nanoseconds, like Go's time.RFC3339Nano. */
function createdAt(): string {
  const ns = String(process.hrtime.bigint() % 1_000_000n).padStart(6, '0');
  return new Date().toISOString().replace('Z', `${ns}Z`);
}

function defaultMessage(status: number): string {
  if (status === 503) return 'server busy, please try again.  maximum pending requests exceeded';
  if (status === 404) return 'model not found';
  return 'an error was encountered while running the model';
}

/** Roughly what Go's encoding/json says about a body it cannot decode. */
function goDecodeError(raw: string): string {
  const first = raw.trim()[0] ?? '';
  if (first === '{' || first === '[') return 'unexpected EOF';
  return `invalid character '${first}' looking for beginning of value`;
}

function tryParse(s: string): any {
  if (s.trim() === '') return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'Content-Type': JSON_CT });
  res.end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string, contentType = TEXT_CT): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'Content-Type': contentType.includes('charset') ? contentType : `${contentType}; charset=utf-8` });
  res.end(text);
}

/** Resolves once the data is handed to the socket, or when the connection goes away. */
function write(res: ServerResponse, data: string | Buffer, gone?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed || gone?.aborted) return resolve();
    const done = () => {
      gone?.removeEventListener('abort', done);
      resolve();
    };
    gone?.addEventListener('abort', done, { once: true });
    res.write(data, done);
  });
}

function drained(res: ServerResponse, gone: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      gone.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    gone.addEventListener('abort', done, { once: true });
  });
}

/** Resolves true after ms, or false as soon as the signal fires. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, Math.min(ms, 2 ** 31 - 1));
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
