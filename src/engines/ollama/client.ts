// The ollama-js client the engine's requests go through: lean-fetch.ts underneath (node:http with
// keep-alive, cancelled by the request's controller), and error bodies made clean JSON first.
import { Ollama } from 'ollama';
import type { Agents } from '../http-agents.js';
import { leanFetch, type LeanResponse } from './lean-fetch.js';

/** A client whose every request carries `signal` and goes through `agent`. */
export function client(host: string, agent: Agents, request: AbortController): Ollama {
  const send = leanFetch(agent, request);
  const fetchFn = async (input: string, init?: Parameters<typeof send>[1]) => {
    const res = await send(input, init);
    return res.ok ? res : normaliseErrorResponse(res);
  };
  return new Ollama({ host, fetch: fetchFn as unknown as typeof fetch });
}

/**
 * ollama-js prints "Getting text from response" to stdout for a non-JSON error body (and another
 * line for bad JSON), which would corrupt piped output. Hand it a clean {"error"} JSON instead.
 */
async function normaliseErrorResponse(res: LeanResponse): Promise<Response> {
  const text = await res.text().catch(() => '');
  let message = '';
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed?.error === 'string') message = parsed.error;
  } catch {
    /* not JSON: use the text */
  }
  if (message === '') message = readableBody(text, res.headers.get('content-type') ?? '') || `HTTP ${res.status} ${res.statusText}`.trim();
  return new Response(JSON.stringify({ error: message }), {
    status: res.status,
    statusText: res.statusText,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

function readableBody(text: string, contentType: string): string {
  const plain = /html/i.test(contentType) || /^\s*</.test(text) ? text.replace(/<[^>]*>/g, ' ') : text;
  const oneLine = plain.replace(/\s+/g, ' ').trim();
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine;
}
