// Model references for the embedded engine, and where each one's GGUF file is on disk:
//   path/to/model.gguf        a local file (relative to the working directory)
//   hf:owner/repo:quant       Hugging Face, through node-llama-cpp's resolver, into our cache folder
//   hf:owner/repo/file.gguf   (the same, naming the file)
//   ollama:NAME[:TAG]         the blob of a model Ollama has already pulled; the daemon is not needed
// Anything else (`llama3.2`, `qwen2.5:7b`) is an Ollama model name, for the Ollama engine.
// A path is told from a name by its `.gguf` ending or a leading `/`, `./`, `../` or `~/`.
import { open, readdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { abortError, EngineError, InputError, UsageError } from '../../core/errors.js';
import { loadNodeLlamaCpp, type NodeLlamaCpp } from './node-llama-cpp.js';
import { makePrivateDir } from '../../io/private-files.js';
import type { DownloadProgress } from '../descriptor.js';

export type ModelRef =
  | { kind: 'file'; path: string }
  | { kind: 'hf'; uri: string }
  | { kind: 'ollama'; name: string; tag: string }
  /** A plain Ollama model name: not something the embedded engine can open by itself. */
  | { kind: 'name'; name: string };

export interface ResolveOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** --yes: download without asking. */
  yes?: boolean;
  /** A person is at a terminal to answer `confirm`. */
  interactive?: boolean;
  confirm?: (message: string) => Promise<boolean>;
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
  /** node-llama-cpp's resolver; loaded on demand when absent (tests pass a stand-in). */
  library?: Pick<NodeLlamaCpp, 'resolveModelFile'>;
}

const HF = /^hf:([^/\s:]+)\/([^/\s:]+)(?::([^\s/:#]+)|\/([^\s#]+?\.gguf))?(?:#([^\s#]+))?$/i;
const OLLAMA_PART = /^[a-z0-9][a-z0-9._-]*$/i;
const OLLAMA_TAG = /^[a-z0-9_][a-z0-9._-]{0,127}$/i;
const MODEL_LAYER = 'application/vnd.ollama.image.model';

// ---- parsing --------------------------------------------------------------------------------

export function parseModelRef(s: string): ModelRef {
  const ref = s.trim();
  if (/^hf:/i.test(ref)) {
    if (!HF.test(ref)) {
      throw new UsageError(`"${s}" is not a Hugging Face model reference`, {
        hint: 'write hf:owner/repo:quant (e.g. hf:bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M) or hf:owner/repo/file.gguf',
      });
    }
    return { kind: 'hf', uri: `hf:${ref.slice(3)}` };
  }
  if (/^ollama:/i.test(ref)) return parseOllamaRef(s, ref.slice('ollama:'.length));
  if (isPathLike(ref)) return { kind: 'file', path: ref };
  return { kind: 'name', name: ref };
}

/** A reference the embedded engine can run (a GGUF path, hf: or ollama:), not a plain name. */
export function isGgufRef(s: string): boolean {
  try {
    return parseModelRef(s).kind !== 'name';
  } catch {
    return true; // a malformed hf:/ollama: reference: still meant for the embedded engine
  }
}

function isPathLike(s: string): boolean {
  return /\.gguf$/i.test(s) || /^(?:\/|\.{1,2}[/\\]|~[/\\])/.test(s) || /^[a-z]:[/\\]/i.test(s) || s.includes('\\');
}

function parseOllamaRef(original: string, rest: string): ModelRef {
  const colon = rest.lastIndexOf(':');
  const hasTag = colon >= 0 && !rest.slice(colon + 1).includes('/');
  const name = hasTag ? rest.slice(0, colon) : rest;
  const tag = hasTag ? rest.slice(colon + 1) : 'latest';
  const parts = name.split('/');
  if (name === '' || parts.length > 3 || !parts.every((p) => OLLAMA_PART.test(p)) || !OLLAMA_TAG.test(tag)) {
    throw new UsageError(`"${original}" is not an Ollama model reference`, {
      hint: 'write ollama:NAME or ollama:NAME:TAG as `ollama list` shows it, e.g. ollama:llama3.2 or ollama:qwen2.5:7b',
    });
  }
  return { kind: 'ollama', name, tag };
}

// ---- resolving --------------------------------------------------------------------------------

/** The local GGUF file a reference stands for; downloads an hf: model when allowed. */
export async function resolveModelRef(ref: ModelRef, opts: ResolveOptions): Promise<string> {
  switch (ref.kind) {
    case 'file':
      return resolveFile(ref.path, opts);
    case 'ollama':
      return resolveOllamaBlob(ref, opts.env);
    case 'hf':
      return resolveHf(ref.uri, opts);
    case 'name':
      throw new UsageError(`"${ref.name}" is an Ollama model name; the llama-cpp engine needs a GGUF model`, {
        hint: `use ollama:${ref.name} to run the copy Ollama has pulled (no daemon needed), a .gguf file, or hf:owner/repo:quant`,
      });
  }
}

async function resolveFile(given: string, opts: ResolveOptions): Promise<string> {
  const file = path.resolve(opts.cwd, expandHome(given, opts.env));
  let isDir = false;
  try {
    isDir = (await stat(file)).isDirectory();
  } catch {
    throw new InputError(`model file not found: ${given}`, {
      hint: `check the path (resolved to ${file}); --model takes a .gguf file, hf:owner/repo:quant or ollama:NAME`,
    });
  }
  if (isDir) {
    const ggufs = (await readdir(file).catch(() => [] as string[])).filter((n) => /\.gguf$/i.test(n));
    throw new InputError(`${given} is a folder, not a GGUF model file`, {
      hint: ggufs.length > 0 ? `pick one of its files: ${ggufs.slice(0, 5).join(', ')}` : 'pass the .gguf file itself',
    });
  }
  if (!(await hasGgufMagic(file))) {
    throw new InputError(`${given} is not a GGUF model file (it does not start with "GGUF")`, {
      hint: 'the llama-cpp engine runs GGUF files; convert the model or download a GGUF build of it',
    });
  }
  return file;
}

function expandHome(p: string, env: NodeJS.ProcessEnv): string {
  return /^~[/\\]/.test(p) ? path.join(homeDir(env), p.slice(2)) : p;
}

function homeDir(env: NodeJS.ProcessEnv): string {
  return env.HOME || env.USERPROFILE || os.homedir();
}

export async function hasGgufMagic(file: string): Promise<boolean> {
  try {
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(4);
      const { bytesRead } = await fh.read(buf, 0, 4, 0);
      return bytesRead === 4 && buf.toString('latin1') === 'GGUF';
    } finally {
      await fh.close();
    }
  } catch {
    return false;
  }
}

// ---- ollama: ----------------------------------------------------------------------------------

/** Where Ollama keeps models: $OLLAMA_MODELS, else ~/.ollama/models. */
export function ollamaModelsDir(env: NodeJS.ProcessEnv): string {
  const fromEnv = env.OLLAMA_MODELS?.trim();
  return fromEnv ? path.resolve(fromEnv) : path.join(homeDir(env), '.ollama', 'models');
}

/** manifests/<registry>/<namespace>/<name>/<tag>, as Ollama lays them out. */
function manifestDir(modelsDir: string, name: string): string {
  const parts = name.split('/');
  const full = parts.length === 1 ? ['registry.ollama.ai', 'library', ...parts] : parts.length === 2 ? ['registry.ollama.ai', ...parts] : parts;
  return path.join(modelsDir, 'manifests', ...full);
}

async function resolveOllamaBlob(ref: { name: string; tag: string }, env: NodeJS.ProcessEnv): Promise<string> {
  const dir = ollamaModelsDir(env);
  const label = `${ref.name}:${ref.tag}`;
  const pull = ref.tag === 'latest' ? `ollama pull ${ref.name}` : `ollama pull ${label}`;
  const where = env.OLLAMA_MODELS?.trim()
    ? `(OLLAMA_MODELS=${dir})`
    : `(${dir}; set OLLAMA_MODELS if Ollama keeps its models elsewhere, e.g. /usr/share/ollama/.ollama/models for a Linux service install)`;

  const nameDir = manifestDir(dir, ref.name);
  let text: string | undefined;
  for (const candidate of [nameDir, manifestDir(dir, ref.name.toLowerCase())]) {
    text = await readFile(path.join(candidate, ref.tag), 'utf8').catch(() => undefined);
    if (text !== undefined) break;
  }
  if (text === undefined) {
    const tags = await readdir(nameDir).catch(() => [] as string[]);
    const other = tags.length > 0 ? ` (it has: ${tags.map((t) => `${ref.name}:${t}`).join(', ')})` : '';
    throw new EngineError(`Ollama has not pulled ${label} on this machine${other}`, { hint: `run \`${pull}\` ${where}` });
  }

  let digest: unknown;
  try {
    const manifest = JSON.parse(text) as { layers?: { mediaType?: unknown; digest?: unknown }[] };
    digest = manifest.layers?.find((l) => l?.mediaType === MODEL_LAYER)?.digest;
  } catch (err) {
    throw new EngineError(`the Ollama manifest of ${label} is not valid JSON`, { cause: err, hint: `run \`${pull}\` again` });
  }
  const hex = typeof digest === 'string' ? /^sha256:([0-9a-f]{64})$/.exec(digest)?.[1] : undefined;
  if (!hex) {
    throw new EngineError(`the Ollama manifest of ${label} names no model file`, { hint: `run \`${pull}\` again` });
  }
  const blob = path.join(dir, 'blobs', `sha256-${hex}`);
  try {
    await stat(blob);
  } catch (err) {
    throw new EngineError(`the model file of ${label} is missing: ${blob}`, { cause: err, hint: `run \`${pull}\` again` });
  }
  if (!(await hasGgufMagic(blob))) {
    throw new EngineError(`Ollama's copy of ${label} is not a GGUF file, so only Ollama can run it`, {
      hint: 'use --engine ollama, or a GGUF build of the model (.gguf file or hf:owner/repo:quant)',
    });
  }
  return blob;
}

// ---- hf: and the cache ------------------------------------------------------------------------

/** Where hf: models are downloaded: $DRAFTSMITH_CACHE, else $XDG_CACHE_HOME/draftsmith/models, else ~/.cache/draftsmith/models. */
export function modelCacheDir(env: NodeJS.ProcessEnv): string {
  const own = env.DRAFTSMITH_CACHE?.trim();
  if (own) return path.resolve(own);
  const xdg = env.XDG_CACHE_HOME?.trim();
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(homeDir(env), '.cache');
  return path.join(base, 'draftsmith', 'models');
}

/** The GGUF files in the cache folder, by name. */
export async function listCachedModels(env: NodeJS.ProcessEnv): Promise<{ file: string; size: number }[]> {
  const dir = modelCacheDir(env);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: { file: string; size: number }[] = [];
  for (const e of entries) {
    if (!e.isFile() || !/\.gguf$/i.test(e.name)) continue;
    const file = path.join(dir, e.name);
    const size = await stat(file).then((s) => s.size, () => undefined);
    if (size !== undefined) out.push({ file, size });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

/** The cached file of an hf: reference, or undefined when it is not downloaded. Never downloads. */
export async function findCachedModel(
  ref: ModelRef,
  opts: { env: NodeJS.ProcessEnv; library?: Pick<NodeLlamaCpp, 'resolveModelFile'> },
): Promise<string | undefined> {
  if (ref.kind !== 'hf') return undefined;
  const lib = opts.library ?? (await loadNodeLlamaCpp());
  try {
    return await lib.resolveModelFile(ref.uri, { directory: modelCacheDir(opts.env), download: false, cli: false });
  } catch (err) {
    if (/download is disabled|not all split parts/i.test(String((err as Error)?.message))) return undefined;
    throw new UsageError(`cannot use ${ref.uri}: ${(err as Error)?.message ?? err}`, {
      cause: err,
      hint: 'write hf:owner/repo:quant or hf:owner/repo/file.gguf',
    });
  }
}

async function resolveHf(uri: string, opts: ResolveOptions): Promise<string> {
  const library = opts.library ?? (await loadNodeLlamaCpp());
  const cached = await findCachedModel({ kind: 'hf', uri }, { env: opts.env, library });
  if (cached) return cached;

  const dir = modelCacheDir(opts.env);
  if (!opts.yes) {
    if (!opts.interactive || !opts.confirm) {
      throw new UsageError(`${uri} is not downloaded yet, and downloading it needs your go-ahead`, {
        hint: `add --yes to download it into ${dir}, or pass a local .gguf file with --model`,
      });
    }
    if (!(await opts.confirm(`Download ${uri} from Hugging Face into ${dir}? Models are often several GB.`))) {
      throw new UsageError(`not downloading ${uri}`, {
        hint: 'pass a local .gguf file with --model, or run again and answer yes (or add --yes)',
      });
    }
  }
  if (opts.signal?.aborted) throw abortError(opts.signal.reason);
  await makePrivateDir(dir);
  try {
    return await library.resolveModelFile(uri, {
      directory: dir,
      download: 'auto',
      cli: false,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress
        ? { onProgress: (s: { totalSize: number; downloadedSize: number }) => opts.onProgress?.({ downloadedBytes: s.downloadedSize, totalBytes: s.totalSize }) }
        : {}),
    });
  } catch (err) {
    if (opts.signal?.aborted) throw abortError(opts.signal.reason, err);
    throw new EngineError(`could not download ${uri}: ${(err as Error)?.message ?? err}`, {
      cause: err,
      hint: 'check the network and the reference (owner, repo and quant as Hugging Face lists them); gated or private repos need HF_TOKEN',
    });
  }
}

