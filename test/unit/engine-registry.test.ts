// The engine registry is the one list: every command's --engine choices, its help, the profile
// schema and the `auto` rule read it, and an unknown engine name gets the same errors as before.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { ENGINE_CHOICES, ENGINE_NAMES } from '../../src/core/engine.js';
import { parseProfile } from '../../src/core/profile.js';
import { ENGINES, autoRule, doctorEngineFlagHelp, engineFlagHelp, engineNamed, isEngineName } from '../../src/engines/index.js';
import { buildProgram } from '../../src/cli/program.js';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/streams.js';
import { chooseEngine } from '../../src/app/choose-engine.js';
import { closedPort, failure } from '../helpers/net.js';

function io(): CliIo & { err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdin: new PassThrough(), stdout, stderr, env: {}, cwd: process.cwd(), err: () => err };
}

function engineOption(command: string) {
  const cmd = buildProgram(io()).commands.find((c: Command) => c.name() === command)!;
  return cmd.options.find((o) => o.long === '--engine')!;
}

describe('the engine registry', () => {
  it('has a descriptor for every engine name, in the order `auto` tries them', () => {
    expect(ENGINES.map((e) => e.name)).toEqual([...ENGINE_NAMES]);
    expect(ENGINE_NAMES.map((n) => engineNamed(n).name)).toEqual([...ENGINE_NAMES]);
    expect(ENGINE_CHOICES).toEqual(['auto', ...ENGINE_NAMES]);
  });

  it('tells an engine name from anything else', () => {
    for (const name of ENGINE_NAMES) expect(isEngineName(name)).toBe(true);
    for (const name of ['auto', 'gpt', '', undefined]) expect(isEngineName(name)).toBe(false);
  });

  it.each(['draft', 'review', 'doctor'])('%s takes its --engine choices from the registry', (command) => {
    expect(engineOption(command).argChoices).toEqual([...ENGINE_CHOICES]);
  });

  it('writes the --engine help from the registry (the OpenAI-compatible engine between Ollama and the embedded one)', () => {
    expect(engineFlagHelp()).toBe('model engine: auto (Ollama if it answers, else an OpenAI-compatible server if one answers, else embedded), ollama, openai, llama-cpp');
    expect(doctorEngineFlagHelp()).toBe('engine a draft would use: auto (any may work), ollama, openai, llama-cpp');
    expect(engineOption('draft').description).toBe(engineFlagHelp());
    expect(engineOption('doctor').description).toBe(doctorEngineFlagHelp());
  });

  it.each(['draft x.csv -p p.yaml', 'review x.jsonl', 'doctor'])('`%s --engine gpt` is refused with the same usage error', async (args) => {
    const command = args.split(' ')[0];
    const t = io();
    expect(await main([...args.split(' '), '--engine', 'gpt'], t)).toBe(2);
    expect(t.err()).toBe(
      "draftsmith: error: option '-e, --engine <engine>' argument 'gpt' is invalid. Allowed choices are auto, ollama, openai, llama-cpp.\n" +
        `  hint: see \`draftsmith ${command} --help\`.\n`,
    );
  });

  it("validates the profile's model.engine against the same names, with the same message", () => {
    const r = parseProfile({ goal: 'x', sender: { name: 'A' }, model: { engine: 'gpt' } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toContainEqual({ path: ['model', 'engine'], message: 'expected one of auto, ollama, openai, llama-cpp, got "gpt"' });
    for (const engine of ENGINE_CHOICES) expect(parseProfile({ goal: 'x', sender: { name: 'A' }, model: { engine } }).ok).toBe(true);
  });

  it('loads every engine part a command asks for, lazily', async () => {
    for (const e of ENGINES) {
      const chooser = await e.chooser();
      expect(typeof chooser.probe).toBe('function');
      expect((await e.models()).key).toMatch(/^[a-z]+$/);
    }
  });
});

describe('autoRule, the one `auto` rule', () => {
  const names = ['ollama', 'llama-cpp'];
  it('gives the model to the engine that claims it, whatever the others', () => {
    expect(autoRule(names, (n) => n === 'llama-cpp')).toEqual({ claimant: 'llama-cpp' });
  });
  it('otherwise tries every engine in registry order', () => {
    expect(autoRule(names, () => false)).toEqual({ tryInOrder: names });
  });
  it('the embedded engine claims GGUF references, Ollama none', async () => {
    const [ollama, llamaCpp] = await Promise.all([engineNamed('ollama').chooser(), engineNamed('llama-cpp').chooser()]);
    for (const ref of ['./m.gguf', 'hf:owner/repo:Q4_K_M', 'ollama:llama3.2']) {
      expect(llamaCpp.claims(ref)).toBe(true);
      expect(ollama.claims(ref)).toBe(false);
    }
    expect(llamaCpp.claims('llama3.2')).toBe(false);
  });
});

describe('chooseEngine when no engine is ready', () => {
  it('names why each engine is not ready and numbers every way to get going, engine by engine', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-choose-'));
    const host = `http://127.0.0.1:${await closedPort()}`;
    const t = io();
    const env = { OLLAMA_MODELS: path.join(tmp, 'ollama'), DRAFTSMITH_CACHE: path.join(tmp, 'cache'), HOME: tmp };
    const err = await failure(chooseEngine({ host, timeout: 5 }, { model: { engine: 'auto' } } as never, { ...t, env }, () => () => undefined));
    expect(err.message).toBe(
      [
        `no model engine is ready: Ollama is not answering at ${host}, and no OpenAI-compatible server answers at ${host}/v1, and there is no GGUF model to run in-process. Four ways to get going:`,
        '  1. start Ollama (`ollama serve`) and pull the model: `ollama pull llama3.2`',
        '  2. start an OpenAI-compatible server (vLLM, llama-server, LM Studio) and pass its base URL: --engine openai --host http://127.0.0.1:8000/v1',
        '  3. draft in-process with a GGUF file: --engine llama-cpp --model path/to/model.gguf (node-llama-cpp is installed)',
        '  4. download a model once: --engine llama-cpp --model hf:owner/repo:quant --yes',
      ].join('\n'),
    );
    expect((err as { hint?: string }).hint).toBe('`draftsmith doctor` shows what this machine has and lacks');
  });
});
