// The wire under the OpenAI-compatible engine: node:http with keep-alive agents (as the Ollama
// engine's lean-fetch.ts, and for the same reasons: no web streams or hidden timeouts on the hot
// path), one request per call, cancelled by its AbortController. A status other than 2xx becomes
// an HttpError holding the body and Retry-After; errors.ts says what it means.
import type { IncomingMessage } from 'node:http';
import { requestFor, type Agents } from '../http-agents.js';
import { abortError } from '../../core/errors.js';

/** A non-2xx answer: its status, body text (at most 4 KB kept) and Retry-After header. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly retryAfter: string | undefined,
  ) {
    super(`HTTP ${status}`);
    this.name = 'HttpError';
  }
}

export interface SendOptions {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  controller: AbortController;
}

/** Sends one request; resolves with a 2xx response (its body utf8, unread), rejects with HttpError otherwise. */
export function send(agents: Agents, url: string, o: SendOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const { signal } = o.controller;
    if (signal.aborted) return reject(abortError(signal.reason));
    const secure = url.startsWith('https:');
    const body = o.body === undefined ? undefined : Buffer.from(o.body, 'utf8');
    const headers: Record<string, string> = { accept: 'application/json, text/event-stream', ...o.headers };
    if (body) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(body.length);
    }
    let response: IncomingMessage | undefined;
    const onAbort = () => {
      if (response?.complete) response.resume();
      else req.destroy(abortError(signal.reason));
    };
    const req = requestFor(url)(url, { method: o.method, headers, agent: secure ? agents.https : agents.http }, (res) => {
      response = res;
      res.setEncoding('utf8');
      res.once('close', () => signal.removeEventListener('abort', onAbort));
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) return resolve(res);
      readAll(res, 4096).then(
        (text) => reject(new HttpError(status, text, headerOf(res, 'retry-after'))),
        (err: unknown) => reject(err),
      );
    });
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      reject(err);
    });
    req.end(body);
  });
}

/** The whole body as text; past `limit` characters the rest is read and dropped. */
export async function readAll(res: IncomingMessage, limit = Infinity): Promise<string> {
  let text = '';
  for await (const chunk of res) if (text.length < limit) text += chunk as string;
  return text.length > limit ? text.slice(0, limit) : text;
}

function headerOf(res: IncomingMessage, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
