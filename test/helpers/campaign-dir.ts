// A small campaign on disk for use-case tests: the fixture profile and a 3-row CSV (Person1..3) in
// a fresh temp folder, and how the fake engine tells which row a prompt is for.
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { GenerateRequest } from '../../src/core/engine.js';
import { repoRoot } from './cli.js';

export async function campaignDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await copyFile(path.join(repoRoot, 'fixtures/profile.yaml'), path.join(dir, 'profile.yaml'));
  const rows = [1, 2, 3].map((n) => `Person${n},person${n}@example.org`);
  await writeFile(path.join(dir, 'leads.csv'), ['first_name,email', ...rows, ''].join('\n'));
  return dir;
}

/** The row a prompt is for: its `PersonN` name. */
export const personRow = (request: GenerateRequest): number => Number(/Person(\d+)/.exec(request.messages.map((m) => m.content).join('\n'))![1]);
