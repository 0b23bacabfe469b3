// The "engine" of `draft --batch-in`: answers the runner's requests from a batch results file
// (result-line.ts), found by the request's id (the batch file's custom_id), so the runner, the
// drafts records, the lint and the progress are those of a live run. Nothing is sent anywhere.
// An error result fails its row (with its message, so a later run retries it); a cut answer is
// reported as the OpenAI engine reports one (finish_reason "length" -> doneReason "length").
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { EngineError, InputError, UsageError } from '../../core/errors.js';
import type { Engine, GenerateRequest, GenerateResult } from '../../core/engine.js';
import { stripControlsInline } from '../../core/text/sanitize.js';
import { BadResultLine, parseResultLine, type BatchResult } from './result-line.js';

/** The results of one file, by custom_id, and which of them the run has asked for. */
export interface BatchResults {
  readonly engine: Engine;
  has(id: string): boolean;
  /** Results no request of this run asked for, in file order. */
  unused(): string[];
  /** How many results the file holds (one per custom_id). */
  readonly size: number;
  /** custom_ids that appear on more than one line (the last line wins). */
  readonly repeated: number;
}

const MAX_SHOWN_ERRORS = 20;

/** Reads the whole file first: a malformed line stops before anything is written (exit 2). */
export async function readBatchResults(file: string, displayName: string, model: string | undefined): Promise<BatchResults> {
  const results = new Map<string, BatchResult>();
  const bad: { line: number; why: string }[] = [];
  let repeated = 0;
  let n = 0;
  try {
    for await (const line of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
      n++;
      if (line.trim() === '') continue;
      try {
        const r = parseResultLine(line);
        if (results.has(r.customId)) repeated++;
        results.set(r.customId, r);
      } catch (err) {
        if (!(err instanceof BadResultLine)) throw err;
        bad.push({ line: n, why: err.message });
      }
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `results file not found: ${displayName}` : `cannot read ${displayName}: ${(err as Error).message}`, { cause: err });
  }
  if (bad.length > 0) throw badLines(displayName, bad);
  return answering(results, displayName, modelOf(results, model, displayName), repeated);
}

function badLines(name: string, bad: { line: number; why: string }[]): InputError {
  const [first] = bad;
  const more = bad.length > 1 ? ` (and ${bad.length - 1} more bad line(s))` : '';
  const unshown = bad.length - MAX_SHOWN_ERRORS;
  return new InputError(`not a batch result: ${first!.why}${more}`, {
    location: { file: name, line: first!.line },
    details: [...bad.slice(1, MAX_SHOWN_ERRORS).map((b) => `${name}:${b.line}: ${b.why}`), ...(unshown > 0 ? [`... and ${unshown} more`] : [])],
    hint: 'each line must be {"custom_id": ..., "response": {"status_code": 200, "body": {chat completion}}, "error": null}, as `vllm run-batch` and the OpenAI Batch API write them.',
  });
}

function answering(results: Map<string, BatchResult>, name: string, model: string, repeated: number): BatchResults {
  const used = new Set<string>();
  const engine: Engine = {
    // The engine and model the requests were written for: the fingerprints (and so the ids) match.
    info: { engine: 'openai', model, location: `batch results ${name}` },
    async prepare() {},
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const r = request.id === undefined ? undefined : results.get(request.id);
      if (!r) throw new EngineError(`no result in ${name} for this request`, { retryable: false });
      used.add(r.customId);
      if (!r.ok) throw new EngineError(`the batch result is an error: ${stripControlsInline(r.error).slice(0, 500)}`, { retryable: false });
      if (r.text !== '') request.onText?.(r.text);
      return {
        text: r.text,
        totalMs: 0,
        ...(r.finishReason ? { doneReason: r.finishReason } : {}),
        ...(r.completionTokens ? { evalCount: r.completionTokens } : {}),
        ...(r.promptTokens ? { promptEvalCount: r.promptTokens } : {}),
      };
    },
    async close() {},
  };
  return {
    engine,
    has: (id) => results.has(id),
    unused: () => [...results.keys()].filter((id) => !used.has(id)),
    size: results.size,
    repeated,
  };
}

/** --model, else the one model the file's completions name: the model the requests were written for. */
function modelOf(results: Map<string, BatchResult>, given: string | undefined, name: string): string {
  if (given !== undefined) return given;
  const named = new Set<string>();
  for (const r of results.values()) if (r.ok && r.model) named.add(r.model);
  if (named.size === 1) return [...named][0]!;
  throw new UsageError(`--batch-in needs --model: ${name} ${named.size === 0 ? 'names no model' : 'names several models'}.`, {
    hint: 'pass the --model the requests were written with (`--batch-out ... --model M`).',
  });
}
