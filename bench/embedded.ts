// The embedded llama.cpp engine on the tiny GGUF model: load time, tokens/s and drafts/min with 1 vs
// 2 threads and 1 vs 2 context sequences. Real prompts (the fixture profile's messages) would take
// ~3,000 tokens with this model's tiny vocabulary, so a short, fixed prompt keeps the run brief.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createLlamaCppEngine } from '../src/engines/llama-cpp/engine.js';
import { draftSchema } from '../src/core/drafting/draft-answer.js';

export interface EmbeddedRow {
  threads: number;
  sequences: number;
  loadMs: number;
  tokensPerSecond: number;
  draftsPerMinute: number;
}

const DRAFTS = 8;

export async function benchEmbedded(modelPath: string): Promise<EmbeddedRow[] | string> {
  if (!existsSync(modelPath)) return `skipped: ${modelPath} is absent`;
  try {
    await import('node-llama-cpp');
  } catch {
    return 'skipped: node-llama-cpp is not installed';
  }
  const rows: EmbeddedRow[] = [];
  for (const threads of [1, 2]) {
    for (const sequences of [1, 2]) {
      const engine = createLlamaCppEngine({
        modelPath,
        modelLabel: path.basename(modelPath),
        threads,
        concurrency: sequences,
        contextSize: 1024,
        gpu: false,
      });
      const t0 = performance.now();
      await engine.prepare();
      const loadMs = performance.now() - t0;
      const started = performance.now();
      let tokens = 0;
      let next = 0;
      const worker = async () => {
        while (next < DRAFTS) {
          const i = next++;
          const result = await engine.generate({
            messages: [
              { role: 'system', content: 'Write a short friendly note as JSON.' },
              { role: 'user', content: `Recipient ${i}: Lily, who likes the park.` },
            ],
            schema: draftSchema('note'),
            options: { temperature: 0.8, seed: i, num_predict: 160 },
          });
          tokens += result.evalCount ?? 0;
        }
      };
      await Promise.all(Array.from({ length: sequences }, worker));
      const ms = performance.now() - started;
      await engine.close();
      rows.push({ threads, sequences, loadMs, tokensPerSecond: (tokens * 1000) / ms, draftsPerMinute: (DRAFTS * 60_000) / ms });
    }
  }
  return rows;
}
