// What `draftsmith doctor` finds out about an OpenAI-compatible server: where it is (--host, else
// the default), whether it is this machine (a non-local host is not contacted without
// --allow-remote), and, within a bounded time, the models it serves. The API key is used, never shown.
import { DraftsmithError } from '../../core/errors.js';
import { hostLocality } from '../../io/resolve-host.js';
import type { DoctorContext } from '../descriptor.js';
import { readApiKey } from './api-key.js';
import { modelName } from './choose.js';
import type { OpenAIDoctorFacts, OpenAIServerFact } from './doctor-checks.js';
import { CHECK_TIMEOUT_MS, networkReason, toEngineError } from './errors.js';
import { resolveBaseUrl } from './host.js';
import { HttpError } from './transport.js';

type Found = Omit<OpenAIDoctorFacts, 'engine'>;

export async function checkOpenAI(opts: DoctorContext): Promise<Found> {
  let url: string;
  try {
    url = resolveBaseUrl(opts.host);
  } catch (err) {
    // A --host only Ollama reads is a problem only when this engine is chosen.
    if (!(err instanceof DraftsmithError) || opts.engine === 'openai') throw err;
    return facts(opts.host ?? '', opts, undefined, { state: 'invalid-host', reason: err.message });
  }
  const key = readApiKey(url, opts.env);
  const { listOpenAIModels } = await import('./engine.js');
  try {
    const checked = opts.allowRemote ? undefined : await hostLocality(url, opts.lookup);
    if (checked && !checked.local) return facts(url, opts, undefined, { state: 'remote', addresses: checked.addresses });
    const models = (await listOpenAIModels(url, key, undefined, CHECK_TIMEOUT_MS, checked?.addresses)).map((m) => m.id);
    return facts(url, opts, models, { state: 'ok', models });
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof HttpError && (cause.status === 401 || cause.status === 403)) {
      const e = toEngineError(cause, { baseUrl: url, ...(key ? { key } : {}) });
      return facts(url, opts, undefined, { state: 'refused', reason: `HTTP ${cause.status}`, ...(e.hint ? { hint: e.hint } : {}) });
    }
    return facts(url, opts, undefined, { state: 'unreachable', reason: networkReason(err, { baseUrl: url }) });
  }
}

function facts(url: string, opts: DoctorContext, served: string[] | undefined, openai: OpenAIServerFact): Found {
  return { openaiUrl: url, openaiModel: modelName(opts, served), openai };
}
