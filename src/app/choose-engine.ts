// Which engine and model a command uses. Precedence, highest first: flags, the profile's `model`
// block, the environment (OLLAMA_HOST, OLLAMA_MODELS, DRAFTSMITH_CACHE, DRAFTSMITH_API_KEY), built-in defaults.
//
// --engine NAME creates that engine (src/engines/<name>/choose.ts says what it takes).
// --engine auto (the default) follows the registry's one `auto` rule (engines/index.ts autoRule):
//   1. an engine that claims the model (a .gguf path, hf:..., ollama:...: the embedded engine) runs it;
//   2. otherwise each engine in registry order is probed (Ollama: one /api/tags, 1.5 s at most; an
//      OpenAI-compatible server: one /v1/models at --host or its default, 1.5 s at most; the
//      embedded engine: node-llama-cpp installed and a model it can run without asking), and the
//      first ready one runs, with a note naming why the ones before it were not;
//   3. none ready: one error listing every way to get going, engine by engine.
import type { Engine, EngineName } from '../core/engine.js';
import { EngineError, InterruptedError } from '../core/errors.js';
import type { ToneProfile } from '../core/profile.js';
import { ENGINES, autoRule, engineNamed } from '../engines/index.js';
import type { EngineChooser, EngineContext, EngineFlags, EngineHooks } from '../engines/descriptor.js';
import type { LookupAll } from '../io/resolve-host.js';
import { createDownloadBar } from '../ui/download-bar.js';

export interface ChooseIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  lookup?: LookupAll;
}

export async function chooseEngine(
  flags: EngineFlags,
  profile: ToneProfile,
  io: ChooseIo,
  onInterrupt: EngineHooks['onInterrupt'],
): Promise<Engine> {
  const ctx: EngineContext = {
    flags,
    profile,
    configured: flags.model ?? profile.model?.name,
    env: io.env,
    cwd: io.cwd,
    ...(io.lookup ? { lookup: io.lookup } : {}),
    hooks: hooksFor(io, onInterrupt),
  };
  const choice = flags.engine ?? profile.model?.engine ?? 'auto';
  if (choice !== 'auto') return (await engineNamed(choice).chooser()).create(ctx);

  const choosers = await Promise.all(ENGINES.map(async (e) => ({ name: e.name, chooser: await e.chooser() })));
  const rule = autoRule(choosers, (e) => ctx.configured !== undefined && e.chooser.claims(ctx.configured));
  if ('claimant' in rule) return rule.claimant.chooser.create(ctx);
  return firstReady(rule.tryInOrder, ctx, (message) => io.stderr.write(`draftsmith: note: ${message}\n`));
}

async function firstReady(
  engines: readonly { name: EngineName; chooser: EngineChooser }[],
  ctx: EngineContext,
  note: (message: string) => void,
): Promise<Engine> {
  const notReady: { why: string; ways: string[] }[] = [];
  for (const { chooser } of engines) {
    const probe = await chooser.probe(ctx);
    if (!probe.ready) {
      notReady.push(probe);
      continue;
    }
    if (notReady.length > 0 && !ctx.flags.quiet) {
      note(`${notReady.map((n) => n.why).join('; ')}; ${probe.note}`);
    }
    return probe.create();
  }
  throw noEngineError(notReady);
}

function hooksFor(io: ChooseIo, onInterrupt: EngineHooks['onInterrupt']): EngineHooks {
  return {
    interactive: Boolean(io.stdin.isTTY && io.stderr.isTTY),
    confirm: async (message) => {
      const { createAsk, isPromptCancel } = await import('../ui/ask.js');
      try {
        return await createAsk({ input: io.stdin, output: io.stderr }).confirm(message, false);
      } catch (err) {
        if (isPromptCancel(err)) throw new InterruptedError('interrupted: nothing was downloaded.');
        throw err;
      }
    },
    progress: (label) => createDownloadBar(io.stderr, label),
    note: (message) => void io.stderr.write(`draftsmith: note: ${message}\n`),
    onInterrupt,
  };
}

const COUNT = ['No', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine'];

function noEngineError(notReady: readonly { why: string; ways: string[] }[]): EngineError {
  const ways = notReady.flatMap((n) => n.ways);
  return new EngineError(
    [
      `no model engine is ready: ${notReady.map((n) => n.why).join(', and ')}. ${COUNT[ways.length] ?? ways.length} ways to get going:`,
      ...ways.map((way, i) => `  ${i + 1}. ${way}`),
    ].join('\n'),
    { hint: '`draftsmith doctor` shows what this machine has and lacks' },
  );
}
