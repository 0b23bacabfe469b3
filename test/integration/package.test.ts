// What `npm publish` would ship: the built CLI, its prompts and fixtures, the licence; no source
// maps, no sources, and no script that runs when someone installs the package.
// --ignore-scripts: list dist/ as `npm test` built it, without prepack rebuilding it under other tests.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

interface PackResult {
  files: { path: string }[];
}

describe('the npm package', () => {
  const packed = () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8' });
    return (JSON.parse(out) as PackResult[])[0]!.files.map((f) => f.path);
  };

  it('ships LICENSE and the built CLI, without source maps or sources', () => {
    const files = packed();
    expect(files).toContain('LICENSE');
    expect(files).toContain('bin/draftsmith.js');
    expect(files).toContain('dist/cli/main.js'); // missing: run `npm run build` first
    expect(files).toContain('prompts/system.mustache');
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
  });

  it('runs no script when installed (npm lists preinstall, install, postinstall and prepare for review)', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string>; license: string };
    expect(Object.keys(pkg.scripts).filter((s) => ['preinstall', 'install', 'postinstall', 'prepare'].includes(s))).toEqual([]);
    // dist/ is built for the tarball by prepack, and in a clone by `npm install` (postprepare).
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(pkg.scripts.postprepare).toBe('npm run build');
    expect(readFileSync(path.join(repoRoot, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the draftsmith authors\n/);
    expect(pkg.license).toBe('MIT');
  });
});
