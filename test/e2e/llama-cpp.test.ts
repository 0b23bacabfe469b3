// The built binary with the embedded llama-cpp engine on a real GGUF model
// (../shared/models/stories260K.gguf): no Ollama anywhere. Build first (`npm run build`).
// The model writes children's stories: these tests check records, shapes and reproducibility.
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { DraftsStore } from '../../src/io/drafts-file/store.js';
import { readDrafts } from '../helpers/jsonl.js';
import { pulledModel } from '../helpers/ollama-models.js';
import { fixture, repoRoot, runCli, sharedDir } from '../helpers/cli.js';
import { closedPort } from '../helpers/net.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const modelPath = path.join(sharedDir, 'models/stories260K.gguf');
const hasModel = existsSync(modelPath);
if (!hasModel) console.warn(`skipping the llama-cpp end-to-end tests: ${modelPath} not found`);
const modelArg = path.relative(repoRoot, modelPath); // ../shared/models/stories260K.gguf, as a user types it
const STACK = /\n\s+at .+\(.*:\d+:\d+\)/;

const tmp = useTempDir('draftsmith-e2e-llama-');
let profile: string;
let deadHost: string;
/** No Ollama models, no cached GGUF: what a machine without either looks like. */
let bareEnv: Record<string, string>;

beforeAll(async () => {
  // The fixture profile, made cheap for a 2-core CI box: the tiny model's 512-token vocabulary
  // turns the shipped prompt into ~3,000 tokens, so a short system template, no few-shot
  // examples, a small answer budget, and no model name (the tests pass --model).
  const data = parse(readFileSync(fixture('profile.yaml'), 'utf8')) as Record<string, any>;
  delete data.examples;
  data.model = { engine: 'auto', temperature: 0.8, seed: 42, num_ctx: 1024, num_predict: 160 };
  data.prompts = { system: 'short-system.mustache' };
  writeFileSync(path.join(tmp.path, 'short-system.mustache'), 'You write {{channel_label}} for {{sender_name}}. Goal: {{goal}}\nAnswer with JSON: {{output_shape}}\n');
  profile = path.join(tmp.path, 'profile.yaml');
  writeFileSync(profile, stringify(data));
  deadHost = `http://127.0.0.1:${await closedPort()}`;
  bareEnv = { OLLAMA_MODELS: tmp.dir('no-ollama-models'), DRAFTSMITH_CACHE: tmp.dir('no-cache'), HOME: tmp.dir('home') };
});
function draftArgs(drafts: string, ...extra: string[]): string[] {
  return ['draft', fixture('recipients.csv'), '--profile', profile, '--drafts', drafts, '--host', deadHost, ...extra];
}

function expectDrafted(records: Record<string, any>[], rows: number[]): void {
  expect(records.map((r) => r.row).sort((a, b) => a - b)).toEqual(rows);
  for (const r of records) {
    expect(r.status).toBe('drafted');
    expect(r.engine).toBe('llama-cpp');
    expect(typeof r.body).toBe('string');
    expect(r.body.trim().length).toBeGreaterThan(0);
    expect(typeof r.subject).toBe('string'); // the profile's channel is email
    expect(r.timing.evalCount).toBeGreaterThan(0);
  }
}

describe.skipIf(!hasModel)('draftsmith draft --engine llama-cpp (end to end, real GGUF model)', () => {
  it('drafts three fixture recipients in this process, naming the GGUF in the summary and the records; the same --seed reproduces the same drafts', async () => {
    const first = path.join(tmp.path, 'seed-a.drafts.jsonl');
    const a = await runCli([...draftArgs(first, '--rows', '1-3', '--seed', '7'), '--engine', 'llama-cpp', '--model', modelArg], { env: bareEnv });
    expect(a.stderr).not.toMatch(STACK);
    expect(a.code).toBe(0);
    expect(a.stderr).toContain(`drafting 3 recipient(s) with llama-cpp · ${modelPath} (in this process)\n`);
    const recordsA = readDrafts(first);
    expectDrafted(recordsA, [1, 2, 3]);
    expect(recordsA.every((r) => r.model === modelPath)).toBe(true);

    const second = path.join(tmp.path, 'seed-b.drafts.jsonl');
    const b = await runCli([...draftArgs(second, '--rows', '1-3', '--seed', '7'), '--engine', 'llama-cpp', '--model', modelArg], { env: bareEnv });
    expect(b.code).toBe(0);
    const byRow = (records: Record<string, any>[]) => Object.fromEntries(records.map((r) => [r.row, { subject: r.subject, body: r.body }]));
    expect(byRow(readDrafts(second))).toEqual(byRow(recordsA));
  });

  it('runs the GGUF blob of a model Ollama pulled (ollama:NAME), without the daemon; a model not pulled is exit 1 with the `ollama pull` line', async () => {
    const models = tmp.dir('fake-ollama-models');
    const blob = pulledModel(models, 'tinystories', modelPath, 'ef'.repeat(32));

    const drafts = path.join(tmp.path, 'ollama-ref.drafts.jsonl');
    const result = await runCli([...draftArgs(drafts, '--limit', '1'), '--engine', 'llama-cpp', '--model', 'ollama:tinystories'], {
      env: { ...bareEnv, OLLAMA_MODELS: models },
    });
    expect(result.stderr).not.toMatch(STACK);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`drafting 1 recipient(s) with llama-cpp · ollama:tinystories (${blob})\n`);
    const records = readDrafts(drafts);
    expectDrafted(records, [1]);
    expect(records[0]!.model).toBe('ollama:tinystories');

    const missing = await runCli([...draftArgs(path.join(tmp.path, 'x.jsonl'), '--limit', '1'), '--engine', 'llama-cpp', '--model', 'ollama:other'], {
      env: { ...bareEnv, OLLAMA_MODELS: models },
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ollama pull other');
  });

  it('auto with Ollama down, no OpenAI-compatible server and no model: exit 1, one error listing the four ways, no drafts file', async () => {
    const drafts = path.join(tmp.path, 'none.drafts.jsonl');
    const result = await runCli(draftArgs(drafts, '--limit', '1'), { env: bareEnv });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(STACK);
    expect(result.stderr).toContain(`Ollama is not answering at ${deadHost}`);
    expect(result.stderr).toMatch(/1\. start Ollama .*ollama pull llama3\.2/);
    expect(result.stderr).toContain(`no OpenAI-compatible server answers at ${deadHost}/v1`);
    expect(result.stderr).toMatch(/2\. start an OpenAI-compatible server .*--engine openai --host/);
    expect(result.stderr).toMatch(/3\. .*--engine llama-cpp --model path\/to\/model\.gguf/);
    // node-llama-cpp is installed here (dev dependency), so the fourth way is the download itself.
    expect(result.stderr).toMatch(/3\. .*\(node-llama-cpp is installed\)/);
    expect(result.stderr).toMatch(/4\. download a model once: --engine llama-cpp --model hf:owner\/repo:quant --yes/);
    expect(result.stderr).not.toMatch(/npm install node-llama-cpp/);
    expect(result.stderr.match(/draftsmith: error:/g)).toHaveLength(1);
    expect(existsSync(drafts)).toBe(false);
  });

  it('auto with Ollama down falls to the embedded engine for a .gguf model, or (with a note) the one cached GGUF', async () => {
    const drafts = path.join(tmp.path, 'auto-gguf.drafts.jsonl');
    const result = await runCli([...draftArgs(drafts, '--limit', '1'), '--model', modelArg], { env: bareEnv });
    expect(result.stderr).not.toMatch(STACK);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('with llama-cpp · ');
    expectDrafted(readDrafts(drafts), [1]);

    const cache = tmp.dir('one-cached');
    copyFileSync(modelPath, path.join(cache, 'stories260K.gguf'));
    const cachedDrafts = path.join(tmp.path, 'auto-cache.drafts.jsonl');
    const cached = await runCli(draftArgs(cachedDrafts, '--limit', '1'), { env: { ...bareEnv, DRAFTSMITH_CACHE: cache } });
    expect(cached.code).toBe(0);
    expect(cached.stderr).toContain(`note: Ollama is not answering at ${deadHost}`);
    expect(cached.stderr).toContain(`with llama-cpp · ${path.join(cache, 'stories260K.gguf')} (in this process)\n`);
    expectDrafted(readDrafts(cachedDrafts), [1]);
  });

  it('Ctrl-C during an embedded run: exit 130 with a resume hint, the drafts file loads with only drafted rows, a re-run counts them cached and completes', async () => {
    const d = tmp.dir('sigint');
    const drafts = path.join(d, 'p.drafts.jsonl');
    const args = [...draftArgs(drafts, '--limit', '6', '--concurrency', '1'), '--engine', 'llama-cpp', '--model', modelArg];
    const run = runCli(args, { env: bareEnv });
    await waitFor(() => existsSync(drafts) && readDrafts(drafts).length >= 1, 45_000, 25);
    run.child.kill('SIGINT');
    const result = await run;
    expect(result.stderr).not.toMatch(STACK);
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/resume/i);

    const store = await DraftsStore.open(drafts);
    const kept = store.recipients();
    await store.close();
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(kept.length).toBeLessThan(6);
    expect(kept.every((r) => r.status === 'drafted')).toBe(true);

    const again = await runCli(args, { env: bareEnv });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`${kept.length} cached`));
    expectDrafted(readDrafts(drafts), [1, 2, 3, 4, 5, 6]);
  });
});

