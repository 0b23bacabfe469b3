// One answer from the embedded engine. Structured output: a JSON-schema grammar makes every token a
// valid continuation of the expected object. The one way it can still end short is the token limit
// (num_predict), so a cut answer is closed here (the open string ended, missing fields set to "")
// and reported as doneReason "length", the way Ollama reports a cut answer. Short fields before
// the last one (an email's subject) get a maxLength, so a rambling subject cannot use up the
// budget of the body.
import type { ChatHistoryItem, LlamaGrammar, LlamaText, Token } from 'node-llama-cpp';
import { abortError, EngineError } from '../../core/errors.js';
import { CallbackError, type ChatMessage, type GenerateRequest, type GenerateResult, type JsonSchema } from '../../core/engine.js';
import { boundSchema, buildPlainPrompt, closeJsonPrefix } from './json-answer.js';
import { acquire, closedError, messageOf, release, throwIfAborted, type Runtime, type Slot } from './runtime.js';

const DEFAULT_NUM_PREDICT = 1024;
const MIN_ANSWER_TOKENS = 32;
// Ollama's sampling defaults, so both engines behave alike when the profile sets nothing.
const DEFAULT_TEMPERATURE = 0.8;
const DEFAULT_TOP_K = 40;
const DEFAULT_TOP_P = 0.9;

export async function generate(
  runtime: (signal?: AbortSignal) => Promise<Runtime>,
  request: GenerateRequest,
  closeSignal: AbortSignal,
): Promise<GenerateResult> {
  const started = performance.now();
  const callbackStop = new AbortController();
  const signal = AbortSignal.any([closeSignal, callbackStop.signal, ...(request.signal ? [request.signal] : [])]);
  let slot: Slot | undefined;
  let rt: Runtime | undefined;
  const onText = guardedOnText(request.onText, callbackStop);
  try {
    throwIfAborted(signal);
    rt = await runtime();
    const schema = boundSchema(request.schema);
    const grammar = await grammarFor(rt, schema);
    const prompt = promptTokens(rt, request.messages);
    const maxTokens = answerBudget(rt, prompt.tokens.length, request.options.num_predict ?? DEFAULT_NUM_PREDICT);

    slot = await acquire(rt, signal);
    if (slot.dirty) {
      await slot.sequence.clearHistory();
      slot.dirty = false;
    }
    slot.dirty = true; // until the generation ends normally
    const answer = await complete(slot, prompt, { request, grammar, maxTokens, signal, onText: onText.call });
    onText.rethrow();
    slot.dirty = false;
    const text = answer.cut ? closeCutAnswer(answer.text, schema, maxTokens) : answer.text;
    return {
      text,
      evalCount: answer.evalCount,
      evalMs: answer.evalMs,
      promptEvalCount: prompt.tokens.length,
      totalMs: answer.endedAt - started,
      doneReason: answer.cut ? 'length' : 'stop',
    };
  } catch (err) {
    onText.rethrowOriginal();
    if (request.signal?.aborted) throw abortError(request.signal.reason, err);
    if (closeSignal.aborted) throw closedError(err);
    if (err instanceof EngineError) throw err;
    throw new EngineError(`llama.cpp failed: ${messageOf(err)}`, { cause: err, retryable: false });
  } finally {
    if (slot && rt) release(rt, slot);
  }
}

/**
 * The caller's onText, guarded: a throw inside it stops the generation (through `stop`) and is
 * rethrown as is once the engine has unwound, never mapped to an engine error.
 */
function guardedOnText(onText: ((text: string) => void) | undefined, stop: AbortController) {
  let failed: CallbackError | undefined;
  return {
    call(text: string) {
      if (text === '' || failed) return;
      try {
        onText?.(text);
      } catch (err) {
        failed = new CallbackError(err);
        stop.abort();
      }
    },
    rethrow() {
      if (failed) throw failed;
    },
    rethrowOriginal() {
      if (failed) throw failed.original;
    },
  };
}

interface CompleteOptions {
  request: GenerateRequest;
  grammar: LlamaGrammar;
  maxTokens: number;
  signal: AbortSignal;
  onText: (text: string) => void;
}

/** The grammar-constrained completion on one slot, with its token count and decode time. */
async function complete(slot: Slot, prompt: Prompt, o: CompleteOptions) {
  let count = 0;
  let firstAt: number | undefined;
  const genStart = performance.now();
  const res = await slot.completion.generateCompletionWithMeta(prompt.tokens, {
    maxTokens: o.maxTokens,
    temperature: o.request.options.temperature ?? DEFAULT_TEMPERATURE,
    topK: DEFAULT_TOP_K,
    topP: DEFAULT_TOP_P,
    // No seed means a fresh sample each time, as with Ollama (node-llama-cpp would reuse one).
    seed: o.request.options.seed ?? Math.floor(Math.random() * 2 ** 31),
    grammar: o.grammar,
    signal: o.signal,
    customStopTriggers: prompt.stopTriggers.length > 0 ? prompt.stopTriggers : undefined,
    // The budget above keeps prompt + answer inside the context: never drop prompt tokens.
    disableContextShift: true,
    contextShiftSize: 1,
    onToken: (tokens) => {
      firstAt ??= performance.now();
      count += tokens.length;
    },
    onTextChunk: o.onText,
  });
  const endedAt = performance.now();
  // Decode time only, as Ollama reports it: from the first token on, plus one token's share.
  const evalMs = firstAt !== undefined && count > 1 ? ((endedAt - firstAt) * count) / (count - 1) : endedAt - genStart;
  return { text: res.response, cut: res.metadata.stopReason === 'maxTokens', endedAt, evalCount: count, evalMs };
}

/** An answer the token limit cut: closed into valid JSON, or a retryable error when it cannot be. */
function closeCutAnswer(text: string, schema: JsonSchema, maxTokens: number): string {
  const closed = closeJsonPrefix(text, schema);
  if (closed === undefined) {
    throw new EngineError(`the model's answer was cut at ${maxTokens} tokens and could not be completed`, {
      retryable: true,
      hint: 'raise model.num_predict in the profile',
    });
  }
  return closed;
}

/** Tokens left for the answer: num_predict, or less when the prompt fills the context. */
function answerBudget(rt: Runtime, promptLength: number, numPredict: number): number {
  const contextSize = rt.context.contextSize;
  const bos = rt.model.tokens.shouldPrependBosToken ? 1 : 0;
  const room = contextSize - promptLength - bos - 1;
  if (room < Math.min(MIN_ANSWER_TOKENS, numPredict)) {
    throw new EngineError(`the prompt (${promptLength} tokens) leaves no room for an answer in the ${contextSize}-token context: raise model.num_ctx`, {
      hint: `raise model.num_ctx in the profile (the model was trained with ${rt.model.trainContextSize}), or shorten the prompt (fewer examples)`,
    });
  }
  return Math.max(1, Math.min(numPredict, room));
}

// ---- prompts and grammars ---------------------------------------------------------------------

interface Prompt {
  tokens: Token[];
  stopTriggers: LlamaText[];
}

function promptTokens(rt: Runtime, messages: ChatMessage[]): Prompt {
  const bos = rt.model.tokens.shouldPrependBosToken;
  if (!rt.wrapper) {
    // Plain text, special tokens not parsed: a CSV cell cannot smuggle in control tokens.
    return { tokens: rt.model.tokenize(buildPlainPrompt(messages), false, bos ? 'trimLeadingSpace' : undefined), stopTriggers: [] };
  }
  const state = rt.wrapper.generateContextState({ chatHistory: toChatHistory(messages) });
  const tokens = state.contextText.tokenize(rt.model.tokenizer);
  // LlamaCompletion prepends the BOS token itself; the template's own would make two.
  if (bos && tokens[0] === rt.model.tokens.bos) tokens.shift();
  return { tokens, stopTriggers: state.stopGenerationTriggers };
}

function toChatHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m) =>
    m.role === 'system'
      ? { type: 'system', text: m.content }
      : m.role === 'user'
        ? { type: 'user', text: m.content }
        : { type: 'model', response: [m.content] },
  );
  history.push({ type: 'model', response: [] }); // the answer to write
  return history;
}

function grammarFor(rt: Runtime, schema: JsonSchema): Promise<LlamaGrammar> {
  const key = JSON.stringify(schema);
  let g = rt.grammars.get(key);
  if (!g) {
    g = rt.llama.createGrammarForJsonSchema(schema as never).catch((err: unknown) => {
      rt.grammars.delete(key);
      throw new EngineError(`the answer schema cannot be turned into a grammar: ${messageOf(err)}`, { cause: err });
    });
    rt.grammars.set(key, g);
  }
  return g;
}
