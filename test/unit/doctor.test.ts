import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/core/text/bytes.js';
import { compareVersions, type CheckResult } from '../../src/core/doctor-checks.js';
import { buildDoctorReport, decideDoctor, type DoctorFacts } from '../../src/app/doctor-report.js';
import { renderDoctorReport } from '../../src/ui/doctor-report.js';
import { hasOllamaModel } from '../../src/engines/ollama/model-name.js';

/** Everything fine, both engine paths usable. */
function facts(over: Partial<DoctorFacts> = {}): DoctorFacts {
  return {
    nodeVersion: '20.18.0',
    engine: 'auto',
    engineSource: 'default',
    model: 'llama3.2',
    modelSource: 'default',
    ollamaModel: 'llama3.2',
    modelIsGguf: false,
    host: 'http://127.0.0.1:11434',
    ollama: { state: 'ok', version: '0.33.0', models: ['llama3.2:latest', 'qwen3:0.6b'] },
    // No OpenAI-compatible server (most machines): its line is left out unless it matters.
    openaiUrl: 'http://127.0.0.1:8000/v1',
    openaiModel: 'llama3.2',
    openai: { state: 'unreachable', reason: 'connection refused' },
    nodeLlamaCpp: { installed: true, version: '3.22.1' },
    gguf: { state: 'none' },
    editor: { source: 'EDITOR', command: 'vim', found: true, fallback: 'vi' },
    terminal: { stdoutTTY: false, stderrTTY: false, colorLevel: 0, noColor: false, forceColor: false, termDumb: false, ci: false },
    ...over,
  };
}

const gguf = (): Partial<DoctorFacts> => ({
  model: './m.gguf',
  modelSource: 'flag',
  ollamaModel: undefined,
  modelIsGguf: true,
  gguf: { state: 'loaded', path: '/x/m.gguf', size: 1_185_376, ms: 40 },
});
const down: Partial<DoctorFacts> = { ollama: { state: 'unreachable', reason: 'connection refused' } };
const noLib: Partial<DoctorFacts> = { nodeLlamaCpp: { installed: false, installCommand: 'npm install node-llama-cpp@^3.22.1' } };

function check(f: DoctorFacts, name: string): CheckResult {
  const c = buildDoctorReport(f).checks.find((x) => x.name === name);
  if (!c) throw new Error(`no ${name} check`);
  return c;
}

describe('decideDoctor: could a draft run?', () => {
  it.each<[string, Partial<DoctorFacts>, boolean, boolean, 0 | 1]>([
    ['Ollama with the model pulled', {}, true, false, 0],
    ['Ollama answers but the model is missing', { ollamaModel: 'mistral', model: 'mistral' }, false, false, 1],
    ['Ollama unreachable, no GGUF', down, false, false, 1],
    ['Ollama not contacted (remote), no GGUF', { ollama: { state: 'remote' } }, false, false, 1],
    ['GGUF loads, Ollama down', { ...down, ...gguf() }, false, true, 0],
    ['GGUF found but node-llama-cpp missing', { ...down, ...noLib, ...gguf(), gguf: { state: 'found', path: '/x/m.gguf' } }, false, false, 1],
    ['hf: not downloaded', { ...down, model: 'hf:a/b:Q4', ollamaModel: undefined, modelIsGguf: true, gguf: { state: 'not-downloaded' } }, false, false, 1],
    ['GGUF load failed', { ...down, ...gguf(), gguf: { state: 'load-failed', path: '/x/m.gguf', reason: 'bad magic' } }, false, false, 1],
    ['ollama:NAME pulled, daemon up, blob loads', { model: 'ollama:llama3.2', modelIsGguf: true, gguf: { state: 'loaded', path: '/b/sha256-1' } }, true, true, 0],
    // auto as draft resolves it: Ollama whenever it answers, so a GGUF that loads does not rescue a missing model...
    ['Ollama answers without the model; the fallback GGUF loads', { ollamaModel: 'mistral', model: 'mistral', gguf: { state: 'loaded', path: '/b/blob' } }, false, true, 1],
    // ...and with Ollama down, the model's on-disk copy (what draft falls back to) is enough.
    ['Ollama down; the pulled copy of the model loads in-process', { ...down, embeddedModel: 'ollama:llama3.2', gguf: { state: 'loaded', path: '/b/blob' } }, false, true, 0],
    // A GGUF model never goes to Ollama, even when Ollama answers.
    ['a GGUF that fails to load, Ollama up', { ...gguf(), gguf: { state: 'load-failed', path: '/x/m.gguf', reason: 'bad magic' } }, false, false, 1],
  ])('%s', (_name, over, ollama, embedded, code) => {
    const f = facts(over);
    expect(decideDoctor(f).usable).toEqual({ ollama, openai: false, 'llama-cpp': embedded });
    expect(buildDoctorReport(f).exitCode).toBe(code);
  });

  it('honours an explicit engine: the other path working is not enough', () => {
    const onlyOllama = facts({ engine: 'llama-cpp', engineSource: 'flag', ...noLib });
    const r1 = buildDoctorReport(onlyOllama);
    expect(r1.exitCode).toBe(1);
    expect(r1.verdict).toMatch(/drop --engine llama-cpp/);

    const onlyEmbedded = facts({ engine: 'ollama', engineSource: 'profile', ...down, ...gguf() });
    const r2 = buildDoctorReport(onlyEmbedded);
    expect(r2.exitCode).toBe(1);
    expect(r2.verdict).toMatch(/use --engine llama-cpp/);

    expect(buildDoctorReport(facts({ engine: 'ollama' })).exitCode).toBe(0);
    expect(buildDoctorReport(facts({ engine: 'llama-cpp', ...down, ...gguf() })).exitCode).toBe(0);
  });

  it('fails on an invalid profile or an old Node even when an engine works', () => {
    const bad = buildDoctorReport(facts({ profile: { state: 'invalid', file: 'p.yaml', problems: ['p.yaml:3:1: goal: required'] } }));
    expect(bad.exitCode).toBe(1);
    expect(bad.verdict).toMatch(/profile is invalid/);
    const old = buildDoctorReport(facts({ nodeVersion: '20.16.0' }));
    expect(old.exitCode).toBe(1);
    expect(old.verdict).toMatch(/Node\.js 20\.17\.0\+/);
    expect(buildDoctorReport(facts({ profile: { state: 'valid', file: 'p.yaml' } })).exitCode).toBe(0);
  });
});

describe('buildDoctorReport: levels and fixes', () => {
  it('a missing path is a warning when the other path works, a failure when none does', () => {
    expect(check(facts(noLib), 'node-llama-cpp').level).toBe('warn');
    expect(check(facts(), 'gguf').level).toBe('warn');
    const none = facts({ ...down, ...noLib });
    expect(check(none, 'ollama').level).toBe('fail');
    expect(check(none, 'model').level).toBe('fail');
    expect(check(none, 'node-llama-cpp').level).toBe('fail');
    expect(check(none, 'gguf').level).toBe('fail');
  });

  it('a path the engine choice excludes never fails, and says it is not used', () => {
    const f = facts({ engine: 'ollama', ...noLib });
    const lib = check(f, 'node-llama-cpp');
    expect(lib.level).toBe('warn');
    expect(lib.detail).toMatch(/not used: engine ollama/);
    const down2 = facts({ engine: 'ollama', ...down, ...noLib });
    expect(check(down2, 'ollama').level).toBe('fail');
    expect(check(down2, 'node-llama-cpp').level).toBe('warn');
  });

  it('gives the pull, serve, install and allow-remote fixes', () => {
    expect(check(facts({ model: 'mistral', ollamaModel: 'mistral' }), 'model')).toMatchObject({
      detail: expect.stringMatching(/mistral is not pulled \(installed: llama3\.2:latest, qwen3:0\.6b\)/),
      fix: expect.stringContaining('`ollama pull mistral`'),
    });
    expect(check(facts(down), 'ollama')).toMatchObject({ detail: expect.stringContaining('connection refused'), fix: expect.stringContaining('ollama serve') });
    expect(check(facts(noLib), 'node-llama-cpp').fix).toBe('`npm install node-llama-cpp@^3.22.1`');
    const remote = check(facts({ host: 'http://10.0.0.5:11434', ollama: { state: 'remote' } }), 'ollama');
    expect(remote.detail).toMatch(/not contacted: http:\/\/10\.0\.0\.5:11434/);
    expect(remote.fix).toMatch(/--allow-remote/);
    expect(check(facts({ ...down, model: 'hf:a/b:Q4', ollamaModel: undefined, gguf: { state: 'not-downloaded' } }), 'gguf').fix).toMatch(
      /--model hf:a\/b:Q4 --yes/,
    );
  });

  it('matches Ollama names with and without the :latest tag', () => {
    expect(hasOllamaModel(['llama3.2:latest'], 'llama3.2')).toBe(true);
    expect(hasOllamaModel(['llama3.2'], 'llama3.2:latest')).toBe(true);
    expect(hasOllamaModel(['llama3.2:1b'], 'llama3.2')).toBe(false);
    expect(hasOllamaModel(['registry.example/x/llama'], 'registry.example/x/llama:latest')).toBe(true);
  });

  it('checks the Node version against 20.17', () => {
    expect(check(facts({ nodeVersion: '20.17.0' }), 'node').level).toBe('ok');
    expect(check(facts({ nodeVersion: 'v22.1.0' }), 'node').level).toBe('ok');
    expect(check(facts({ nodeVersion: '20.9.0' }), 'node')).toMatchObject({ level: 'fail', fix: expect.stringMatching(/20\.17/) });
    expect(compareVersions('20.10.0', '20.9.5')).toBe(1);
    expect(compareVersions('v20.17.0', '20.17.0')).toBe(0);
    expect(compareVersions('18.20.4', '20.17.0')).toBe(-1);
  });

  it('summarises profile problems: the first one and how many more', () => {
    const c = check(facts({ profile: { state: 'invalid', file: 'p.yaml', problems: ['p.yaml:2:1: goal: required', 'p.yaml:5:3: x: unknown key', 'p.yaml:9:1: y'], hint: 'fix it' } }), 'profile');
    expect(c).toEqual({ name: 'profile', level: 'fail', detail: 'p.yaml:2:1: goal: required (and 2 more problems)', fix: 'fix it' });
  });

  it.each<[string, DoctorFacts['editor'], 'ok' | 'warn', RegExp]>([
    ['set and found', { source: 'VISUAL', command: 'code --wait', found: true, fallback: 'vi' }, 'ok', /^\$VISUAL=code --wait$/],
    ['set but missing', { source: 'EDITOR', command: 'nosuchedit', found: false, fallback: 'nano' }, 'warn', /not found on PATH/],
    ['unset: names the fallback', { source: 'fallback', command: 'nano' }, 'warn', /will use nano/],
  ])('editor %s', (_n, editor, level, detail) => {
    const c = check(facts({ editor }), 'editor');
    expect(c.level).toBe(level);
    expect(c.detail).toMatch(detail);
  });

  it.each<[string, Partial<DoctorFacts['terminal']>, RegExp]>([
    ['piped', {}, /stdout not a terminal, stderr not a terminal; colour off \(output is not a terminal\); width unknown/],
    ['NO_COLOR', { stdoutTTY: true, stderrTTY: true, noColor: true, columns: 120 }, /colour off \(NO_COLOR is set\); 120 columns/],
    ['256 colours', { stdoutTTY: true, colorLevel: 2, columns: 80 }, /stdout terminal.*colour on \(256 colours\)/],
    ['TERM=dumb', { stdoutTTY: true, termDumb: true }, /colour off \(TERM=dumb\)/],
    ['CI', { stdoutTTY: true, ci: true }, /colour off \(CI is set; FORCE_COLOR=1 turns it on\)/],
    ['no colours', { stdoutTTY: true }, /colour off \(the terminal reports no colours\)/],
  ])('terminal %s', (_n, t, detail) => {
    const f = facts();
    const c = check({ ...f, terminal: { ...f.terminal, ...t } }, 'terminal');
    expect(c.level).toBe('ok');
    expect(c.detail).toMatch(detail);
  });
});

describe('renderDoctorReport', () => {
  it('prints one line per check, the fix on the same line, then the verdict', () => {
    const report = buildDoctorReport(facts({ ...down, ...noLib }));
    const out = renderDoctorReport(report);
    const lines = out.trimEnd().split('\n');
    expect(lines.length).toBe(report.checks.length + 2);
    expect(lines[0]).toMatch(/^ok {4}node +v20\.18\.0/);
    expect(out).toMatch(/^fail {2}ollama +no usable answer from http:\/\/127\.0\.0\.1:11434: connection refused; fix: start it with `ollama serve`/m);
    expect(lines.at(-1)).toMatch(/^not ready: no engine can run/);
    expect(out.endsWith('\n')).toBe(true);
  });

  it('paints only the level word and the verdict', () => {
    const out = renderDoctorReport(buildDoctorReport(facts()), (level, t) => `<${level}>${t}</>`);
    expect(out).toMatch(/^<ok>ok  <\/> {2}node /m);
    expect(out).toMatch(/^<warn>warn<\/> {2}gguf /m);
    expect(out.trimEnd().split('\n').at(-1)).toBe('<ok>ready: a draft can run with Ollama (llama3.2 at http://127.0.0.1:11434)</>');
  });

  it('strips control sequences from outside text (server version, model names, paths)', () => {
    const out = renderDoctorReport(
      buildDoctorReport(
        facts({
          ollama: { state: 'ok', version: '0.1\u001b[2J\u001b]0;pwned\u0007', models: ['evil\u001b[31m:latest'] },
          model: 'evil\u001b[31m',
          ollamaModel: 'evil\u001b[31m',
          editor: { source: 'EDITOR', command: 'vi\nrm -rf', found: false, fallback: 'vi' },
        }),
      ),
    );
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(out).toContain('version 0.1 at');
    expect(out).toContain('$EDITOR=vi rm -rf');
  });

  it('names the engine a draft would use, as draft decides auto', () => {
    expect(buildDoctorReport(facts({ model: 'ollama:llama3.2', modelIsGguf: true, gguf: { state: 'loaded', path: '/b/blob' } })).verdict).toBe(
      'ready: a draft can run with the embedded engine (/b/blob)',
    );
    expect(buildDoctorReport(facts({ gguf: { state: 'loaded', path: '/b/blob' } })).verdict).toBe(
      'ready: a draft can run with Ollama (llama3.2 at http://127.0.0.1:11434)',
    );
    const missing = buildDoctorReport(facts({ ollamaModel: 'mistral', model: 'mistral', gguf: { state: 'loaded', path: '/b/blob' } }));
    expect(missing.verdict).toMatch(/^not ready: Ollama answers but has no mistral, and auto uses Ollama whenever it answers: `ollama pull mistral`; the embedded engine would work: use --engine llama-cpp$/);
    expect(missing.checks.find((c) => c.name === 'model')?.level).toBe('fail');
    expect(missing.checks.find((c) => c.name === 'gguf')?.level).toBe('ok');
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1_185_376, '1.2 MB'],
    [522_653_767, '523 MB'],
    [2_019_393_189, '2.0 GB'],
    [-1, '?'],
  ])('%d -> %s', (n, s) => expect(formatBytes(n)).toBe(s));
});

describe('the OpenAI-compatible server in doctor', () => {
  const served: Partial<DoctorFacts> = { openai: { state: 'ok', models: ['llama3.2', 'qwen3:0.6b'] } };
  const names = (f: DoctorFacts) => buildDoctorReport(f).checks.map((c) => c.name);

  it('no server and another engine can draft: no openai line at all', () => {
    expect(names(facts())).not.toContain('openai');
    expect(buildDoctorReport(facts()).exitCode).toBe(0);
  });

  it('no engine can draft: its line fails too, as one way out, and the verdict names it', () => {
    const r = buildDoctorReport(facts({ ...down, ...noLib }));
    expect(r.checks.find((c) => c.name === 'openai')).toMatchObject({ level: 'fail', fix: expect.stringMatching(/vllm serve/) });
    expect(r.verdict).toMatch(/start an OpenAI-compatible server with the model/);
  });

  it('auto with Ollama down and a server serving the model: ready with it', () => {
    const r = buildDoctorReport(facts({ ...down, ...served }));
    expect(decideDoctor(facts({ ...down, ...served })).uses).toBe('openai');
    expect(r.exitCode).toBe(0);
    expect(r.verdict).toBe('ready: a draft can run with the OpenAI-compatible server (llama3.2 at http://127.0.0.1:8000/v1)');
    expect(r.checks.find((c) => c.name === 'openai')).toMatchObject({ level: 'ok' });
  });

  it('--engine openai: a refused key or a missing model fails, naming the fix', () => {
    const refused = buildDoctorReport(facts({ engine: 'openai', openai: { state: 'refused', reason: 'HTTP 401', hint: 'set DRAFTSMITH_API_KEY' } }));
    expect(refused.exitCode).toBe(1);
    expect(refused.checks.find((c) => c.name === 'openai')).toMatchObject({ level: 'fail', fix: 'set DRAFTSMITH_API_KEY' });
    const missing = buildDoctorReport(facts({ engine: 'openai', openaiModel: 'mistral', ...served }));
    expect(missing.verdict).toMatch(/--engine openai needs an OpenAI-compatible server at .* serving mistral/);
  });
});
