// One line of a batch results file, as the OpenAI Batch API and `vllm run-batch` write it:
// {"id","custom_id","response":{"status_code":200,"request_id","body":{chat.completion}},"error":null}.
// A `response` that is the completion itself is accepted too (tools that flatten it). An error
// (`error` non-null, or a status other than 200) is a result as well: the row fails with it. Pure.

/** What one result line says about its request. */
export type BatchResult =
  | { customId: string; ok: true; text: string; finishReason?: string; completionTokens?: number; promptTokens?: number; model?: string }
  | { customId: string; ok: false; error: string };

/** A line that is not a result at all: why, for the `file:line` message. */
export class BadResultLine extends Error {}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses one non-blank line; throws BadResultLine saying what is wrong. */
export function parseResultLine(line: string): BatchResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new BadResultLine('not JSON');
  }
  if (!isObj(value)) throw new BadResultLine('not a JSON object');
  const customId = value.custom_id;
  if (typeof customId !== 'string' || customId === '') throw new BadResultLine('no "custom_id"');
  if (value.error !== undefined && value.error !== null) return { customId, ok: false, error: errorText(value.error) };
  const response = value.response;
  if (!isObj(response)) throw new BadResultLine('no "response" object (and no "error")');
  // The Batch API wraps the completion: {status_code, body}; a flattened result is the completion.
  const wrapped = 'status_code' in response || 'body' in response;
  const status = wrapped ? response.status_code : 200;
  const body = wrapped ? response.body : response;
  if (status !== 200) return { customId, ok: false, error: `status ${String(status)}${isObj(body) && body.error !== undefined ? `: ${errorText(body.error)}` : ''}` };
  if (!isObj(body)) throw new BadResultLine('no completion in "response.body"');
  if (body.error !== undefined && body.error !== null) return { customId, ok: false, error: errorText(body.error) };
  return completion(customId, body);
}

function completion(customId: string, body: Obj): BatchResult {
  const choices = body.choices;
  if (!Array.isArray(choices) || !isObj(choices[0])) throw new BadResultLine('no "choices" in the completion');
  const choice = choices[0];
  const message = choice.message;
  const content = isObj(message) ? message.content : undefined;
  if (content !== null && content !== undefined && typeof content !== 'string') throw new BadResultLine('"message.content" is not a string');
  const usage = isObj(body.usage) ? body.usage : {};
  return {
    customId,
    ok: true,
    text: typeof content === 'string' ? content : '',
    ...(typeof choice.finish_reason === 'string' ? { finishReason: choice.finish_reason } : {}),
    ...(typeof usage.completion_tokens === 'number' ? { completionTokens: usage.completion_tokens } : {}),
    ...(typeof usage.prompt_tokens === 'number' ? { promptTokens: usage.prompt_tokens } : {}),
    ...(typeof body.model === 'string' ? { model: body.model } : {}),
  };
}

/** An error member as one line of text: its message (and code) when it has one. */
function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  if (isObj(error)) {
    const message = typeof error.message === 'string' ? error.message : JSON.stringify(error);
    return typeof error.code === 'string' || typeof error.code === 'number' ? `${message} (${String(error.code)})` : message;
  }
  return JSON.stringify(error);
}
