// Runs the built binary as a user would: a real subprocess, real stdin/stdout/stderr.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const binPath = path.join(repoRoot, 'bin/draftsmith.js');
export const sharedDir = path.resolve(repoRoot, '../shared');
export const hasShared = existsSync(sharedDir);
export const fixture = (name: string) => path.join(repoRoot, 'fixtures', name);
/**
 * The node that runs the CLI under test: $DRAFTSMITH_TEST_NODE when set (.ci/run points it at
 * Node 24 while vitest itself runs on the machine's node), else the node running the tests.
 */
export const cliNode = process.env.DRAFTSMITH_TEST_NODE || process.execPath;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRun extends Promise<CliResult> {
  child: import('node:child_process').ChildProcess;
}

let memoryDir: string | undefined;

/**
 * The memory every spawned CLI uses unless a test passes its own DRAFTSMITH_MEMORY (or --memory):
 * $DRAFTSMITH_MEMORY when the test process has one (test/helpers/memory-env.ts gives each test
 * file its own), else one temporary file per test file. Never the real ~/.local/share.
 */
export function cliMemory(): string {
  const inherited = process.env.DRAFTSMITH_MEMORY;
  if (inherited) return inherited;
  if (!memoryDir) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-cli-memory-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    memoryDir = dir;
  }
  return path.join(memoryDir, 'memory.db');
}

export function runCli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined>; input?: string | Buffer; timeoutMs?: number } = {},
): CliRun {
  const child = spawn(cliNode, [binPath, ...args], {
    cwd: opts.cwd ?? repoRoot,
    // A campaign folder has a memory of its own: other tests' approvals in the same file must not
    // show up as its history (the lint's repeats-earlier, stale by a reply).
    env: { ...cleanEnv(), DRAFTSMITH_MEMORY: opts.cwd ? testMemory(opts.cwd) : cliMemory(), ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const promise = new Promise<CliResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  child.stdin.on('error', () => {}); // the CLI may exit before reading all input
  if (opts.input !== undefined) child.stdin.end(opts.input);
  else child.stdin.end();
  return Object.assign(promise, { child });
}

/** The parent's environment minus what would change the CLI's behaviour under test. */
function cleanEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of ['OLLAMA_HOST', 'FORCE_COLOR', 'NO_COLOR', 'VISUAL', 'EDITOR', 'DRAFTSMITH_DEBUG', 'NODE_OPTIONS']) delete env[k];
  return env;
}

let memoryLoads: boolean | undefined;

/**
 * Whether the CLI's node can load better-sqlite3: its build/Release binary, else a build for that
 * node's ABI in lib/binding/ (what src/io/memory/load-sqlite.ts tries). Under the Node 24 pass of
 * .ci/run the second exists only when its build succeeded; memory tests skip with a message otherwise.
 */
export function cliLoadsMemory(): boolean {
  if (memoryLoads !== undefined) return memoryLoads;
  const script = `
    const path = require('node:path');
    const D = require('better-sqlite3');
    try { new D(':memory:').close(); }
    catch {
      const dir = path.dirname(require.resolve('better-sqlite3/package.json'));
      const abi = 'node-v' + process.versions.modules + '-' + process.platform + '-' + process.arch;
      new D(':memory:', { nativeBinding: path.join(dir, 'lib', 'binding', abi, 'better_sqlite3.node') }).close();
    }`;
  const r = spawnSync(cliNode, ['-e', script], { cwd: repoRoot, encoding: 'utf8' });
  memoryLoads = r.status === 0;
  if (!memoryLoads) {
    console.warn(`skipping memory tests: better-sqlite3 does not load under ${cliNode} (${process.env.DRAFTSMITH_TEST_NODE ? 'no build for its ABI: see .ci/run' : 'npm rebuild better-sqlite3'})`);
  }
  return memoryLoads;
}

const memories = new Map<string, string>();
/** The memory runCli gives commands run in `cwd` (a temporary file, one per folder). */
export function testMemory(cwd: string): string {
  let file = memories.get(cwd);
  if (!file) memories.set(cwd, (file = path.join(mkdtempSync(path.join(os.tmpdir(), 'draftsmith-memory-')), 'memory.db')));
  return file;
}
