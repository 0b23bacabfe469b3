// What `draftsmith doctor` finds out about Ollama: where it is (--host, else OLLAMA_HOST, else the
// default), whether it is this machine (a non-local host is not contacted without --allow-remote),
// and, within a bounded time, its version and pulled models.
import { DraftsmithError } from '../../core/errors.js';
import { hostLocality } from '../../io/resolve-host.js';
import type { DoctorContext } from '../descriptor.js';
import type { OllamaServerFact } from './doctor-checks.js';
import { CHECK_TIMEOUT_MS, networkReason } from './errors.js';
import { resolveHost } from './host.js';

export async function checkOllama(opts: DoctorContext): Promise<{ host: string; ollama: OllamaServerFact }> {
  let host: string;
  try {
    host = resolveHost(opts.host, opts.env.OLLAMA_HOST);
  } catch (err) {
    // A bad --host is a usage error; a bad OLLAMA_HOST is something to diagnose.
    if (opts.host !== undefined || !(err instanceof DraftsmithError)) throw err;
    return { host: 'OLLAMA_HOST', ollama: { state: 'invalid-host', reason: err.message, ...(err.hint ? { hint: err.hint } : {}) } };
  }
  const { listOllamaModels, ollamaVersion } = await import('./engine.js');
  try {
    let checked: string[] | undefined;
    if (!opts.allowRemote) {
      const { local, addresses } = await hostLocality(host, opts.lookup);
      if (!local) return { host, ollama: { state: 'remote', addresses } };
      checked = addresses;
    }
    const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
    const [version, models] = await Promise.all([ollamaVersion(host, signal, checked), listOllamaModels(host, signal, checked)]);
    return { host, ollama: { state: 'ok', version, models: models.map((m) => m.name) } };
  } catch (err) {
    // Only a hint about something other than starting Ollama (e.g. "not an Ollama server") is kept.
    const hint = err instanceof DraftsmithError && err.hint && !/ollama serve/.test(err.hint) ? err.hint : undefined;
    return { host, ollama: { state: 'unreachable', reason: networkReason(err), ...(hint ? { hint } : {}) } };
  }
}
