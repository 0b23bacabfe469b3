// The port every model engine implements (messages, options, schema, result): it lives in core, so
// core and the runner depend on it and each engine (src/engines/<name>) plugs into it.

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A JSON-Schema object describing the structured answer (subject + body, or body only). */
export type JsonSchema = Record<string, unknown>;

export interface GenerationOptions {
  temperature?: number;
  seed?: number;
  num_ctx?: number;
  /** Upper bound on generated tokens. */
  num_predict?: number;
}

export interface GenerateRequest {
  messages: ChatMessage[];
  schema: JsonSchema;
  options: GenerationOptions;
  signal?: AbortSignal;
  /** Called with each streamed piece of text, for progress (tokens/s). */
  onText?: (text: string) => void;
}

export interface GenerateResult {
  /** The raw text the model produced (JSON when the schema was honoured). */
  text: string;
  /** Tokens generated, when the engine reports it. */
  evalCount?: number;
  /** Time spent generating, in ms, when the engine reports it. */
  evalMs?: number;
  promptEvalCount?: number;
  /** Wall time of the request in ms, measured by the engine adapter. */
  totalMs: number;
  doneReason?: string;
}

export interface EngineInfo {
  /** "ollama" | "llama-cpp" | ... */
  engine: string;
  model: string;
  /** Where it runs: a host URL; for an in-process model, its file when `model` does not name it. */
  location: string;
}

export interface Engine {
  readonly info: EngineInfo;
  /** Check once, before any drafting, that the engine answers and the model exists. Throws EngineError with a fix. */
  prepare(signal?: AbortSignal): Promise<void>;
  /** One structured generation. Throws EngineError (retryable or not) or an AbortError when the signal fires. */
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /** Release sockets, models, contexts. Safe to call twice. */
  close(): Promise<void>;
}
