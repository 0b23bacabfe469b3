// How a test scripts the fake OpenAI-compatible server's answers: latency, errors before any output
// (with Retry-After), an error event inside the stream, cut connections, replaced text, the finish
// reason. Set for the whole server, by a function of the request, or one-shot through a queue.
import type { RecordedRequest } from '../fake-ollama/index.js';

export interface Behaviour {
  /** Wait before the first event (headers go out with it). */
  latencyMs?: number;
  /** Wait between writes of the stream. */
  chunkDelayMs?: number;
  /** Error before any output: this status (default 500) with an OpenAI error body naming `error`. */
  status?: number;
  error?: string;
  /** Retry-After header of that error (seconds, or an HTTP date). */
  retryAfter?: string;
  /** Error body sent verbatim (FastAPI's {"detail"}, plain text...), with `contentType` (default text/plain). */
  rawErrorBody?: string;
  contentType?: string;
  /** After this many content chunks, a `data: {"error": {...}}` event, then [DONE] (as vLLM does). */
  streamError?: { afterChunks?: number; message?: string };
  /** After this many content chunks, destroy the socket. */
  cutAfterChunks?: number;
  /** Replace the generated text. */
  content?: string | ((req: RecordedRequest) => string);
  /** Characters per streamed piece (default 12). */
  pieceChars?: number;
  /** finish_reason of the last content chunk (default "stop"; "length" when max_tokens cuts the text). */
  finishReason?: string;
}

export type BehaviourFn = (req: RecordedRequest) => Behaviour | undefined;

export class Script {
  private behaviour: Behaviour | BehaviourFn | undefined;
  private queue: Behaviour[] = [];

  constructor(private readonly base: Behaviour) {}

  set(b: Behaviour | BehaviourFn | undefined): void {
    this.behaviour = b;
    if (b === undefined) this.queue = [];
  }

  enqueue(...b: Behaviour[]): void {
    this.queue.push(...b);
  }

  next(rec: RecordedRequest): Behaviour {
    const own = this.queue.shift() ?? (typeof this.behaviour === 'function' ? this.behaviour(rec) : this.behaviour);
    return { ...this.base, ...own };
  }
}
