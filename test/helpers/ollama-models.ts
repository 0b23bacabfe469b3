// A models folder laid out as `ollama pull` leaves it ($OLLAMA_MODELS): a manifest naming one
// model layer, and that layer's blob (here a copy of a real GGUF file).
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Puts `gguf` in `models` as library/NAME:latest; returns the blob's path. */
export function pulledModel(models: string, name: string, gguf: string, hex: string): string {
  const manifest = path.join(models, 'manifests/registry.ollama.ai/library', name, 'latest');
  mkdirSync(path.dirname(manifest), { recursive: true });
  writeFileSync(manifest, JSON.stringify({ schemaVersion: 2, layers: [{ mediaType: 'application/vnd.ollama.image.model', digest: `sha256:${hex}`, size: 1 }] }));
  const blob = path.join(models, 'blobs', `sha256-${hex}`);
  mkdirSync(path.dirname(blob), { recursive: true });
  copyFileSync(gguf, blob);
  return blob;
}
