// The fake Ollama server itself: node:http on 127.0.0.1, port 0 unless told, counting its
// connections and keeping the requests it took; its handle lets a test script behaviours and
// close it (which ends every pending answer and frees the port).
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { BehaviourScript, type Behaviour, type BehaviourFn } from './behaviour.js';
import { ModelCatalog, type FakeModel } from './models.js';
import { handleRequest, type RecordedRequest, type ServerState } from './requests.js';
import { Slots } from './slots.js';
import { sendJson } from './wire.js';

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

export async function startFakeOllama(opts: FakeOllamaOptions = {}): Promise<FakeOllama> {
  const { slots = 1, maxQueue = 512, models, version = '0.33.0', record = true, port: listenPort = 0, ...baseBehaviour } = opts;
  const state: ServerState = {
    life: new AbortController(),
    requests: [],
    record,
    version,
    maxQueue,
    script: new BehaviourScript(baseBehaviour),
    slots: new Slots(slots),
    catalog: new ModelCatalog(models),
  };
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = http.createServer((req, res) => {
    void handleRequest(state, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: `fake server: ${(err as Error).message}` });
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listen(server, listenPort);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: state.requests,
    get maxConcurrent() {
      return state.slots.maxConcurrent;
    },
    get active() {
      return state.slots.active;
    },
    get connections() {
      return connections;
    },
    models: state.catalog.models,
    setBehaviour: (b) => state.script.set(b),
    enqueue: (...b) => state.script.enqueue(...b),
    setEndpointBehaviour: (p, b) => state.script.setEndpoint(p, b),
    close: () =>
      new Promise<void>((done) => {
        state.life.abort();
        server.close(() => done());
        for (const s of sockets) s.destroy();
      }),
  };
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}
