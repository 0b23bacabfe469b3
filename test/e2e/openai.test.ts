// The built binary against the fake OpenAI-compatible server: `--engine openai` drafts every row,
// `auto` finds the server when Ollama does not answer, `doctor` and `models` cover it, and the API
// key never shows up in any output or file.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, type Dirent } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, runCli, type CliResult } from '../helpers/cli.js';
import { readDrafts } from '../helpers/jsonl.js';
import { closedPort } from '../helpers/net.js';
import { useFakeOpenAI, withFakeOpenAI } from '../helpers/use-fake-openai.js';
import { waitFor } from '../helpers/wait.js';

const KEY = 'sk-e2e-very-secret-4242';
const STACK = /\n\s+at .+\(.*:\d+:\d+\)/;
const fake = useFakeOpenAI({ slots: 4 });

function campaign(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-openai-'));
  copyFileSync(fixture('recipients.csv'), path.join(d, 'people.csv'));
  return d;
}

/** Every output and every file of the campaign directory, which the key must never be in. */
function expectNoKey(d: string, ...results: CliResult[]): void {
  for (const r of results) expect(`${r.stdout}\n${r.stderr}`).not.toContain(KEY);
  const files = (readdirSync(d, { recursive: true, withFileTypes: true }) as Dirent[]).filter((e) => e.isFile());
  expect(files.length).toBeGreaterThan(1);
  for (const f of files) expect(readFileSync(path.join(f.parentPath, f.name), 'utf8')).not.toContain(KEY);
}

describe('draftsmith draft --engine openai (end to end)', () => {
  it('drafts every fixture recipient against the server at --host URL/v1, streamed, with the schema; the records name the engine and the base URL', async () => {
    const d = campaign();
    const before = fake.chats().length;
    const r = await runCli(['draft', 'people.csv', '-p', fixture('profile.yaml'), '--engine', 'openai', '--host', fake.server.url], { cwd: d });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.code).toBe(0);
    const records = readDrafts(path.join(d, 'people.drafts.jsonl'));
    const rows = fixtureRowCount();
    expect(records).toHaveLength(rows);
    expect(records.every((x) => x.status === 'drafted' && x.body.length > 0 && x.engine === 'openai' && x.model === 'llama3.2')).toBe(true);
    const sent = fake.chats().slice(before);
    expect(sent).toHaveLength(rows);
    expect(sent.every((q) => q.body.stream === true && q.body.response_format.type === 'json_schema' && q.headers.authorization === undefined)).toBe(true);
    // Without a trailing /v1 the same server is found.
    const again = await runCli(['draft', 'people.csv', '-p', fixture('profile.yaml'), '--engine', 'openai', '--host', `127.0.0.1:${fake.server.port}`, '--force', '--quiet'], { cwd: d });
    expect(again.code).toBe(0);
  });

  it('--engine auto: Ollama not answering, the OpenAI-compatible server at --host drafts, with a note saying so', async () => {
    const d = campaign();
    const r = await runCli(['draft', 'people.csv', '-p', fixture('profile.yaml'), '--host', fake.server.url], { cwd: d });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`note: Ollama is not answering at ${fake.server.url}; drafting with the OpenAI-compatible server at ${fake.server.url} (llama3.2)`);
    expect(readDrafts(path.join(d, 'people.drafts.jsonl')).every((x) => x.engine === 'openai')).toBe(true);
  });

  it('a server that refuses json_schema: one note, json_object, every row still drafted', async () => {
    await withFakeOpenAI({ schema: 'refuse', slots: 2 }, async (s) => {
      const d = campaign();
      const r = await runCli(['draft', 'people.csv', '-p', fixture('profile.yaml'), '--engine', 'openai', '--host', s.url], { cwd: d });
      expect(r.code).toBe(0);
      expect(r.stderr.match(/does not take a JSON schema/g)).toHaveLength(1);
      expect(readDrafts(path.join(d, 'people.drafts.jsonl'))).toHaveLength(fixtureRowCount());
    });
  });

  it('a non-local host is refused without --allow-remote, with a hint that is not about Ollama', async () => {
    const r = await runCli(['draft', 'people.csv', '-p', fixture('profile.yaml'), '--engine', 'openai', '--host', 'http://192.0.2.1:8000/v1'], { cwd: campaign() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to send recipient data to non-local host http:\/\/192\.0\.2\.1:8000\/v1/);
    expect(r.stderr).toMatch(/Run the server on this machine/);
    expect(r.stderr).not.toMatch(/ollama serve/);
  });
});

describe('the API key (end to end)', () => {
  it('is sent as a Bearer header and appears in no output or file: draft, --dry-run, an interrupted run\'s resume command, a refused key, doctor and models', async () => {
    await withFakeOpenAI({ apiKey: KEY, authStyle: 'vllm', slots: 2 }, async (s) => {
      const d = campaign();
      const env = { DRAFTSMITH_API_KEY: KEY };
      const args = ['draft', 'people.csv', '-p', fixture('profile.yaml'), '--engine', 'openai', '--host', s.url];
      const dry = await runCli([...args, '--dry-run'], { cwd: d, env });
      expect(dry.code).toBe(0);
      // Interrupted mid-run: the resume command is printed.
      s.setBehaviour({ latencyMs: 200 });
      const run = runCli([...args, '--concurrency', '1'], { cwd: d, env });
      const drafts = path.join(d, 'people.drafts.jsonl');
      await waitFor(() => existsSync(drafts) && readDrafts(drafts).length >= 1, 20_000);
      run.child.kill('SIGINT');
      const stopped = await run;
      expect(stopped.code).toBe(130);
      expect(stopped.stderr).toMatch(/resume/i);
      s.setBehaviour(undefined);
      const done = await runCli(args, { cwd: d, env });
      expect(done.code).toBe(0);
      const chats = s.requests.filter((q) => q.path === '/v1/chat/completions');
      expect(chats.length).toBeGreaterThan(0);
      expect(chats.every((q) => q.headers.authorization === `Bearer ${KEY}`)).toBe(true);
      const wrong = await runCli([...args, '--force'], { cwd: d, env: { DRAFTSMITH_API_KEY: 'sk-wrong' } });
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(/HTTP 401/);
      expect(wrong.stderr).toMatch(/DRAFTSMITH_API_KEY/);
      const missing = await runCli([...args, '--force'], { cwd: d });
      expect(missing.stderr).toMatch(/set DRAFTSMITH_API_KEY/);
      const doctor = await runCli(['doctor', '--engine', 'openai', '--host', s.url, '-p', fixture('profile.yaml')], { cwd: d, env });
      expect(doctor.stdout).toMatch(/^ok\s+openai\s+llama3\.2 is served at/m);
      const models = await runCli(['models', '--host', s.url, '--json'], { cwd: d, env });
      expect(JSON.parse(models.stdout).openai).toMatchObject({ reachable: true });
      expectNoKey(d, dry, stopped, done, wrong, missing, doctor, models);
      // OPENAI_API_KEY is never sent to a self-hosted server.
      const before = s.requests.length;
      await runCli([...args, '--force'], { cwd: d, env: { OPENAI_API_KEY: KEY } });
      expect(s.requests.slice(before).every((q) => q.headers.authorization === undefined)).toBe(true);
    });
  });
});

describe("each host's own key (the profile's model.hosts api_key_env)", () => {
  it('two servers with two keys: each gets only its own, every row is drafted on one of them, and neither key is in any output or file; an unset variable is exit 2 before any request', async () => {
    const KEY2 = 'sk-e2e-second-secret-777';
    await withFakeOpenAI({ apiKey: KEY, slots: 2 }, (a) =>
      withFakeOpenAI({ apiKey: KEY2, slots: 2 }, async (b) => {
        const d = campaign();
        const profile = path.join(d, 'profile.yaml');
        writeFileSync(profile, readFileSync(fixture('profile.yaml'), 'utf8').replace('\nmodel:\n', `\nmodel:\n${hostsLines([[a.url, 'GPU_A_KEY'], [b.url, 'GPU_B_KEY']])}`));
        const args = ['draft', 'people.csv', '-p', profile, '--engine', 'openai'];
        const unset = await runCli(args, { cwd: d, env: { GPU_A_KEY: KEY } });
        expect(unset.code).toBe(2);
        expect(unset.stderr).toMatch(/takes its API key from GPU_B_KEY, which is not set/);
        expect(a.requests.concat(b.requests).filter((q) => q.path === '/v1/chat/completions')).toHaveLength(0);
        const r = await runCli(args, { cwd: d, env: { GPU_A_KEY: KEY, GPU_B_KEY: KEY2, DRAFTSMITH_API_KEY: 'sk-not-this-one' } });
        expect(r.stderr).not.toMatch(STACK);
        expect(r.code).toBe(0);
        const chatsOf = (s: typeof a) => s.requests.filter((q) => q.path === '/v1/chat/completions');
        expect(chatsOf(a).length + chatsOf(b).length).toBe(fixtureRowCount());
        expect(chatsOf(a).every((q) => q.headers.authorization === `Bearer ${KEY}`)).toBe(true);
        expect(chatsOf(b).every((q) => q.headers.authorization === `Bearer ${KEY2}`)).toBe(true);
        expectNoKey(d, unset, r);
        for (const f of [r.stdout, r.stderr, readFileSync(path.join(d, 'people.drafts.jsonl'), 'utf8')]) expect(f).not.toContain(KEY2);
      }),
    );
  });
});

/** The `hosts:` lines of a profile's model block, each host with the variable holding its key. */
function hostsLines(hosts: [url: string, variable: string][]): string {
  return ['  hosts:', ...hosts.map(([url, v]) => `    - { url: "${url}", api_key_env: ${v} }`)].join('\n') + '\n';
}

describe('doctor and models (end to end)', () => {
  it('doctor --engine openai: ok when the server serves the model, exit 0; a missing model fails listing what it serves', async () => {
    const ok = await runCli(['doctor', '--engine', 'openai', '--host', fake.server.url]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`^ok\\s+openai\\s+llama3\\.2 is served at ${escape(fake.server.url)}`, 'm'));
    expect(ok.stdout).toMatch(/^ready: a draft can run with the OpenAI-compatible server \(llama3\.2 at/m);
    const missing = await runCli(['doctor', '--engine', 'openai', '--host', fake.server.url, '--model', 'mistral']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/^fail\s+openai\s+the server at .* answers but does not serve mistral \(it serves: llama3\.2, qwen3:0\.6b\)/m);
  });

  it('doctor --engine openai with no server there: a failing openai line with the reason, exit 1', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}/v1`;
    const chosen = await runCli(['doctor', '--engine', 'openai', '--host', dead]);
    expect(chosen.code).toBe(1);
    expect(chosen.stdout).toMatch(/^fail\s+openai\s+no OpenAI-compatible server answers at .*connection refused/m);
  });

  it('models lists the served models beside the others; a server that does not answer adds nothing', async () => {
    const r = await runCli(['models', '--host', fake.server.url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^OpenAI-compatible server at ${escape(fake.server.url)} \\(2 models\\):$`, 'm'));
    expect(r.stdout).toMatch(/^ {2}llama3\.2\s+vllm\s+8192$/m);
    const dead = await runCli(['models', '--host', `http://127.0.0.1:${await closedPort()}/v1`]);
    expect(dead.stdout).not.toMatch(/OpenAI-compatible/);
  });
});

/** The fixture's recipients (one row spans two lines). */
function fixtureRowCount(): number {
  return 12;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
