// The embedded engine's part of `draftsmith models`: the GGUF files in draftsmith's model cache.
import { formatBytes } from '../../core/text/bytes.js';
import { plural, table } from '../../core/text/table.js';
import type { EngineModels } from '../descriptor.js';
import { listCachedModels, modelCacheDir } from './model-ref.js';

export interface CacheListing {
  dir: string;
  files: { path: string; size: number }[];
}

export const cachedModels: EngineModels<CacheListing> = {
  key: 'cache',
  what: 'cached GGUF files',
  async list(ctx) {
    const files = await listCachedModels(ctx.env);
    return { listing: { dir: modelCacheDir(ctx.env), files: files.map((f) => ({ path: f.file, size: f.size })) } };
  },
  render(cache) {
    if (cache.files.length === 0) return [`GGUF cache ${cache.dir}: no files (hf: models are downloaded here on first use)`];
    return [`GGUF cache ${cache.dir} (${plural(cache.files.length, 'file')}):`, ...table(['SIZE', 'PATH'], cache.files.map((f) => [formatBytes(f.size), f.path]))];
  },
};
