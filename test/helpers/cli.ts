// Runs the built binary as a user would: a real subprocess, real stdin/stdout/stderr.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
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

export function runCli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined>; input?: string | Buffer; timeoutMs?: number } = {},
): CliRun {
  const child = spawn(cliNode, [binPath, ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: { ...cleanEnv(), DRAFTSMITH_MEMORY: testMemory(opts.cwd ?? repoRoot), ...opts.env },
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

const memories = new Map<string, string>();
/**
 * No test may touch the real ~/.local/share: unless a test names one, the CLI's memory is a file in
 * a temporary folder, one per working folder (a campaign's commands share it; other tests' do not).
 */
export function testMemory(cwd: string): string {
  let file = memories.get(cwd);
  if (!file) memories.set(cwd, (file = path.join(mkdtempSync(path.join(os.tmpdir(), 'draftsmith-memory-')), 'memory.db')));
  return file;
}
