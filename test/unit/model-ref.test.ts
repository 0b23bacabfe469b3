// Model references: parsing, Ollama's on-disk layout (a fake models tree), the hf: download consent.
import { describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EngineError, InputError, UsageError } from '../../src/core/errors.js';
import {
  findCachedModel,
  isGgufRef,
  listCachedModels,
  modelCacheDir,
  ollamaModelsDir,
  parseModelRef,
  resolveModelRef,
  type ResolveOptions,
} from '../../src/engines/llama-cpp/model-ref.js';
import { sharedDir } from '../helpers/cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tinyModel = path.join(sharedDir, 'models/stories260K.gguf');
const HEX = 'ab'.repeat(32);

const tmp = useTempDir('draftsmith-model-ref-');

/** A GGUF-looking file: the magic bytes and some padding (the real model when present). */
function ggufFile(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  if (existsSync(tinyModel)) copyFileSync(tinyModel, file);
  else writeFileSync(file, Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(60)]));
  return file;
}

/** An Ollama models folder holding one model under manifests/<registry path>/<tag>. */
function fakeOllamaTree(name: string, manifestPath: string[], opts: { blob?: boolean; layers?: unknown[] } = {}): string {
  const models = tmp.dir(name);
  const layers = opts.layers ?? [
    { mediaType: 'application/vnd.ollama.image.template', digest: `sha256:${'cd'.repeat(32)}`, size: 10 },
    { mediaType: 'application/vnd.ollama.image.model', digest: `sha256:${HEX}`, size: 1185376 },
  ];
  const manifest = path.join(models, 'manifests', ...manifestPath);
  mkdirSync(path.dirname(manifest), { recursive: true });
  writeFileSync(manifest, JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', layers }));
  if (opts.blob !== false) ggufFile(path.join(models, 'blobs', `sha256-${HEX}`));
  return models;
}

const base = (env: NodeJS.ProcessEnv, extra: Partial<ResolveOptions> = {}): ResolveOptions => ({ env, cwd: tmp.path, ...extra });

describe('parseModelRef', () => {
  it.each([
    ['model.gguf', { kind: 'file', path: 'model.gguf' }],
    ['../shared/models/stories260K.GGUF', { kind: 'file', path: '../shared/models/stories260K.GGUF' }],
    ['./models/no-extension', { kind: 'file', path: './models/no-extension' }],
    ['/abs/model', { kind: 'file', path: '/abs/model' }],
    ['~/models/m.gguf', { kind: 'file', path: '~/models/m.gguf' }],
    ['hf:bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M', { kind: 'hf', uri: 'hf:bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M' }],
    ['hf:owner/repo/sub/file.gguf', { kind: 'hf', uri: 'hf:owner/repo/sub/file.gguf' }],
    ['hf:owner/repo', { kind: 'hf', uri: 'hf:owner/repo' }],
    ['ollama:llama3.2', { kind: 'ollama', name: 'llama3.2', tag: 'latest' }],
    ['ollama:qwen2.5:7b', { kind: 'ollama', name: 'qwen2.5', tag: '7b' }],
    ['ollama:jdoe/mymodel:v1', { kind: 'ollama', name: 'jdoe/mymodel', tag: 'v1' }],
    ['ollama:hf.co/owner/repo:Q4_K_M', { kind: 'ollama', name: 'hf.co/owner/repo', tag: 'Q4_K_M' }],
    ['llama3.2', { kind: 'name', name: 'llama3.2' }],
    ['qwen2.5:7b', { kind: 'name', name: 'qwen2.5:7b' }],
  ])('%s', (input, expected) => {
    expect(parseModelRef(input)).toEqual(expected);
  });

  it.each(['hf:', 'hf:justone', 'hf:a/b/c', 'ollama:', 'ollama:../etc:passwd', 'ollama:a/b/c/d', 'ollama:name:bad/tag'])(
    'rejects %s with a usage error that shows the right form',
    (input) => {
      const err = catchError(() => parseModelRef(input));
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).hint).toMatch(/hf:owner\/repo|ollama:NAME/);
    },
  );

  it('tells GGUF references from Ollama model names', () => {
    expect(['x.gguf', 'hf:o/r:Q4_K_M', 'ollama:llama3.2', 'hf:broken'].map(isGgufRef)).toEqual([true, true, true, true]);
    expect(['llama3.2', 'qwen2.5:7b', 'jdoe/model'].map(isGgufRef)).toEqual([false, false, false]);
  });
});

describe('resolveModelRef: files', () => {
  it('resolves a path relative to cwd', async () => {
    const file = ggufFile(path.join(tmp.dir('files'), 'm.gguf'));
    await expect(resolveModelRef(parseModelRef('files/m.gguf'), base({}))).resolves.toBe(file);
  });

  it('accepts a file without the extension when it starts with the GGUF magic', async () => {
    const file = ggufFile(path.join(tmp.dir('files'), 'no-ext'));
    await expect(resolveModelRef(parseModelRef('./files/no-ext'), base({}))).resolves.toBe(file);
  });

  it('names a missing file', async () => {
    const err = await resolveModelRef(parseModelRef('nowhere/model.gguf'), base({})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain('nowhere/model.gguf');
  });

  it('refuses a file that is not GGUF, naming it', async () => {
    writeFileSync(path.join(tmp.dir('files'), 'fake.gguf'), 'not a model at all');
    const err = await resolveModelRef(parseModelRef('files/fake.gguf'), base({})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/files\/fake\.gguf is not a GGUF/);
  });

  it('says an Ollama model name needs ollama: for the embedded engine', async () => {
    const err = await resolveModelRef(parseModelRef('llama3.2'), base({})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).hint).toContain('ollama:llama3.2');
  });
});

describe('resolveModelRef: ollama:', () => {
  it('finds the model blob through the manifest, without the daemon', async () => {
    const models = fakeOllamaTree('ollama-a', ['registry.ollama.ai', 'library', 'tiny', 'latest']);
    const file = await resolveModelRef(parseModelRef('ollama:tiny'), base({ OLLAMA_MODELS: models }));
    expect(file).toBe(path.join(models, 'blobs', `sha256-${HEX}`));
  });

  it('reads namespaced names and explicit tags', async () => {
    const models = fakeOllamaTree('ollama-b', ['registry.ollama.ai', 'jdoe', 'tiny', 'q8']);
    const file = await resolveModelRef(parseModelRef('ollama:jdoe/tiny:q8'), base({ OLLAMA_MODELS: models }));
    expect(file).toBe(path.join(models, 'blobs', `sha256-${HEX}`));
  });

  it('defaults to ~/.ollama/models', async () => {
    const home = tmp.dir('home');
    fakeOllamaTree('home/.ollama/models', ['registry.ollama.ai', 'library', 'tiny', 'latest']);
    expect(ollamaModelsDir({ HOME: home })).toBe(path.join(home, '.ollama', 'models'));
    await expect(resolveModelRef(parseModelRef('ollama:tiny'), base({ HOME: home }))).resolves.toContain(`sha256-${HEX}`);
  });

  it('a model not pulled: the ollama pull line, and the tags it does have', async () => {
    const models = fakeOllamaTree('ollama-c', ['registry.ollama.ai', 'library', 'tiny', 'latest']);
    const missing = await resolveModelRef(parseModelRef('ollama:other'), base({ OLLAMA_MODELS: models })).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(EngineError);
    expect((missing as EngineError).hint).toContain('ollama pull other');
    expect((missing as EngineError).hint).toContain(`OLLAMA_MODELS=${models}`);

    const wrongTag = await resolveModelRef(parseModelRef('ollama:tiny:7b'), base({ OLLAMA_MODELS: models })).catch((e: unknown) => e);
    expect((wrongTag as Error).message).toContain('tiny:latest');
    expect((wrongTag as EngineError).hint).toContain('ollama pull tiny:7b');
  });

  it('a manifest whose blob is gone: pull again', async () => {
    const models = fakeOllamaTree('ollama-d', ['registry.ollama.ai', 'library', 'tiny', 'latest'], { blob: false });
    const err = await resolveModelRef(parseModelRef('ollama:tiny'), base({ OLLAMA_MODELS: models })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as Error).message).toContain(`sha256-${HEX}`);
    expect((err as EngineError).hint).toContain('ollama pull tiny');
  });

  it('a manifest without a model layer, or not JSON', async () => {
    const noLayer = fakeOllamaTree('ollama-e', ['registry.ollama.ai', 'library', 'tiny', 'latest'], { layers: [] });
    await expect(resolveModelRef(parseModelRef('ollama:tiny'), base({ OLLAMA_MODELS: noLayer }))).rejects.toThrow(/names no model file/);
    const broken = tmp.dir('ollama-f');
    const manifest = path.join(broken, 'manifests/registry.ollama.ai/library/tiny/latest');
    mkdirSync(path.dirname(manifest), { recursive: true });
    writeFileSync(manifest, '{not json');
    await expect(resolveModelRef(parseModelRef('ollama:tiny'), base({ OLLAMA_MODELS: broken }))).rejects.toThrow(/not valid JSON/);
  });
});

describe('the model cache and hf:', () => {
  it('follows DRAFTSMITH_CACHE, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(modelCacheDir({ DRAFTSMITH_CACHE: '/x/models', XDG_CACHE_HOME: '/y' })).toBe('/x/models');
    expect(modelCacheDir({ XDG_CACHE_HOME: '/y', HOME: '/h' })).toBe('/y/draftsmith/models');
    expect(modelCacheDir({ XDG_CACHE_HOME: 'relative', HOME: '/h' })).toBe('/h/.cache/draftsmith/models');
    expect(modelCacheDir({ HOME: '/h' })).toBe('/h/.cache/draftsmith/models');
  });

  it('lists the cached GGUF files with sizes, ignoring the rest', async () => {
    const cache = tmp.dir('cache-list');
    ggufFile(path.join(cache, 'b.gguf'));
    writeFileSync(path.join(cache, 'a.gguf'), 'GGUF....');
    writeFileSync(path.join(cache, 'partial.gguf.ipull'), 'x');
    mkdirSync(path.join(cache, 'sub.gguf'));
    const list = await listCachedModels({ DRAFTSMITH_CACHE: cache });
    expect(list.map((m) => path.basename(m.file))).toEqual(['a.gguf', 'b.gguf']);
    expect(list[0]!.size).toBe(8);
    expect(await listCachedModels({ DRAFTSMITH_CACHE: path.join(cache, 'none') })).toEqual([]);
  });

  it('refuses to download without --yes when nobody can be asked, naming --yes', async () => {
    const env = { DRAFTSMITH_CACHE: tmp.dir('cache-empty') };
    const library = recordingResolver();
    const err = await resolveModelRef(parseModelRef('hf:owner/repo:Q4_K_M'), base(env, { interactive: false, library })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as UsageError).hint).toContain('--yes');
    expect(library.downloads).toEqual([]);
  });

  it('asks on a terminal; a "no" downloads nothing', async () => {
    const env = { DRAFTSMITH_CACHE: tmp.dir('cache-no') };
    const library = recordingResolver();
    const questions: string[] = [];
    const confirm = async (q: string) => {
      questions.push(q);
      return false;
    };
    const err = await resolveModelRef(parseModelRef('hf:owner/repo:Q4_K_M'), base(env, { interactive: true, confirm, library })).catch((e: unknown) => e);
    expect(questions).toHaveLength(1);
    expect(questions[0]).toContain('hf:owner/repo:Q4_K_M');
    expect(questions[0]).toContain(env.DRAFTSMITH_CACHE);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain('not downloading');
    expect(library.downloads).toEqual([]);
  });

  it('a "yes" (or --yes) downloads into the cache folder, reporting progress', async () => {
    const env = { DRAFTSMITH_CACHE: path.join(tmp.path, 'cache-yes', 'models') };
    const library = recordingResolver();
    const progress: number[] = [];
    const file = await resolveModelRef(parseModelRef('hf:owner/repo:Q4_K_M'), base(env, {
      interactive: true,
      confirm: async () => true,
      library,
      onProgress: (p) => progress.push(p.downloadedBytes / p.totalBytes),
    }));
    expect(file).toBe(path.join(env.DRAFTSMITH_CACHE, 'downloaded.gguf'));
    expect(library.downloads).toEqual([{ uri: 'hf:owner/repo:Q4_K_M', directory: env.DRAFTSMITH_CACHE }]);
    expect(progress).toEqual([0.5, 1]);
    expect(existsSync(env.DRAFTSMITH_CACHE)).toBe(true);

    const again = recordingResolver();
    await resolveModelRef(parseModelRef('hf:owner/repo:Q8_0'), base(env, { yes: true, interactive: false, library: again }));
    expect(again.downloads).toHaveLength(1);
  });

  it('creates the cache folders 0700 (downloads are private), leaving a folder that existed alone', async () => {
    const old = process.umask(0o022);
    try {
      const home = path.join(tmp.path, 'home-cache');
      mkdirSync(home, { mode: 0o755 });
      const env = { DRAFTSMITH_CACHE: path.join(home, 'draftsmith', 'models') };
      await resolveModelRef(parseModelRef('hf:owner/repo:Q4_K_M'), base(env, { yes: true, interactive: false, library: recordingResolver() }));
      for (const d of ['draftsmith', 'draftsmith/models']) expect(statSync(path.join(home, d)).mode & 0o777).toBe(0o700);
      expect(statSync(home).mode & 0o777).toBe(0o755);
    } finally {
      process.umask(old);
    }
  });

  it('a model already in the cache needs no question (real node-llama-cpp resolver, offline)', async () => {
    const cache = tmp.dir('cache-hit');
    // node-llama-cpp's file name for hf:owner/repo/file.gguf
    const file = ggufFile(path.join(cache, 'hf_owner_repo_file.gguf'));
    const confirm = async () => {
      throw new Error('must not ask');
    };
    await expect(resolveModelRef(parseModelRef('hf:owner/repo/file.gguf'), base({ DRAFTSMITH_CACHE: cache }, { interactive: true, confirm }))).resolves.toBe(file);
    await expect(findCachedModel(parseModelRef('hf:owner/repo/other.gguf'), { env: { DRAFTSMITH_CACHE: cache } })).resolves.toBeUndefined();
  });
});

/** Stands in for node-llama-cpp's resolveModelFile: nothing cached; "downloads" by recording the call. */
function recordingResolver() {
  const downloads: { uri: string; directory?: string }[] = [];
  const resolveModelFile = async (uri: string, o?: unknown) => {
    const opts = (o ?? {}) as { directory?: string; download?: string | false; onProgress?: (s: { totalSize: number; downloadedSize: number }) => void };
    if (opts.download === false) throw new Error(`No model file found for "${uri}" at "${opts.directory}" and download is disabled`);
    downloads.push({ uri, directory: opts.directory });
    opts.onProgress?.({ totalSize: 100, downloadedSize: 50 });
    opts.onProgress?.({ totalSize: 100, downloadedSize: 100 });
    return path.join(opts.directory ?? '', 'downloaded.gguf');
  };
  return { resolveModelFile: resolveModelFile as never, downloads };
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}
