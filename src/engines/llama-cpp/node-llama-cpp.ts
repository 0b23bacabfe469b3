// The one module that imports node-llama-cpp, and only on demand: it is an optional peer
// dependency (a native binding of a few dozen MB), so `draftsmith --help` and the Ollama path never
// load it, and a missing install becomes one EngineError naming the exact command to run.
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineError } from '../../core/errors.js';

export type NodeLlamaCpp = typeof import('node-llama-cpp');

/** The release line draftsmith is written and tested against (the peer range is ^3.22.1). */
export const NODE_LLAMA_CPP_VERSION = '3.22';
const PACKAGE = 'node-llama-cpp';

let loaded: Promise<NodeLlamaCpp> | undefined;

/**
 * Imports node-llama-cpp once per process. `importer` exists for tests that need a failing import;
 * everything else uses the default.
 */
export function loadNodeLlamaCpp(importer?: () => Promise<NodeLlamaCpp>): Promise<NodeLlamaCpp> {
  if (!importer && loaded) return loaded;
  const attempt = (async () => {
    try {
      if (importer) return await importer();
      normaliseCiForImport(process.env);
      return await import('node-llama-cpp');
    } catch (err) {
      throw toLoadError(err);
    }
  })();
  if (importer) return attempt;
  // Cache success only: a failed import is tried again next time.
  loaded = attempt.catch((err: unknown) => {
    loaded = undefined;
    throw err;
  });
  return loaded;
}

/**
 * node-llama-cpp parses $CI strictly at import ("true"/"false"/"1"/"0") and throws on anything else,
 * though runners set CI=woodpecker, CI=yes or an empty CI. Rewrite it the way draftsmith reads it
 * (empty, "false" or "0" means not CI) so a harmless variable cannot break the embedded engine.
 */
export function normaliseCiForImport(env: NodeJS.ProcessEnv): void {
  const ci = env.CI;
  if (ci === undefined || /^(true|false|TRUE|FALSE|1|0)$/.test(ci)) return;
  if (ci === '') delete env.CI;
  else env.CI = 'true';
}

/** Whether the package can be found, and its version, without loading the native binding. */
export async function isNodeLlamaCppInstalled(): Promise<{ installed: boolean; version?: string; path?: string }> {
  let entry: string;
  try {
    // The "node" export condition points at dist/index.js; resolving does not execute it.
    entry = createRequire(import.meta.url).resolve(PACKAGE);
  } catch {
    return { installed: false };
  }
  for (let dir = path.dirname(entry), depth = 0; depth < 4; dir = path.dirname(dir), depth++) {
    try {
      const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === PACKAGE) return { installed: true, version: pkg.version, path: dir };
    } catch {
      // no package.json at this level: go up
    }
  }
  return { installed: true };
}

/** The command that installs the package where this draftsmith can import it. */
export function installCommand(global = isGlobalInstall()): string {
  return `npm install${global ? ' -g' : ''} ${PACKAGE}@${NODE_LLAMA_CPP_VERSION}`;
}

/** draftsmith itself was installed with `npm install -g` (or runs from npx's cache). */
export function isGlobalInstall(moduleUrl: string = import.meta.url): boolean {
  const file = fileURLToPath(moduleUrl).split(path.sep).join('/');
  return /\/lib\/node_modules\/draftsmith\//.test(file) || /\/npm\/node_modules\/draftsmith\//i.test(file) || file.includes('/_npx/');
}

function toLoadError(err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  const e = err as { code?: string; message?: string };
  const message = String(e?.message ?? err);
  const missing =
    (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') && message.includes(`'${PACKAGE}'`);
  if (missing) {
    const global = isGlobalInstall();
    return new EngineError(`the embedded llama-cpp engine needs ${PACKAGE}, which is not installed`, {
      cause: err,
      hint: global
        ? `run \`${installCommand(true)}\` (draftsmith is installed globally), or use Ollama (--engine ollama)`
        : `run \`${installCommand(false)}\` (or \`${installCommand(true)}\` if draftsmith is installed globally), or use Ollama (--engine ollama)`,
    });
  }
  return new EngineError(`${PACKAGE} is installed but failed to load: ${message}`, {
    cause: err,
    hint: `reinstall it with \`${installCommand()}\`; \`npx --no ${PACKAGE} inspect gpu\` shows what it detects`,
  });
}
