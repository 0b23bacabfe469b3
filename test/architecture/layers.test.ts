// The layer rule, checked on every `npm test`: cli -> app -> ui / engines / io -> core, arrows
// only downward, no command importing another, no import cycle between layers or between files
// (type-only imports count: a cycle of types is still two modules that cannot be read apart). Imports are read from the source
// text (static `import ... from`, `export ... from` and `import('...')`), relative paths only.
//
// KNOWN lists what the code still does against the rule (issue 9 removes them). The test fails on
// any new violation, and also when a listed one is gone, so the list can only shrink.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

const SRC = path.join(repoRoot, 'src');
type Layer = 'cli' | 'app' | 'ui' | 'engines' | 'io' | 'core';
/** What each layer may import, besides itself. */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  cli: ['app', 'ui', 'engines', 'io', 'core'],
  app: ['ui', 'engines', 'io', 'core'],
  ui: ['core'],
  engines: ['io', 'core'],
  io: ['core'],
  core: [],
};

const KNOWN = new Set<string>([]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2]!);
  return specs.filter((s) => s.startsWith('.')).map((s) => path.relative(SRC, path.resolve(path.dirname(file), s)).replace(/\.js$/, '.ts'));
}

const layerOf = (rel: string): Layer => rel.split(path.sep)[0] as Layer;

function violations(): string[] {
  const found = new Set<string>();
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const from = path.relative(SRC, file);
    const to = importsOf(file);
    edges.set(from, to);
    for (const target of to) {
      const [a, b] = [layerOf(from), layerOf(target)];
      if (a !== b && !MAY_IMPORT[a]?.includes(b)) found.add(`${from} -> ${target}`);
      if (from.startsWith('cli/commands/') && target.startsWith('cli/commands/')) found.add(`${from} -> ${target}`);
    }
  }
  // Cycles between layers (a layer importing one that imports it back, directly or not).
  const layerEdges = new Map<Layer, Set<Layer>>();
  for (const [from, to] of edges) for (const t of to) if (layerOf(from) !== layerOf(t)) (layerEdges.get(layerOf(from)) ?? layerEdges.set(layerOf(from), new Set()).get(layerOf(from))!).add(layerOf(t));
  const reaches = (a: Layer, b: Layer, seen = new Set<Layer>()): boolean =>
    [...(layerEdges.get(a) ?? [])].some((n) => n === b || (!seen.has(n) && (seen.add(n), reaches(n, b, seen))));
  const layers = [...layerEdges.keys()].sort();
  for (const a of layers) for (const b of layers) if (a < b && reaches(a, b) && reaches(b, a)) found.add(`cycle: ${a}/* <-> ${b}/*`);
  for (const cycle of fileCycles(edges)) found.add(`cycle: ${cycle.join(' -> ')}`);
  return [...found].sort();
}

/** Every set of files that import each other, directly or not (Tarjan's strongly connected components). */
function fileCycles(edges: Map<string, string[]>): string[][] {
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    order.set(file, order.size);
    low.set(file, order.get(file)!);
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (!order.has(next)) visit(next);
      if (stack.includes(next)) low.set(file, Math.min(low.get(file)!, low.get(next)!));
    }
    if (low.get(file) !== order.get(file)) return;
    const group = stack.splice(stack.indexOf(file));
    if (group.length > 1) cycles.push(group.sort());
  };
  for (const file of [...edges.keys()].sort()) if (!order.has(file)) visit(file);
  return cycles;
}

describe('the layer rule (cli -> app -> ui / engines / io -> core)', () => {
  const found = violations();

  it('adds no import against the rule', () => {
    expect(found.filter((v) => !KNOWN.has(v))).toEqual([]);
  });

  it('keeps no exception that is already gone (the list only shrinks)', () => {
    expect([...KNOWN].filter((v) => !found.includes(v))).toEqual([]);
  });

  it('finds a cycle between files (a sanity check of the cycle finder)', () => {
    const edges = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]);
    expect(fileCycles(edges)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(fileCycles(new Map([['a.ts', ['b.ts']], ['b.ts', []]]))).toEqual([]);
  });

  it('reads the imports it checks (a sanity check of the reader)', () => {
    expect(importsOf(path.join(SRC, 'cli/commands/draft.ts'))).toContain(path.join('app', 'draft-campaign.ts'));
  });
});
