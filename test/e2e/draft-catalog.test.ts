// The catalog reaching drafting (issue 13 §3), through the built binary against the fake Ollama
// server: a recipient whose notes mention a topic gets the catalog item about it in the prompt the
// server receives (never matched on a private column; nothing fits: the prompt says to offer
// nothing), the record keeps the picks, the lint accepts a pick's link and flags another item's;
// by BM25 without model.embed (no /api/embed request), by embeddings with it (the items and the
// recipients asked once, and a forced re-run asks no embedding again: the memory's analysis
// cache), and a changed catalog redrafts the rows whose prompt it changes.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG_LABEL, NO_PICKS } from '../../src/core/drafting/catalog-block.js';
import { loadLintContext } from '../../src/app/lint-context.js';
import { regenerateDraft } from '../../src/app/regenerate.js';
import { createOllamaEngine } from '../../src/engines/ollama/engine.js';
import { DraftsStore } from '../../src/io/drafts-file/store.js';
import { runCli } from '../helpers/cli.js';
import type { RecordedRequest } from '../helpers/fake-ollama/index.js';
import { DEFAULT_MODELS } from '../helpers/fake-ollama/models.js';
import { readDrafts } from '../helpers/jsonl.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';
import { useTempDir } from '../helpers/temp-dir.js';

const fake = useFakeOllama({ models: [...DEFAULT_MODELS, 'nomic-embed-text'] });
const tmp = useTempDir('draftsmith-e2e-catalog-');
const STACK = /\n\s+at .+\(.*:\d+:\d+\)/;

const ITEMS = `items:
  - id: k8s
    title: Kubernetes migration guide
    description: How a platform team moved its services to Kubernetes without downtime.
    url: https://tide.example/guides/k8s
    tags: [kubernetes, migration]
  - id: crm
    title: CRM reconciliation case study
    description: HubSpot and the warehouse agreeing again, without spreadsheets.
    url: https://tide.example/customers/crm
    tags: [hubspot, crm]
  - id: webinar
    title: Cost webinar
    description: An hour on cloud bills.
    tags: [cost]
`;
// Caro's only link to a topic is her private e-mail address: she gets no pick.
const CSV = [
  'first_name,email,notes',
  'Ana,ana@example.org,We are moving our services to Kubernetes next quarter',
  'Ben,ben@example.org,HubSpot and our warehouse never agree',
  'Caro,caro@kubernetes-hubspot.example,Met at the fair',
  '',
].join('\n');

function campaign(name: string, embed: boolean): string {
  const dir = tmp.dir(name);
  writeFileSync(path.join(dir, 'items.yaml'), ITEMS);
  writeFileSync(path.join(dir, 'leads.csv'), CSV);
  writeFileSync(
    path.join(dir, 'profile.yaml'),
    `goal: Offer what helps them\nsign_off: "Best,\\nSam"\nfields: {private: [email]}\ncatalog: items.yaml\ncatalog_picks: 1\n${embed ? 'model: {embed: nomic-embed-text}\n' : ''}`,
  );
  return dir;
}

const draft = (dir: string, ...extra: string[]) => runCli(['draft', 'leads.csv', '--profile', 'profile.yaml', '--host', fake.server.url, ...extra], { cwd: dir });
const since = (from: number, p: string) => fake.server.requests.slice(from).filter((r) => r.path === p);
/** The user message of each chat request since `from`, by the recipient's first name. */
function prompts(from: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of since(from, '/api/chat')) {
    const user = (r.body as { messages: { content: string }[] }).messages[1]!.content;
    out.set(/"first_name": "(\w+)"/.exec(user)![1]!, user);
  }
  return out;
}
const picksOf = (dir: string) =>
  Object.fromEntries(readDrafts(path.join(dir, 'leads.drafts.jsonl')).filter((r) => r.type === 'draft').map((r) => [r.recipient.first_name, r.catalog]));

/** A draft that links the first catalog link its prompt offers, or Ana's pick when it offers none. */
function linking(req: RecordedRequest): string {
  const user = (req.body as { messages: { content: string }[] }).messages[1]!.content;
  const name = /"first_name": "(\w+)"/.exec(user)?.[1] ?? 'there';
  const url = /"url": "([^"]+)"/.exec(user)?.[1] ?? 'https://tide.example/guides/k8s';
  return JSON.stringify({ subject: 'A pointer', body: `Hi ${name},\n\nThis may help: ${url}\n\nBest,\nSam` });
}

describe('draft with a catalog (end to end, fake Ollama)', () => {
  it('BM25 without model.embed: the item about their notes in the prompt, the record, the lint, regenerate; a changed catalog redrafts the rows whose prompt it changes', async () => {
    const dir = campaign('bm25', false);
    fake.server.setBehaviour({ content: linking });
    const from = fake.server.requests.length;
    const first = await draft(dir);
    expect(first.stderr).not.toMatch(STACK);
    expect(first.code).toBe(0);
    // The run's own lint (on its worker thread) knows each draft's picks too: only Caro's link is unknown.
    expect(first.stderr).toMatch(/\n {2}unknown-contact ×1\n/);
    expect(since(from, '/api/embed')).toEqual([]);
    const sent = prompts(from);
    expect(sent.get('Ana')).toMatch(new RegExp(`^${escape(CATALOG_LABEL)}\\n\`\`\`json\\n\\[\\n {2}\\{\\n {4}"title": "Kubernetes migration guide"`));
    expect(sent.get('Ana')).not.toContain('CRM reconciliation');
    expect(sent.get('Ben')).toContain('"title": "CRM reconciliation case study"');
    expect(sent.get('Caro')!.startsWith(`${NO_PICKS}\n\n`)).toBe(true);
    expect(picksOf(dir)).toEqual({
      Ana: { method: 'bm25', picks: [{ id: 'k8s', score: expect.any(Number), url: 'https://tide.example/guides/k8s' }] },
      Ben: { method: 'bm25', picks: [{ id: 'crm', score: expect.any(Number), url: 'https://tide.example/customers/crm' }] },
      Caro: { method: 'bm25', picks: [] },
    });

    // Ana and Ben link their own pick; Caro, offered nothing, links Ana's.
    const lint = await runCli(['lint', 'leads.drafts.jsonl'], { cwd: dir });
    const contacts = lint.stdout.split('\n').filter((l) => l.includes('unknown-contact'));
    expect(contacts).toEqual([expect.stringMatching(/^row 3\b.*URL https:\/\/tide\.example\/guides\/k8s is not in this recipient's catalog picks/)]);

    // Regenerating Ana's draft in review offers the same picks and keeps them in the new version's record.
    const store = await DraftsStore.open(path.join(dir, 'leads.drafts.jsonl'), { lock: true });
    const engine = createOllamaEngine({ host: fake.server.url, model: 'llama3.2' });
    try {
      const shown = store.read(store.recipients().find((s) => s.row === 1)!.key)!;
      const asked = fake.server.requests.length;
      const again = await regenerateDraft(await loadLintContext(path.join(dir, 'profile.yaml')), engine, shown, 'shorter', 2);
      const user = (since(asked, '/api/chat')[0]!.body as { messages: { content: string }[] }).messages[1]!.content;
      expect(user.startsWith(`${CATALOG_LABEL}\n`)).toBe(true);
      expect(user).toBe(sent.get('Ana'));
      expect(again.catalog).toEqual(shown.draft.catalog);
    } finally {
      await store.close();
      await engine.close();
    }

    // Another description of Ana's pick: her prompt changed, so she is drafted again; the others' did not.
    writeFileSync(path.join(dir, 'items.yaml'), ITEMS.replace('without downtime.', 'in six weeks, without downtime.'));
    const between = fake.server.requests.length;
    expect((await draft(dir)).code).toBe(0);
    expect([...prompts(between).keys()]).toEqual(['Ana']);
    expect(prompts(between).get('Ana')).toContain('in six weeks, without downtime.');
    const unchanged = fake.server.requests.length;
    expect((await draft(dir)).code).toBe(0);
    expect(since(unchanged, '/api/chat')).toEqual([]);
  });

  it('embeddings with model.embed: items and recipients embedded once through /api/embed; a forced re-run asks none again', async () => {
    const dir = campaign('embed', true);
    const from = fake.server.requests.length;
    const first = await draft(dir);
    expect(first.stderr).not.toMatch(STACK);
    expect(first.code).toBe(0);
    const embeds = since(from, '/api/embed').map((r) => r.body as { model: string; input: string[] });
    expect(embeds.map((e) => e.model)).toEqual(['nomic-embed-text', 'nomic-embed-text']);
    expect(embeds[0]!.input).toEqual([
      'Kubernetes migration guide\nHow a platform team moved its services to Kubernetes without downtime.\nkubernetes, migration',
      'CRM reconciliation case study\nHubSpot and the warehouse agreeing again, without spreadsheets.\nhubspot, crm',
      'Cost webinar\nAn hour on cloud bills.\ncost',
    ]);
    // What the model may see of each recipient: never the private e-mail column.
    expect(embeds[1]!.input).toEqual(['Ana\nWe are moving our services to Kubernetes next quarter', 'Ben\nHubSpot and our warehouse never agree', 'Caro\nMet at the fair']);
    expect(prompts(from).get('Ana')).toContain('"title": "Kubernetes migration guide"');
    const picks = picksOf(dir);
    expect(picks.Ana).toEqual({ method: 'embeddings', model: 'nomic-embed-text', picks: [{ id: 'k8s', score: expect.any(Number), url: 'https://tide.example/guides/k8s' }] });
    expect(picks.Ben.picks.map((p: { id: string }) => p.id)).toEqual(['crm']);
    // Cosine over embeddings is rarely 0: Caro gets the nearest item, but not by her private address.
    expect(picks.Caro.picks.map((p: { id: string }) => p.id)).not.toContain('k8s');

    const again = fake.server.requests.length;
    const forced = await draft(dir, '--force');
    expect(forced.code).toBe(0);
    expect(since(again, '/api/chat')).toHaveLength(3);
    expect(since(again, '/api/embed')).toEqual([]);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
