// The fake OpenAI-compatible server: node:http on 127.0.0.1 (port 0 unless told), routing as vLLM
// does (FastAPI's {"detail":"Not Found"} for an unknown path), /v1/embeddings (embed.ts), checking the API key when it has
// one, and recording every request (the fake Ollama's RecordedRequest).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { RecordedRequest } from '../fake-ollama/index.js';
import { Slots } from '../fake-ollama/slots.js';
import { readBody, tryParse } from '../fake-ollama/wire.js';
import { BehaviourScript } from '../fake-ollama/behaviour.js';
import type { Behaviour, BehaviourFn } from './behaviour.js';
import { answerChat, type ChatServer } from './chat.js';
import { errorBody, sendJson, sleep } from './wire.js';
import { answerEmbeddings } from './embed.js';

export interface FakeOpenAIOptions extends Behaviour {
  /** Model ids served (default llama3.2 and qwen3:0.6b). */
  models?: string[];
  /** Requests must carry `Authorization: Bearer KEY` (vLLM's --api-key). */
  apiKey?: string;
  /** The 401 body: OpenAI's error object (default) or vLLM's `{"error":"Unauthorized"}`. */
  authStyle?: 'openai' | 'vllm';
  /** 'refuse': json_schema response_format is a 400, only json_object works. */
  schema?: 'accept' | 'refuse';
  /** End SSE lines with CRLF. */
  crlf?: boolean;
  /** Concurrent generations; the others wait without headers. Default 1. */
  slots?: number;
  record?: boolean;
  port?: number;
}

export interface FakeOpenAI {
  /** The base URL, ending in /v1. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  readonly maxConcurrent: number;
  readonly connections: number;
  setBehaviour(b: Behaviour | BehaviourFn | undefined): void;
  enqueue(...b: Behaviour[]): void;
  /** Status, latency or a raw body for GET /v1/models; undefined clears it. */
  setModelsBehaviour(b: Behaviour | undefined): void;
  close(): Promise<void>;
}

interface State extends ChatServer {
  life: AbortController;
  requests: RecordedRequest[];
  record: boolean;
  script: BehaviourScript<Behaviour>;
  modelsBehaviour: Behaviour | undefined;
  apiKey?: string;
  authStyle: 'openai' | 'vllm';
}

export async function startFakeOpenAI(opts: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const { models = ['llama3.2', 'qwen3:0.6b'], apiKey, authStyle = 'openai', schema = 'accept', crlf = false, slots = 1, record = true, port: listenPort = 0, ...base } = opts;
  const state: State = { life: new AbortController(), requests: [], record, script: new BehaviourScript<Behaviour>(base), modelsBehaviour: undefined, models, slots: new Slots(slots), schema, eol: crlf ? '\r\n' : '\n', authStyle, ...(apiKey ? { apiKey } : {}) };
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = http.createServer((req, res) => {
    void handle(state, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, errorBody(500, `fake server: ${(err as Error).message}`));
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests: state.requests,
    get maxConcurrent() {
      return state.slots.maxConcurrent;
    },
    get connections() {
      return connections;
    },
    setBehaviour: (b) => state.script.set(b),
    enqueue: (...b) => state.script.enqueue(...b),
    setModelsBehaviour: (b) => void (state.modelsBehaviour = b),
    close: () =>
      new Promise<void>((done) => {
        state.life.abort();
        server.close(() => done());
        for (const s of sockets) s.destroy();
      }),
  };
}

const ROUTES: Record<string, string> = { '/v1/models': 'GET', '/v1/chat/completions': 'POST', '/v1/embeddings': 'POST' };

async function handle(state: State, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rawBody = await readBody(req);
  const rec: RecordedRequest = { method: req.method ?? 'GET', path: new URL(req.url ?? '/', 'http://x').pathname, headers: req.headers, rawBody, body: tryParse(rawBody), clientClosed: false };
  if (state.record) state.requests.push(rec);
  const gone = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) rec.clientClosed = true;
    gone.abort();
  });
  const onLife = () => gone.abort();
  state.life.signal.addEventListener('abort', onLife, { once: true });
  res.on('close', () => state.life.signal.removeEventListener('abort', onLife));
  const status = (code: number) => (rec.status = code);

  const method = ROUTES[rec.path];
  if (!method) return void sendJson(res, status(404), { detail: 'Not Found' });
  if (rec.method !== method) return void sendJson(res, status(405), { detail: 'Method Not Allowed' });
  if (state.apiKey !== undefined && req.headers.authorization !== `Bearer ${state.apiKey}`) {
    const body = state.authStyle === 'vllm' ? { error: 'Unauthorized' } : { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } };
    return void sendJson(res, status(401), body);
  }
  if (rec.method === 'POST' && (rec.body === undefined || typeof rec.body !== 'object'))
    return void sendJson(res, status(400), errorBody(400, 'Expecting value: line 1 column 1 (char 0)'));
  if (rec.path === '/v1/models') return answerModels(state, res, gone.signal, status);
  if (rec.path === '/v1/embeddings') return answerEmbeddings(state, res, rec, status);
  let b: Behaviour;
  try {
    b = state.script.forGeneration(rec);
  } catch (err) {
    return void sendJson(res, status(500), errorBody(500, `fake server behaviour threw: ${(err as Error).message}`));
  }
  await answerChat(state, res, rec, b, gone.signal, status);
}

async function answerModels(state: State, res: ServerResponse, gone: AbortSignal, status: (code: number) => number): Promise<void> {
  const b = state.modelsBehaviour ?? {};
  if (b.latencyMs && !(await sleep(b.latencyMs, gone))) return;
  if (b.rawErrorBody !== undefined) {
    res.writeHead(status(b.status ?? 200), { 'Content-Type': b.contentType ?? 'text/plain; charset=utf-8' });
    return void res.end(b.rawErrorBody);
  }
  if (b.status !== undefined) return void sendJson(res, status(b.status), errorBody(b.status, b.error ?? 'error'));
  const created = 1_760_000_000;
  const data = state.models.map((id) => ({ id, object: 'model', created, owned_by: 'vllm', root: id, parent: null, max_model_len: 8192 }));
  sendJson(res, status(200), { object: 'list', data });
}
