// `draftsmith doctor` and `draftsmith models`: the built binary against the fake Ollama server,
// the real tiny GGUF model, and a fake model cache.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binPath, cliNode, fixture, runCli, sharedDir } from '../helpers/cli.js';
import { useFakeOllama, withFakeOllama } from '../helpers/use-fake-ollama.js';
import { pulledModel } from '../helpers/ollama-models.js';
import { closedPort } from '../helpers/net.js';

const TINY_MODEL = path.join(sharedDir, 'models', 'stories260K.gguf');
const hasTinyModel = existsSync(TINY_MODEL);
if (!hasTinyModel) console.warn(`doctor e2e: ${TINY_MODEL} is absent; the embedded-engine tests are SKIPPED`);
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasScript) console.warn('doctor e2e: util-linux `script` is absent; the terminal (pty) test is SKIPPED');

const STACK = /\n\s+at .+\(.*:\d+:\d+\)/;
const ANSI = /\u001b\[/;

const fake = useFakeOllama();
let deadHost: string;
let tmp: string;
let badProfile: string;
/** An empty model cache and Ollama models folder, so the developer's own never leak in. */
let env: Record<string, string>;

beforeAll(async () => {
  deadHost = `http://127.0.0.1:${await closedPort()}`;
  tmp = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-doctor-'));
  badProfile = path.join(tmp, 'bad.yaml');
  writeFileSync(badProfile, 'name: x\nchannel: fax\ntemperature: 3\n');
  env = { DRAFTSMITH_CACHE: path.join(tmp, 'cache'), OLLAMA_MODELS: path.join(tmp, 'ollama-models'), EDITOR: 'sh' };
});

/** The report line of one check: "<level>  <name>  <detail>". */
function line(stdout: string, name: string): string {
  const found = stdout.split('\n').find((l) => new RegExp(`^(ok|warn|fail)\\s+${name}\\s`).test(l));
  if (!found) throw new Error(`no "${name}" line in:\n${stdout}`);
  return found;
}
const level = (stdout: string, name: string) => line(stdout, name).split(/\s+/)[0];

describe('draftsmith doctor (end to end)', () => {
  it('Ollama answering with the model: node, ollama (asked /api/version), model and editor ok, gguf a warning, ready, exit 0, the report on stdout only, without colour', async () => {
    const r = await runCli(['doctor', '--host', fake.server.url], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The node the CLI runs on: $DRAFTSMITH_TEST_NODE (Node 24 in .ci/run), else the one running the tests.
    const cliVersion = execFileSync(process.env.DRAFTSMITH_TEST_NODE || process.execPath, ['--version'], { encoding: 'utf8' }).trim();
    expect(line(r.stdout, 'node')).toMatch(new RegExp(`^ok\\s+node\\s+${cliVersion.replace(/\./g, '\\.')} \\(>= 20\\.17\\.0 needed\\)`));
    expect(line(r.stdout, 'ollama')).toMatch(/^ok\s+ollama\s+version 0\.33\.0 at http:\/\/127\.0\.0\.1:\d+$/);
    expect(line(r.stdout, 'model')).toMatch(/^ok\s+model\s+llama3\.2 is pulled$/);
    // No GGUF configured: a warning, since Ollama can draft.
    expect(level(r.stdout, 'gguf')).toBe('warn');
    expect(line(r.stdout, 'editor')).toMatch(/^ok\s+editor\s+\$EDITOR=sh$/);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^ready: a draft can run with Ollama \(llama3\.2 at http:/);
    expect(r.stdout).not.toMatch(ANSI); // piped: no colour
    expect(fake.server.requests.some((q) => q.path === '/api/version')).toBe(true);
  });

  it('the model not pulled: fail with the `ollama pull` line, not ready for --engine ollama, exit 1', async () => {
    const r = await runCli(['doctor', '--host', fake.server.url, '--model', 'mistral:7b', '--engine', 'ollama'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(line(r.stdout, 'model')).toMatch(/^fail\s+model\s+mistral:7b is not pulled \(installed: llama3\.2:latest, qwen3:0\.6b\); fix: `ollama pull mistral:7b`/);
    expect(r.stdout).toMatch(/^not ready: --engine ollama needs Ollama running with mistral:7b/m);
  });

  it('Ollama unreachable: fail with the serve fix and the model not checked, exit 1, no stack; a bogus $EDITOR and NO_COLOR noted', async () => {
    const r = await runCli(['doctor', '--host', deadHost], { env: { ...env, EDITOR: 'no-such-editor-xyz --wait', NO_COLOR: '1' } });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(STACK);
    expect(line(r.stdout, 'ollama')).toMatch(/^fail\s+ollama\s+no usable answer from http:\/\/127\.0\.0\.1:\d+: connection refused; fix: start it with `ollama serve`/);
    expect(line(r.stdout, 'model')).toMatch(/^fail\s+model\s+llama3\.2: not checked/);
    expect(line(r.stdout, 'editor')).toMatch(/^warn\s+editor\s+\$EDITOR=no-such-editor-xyz --wait is not found on PATH/);
    expect(line(r.stdout, 'terminal')).toMatch(/stdout not a terminal, stderr not a terminal; colour off \(NO_COLOR is set\)/);
  });

  it('a non-local host is not contacted without --allow-remote: fail naming the flag, exit 1', async () => {
    const r = await runCli(['doctor', '--host', 'http://192.0.2.1:11434'], { env });
    expect(r.code).toBe(1);
    expect(line(r.stdout, 'ollama')).toMatch(/^fail\s+ollama\s+not contacted: http:\/\/192\.0\.2\.1:11434 is not this machine; fix: add --allow-remote/);
  });

  it('a hanging server: the check gives up after 2 s, exit 1', async () => {
    fake.server.setEndpointBehaviour('/api/tags', { hang: true });
    try {
      const r = await runCli(['doctor', '--host', fake.server.url, '--engine', 'ollama'], { env });
      expect(r.code).toBe(1);
      expect(line(r.stdout, 'ollama')).toMatch(/no usable answer from .*: no answer within 2 s/);
    } finally {
      fake.server.setEndpointBehaviour('/api/tags', undefined);
    }
  });

  it('a valid profile: ok, and its model is the one checked; no $EDITOR: a warning naming the fallback, still exit 0', async () => {
    const r = await runCli(['doctor', '--host', fake.server.url, '--profile', fixture('profile.yaml')], { env: { ...env, EDITOR: undefined } });
    expect(r.code).toBe(0);
    expect(line(r.stdout, 'profile')).toMatch(/^ok\s+profile\s+.*profile\.yaml is valid/);
    expect(line(r.stdout, 'config')).toMatch(/model llama3\.2 \(from the profile\)/);
    // An editor problem never blocks drafting: still exit 0.
    expect(line(r.stdout, 'editor')).toMatch(/^warn\s+editor\s+\$VISUAL and \$EDITOR are not set; review's edit key will use (nano|vi); fix: /);
  });

  it('an invalid profile: fail with its problems summarised, not ready, exit 1 though Ollama works', async () => {
    const r = await runCli(['doctor', '--host', fake.server.url, '--profile', badProfile], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(line(r.stdout, 'profile')).toMatch(/^fail\s+profile\s+.*bad\.yaml:\d+:\d+: .* \(and \d+ more problems?\); fix: /);
    expect(level(r.stdout, 'ollama')).toBe('ok');
    expect(r.stdout).toMatch(/^not ready: the profile is invalid/m);
  });

  it('text from the server is sanitised before it reaches the terminal', async () => {
    await withFakeOllama({ version: '0.1\u001b]0;owned\u0007\u001b[2J', models: [{ name: 'bad\u001b[31mname' }] }, async (evil) => {
      const r = await runCli(['doctor', '--host', evil.url, '--model', 'x'], { env });
      expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(line(r.stdout, 'ollama')).toMatch(/version 0\.1 at/);
    });
  });

  it('a bad --host is a usage error (exit 2) naming it, nothing on stdout', async () => {
    const r = await runCli(['doctor', '--host', 'ftp://x'], { env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--host "ftp:\/\/x" is not a usable Ollama address/);
  });

  it('a file that is not a GGUF: the gguf line fails with the reason, exit 1, and ollama is only a warning (not used)', async () => {
    const notGguf = path.join(tmp, 'notes.gguf');
    writeFileSync(notGguf, 'hello, not a model');
    const r = await runCli(['doctor', '--host', deadHost, '--engine', 'llama-cpp', '--model', notGguf], { env });
    expect(r.code).toBe(1);
    expect(line(r.stdout, 'gguf')).toMatch(/^fail\s+gguf\s+.*notes\.gguf is not a GGUF model file/);
    expect(level(r.stdout, 'ollama')).toBe('warn'); // not used with --engine llama-cpp
  });

  it('an hf: model not in the cache: fail, not downloaded yet (doctor does not download), exit 1', async () => {
    const r = await runCli(['doctor', '--host', deadHost, '--model', 'hf:someone/tiny-GGUF:Q4_K_M'], { env });
    expect(r.code).toBe(1);
    expect(line(r.stdout, 'gguf')).toMatch(/^fail\s+gguf\s+hf:someone\/tiny-GGUF:Q4_K_M is not downloaded yet \(doctor does not download\)/);
  });

  describe.skipIf(!hasTinyModel)(`with the embedded GGUF (${path.basename(TINY_MODEL)})`, () => {
    it('--engine llama-cpp --model <gguf>: node-llama-cpp installed, loads it, ollama not used, ready without Ollama, exit 0', async () => {
      // CI=woodpecker is what that runner sets; node-llama-cpp alone would refuse to load under it.
      const r = await runCli(['doctor', '--host', deadHost, '--engine', 'llama-cpp', '--model', TINY_MODEL], { env: { ...env, CI: 'woodpecker' } });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(line(r.stdout, 'node-llama-cpp')).toMatch(/^ok\s+node-llama-cpp\s+installed \(3\.\d+\.\d+\)/);
      expect(line(r.stdout, 'gguf')).toMatch(/^ok\s+gguf\s+.*stories260K\.gguf loads, 1\.2 MB, \d+ ms$/);
      expect(line(r.stdout, 'ollama')).toMatch(/^warn\s+ollama\s+.*\(not used: engine llama-cpp\)/);
      expect(r.stdout).toMatch(/^ready: a draft can run with the embedded engine \(.*stories260K\.gguf\)$/m);
    });

    it('auto, Ollama down, the model pulled on disk: ready with the embedded engine, as draft would run it; without that copy, not ready (exit 1)', async () => {
      const models = path.join(tmp, 'pulled-models');
      pulledModel(models, 'tinystories', TINY_MODEL, 'cd'.repeat(32));
      const r = await runCli(['doctor', '--host', deadHost, '--model', 'tinystories'], { env: { ...env, OLLAMA_MODELS: models } });
      expect(r.code).toBe(0);
      expect(line(r.stdout, 'gguf')).toMatch(/^ok\s+gguf\s+.*sha256-c{1}d.* loads, 1\.2 MB/);
      expect(r.stdout).toMatch(/^ready: a draft can run with the embedded engine \(.*blobs\/sha256-(cd)+\)$/m);
      // Without that copy, the same check is not ready and names both ways out.
      const bare = await runCli(['doctor', '--host', deadHost, '--model', 'tinystories'], { env });
      expect(bare.code).toBe(1);
      expect(bare.stdout).toMatch(/^not ready: no engine can run/m);
    });

    it('an hf: model already in the cache: found there (no network) and loaded, exit 0', async () => {
      const cache = path.join(tmp, 'hf-cache');
      mkdirSync(cache, { recursive: true });
      copyFileSync(TINY_MODEL, path.join(cache, 'hf_someone_tiny-GGUF_stories.gguf')); // node-llama-cpp's cache name
      const r = await runCli(['doctor', '--host', deadHost, '--model', 'hf:someone/tiny-GGUF/stories.gguf'], { env: { ...env, DRAFTSMITH_CACHE: cache } });
      expect(r.code).toBe(0);
      expect(line(r.stdout, 'gguf')).toMatch(/^ok\s+gguf\s+.*hf-cache\/hf_someone_tiny-GGUF_stories\.gguf loads, 1\.2 MB/);
    });
  });

  it.skipIf(!hasScript)('on a terminal: coloured level words and the width; NO_COLOR turns colour off, and so does CI', async () => {
    const q = (x: string) => `'${x.replace(/'/g, `'\\''`)}'`;
    const cmd = `stty cols 97; ${q(cliNode)} ${q(binPath)} doctor --host ${q(fake.server.url)}`;
    const base: NodeJS.ProcessEnv = { ...process.env, ...env, TERM: 'xterm' };
    // CI=... (set by CI runners) makes Node offer no colour even on a terminal; the run below checks that case on purpose.
    for (const k of ['NO_COLOR', 'FORCE_COLOR', 'OLLAMA_HOST', 'NODE_OPTIONS', 'CI']) delete base[k];
    // Asynchronous: the fake server in this process must keep answering while the CLI runs.
    const pty = (extra: Record<string, string>) => runInPty(cmd, { ...base, ...extra });
    const on = await pty({});
    expect(on.status).toBe(0);
    expect(on.stdout).toMatch(/\u001b\[32mok {2}\u001b\[39m {2}node/);
    expect(on.stdout).toMatch(/stdout terminal, stderr terminal; colour on \([^)]*\); 97 columns/);
    const off = await pty({ NO_COLOR: '1' });
    expect(off.stdout).not.toMatch(ANSI);
    expect(off.stdout).toMatch(/colour off \(NO_COLOR is set\); 97 columns/);
    const ci = await pty({ CI: 'true' });
    expect(ci.stdout).not.toMatch(ANSI);
    expect(ci.stdout).toMatch(/colour off \(CI is set; FORCE_COLOR=1 turns it on\); 97 columns/);
  });
});

describe('draftsmith models (end to end)', () => {
  it("lists Ollama's models with size, parameters and quantisation, and the cached GGUF files (no other files), exit 0", async () => {
    const cache = path.join(tmp, 'models-cache');
    mkdirSync(cache, { recursive: true });
    writeFileSync(path.join(cache, 'tiny-Q4_K_M.gguf'), Buffer.alloc(1_500, 1));
    writeFileSync(path.join(cache, 'README.txt'), 'not a model');
    const r = await runCli(['models', '--host', fake.server.url], { env: { ...env, DRAFTSMITH_CACHE: cache } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Ollama at http:\/\/127\.0\.0\.1:\d+ \(2 models\):$/);
    expect(lines[1]).toMatch(/^ {2}NAME\s+SIZE\s+PARAMETERS\s+QUANTISATION$/);
    expect(lines[2]).toMatch(/^ {2}llama3\.2:latest\s+2\.0 GB\s+3\.2B\s+Q4_K_M$/);
    expect(lines[3]).toMatch(/^ {2}qwen3:0\.6b\s+523 MB\s+751\.63M\s+Q4_K_M$/);
    expect(r.stdout).toContain(`GGUF cache ${cache} (1 file):`);
    expect(r.stdout).toMatch(new RegExp(`^ {2}1\\.5 KB\\s+${escape(path.join(cache, 'tiny-Q4_K_M.gguf'))}$`, 'm'));
    expect(r.stdout).not.toContain('README.txt');
  });

  it('--json: one object with both sources', async () => {
    const r = await runCli(['models', '--host', fake.server.url, '--json'], { env });
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(data.ollama).toMatchObject({ host: fake.server.url, reachable: true });
    expect(data.ollama.models[0]).toMatchObject({ name: 'llama3.2:latest', size: 2019393189, parameterSize: '3.2B', quantization: 'Q4_K_M' });
    expect(data.cache).toEqual({ dir: env.DRAFTSMITH_CACHE, files: [] });
  });

  it('Ollama not answering: a note on stderr, the cache still listed, exit 0; --json says unreachable, with the error', async () => {
    const r = await runCli(['models', '--host', deadHost], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^draftsmith: note: no answer from Ollama at http:\/\/127\.0\.0\.1:\d+ \(connection refused\); start it with `ollama serve`/);
    expect(r.stdout).not.toMatch(/Ollama at/);
    expect(r.stdout).toMatch(/^GGUF cache .*: no files/);
    const json = await runCli(['models', '--host', deadHost, '--json'], { env });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).ollama).toMatchObject({ reachable: false, models: [], error: expect.stringMatching(/connection refused/) });
  });

  it('a non-local host is not contacted without --allow-remote: a note naming the flag, exit 0', async () => {
    const r = await runCli(['models', '--host', 'http://192.0.2.1:11434'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/not contacted: Ollama at http:\/\/192\.0\.2\.1:11434 is not on this machine; pass --allow-remote/);
  });

  it('sanitises model names from the server', async () => {
    await withFakeOllama({ models: [{ name: 'bad\u001b[31mname', parameterSize: '1B\u0007' }] }, async (evil) => {
      const r = await runCli(['models', '--host', evil.url], { env });
      expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(r.stdout).toMatch(/^ {2}badname:latest\s+1\.0 GB\s+1B\s+Q4_K_M$/m);
    });
  });
});

/** Runs a shell command in a pseudo-terminal (util-linux `script`); resolves with its output and status. */
function runInPty(cmd: string, ptyEnv: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { env: ptyEnv, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout });
    });
  });
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
