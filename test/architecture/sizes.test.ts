// The sizes the style guide aims for, checked on every `npm test`: modules up to 300 lines,
// functions up to 60 (scripts/sizes.mjs measures them; `node scripts/sizes.mjs` lists what is over).
//
// KNOWN lists what is still over (empty since issue 9): a module by its path, a function as
// `path#name` (`Class.method`, `outer.inner` when nested). The test fails on anything new over a
// limit, and also when a listed one is no longer over, so the list can only shrink.
import { describe, expect, it } from 'vitest';
import { functionsIn, oversized } from '../../scripts/sizes.mjs';

const KNOWN = new Set<string>([]);

describe('sizes (modules <= 300 lines, functions <= 60)', () => {
  const { modules, functions } = oversized();
  const found = [...modules, ...functions].map((o) => o.id);
  const described = new Map([...modules, ...functions].map((o) => [o.id, `${o.id} (${o.lines} lines)`]));

  it('adds no module or function over the limits', () => {
    expect(found.filter((id) => !KNOWN.has(id)).map((id) => described.get(id))).toEqual([]);
  });

  it('keeps no exception that is already within them (the list only shrinks)', () => {
    expect([...KNOWN].filter((id) => !found.includes(id))).toEqual([]);
  });

  it('measures each kind of function from its first line to its last (a check of the measure)', () => {
    const text = [
      '/** A comment above is not counted. */',
      'export function top(): void {',
      '  const inner = () => {',
      '    return;',
      '  };',
      '}',
      'class Box {',
      '  constructor() {}',
      '  get size(): number { return 1; }',
      '  open(): void {',
      '    [1].map(function (x) { return x; });',
      '  }',
      '}',
      'const loose = async (a: number) =>',
      '  a;',
      'const table = { run() { return `}',
      '}`; } };',
    ].join('\n');
    const measured = Object.fromEntries(functionsIn('x.ts', text).map((f) => [f.id, [f.line, f.lines]]));
    expect(measured).toEqual({
      'x.ts#top': [2, 5],
      'x.ts#top.inner': [3, 3],
      'x.ts#Box.constructor': [8, 1],
      'x.ts#Box.size': [9, 1],
      'x.ts#Box.open': [10, 3],
      'x.ts#Box.open.<anonymous>': [11, 1],
      'x.ts#loose': [14, 2],
      'x.ts#table.run': [16, 2],
    });
  });
});
