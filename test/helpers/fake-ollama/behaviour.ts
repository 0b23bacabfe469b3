// How a test scripts the fake server's failures and answers: latency, errors before or during the
// output, cut connections, stalls, replaced text. A behaviour is set for the whole server, per
// request by a function of it, or one-shot through a queue the next generations consume in order;
// other endpoints (e.g. /api/tags) get their own. Errors sent before any output live here too.
import type { ServerResponse } from 'node:http';
import type { RecordedRequest } from './requests.js';
import { sendJson, sendText, sleep, TEXT_CT } from './wire.js';

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

/**
 * The behaviours a test has scripted, over the server's start options. Generic in the behaviour's
 * shape, so the fake OpenAI-compatible server scripts its own knobs with the same queue.
 */
export class BehaviourScript<B extends object = Behaviour> {
  private behaviour: B | ((req: RecordedRequest) => B | undefined) | undefined;
  private queue: B[] = [];
  private readonly endpoints = new Map<string, B>();

  constructor(private readonly base: B) {}

  /** Undefined resets to the start options and empties the queue. */
  set(b: B | ((req: RecordedRequest) => B | undefined) | undefined): void {
    this.behaviour = b;
    if (b === undefined) this.queue = [];
  }

  enqueue(...b: B[]): void {
    this.queue.push(...b);
  }

  setEndpoint(path: string, b: B | undefined): void {
    if (b) this.endpoints.set(path, b);
    else this.endpoints.delete(path);
  }

  /** For a generation request: the next queued one, else the set one; may throw (a test's function). */
  forGeneration(rec: RecordedRequest): B {
    const queued = this.queue.shift();
    const own = queued ?? (typeof this.behaviour === 'function' ? this.behaviour(rec) : this.behaviour);
    return { ...this.base, ...own };
  }

  forEndpoint(path: string): Partial<B> {
    return { ...this.endpoints.get(path) };
  }
}

/** Sends the configured error (or hangs) before any output; true when the request is dealt with. */
export async function earlyError(res: ServerResponse, b: Behaviour, rec: RecordedRequest, gone: AbortSignal): Promise<boolean> {
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

function defaultMessage(status: number): string {
  if (status === 503) return 'server busy, please try again.  maximum pending requests exceeded';
  if (status === 404) return 'model not found';
  return 'an error was encountered while running the model';
}
