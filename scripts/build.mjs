// `npm run build`: type-check with tsc, then bundle with esbuild into dist/cli/.
// One flat folder of entry points and shared chunks: start-up loads a few files instead of a few
// hundred (zod, yaml and friends), ~170 ms less per command; each command still loads only the
// chunks it imports, so `--help` stays small. node-llama-cpp stays an optional, unbundled import.
// Entries sit at dist/cli/ so the paths they resolve from import.meta.url (../../package.json,
// ../../prompts/, ./lint-thread.js) are the same as in src/.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json'), '--noEmit'], { stdio: 'inherit' });

rmSync(path.join(root, 'dist'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts', 'src/io/lint-thread.ts', 'src/io/lint-in-background.ts'],
  outdir: 'dist/cli',
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['node-llama-cpp'],
  sourcemap: true,
  // Bundled CommonJS packages call require() for Node's built-ins; ESM has none of its own.
  banner: { js: "import { createRequire as __draftsmithRequire } from 'node:module'; const require = __draftsmithRequire(import.meta.url);" },
  logLevel: 'warning',
});
