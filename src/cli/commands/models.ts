// `draftsmith models`: what can be drafted with here. Ollama's pulled models (when it answers) and the
// GGUF files in draftsmith's model cache. The listing is stdout; that Ollama did not answer is a
// note on stderr, not a failure: the exit code is 0 either way (2 only for a bad --host).
import { formatBytes } from '../../core/text/bytes.js';
import { NETWORK_TIMEOUT_MS, networkReason } from '../../core/doctor.js';
import { resolveHost, resolvedNote } from '../../core/host.js';
import { stripControlsInline } from '../../core/text/sanitize.js';
import type { OllamaModelInfo } from '../../engines/ollama/engine.js';
import { hostLocality, type LookupAll } from '../../io/resolve-host.js';
import type { CliIo } from '../streams.js';

export interface ModelsOptions {
  host?: string;
  allowRemote?: boolean;
  json?: boolean;
}

export interface ModelsListing {
  ollama: { host: string; reachable: boolean; error?: string; models: OllamaModelInfo[] };
  cache: { dir: string; files: { path: string; size: number }[] };
}

export async function runModelsCommand(opts: ModelsOptions, io: CliIo): Promise<void> {
  const host = resolveHost(opts.host, io.env.OLLAMA_HOST); // a bad --host is a usage error
  const { listCachedModels, modelCacheDir } = await import('../../engines/llama-cpp/model-ref.js');
  const [ollama, files] = await Promise.all([listOllama(host, Boolean(opts.allowRemote), io.lookup), listCachedModels(io.env)]);
  const listing: ModelsListing = {
    ollama,
    cache: { dir: modelCacheDir(io.env), files: files.map((f) => ({ path: f.file, size: f.size })) },
  };
  if (!ollama.reachable) {
    const fix = ollama.error?.startsWith('not contacted')
      ? 'pass --allow-remote to list its models'
      : 'start it with `ollama serve`, or pass --host URL';
    io.stderr.write(`draftsmith: note: ${stripControlsInline(ollama.error ?? '')}; ${fix}. Listing cached GGUF files only.\n`);
  }
  io.stdout.write(opts.json ? `${JSON.stringify(listing, null, 2)}\n` : renderModels(listing));
}

async function listOllama(host: string, allowRemote: boolean, lookup: LookupAll | undefined): Promise<ModelsListing['ollama']> {
  const { listOllamaModels } = await import('../../engines/ollama/engine.js');
  try {
    if (!allowRemote) {
      const { local, addresses } = await hostLocality(host, lookup);
      if (!local) {
        const error = `not contacted: Ollama at ${host} is not on this machine${resolvedNote(host, addresses)}`;
        return { host, reachable: false, error, models: [] };
      }
    }
    const models = await listOllamaModels(host, AbortSignal.timeout(NETWORK_TIMEOUT_MS));
    return { host, reachable: true, models };
  } catch (err) {
    return { host, reachable: false, error: `no answer from Ollama at ${host} (${networkReason(err)})`, models: [] };
  }
}

/** The text listing: a section per source, aligned columns, every outside string made safe. */
export function renderModels(listing: ModelsListing): string {
  const out: string[] = [];
  const { ollama, cache } = listing;
  if (ollama.reachable) {
    if (ollama.models.length === 0) out.push(`Ollama at ${ollama.host}: no models pulled (e.g. \`ollama pull llama3.2\`)`);
    else {
      out.push(`Ollama at ${ollama.host} (${plural(ollama.models.length, 'model')}):`);
      const rows = ollama.models.map((m) => [m.name, formatBytes(m.size), m.parameterSize || '-', m.quantization || '-']);
      out.push(...table(['NAME', 'SIZE', 'PARAMETERS', 'QUANTISATION'], rows));
    }
    out.push('');
  }
  if (cache.files.length === 0) out.push(`GGUF cache ${cache.dir}: no files (hf: models are downloaded here on first use)`);
  else {
    out.push(`GGUF cache ${cache.dir} (${plural(cache.files.length, 'file')}):`);
    out.push(...table(['SIZE', 'PATH'], cache.files.map((f) => [formatBytes(f.size), f.path])));
  }
  return `${out.map((l) => stripControlsInline(l).trimEnd()).join('\n')}\n`;
}

function table(head: string[], rows: string[][]): string[] {
  const clean = rows.map((r) => r.map((c) => stripControlsInline(c)));
  const widths = head.map((h, i) => Math.max(h.length, ...clean.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`;
  return [line(head), ...clean.map(line)];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
