// Each request the fake server takes: recorded (method, path, headers, body, the status sent, and
// whether the client hung up first), routed as Ollama routes it (plain-text / and 404/405 pages,
// Go's 400s for a missing or broken body), then answered by its endpoint.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { earlyError, type Behaviour, type BehaviourScript } from './behaviour.js';
import { answerGeneration, type Generator } from './chat.js';
import { answerInfo } from './endpoints.js';
import { goDecodeError, readBody, sendJson, sendText, sleep, tryParse } from './wire.js';

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

/** What every request may read or change on the server. */
export interface ServerState extends Generator {
  /** Aborted by close(): every pending answer ends. */
  life: AbortController;
  requests: RecordedRequest[];
  /** Keep every request in `requests`. */
  record: boolean;
  version: string;
  script: BehaviourScript;
}

const ROUTES: Record<string, string[]> = {
  '/': ['GET', 'HEAD'],
  '/api/version': ['GET', 'HEAD'],
  '/api/tags': ['GET', 'HEAD'],
  '/api/ps': ['GET'],
  '/api/chat': ['POST'],
  '/api/generate': ['POST'],
  '/api/show': ['POST'],
  '/api/pull': ['POST'],
  '/api/embed': ['POST'],
};

export async function handleRequest(server: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rec = await recordRequest(server, req);
  const gone = goneSignal(server, res, rec);
  const status = (code: number) => (rec.status = code);

  const methods = ROUTES[rec.path];
  if (!methods) return void sendText(res, status(404), '404 page not found');
  if (!methods.includes(rec.method)) return void sendText(res, status(405), '405 method not allowed');
  if (rec.path === '/') return void sendText(res, status(200), 'Ollama is running');
  if (rec.method === 'POST') {
    if (rec.rawBody.trim() === '') return void sendJson(res, status(400), { error: 'missing request body' });
    if (rec.body === undefined) return void sendJson(res, status(400), { error: goDecodeError(rec.rawBody) });
  }

  const generating = rec.path === '/api/chat' || rec.path === '/api/generate';
  let b: Behaviour;
  try {
    b = generating ? server.script.forGeneration(rec) : server.script.forEndpoint(rec.path);
  } catch (err) {
    return void sendJson(res, status(500), { error: `fake server behaviour threw: ${(err as Error).message}` });
  }
  if (b.headersDelayMs) {
    if (!(await sleep(b.headersDelayMs, gone))) return;
  }
  if (generating) return answerGeneration(server, res, rec, b, gone, status);
  if (await earlyError(res, b, rec, gone)) return;
  await answerInfo(rec.path, res, rec, status, server);
}

async function recordRequest(server: ServerState, req: IncomingMessage): Promise<RecordedRequest> {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const rawBody = await readBody(req);
  const rec: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, rawBody, body: tryParse(rawBody), clientClosed: false };
  if (server.record) server.requests.push(rec);
  return rec;
}

/** Fires when the client hangs up (marking the request closed early) or the server closes. */
function goneSignal(server: ServerState, res: ServerResponse, rec: RecordedRequest): AbortSignal {
  const gone = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) rec.clientClosed = true;
    gone.abort();
  });
  const onLife = () => gone.abort();
  server.life.signal.addEventListener('abort', onLife, { once: true });
  res.on('close', () => server.life.signal.removeEventListener('abort', onLife));
  return gone.signal;
}
