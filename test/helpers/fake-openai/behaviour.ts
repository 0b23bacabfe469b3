// How a test scripts the fake OpenAI-compatible server's answers: latency, errors before any output
// (with Retry-After), an error event inside the stream, cut connections, replaced text, the finish
// reason. Set for the whole server, by a function of the request, or one-shot through a queue
// (the fake Ollama's BehaviourScript holds them).
import type { Behaviour as OllamaBehaviour, RecordedRequest } from '../fake-ollama/index.js';

/** The fake Ollama's knobs that mean the same here (latency, errors before output, cuts, text). */
type Shared = Pick<OllamaBehaviour, 'latencyMs' | 'chunkDelayMs' | 'status' | 'error' | 'rawErrorBody' | 'contentType' | 'cutAfterChunks' | 'content' | 'pieceChars'>;

export interface Behaviour extends Shared {
  /** Retry-After header of an error sent before output (seconds, or an HTTP date). */
  retryAfter?: string;
  /** After this many content chunks, a `data: {"error": {...}}` event, then [DONE] (as vLLM does). */
  streamError?: { afterChunks?: number; message?: string };
  /** finish_reason of the last content chunk (default "stop"; "length" when max_tokens cuts the text). */
  finishReason?: string;
}

export type BehaviourFn = (req: RecordedRequest) => Behaviour | undefined;
