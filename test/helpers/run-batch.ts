// Stands in for `vllm run-batch`: reads a batch requests file and writes a results file in the
// OpenAI Batch API shape ({"id","custom_id","response":{"status_code","request_id","body"},"error"}),
// each body a chat.completion whose content is the fake servers' answer to that request. Results go
// out in a shuffled order (as a batch may write them); chosen requests can get an error result, a
// cut answer (finish_reason "length"), or none at all, and results for nobody can be added.
import { readFileSync, writeFileSync } from 'node:fs';
import { defaultContent } from './fake-ollama/index.js';

export interface BatchRunOptions {
  /** Index of requests (in file order) whose result is an error. */
  errors?: number[];
  /** ... whose answer is cut (finish_reason "length"; its JSON still complete). */
  cut?: number[];
  /** ... that get no result at all. */
  omit?: number[];
  /** custom_ids of extra results that answer no request. */
  unknown?: string[];
  /** Write the completion itself as `response` (the flattened shape). */
  flatten?: number[];
  /** Seed of the shuffle; results in request order when undefined. */
  shuffleSeed?: number;
}

export interface BatchRequest {
  custom_id: string;
  method: string;
  url: string;
  body: Record<string, any>;
}

export function readRequests(file: string): BatchRequest[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as BatchRequest);
}

export function runBatch(requestsFile: string, resultsFile: string, o: BatchRunOptions = {}): BatchRequest[] {
  const requests = readRequests(requestsFile);
  const lines: string[] = [];
  requests.forEach((req, i) => {
    if (o.omit?.includes(i)) return;
    if (o.errors?.includes(i)) {
      lines.push(JSON.stringify({ id: `batch_req_${i}`, custom_id: req.custom_id, response: null, error: { code: 'server_error', message: `engine crashed on request ${i}` } }));
      return;
    }
    const body = completion(req, i, o.cut?.includes(i) ? 'length' : 'stop');
    const response = o.flatten?.includes(i) ? body : { status_code: 200, request_id: `req_${i}`, body };
    lines.push(JSON.stringify({ id: `batch_req_${i}`, custom_id: req.custom_id, response, error: null }));
  });
  for (const [j, id] of (o.unknown ?? []).entries()) {
    lines.push(JSON.stringify({ id: `batch_req_x${j}`, custom_id: id, response: { status_code: 200, request_id: `x${j}`, body: completion(requests[0]!, j, 'stop') }, error: null }));
  }
  writeFileSync(resultsFile, `${shuffle(lines, o.shuffleSeed).join('\n')}\n`);
  return requests;
}

function completion(req: BatchRequest, i: number, finish: string): Record<string, unknown> {
  const schema = req.body.response_format?.json_schema?.schema;
  const content = defaultContent({ messages: req.body.messages, format: schema ?? 'json' });
  return {
    id: `chatcmpl-${i}`,
    object: 'chat.completion',
    created: 1_764_000_000,
    model: req.body.model,
    choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: finish }],
    usage: { prompt_tokens: 100, completion_tokens: 40, total_tokens: 140 },
  };
}

function shuffle<T>(items: T[], seed: number | undefined): T[] {
  if (seed === undefined) return items;
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
