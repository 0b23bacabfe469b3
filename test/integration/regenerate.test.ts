// review's regenerate (src/app/regenerate.ts) against the fake Ollama on its own port, then the
// built binary over the drafts file holding the regenerated version (issue 8). Old draftsmith's
// regenerated record had no key, profile, host or cut flag: an .eml export after a regeneration lost
// its From: everywhere, and regenerating asked the default host instead of the one that drafted.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadLintContext } from '../../src/app/lint-context.js';
import { regenerateDraft } from '../../src/app/regenerate.js';
import { createOllamaEngine } from '../../src/engines/ollama/engine.js';
import { DraftsStore } from '../../src/io/drafts-file/store.js';
import { runCli } from '../helpers/cli.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';
import { parseMail } from '../helpers/parse-mail.js';
import { CALL_PROFILE } from '../helpers/profiles.js';

const fake = useFakeOllama();

describe('regenerateDraft', () => {
  it('writes the next version with the key, profile, host and version given, cut when the answer stopped at the token limit; afterwards export --format eml has From: on every message and status still lints', async () => {
    expect(fake.server.port).not.toBe(11434);
    const d = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-regenerate-'));
    const profileFile = path.join(d, 'p.yaml');
    writeFileSync(profileFile, CALL_PROFILE);
    writeFileSync(path.join(d, 'people.csv'), 'first_name,email,company\nAna,ana@example.org,Acme\nBen,ben@example.org,Globex\n');
    expect((await runCli(['draft', 'people.csv', '-p', 'p.yaml', '--host', fake.server.url], { cwd: d })).code).toBe(0);

    const file = path.join(d, 'people.drafts.jsonl');
    const store = await DraftsStore.open(file, { lock: true });
    const engine = createOllamaEngine({ host: fake.server.url, model: 'llama3.2' });
    try {
      const ana = store.recipients().find((s) => s.row === 1)!;
      const shown = store.read(ana.key)!;
      // The regeneration's answer stops at num_predict.
      fake.server.setBehaviour(() => ({ doneReason: 'length' }));
      const before = fake.server.requests.length;
      const record = await regenerateDraft(await loadLintContext(profileFile), engine, shown, 'shorter, please', 2);
      fake.server.setBehaviour(undefined);

      const sent = fake.server.requests.slice(before).filter((q) => q.path === '/api/chat');
      expect(sent).toHaveLength(1);
      // The model saw the recipient, the previous text and the feedback.
      const asked = JSON.stringify(sent[0]!.body.messages);
      for (const part of ['Ana', 'Acme', shown.text!.body.slice(0, 30), 'shorter, please']) expect(asked).toContain(part);
      expect(record).toMatchObject({
        type: 'draft',
        key: ana.key,
        row: 1,
        fingerprint: shown.draft.fingerprint,
        status: 'drafted',
        profile: profileFile,
        host: `127.0.0.1:${fake.server.port}`,
        version: 2,
        cut: true,
        feedback: 'shorter, please',
        engine: 'ollama',
        model: 'llama3.2',
      });
      store.append(record);
    } finally {
      await store.close();
      await engine.close();
    }

    const status = await runCli(['status'], { cwd: d });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^lint: 2 draft\(s\): /m);
    const approved = await runCli(['approve', '--rows', '1-2'], { cwd: d });
    expect(approved.stderr).toMatch(/approved 2 draft\(s\): rows 1-2\n/);
    const eml = await runCli(['export', '--format', 'eml', '--out', 'outbox'], { cwd: d });
    expect(eml.code).toBe(0);
    expect(eml.stderr).not.toMatch(/no From/);
    const files = readdirSync(path.join(d, 'outbox')).sort();
    expect(files).toHaveLength(2);
    for (const f of files) expect(parseMail(readFileSync(path.join(d, 'outbox', f), 'utf8')).headers.from).toMatch(/sam@example\.org/);
  });
});
