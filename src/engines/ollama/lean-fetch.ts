// The `fetch` handed to ollama-js: node:http under a Response-shaped object holding only what
// ollama-js reads (ok, status, statusText, headers.get, json, text, body.getReader).
// Node's fetch builds a Request, a Response, a web stream and several AbortSignals per call, and
// loading undici costs ~100 ms of start-up; at thousands of drafts a second the fetch machinery
// was a third of draftsmith's CPU (docs/BENCHMARKS.md). node:http also has no hidden timeouts
// (fetch gives up after 300 s without headers), so the engine's own deadline is the only one.
import type { IncomingMessage } from 'node:http';
import { requestFor, type Agents } from '../http-agents.js';
import { abortError } from '../../core/errors.js';

export interface LeanRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal | null;
}

/** What ollama-js reads of a body stream: a reader that yields byte chunks. */
export interface LeanBodyReader {
  read(): Promise<{ done: true; value: undefined } | { done: false; value: Uint8Array }>;
  releaseLock(): void;
}

export class LeanResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;

  constructor(private readonly raw: IncomingMessage) {
    this.status = raw.statusCode ?? 0;
    this.ok = this.status >= 200 && this.status < 300;
    this.statusText = raw.statusMessage ?? '';
  }

  get headers(): { get(name: string): string | null } {
    const raw = this.raw.headers;
    return {
      get(name: string) {
        const v = raw[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      },
    };
  }

  async text(): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.raw) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  get body(): { getReader(): LeanBodyReader } {
    const raw = this.raw;
    return {
      getReader() {
        const chunks = raw[Symbol.asyncIterator]();
        return {
          async read() {
            const next = await chunks.next();
            return next.done ? { done: true, value: undefined } : { done: false, value: next.value as Uint8Array };
          },
          releaseLock() {},
        };
      },
    };
  }
}

/**
 * A fetch for ollama-js: every request goes through `agents` and is cancelled by `controller`.
 * ollama-js's own signal (fired by stream.abort()) is folded into it. ollama-js stops reading at
 * the `done` line; Ollama sends nothing after it, so the response still ends and frees its socket.
 */
export function leanFetch(
  agents: Pick<Agents, 'http' | 'https'>,
  controller: AbortController,
): (url: string, init?: LeanRequestInit) => Promise<LeanResponse> {
  return (url, init = {}) => {
    const theirs = init.signal;
    if (theirs) {
      if (theirs.aborted) controller.abort(theirs.reason);
      else theirs.addEventListener('abort', () => controller.abort(theirs.reason), { once: true });
    }
    return new Promise<LeanResponse>((resolve, reject) => {
      const { signal } = controller;
      if (signal.aborted) return reject(abortError(signal.reason));
      const secure = url.startsWith('https:');
      const body = init.body === undefined ? undefined : Buffer.from(init.body, 'utf8');
      const req = requestFor(url)(
        url,
        {
          method: init.method ?? 'GET',
          headers: { ...init.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
          agent: secure ? agents.https : agents.http,
        },
        (res) => {
          response = res;
          // Errors reach the reader through the body's iterator; one raised after the reader has
          // stopped must not become uncaught.
          res.on('error', () => {});
          res.once('close', settled);
          resolve(new LeanResponse(res));
        },
      );
      let response: IncomingMessage | undefined;
      // Not http.request's own `signal` option: an abort once the whole answer is in (ollama-js
      // stops at an {"error"} line) would destroy a socket the agent may already have taken back,
      // and crash on its 'error'. A complete answer is drained instead, freeing its socket.
      const onAbort = () => {
        if (response?.complete) response.resume();
        else req.destroy(abortError(signal.reason));
      };
      function settled() {
        signal.removeEventListener('abort', onAbort);
      }
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => {
        settled();
        reject(err);
      });
      req.end(body);
    });
  };
}
