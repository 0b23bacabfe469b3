// The catalog end to end below the CLI: the file read in each format with its errors (file:line,
// field, hint), and which item is picked for which recipient, by BM25 (SQLite FTS5) and by cosine
// over embeddings from the fake Ollama and the fake OpenAI-compatible server (hashed bag of words:
// only the wire and the vectors' source are fake). The recipient text is what the model may see:
// core/drafting's sentData under the profile's private columns.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogItem } from '../../src/core/catalog/items.js';
import { recipientText, type CatalogPick } from '../../src/core/catalog/pick.js';
import { sentData } from '../../src/core/drafting/recipient-data.js';
import type { Engine } from '../../src/core/engine.js';
import { InputError } from '../../src/core/errors.js';
import { parseProfile } from '../../src/core/profile.js';
import { buildColumns } from '../../src/core/recipients/recipients.js';
import { createOllamaEngine } from '../../src/engines/ollama/engine.js';
import { createOpenAIEngine } from '../../src/engines/openai/engine.js';
import { readCatalog } from '../../src/io/catalog-file.js';
import { openCatalogSearch, type CatalogSearch } from '../../src/io/catalog-search.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';
import { useFakeOpenAI } from '../helpers/use-fake-openai.js';
import { failure as failed } from '../helpers/net.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tmp = useTempDir('draftsmith-catalog-');
const ollama = useFakeOllama({ models: ['llama3.2', 'nomic-embed-text'] });
const openai = useFakeOpenAI({ models: ['llama3.2', 'nomic-embed-text'] });

const CATALOG_YAML = `# What our drafts may offer
items:
  - id: k8s-migration
    title: Migrating a monolith to Kubernetes
    description: How Northwind moved 40 services to Kubernetes in six months, without downtime.
    url: https://example.com/case-studies/northwind-kubernetes
    tags: [kubernetes, migration, platform]
  - id: observability-guide
    title: Observability for small teams
    description: Tracing, metrics and alerting on a budget, and how to cut on-call noise.
    url: https://example.com/guides/observability
    tags: [observability, alerting, monitoring]
  - id: security-audit
    title: Security audit checklist
    description: The checks we run before every SOC 2 compliance audit.
    url: https://example.com/guides/soc2
    tags: [security, compliance, soc2]
  - id: data-webinar
    title: "Webinar: real-time data pipelines"
    description: Streaming analytics with Kafka and Flink, live online.
    url: https://example.com/events/streaming
    tags: [data, kafka, streaming, webinar]
  - id: pricing
    title: Pricing and plans
    description: What each plan includes and how billing works.
    tags: [pricing, billing]
`;

async function write(name: string, text: string): Promise<string> {
  await writeFile(path.join(tmp.path, name), text);
  return name;
}

async function failure(p: Promise<unknown>): Promise<InputError> {
  const err = await failed(p);
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

describe('readCatalog', () => {
  it('reads YAML (`items:` or a bare list), CSV and JSONL to the same items, relative to the profile folder', async () => {
    const fromYaml = (await readCatalog(await write('products.yaml', CATALOG_YAML), tmp.path)).items;
    expect(fromYaml.map((i) => i.id)).toEqual(['k8s-migration', 'observability-guide', 'security-audit', 'data-webinar', 'pricing']);
    const bare = CATALOG_YAML.replace('items:\n', '').replace(/^ {2}/gm, '');
    expect((await readCatalog(await write('bare.yml', bare), tmp.path)).items).toEqual(fromYaml);

    const csv = ['ID,Title,Description,URL,Tags', ...fromYaml.map((i) => [i.id, i.title, i.description, i.url ?? '', i.tags.join(', ')].map((c) => `"${c}"`).join(','))].join('\r\n');
    expect((await readCatalog(await write('products.csv', `\uFEFF${csv}\r\n`), tmp.path)).items).toEqual(fromYaml);

    const jsonl = fromYaml.map((i) => JSON.stringify(i)).join('\n\n');
    const read = await readCatalog(await write('products.jsonl', jsonl), tmp.path);
    expect(read.items).toEqual(fromYaml);
    expect(read.file).toBe(path.join(tmp.path, 'products.jsonl'));
  });

  it.each<[string, string, RegExp, string[]?]>([
    ['dup.yaml', '- {id: a, title: A}\n- {id: b, title: B}\n- {id: a, title: C}\n', /dup\.yaml:3: id: duplicate id "a" \(first at line 1\)/],
    ['typo.yaml', 'items:\n  - id: a\n    title: A\n    descripton: x\n  - id: b\n', /typo\.yaml:2: descripton: unknown key; did you mean `description`\?/, ['typo.yaml:5: title: required, but missing']],
    ['syntax.yaml', '- id: a\n  title: [unclosed\n', /syntax\.yaml:\d+: YAML syntax error/],
    ['top.yaml', 'products:\n  - id: a\n', /top\.yaml:1: unknown key `products`/],
    ['scalar.yaml', 'just text\n', /scalar\.yaml:1: expected a list of items/],
    ['bad.csv', 'id,title,url\na,A,not a link\n', /bad\.csv:2: url: expected an http\(s\) address/],
    ['extra.csv', 'id,title,price\na,A,3\n', /extra\.csv:2: price: unknown key/],
    ['quote.csv', 'id,title\n"a,A\n', /quote\.csv:\d+: /],
    ['broken.jsonl', '{"id":"a","title":"A"}\n{"id": "b",\n', /broken\.jsonl:2: not a JSON object/],
    ['empty.jsonl', '\n', /empty\.jsonl:1: the catalog has no items/],
  ])('%s is refused with file:line, field and a hint', async (name, text, message, details) => {
    const err = await failure(readCatalog(await write(name, text), tmp.path));
    expect(err.message).toMatch(message);
    expect(err.hint).toMatch(/profile check/);
    if (details) expect(err.details).toEqual(details.map((d) => expect.stringContaining(d)));
  });

  it('a missing file or another format names the profile key and its folder', async () => {
    const missing = await failure(readCatalog('nope.yaml', tmp.path));
    expect(missing.message).toMatch(/catalog not found: .*nope\.yaml/);
    expect(missing.hint).toContain("relative to the profile's folder");
    expect(missing.location?.field).toBe('catalog');
    const other = await failure(readCatalog('products.xlsx', tmp.path));
    expect(other.message).toMatch(/\.yaml, \.csv or \.jsonl file, not "\.xlsx"/);
  });
});

// Who gets what. `notes` is private in the profile: "kafka" in it must not steer the pick.
const HEADER = ['first_name', 'company', 'role', 'interests', 'notes', 'language'];
const RECIPIENTS: { row: string[]; want: string }[] = [
  { row: ['Ana', 'Contoso', 'CTO', 'we plan to move our monolith to Kubernetes next quarter', '', 'en'], want: 'k8s-migration' },
  { row: ['Ben', 'Fabrikam', 'SRE lead', 'alerting, on-call noise, monitoring', 'kafka kafka kafka', 'en'], want: 'observability-guide' },
  { row: ['Chloé', 'Initech', 'Head of security', 'our SOC 2 compliance audit is in May', '', 'fr'], want: 'security-audit' },
  { row: ['Dan', 'Umbrella', 'Data engineer', 'streaming analytics with Kafka', '', 'en'], want: 'data-webinar' },
  { row: ['Eva', 'Globex', 'Plattform-Teamleiterin', 'Migration zu Kubernetes', '', 'de'], want: 'k8s-migration' },
  { row: ['Finn', 'Hooli', 'Finance', 'billing questions about plans and pricing', '', 'en'], want: 'pricing' },
];

function recipientTexts(): string[] {
  const parsed = parseProfile({ goal: 'x', fields: { private: ['notes'] } });
  if (!parsed.ok) throw new Error('bad profile');
  const { columns } = buildColumns(HEADER);
  return RECIPIENTS.map(({ row }, i) => recipientText(sentData(parsed.profile, { row: i + 1, line: i + 2, cells: row }, columns)));
}

describe('picking', () => {
  let items: CatalogItem[];
  const engines: Engine[] = [];
  beforeAll(async () => {
    items = (await readCatalog(await write('pick.yaml', CATALOG_YAML), tmp.path)).items;
  });
  afterAll(async () => {
    await Promise.all(engines.map((e) => e.close()));
  });

  const expectPicks = async (search: CatalogSearch) => {
    const texts = recipientTexts();
    const all = await search.pickAll(texts, 2);
    RECIPIENTS.forEach(({ row, want }, i) => expect(all[i]![0]?.id, `${row[0]} (${search.method})`).toBe(want));
    for (const picks of all) {
      expect(picks.length).toBeLessThanOrEqual(2);
      expect(picks.every((p, n) => n === 0 || p.score <= picks[n - 1]!.score)).toBe(true);
    }
    // pick() one at a time gives the same; the same text twice gives the same picks (deterministic).
    expect(await search.pick(texts[0]!, 2)).toEqual(all[0]);
    expect(await search.pick(texts[0]!, 2)).toEqual(all[0]);
    expect(await search.pick('   ', 2)).toEqual([]);
    return all;
  };

  it('BM25 over FTS5 (no model.embed): each recipient gets the item about their topic', async () => {
    const search = await openCatalogSearch(items);
    expect(search.method).toBe('bm25');
    const all = await expectPicks(search);
    expect(all[1]!.map((p) => p.id)).not.toContain('data-webinar'); // Ben's private notes say kafka
    expect(await search.pick('nothing in common here', 2)).toEqual([]);
  });

  it('embeddings through the Ollama engine: items embedded once when the search opens, one request per batch of recipients', async () => {
    const engine = createOllamaEngine({ host: ollama.server.url, model: 'llama3.2', embedModel: 'nomic-embed-text' });
    engines.push(engine);
    await engine.prepare();
    const before = ollama.server.requests.length;
    const search = await openCatalogSearch(items, engine.embed);
    expect(search.method).toBe('embeddings');
    const embeds = () => ollama.server.requests.slice(before).filter((r) => r.path === '/api/embed');
    expect(embeds()).toHaveLength(1);
    expect(embeds()[0]!.body).toEqual({ model: 'nomic-embed-text', input: expect.arrayContaining([expect.stringMatching(/^Migrating a monolith to Kubernetes\n/)]) });
    const all = await expectPicks(search);
    expect(all[1]!.map((p: CatalogPick) => p.id)).not.toContain('data-webinar');
    // open + pickAll + pick twice (the blank text asks nothing)
    expect(embeds()).toHaveLength(4);
    expect(embeds()[1]!.body.input).toHaveLength(RECIPIENTS.length);
    expect(JSON.stringify(embeds().map((r) => r.body))).not.toMatch(/kafka kafka/);
  });

  it('embeddings through the OpenAI-compatible engine give the same picks', async () => {
    const engine = createOpenAIEngine({ baseUrl: openai.server.url, model: 'llama3.2', embedModel: 'nomic-embed-text' });
    engines.push(engine);
    await engine.prepare();
    const search = await openCatalogSearch(items, engine.embed);
    await expectPicks(search);
    expect(openai.server.requests.filter((r) => r.path === '/v1/embeddings').length).toBeGreaterThanOrEqual(2);
  });
});
