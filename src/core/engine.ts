// The port every model engine implements (messages, options, schema, result): it lives in core, so
// core and the runner depend on it and each engine (src/engines/<name>) plugs into it.
// ENGINE_NAMES is the one list of engine names: the profile schema (core) validates model.engine
// against it, and src/engines/index.ts, the registry, maps each name to its engine's descriptor
// (the compiler refuses a name without one). Its order is the order `auto` tries them.

export const ENGINE_NAMES = ['ollama', 'openai', 'llama-cpp'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
/** What --engine and the profile's model.engine accept. */
export const ENGINE_CHOICES = ['auto', ...ENGINE_NAMES] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];
/** The model when neither a flag nor the profile names one (an Ollama name; `auto` looks for it in-process too). */
export const DEFAULT_MODEL = 'llama3.2';

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
  /**
   * The job's stable id (core/drafting/batch-id.ts: a hash of the recipient's key and the draft's
   * fingerprint, never an address). Live engines ignore it; a batch file's results are found by it.
   */
  id?: string;
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
  /** "ollama" | "openai" | "llama-cpp" | ... */
  engine: string;
  model: string;
  /** Where it runs: a host URL; for an in-process model, its file when `model` does not name it. */
  location: string;
  /** The model's digest, where the engine reports one (Ollama's /api/tags), known after prepare(). Provenance only. */
  digest?: string;
}

export interface Engine {
  readonly info: EngineInfo;
  /** Check once, before any drafting, that the engine answers and the model exists. Throws EngineError with a fix. */
  prepare(signal?: AbortSignal): Promise<void>;
  /** One structured generation. Throws EngineError (retryable or not) or an AbortError when the signal fires. */
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /**
   * Embeddings of `texts` with the profile's `model.embed` model: one L2-normalised vector per text,
   * in order, all of one length. Present only when an embedding model is configured (the catalog
   * then ranks by cosine; without it, by BM25). Throws EngineError with a fix, or an AbortError.
   */
  embed?(texts: string[], signal?: AbortSignal): Promise<number[][]>;
  /** Release sockets, models, contexts. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Wraps an error thrown by the caller's own `onText`: not the engine's fault, so an engine's error
 * mapping lets it pass and rethrows `original` unchanged.
 */
export class CallbackError extends Error {
  constructor(readonly original: unknown) {
    super('onText failed');
  }
}
