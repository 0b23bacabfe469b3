// The catalog's pure core: items checked with their line and field, vectors (normalise, cosine, an
// engine's embedding answer, batches), and picking (the texts matched, top K, ties, nothing shared).
import { describe, expect, it } from 'vitest';
import { parseCatalogItems, type CatalogIssue, type CatalogRecord } from '../../src/core/catalog/items.js';
import { itemText, rankByVectors, recipientText, topK } from '../../src/core/catalog/pick.js';
import { cosine, embeddingAnswer, inBatches, normalise } from '../../src/core/catalog/vectors.js';
import { EngineError } from '../../src/core/errors.js';
import { matchExpression } from '../../src/io/catalog-search.js';

const rec = (value: unknown, line = 1): CatalogRecord => ({ value, line });
function issues(records: CatalogRecord[]): CatalogIssue[] {
  const r = parseCatalogItems(records);
  if (r.ok) throw new Error('expected the catalog to be refused');
  return r.issues;
}

describe('parseCatalogItems', () => {
  it('reads every field; numbers and booleans as text, tags from a list or one text, no url is fine', () => {
    const r = parseCatalogItems([
      rec({ id: 7, title: 'Kubernetes migration', description: 'How Acme moved', url: 'https://example.com/k8s', tags: ['migration', 'kubernetes', 'migration'] }, 2),
      rec({ id: 'webinar', title: 'Webinar', tags: 'events; online |  live ,' }, 8),
    ]);
    expect(r).toEqual({
      ok: true,
      items: [
        { id: '7', title: 'Kubernetes migration', description: 'How Acme moved', url: 'https://example.com/k8s', tags: ['migration', 'kubernetes'] },
        { id: 'webinar', title: 'Webinar', description: '', tags: ['events', 'online', 'live'] },
      ],
    });
  });

  it.each<[string, unknown, Partial<CatalogIssue>]>([
    ['a missing id', { title: 'x' }, { field: 'id', message: expect.stringMatching(/required/) }],
    ['an empty id', { id: ' ', title: 'x' }, { field: 'id', message: 'must not be empty' }],
    ['a missing title', { id: 'a' }, { field: 'title', message: 'required, but missing' }],
    ['a title that is a list', { id: 'a', title: ['x'] }, { field: 'title', message: 'expected text, got a list' }],
    ['a misspelt key', { id: 'a', title: 'x', descripton: 'y' }, { field: 'descripton', message: expect.stringMatching(/did you mean `description`/) }],
    ['a key of its own', { id: 'a', title: 'x', price: 3 }, { field: 'price', message: expect.stringMatching(/an item has id, title, description, url, tags/) }],
    ['a url that is no address', { id: 'a', title: 'x', url: 'example.com/x' }, { field: 'url', message: expect.stringMatching(/http\(s\) address/) }],
    ['a url of another scheme', { id: 'a', title: 'x', url: 'javascript:alert(1)' }, { field: 'url' }],
    ['tags that are a mapping', { id: 'a', title: 'x', tags: { a: 1 } }, { field: 'tags' }],
    ['an item that is text', 'just a title', { message: expect.stringMatching(/an item is a mapping/) }],
  ])('refuses %s, naming the line and field', (_name, value, expected) => {
    expect(issues([rec(value, 5)])).toEqual([{ line: 5, message: expect.any(String), ...expected }]);
  });

  it('refuses a duplicate id, naming the first line; collects every problem', () => {
    const found = issues([rec({ id: 'a', title: 'x' }, 2), rec({ id: 'b' }, 5), rec({ id: 'a', title: 'y' }, 9), rec({ id: 'b', title: 'z', url: 'ftp://x' }, 12)]);
    expect(found).toEqual([
      { line: 5, field: 'title', message: 'required, but missing' },
      { line: 9, field: 'id', message: 'duplicate id "a" (first at line 2): each item needs its own id' },
      { line: 12, field: 'url', message: expect.stringMatching(/http\(s\) address/) },
      { line: 12, field: 'id', message: 'duplicate id "b" (first at line 5): each item needs its own id' },
    ]);
  });

  it('refuses an empty catalog', () => {
    expect(issues([])).toEqual([{ line: 1, message: 'the catalog has no items' }]);
  });
});

describe('vectors', () => {
  it.each<[number[], number[]]>([
    [[3, 4], [0.6, 0.8]],
    [[0, 0], [0, 0]],
    [[-2], [-1]],
  ])('normalise(%j) = %j', (v, expected) => expect(normalise(v)).toEqual(expected));

  it.each<[number[], number[], number]>([
    [[1, 0], [2, 0], 1],
    [[1, 0], [0, 5], 0],
    [[1, 1], [-1, -1], -1],
    [[0, 0], [1, 0], 0],
    [[1, 0], [1, 0, 0], 0],
    [[], [], 0],
  ])('cosine(%j, %j) = %d', (a, b, expected) => expect(cosine(a, b)).toBeCloseTo(expected, 10));

  it('an embedding answer is normalised and checked: count, numbers, one length', () => {
    expect(embeddingAnswer([[3, 4], [0, 2]], 2, 'm')).toEqual([[0.6, 0.8], [0, 1]]);
    const bad: [unknown, number, RegExp][] = [
      [undefined, 1, /no list of embeddings/],
      [[[1]], 2, /1 embedding\(s\) for 2 text\(s\)/],
      [[[]], 1, /embedding 1 is not a list of numbers/],
      [[[1, 'x']], 1, /not a finite number/],
      [[[1, NaN]], 1, /not a finite number/],
      [[[1, 2], [1]], 2, /differ in length/],
    ];
    for (const [raw, count, message] of bad) {
      const err = (() => {
        try {
          embeddingAnswer(raw, count, 'the embedding model "e"');
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(EngineError);
      expect((err as EngineError).message).toMatch(message);
      expect((err as EngineError).hint).toMatch(/model\.embed/);
    }
  });

  it('inBatches keeps the order over slices of the given size', async () => {
    const sizes: number[] = [];
    const out = await inBatches([1, 2, 3, 4, 5], 2, async (b) => (sizes.push(b.length), b.map((x) => x * 10)));
    expect(out).toEqual([10, 20, 30, 40, 50]);
    expect(sizes).toEqual([2, 2, 1]);
  });
});

describe('picking', () => {
  const items = [
    { id: 'a', title: 'Alpha', description: '', tags: [] },
    { id: 'b', title: 'Beta', description: 'about beta', tags: ['x', 'y'] },
    { id: 'c', title: 'Gamma', description: '', tags: [] },
  ];

  it('an item is matched on its title, description and tags; a recipient on the values sent, then more', () => {
    expect(itemText(items[1]!)).toBe('Beta\nabout beta\nx, y');
    expect(itemText(items[0]!)).toBe('Alpha');
    expect(recipientText({ first_name: 'Ana', notes: ' moving to k8s ', company: '' }, ['their reply', ' '])).toBe('Ana\nmoving to k8s\ntheir reply');
    expect(recipientText({})).toBe('');
  });

  it('rankByVectors: best first, ties in catalog order, at most k, nothing with no likeness', () => {
    const vectors = [[1, 0], [0, 1], [1, 0]];
    expect(rankByVectors(items, vectors, [1, 0.2], 2)).toEqual([
      { id: 'a', score: expect.closeTo(0.9806, 4) },
      { id: 'c', score: expect.closeTo(0.9806, 4) },
    ]);
    expect(rankByVectors(items, vectors, [0, 1], 3)).toEqual([{ id: 'b', score: 1 }]);
    expect(rankByVectors(items, vectors, [1, 0], 0)).toEqual([]);
  });

  it('topK rounds scores to 4 places', () => {
    expect(topK([{ id: 'x', score: 1.234567, i: 0 }], 1)).toEqual([{ id: 'x', score: 1.2346 }]);
  });

  it.each<[string, string | undefined]>([
    ['Moving to Kubernetes, AND soon!', '"moving" OR "kubernetes" OR "soon"'],
    ['Wir migrieren zu Kubernetes und AI', '"migrieren" OR "kubernetes" OR "ai"'],
    ['"quoted" NEAR(x) a', '"quoted" OR "near"'],
    ['Zoë café café', '"zoë" OR "café"'],
    ['  ', undefined],
    ['- * ?', undefined],
  ])('matchExpression(%j)', (text, expected) => expect(matchExpression(text)).toBe(expected));
});
