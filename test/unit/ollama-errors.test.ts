// The Ollama engine's one error table: what a failure means while drafting (toEngineError: message,
// hint, retry) and the short reason a check prints (networkReason), both read from it.
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/core/errors.js';
import { networkReason, toEngineError } from '../../src/engines/ollama/errors.js';

describe('toEngineError', () => {
  const ctx = { host: 'http://127.0.0.1:11434', model: 'llama3.2', timeoutMs: 1500 };
  const responseError = (status: number, error: string) => Object.assign(new Error(error), { name: 'ResponseError', error, status_code: status });
  // node:http's errors carry the code themselves; a wrapped one (cause) is read too.
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
  const wrapped = (message: string, code: string) => Object.assign(new Error(message), { cause: withCode(code, code) });

  it.each([
    ['connection refused', withCode('connect ECONNREFUSED 127.0.0.1:11434', 'ECONNREFUSED'), {}, true, /^Cannot reach Ollama at http:\/\/127\.0\.0\.1:11434$/],
    ['unknown host', withCode('getaddrinfo ENOTFOUND ollama.lan', 'ENOTFOUND'), {}, true, /^Cannot reach/],
    ['connect timeout', withCode('connect ETIMEDOUT 10.0.0.9:11434', 'ETIMEDOUT'), {}, true, /^Cannot reach/],
    ['reset before any output', withCode('socket hang up', 'ECONNRESET'), {}, true, /^Cannot reach/],
    ['wrapped refusal', wrapped('request failed', 'ECONNREFUSED'), {}, true, /^Cannot reach/],
    ['model not found', responseError(404, "model 'llama3.2' not found"), {}, false, /not available/],
    ['model not found, scheduler wording', responseError(404, 'model "llama3.2" not found, try pulling it first'), {}, false, /not available/],
    ['bad request', responseError(400, 'invalid format'), {}, false, /invalid format/],
    ['proxy 404 page', responseError(404, '404 page not found'), {}, false, /refused the request/],
    ['redirect', responseError(301, 'Moved Permanently'), {}, false, /refused the request \(HTTP 301\)/],
    ['server error', responseError(500, 'boom'), {}, true, /HTTP 500.*boom/],
    ['busy', responseError(503, 'server busy'), {}, true, /HTTP 503/],
    ['socket cut', withCode('aborted', 'ECONNRESET'), { midStream: true }, true, /stopped mid-answer: the connection was cut/],
    ['stream ended early', new Error('Did not receive done or success response in stream.'), { midStream: true }, true, /mid-answer/],
    ['error line', new Error('an error was encountered while running the model'), { midStream: true }, true, /mid-answer/],
    ['our timeout', new DOMException('x', 'TimeoutError'), {}, true, /within 1\.5s/],
    ['unknown, before output', new Error('weird'), {}, false, /failed: weird/],
  ] as const)('%s', (_name, err, extra, retryable, message) => {
    const mapped = toEngineError(err, { ...ctx, ...extra });
    expect(mapped).toBeInstanceOf(EngineError);
    expect(mapped.retryable).toBe(retryable);
    expect(mapped.message).toMatch(message);
    expect(mapped.cause).toBe(err);
  });

  it('a redirect says to pass the address it points at', () => {
    expect(toEngineError(responseError(308, 'Permanent Redirect'), ctx).hint).toMatch(/redirects elsewhere.*--host/);
  });

  it('gives the pull hint for a missing model and the serve hint when unreachable', () => {
    expect(toEngineError(responseError(404, "model 'llama3.2' not found"), ctx).hint).toContain('`ollama pull llama3.2`');
    expect(toEngineError(withCode('connect ECONNREFUSED', 'ECONNREFUSED'), ctx).hint).toContain('`ollama serve`');
    expect(toEngineError(withCode('connect ECONNREFUSED', 'ECONNREFUSED'), { ...ctx, retryable: false }).retryable).toBe(false);
  });
});

describe('networkReason', () => {
  const withCode = (code: string) => Object.assign(new Error('Cannot reach Ollama at http://127.0.0.1:1'), { cause: Object.assign(new Error('fetch failed'), { cause: { code } }) });
  it.each<[string, unknown, string]>([
    ['refused, deep in the cause chain', withCode('ECONNREFUSED'), 'connection refused'],
    ['DNS', withCode('ENOTFOUND'), 'host not found'],
    ['our deadline', Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }), 'no answer within 2 s'],
    ['an HTTP answer, without the repeated host', new Error('Ollama at http://h:1 refused the request (HTTP 404): nope'), 'refused the request (HTTP 404): nope'],
    ['anything else', 'boom', 'boom'],
    ['no code: the innermost message', new Error('Cannot reach Ollama at http://h:1', { cause: new Error('fetch failed', { cause: new Error('bad port') }) }), 'bad port'],
  ])('%s', (_n, err, reason) => expect(networkReason(err)).toBe(reason));
});
