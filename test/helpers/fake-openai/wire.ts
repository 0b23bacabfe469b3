// The bytes an OpenAI-compatible server writes: JSON bodies, error bodies in the shapes servers use
// (OpenAI/vLLM's {"error":{message,type,param,code}}, vLLM's key check {"error":"Unauthorized"},
// FastAPI's {"detail"}), and an SSE stream cut into TCP writes that split events and hold several
// at once. The pieces shared with the fake Ollama (writes that wait for the socket, sleeps, bodies)
// are its wire.ts's.
import type { ServerResponse } from 'node:http';
import { drained, sleep, write } from '../fake-ollama/wire.js';

export const JSON_CT = 'application/json';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'Content-Type': JSON_CT, ...headers });
  res.end(JSON.stringify(body));
}

const TYPES: Record<number, string> = { 400: 'BadRequestError', 401: 'AuthenticationError', 404: 'NotFoundError', 429: 'RateLimitError', 503: 'ServiceUnavailableError' };

/** {"error":{"message","type","param","code"}} as vLLM and OpenAI write it. */
export function errorBody(status: number, message: string, param: string | null = null): unknown {
  return { error: { message, type: TYPES[status] ?? 'InternalServerError', param, code: status } };
}

/** One SSE event: `data: ...` and a blank line, with the line ending the server uses. */
export function event(data: string, eol: string): string {
  return `data: ${data}${eol}${eol}`;
}

/**
 * Writes the stream's text in writes of varying size (3 to ~1.7 events), so events are split
 * across writes and several arrive in one; waits `chunkDelayMs` between writes. False when the
 * client went away.
 */
export async function writeStream(res: ServerResponse, text: string, chunkDelayMs: number | undefined, gone: AbortSignal): Promise<boolean> {
  const buf = Buffer.from(text);
  // Small writes split events; the 700-byte one always carries several whole events (each is ~200 bytes).
  const sizes = [3, 180, 41, 97, 700, 7];
  for (let at = 0, i = 0; at < buf.length; i++) {
    if (gone.aborted) return false;
    const part = buf.subarray(at, at + sizes[i % sizes.length]!);
    at += part.length;
    if (chunkDelayMs) {
      await write(res, part, gone);
      if (!(await sleep(chunkDelayMs, gone))) return false;
    } else if (!res.write(part)) await drained(res, gone);
  }
  return true;
}

export { sleep, write };
