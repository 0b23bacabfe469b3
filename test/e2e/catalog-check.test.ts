// `profile check` through the built binary with a catalog: a good one is summarised, a broken one is
// an error in draftsmith's own words (file:line, field, hint), exit 2, no stack trace.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tmp = useTempDir('draftsmith-catalog-e2e-');

describe('profile check with a catalog', () => {
  it('summarises a good catalog; refuses a broken one with file:line and a hint, exit 2', async () => {
    await writeFile(path.join(tmp.path, 'profile.yaml'), 'goal: Offer help\ncatalog: items.csv\ncatalog_picks: 1\n');
    await writeFile(path.join(tmp.path, 'items.csv'), 'id,title,url\nk8s,Kubernetes migration,https://example.com/k8s\nsec,Security audit,\n');
    const good = await runCli(['profile', 'check', 'profile.yaml'], { cwd: tmp.path });
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^catalog: +items\.csv \(2 item\(s\)\), 1 pick\(s\) per recipient by BM25 \(no model\.embed\)$/m);

    await writeFile(path.join(tmp.path, 'items.csv'), 'id,title,url\nk8s,Kubernetes migration,https://example.com/k8s\nk8s,Security audit,ftp://x\n');
    const bad = await runCli(['profile', 'check', 'profile.yaml'], { cwd: tmp.path });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^draftsmith: error: items\.csv:3: url: expected an http\(s\) address/);
    expect(bad.stderr).toMatch(/\n {2}items\.csv:3: id: duplicate id "k8s" \(first at line 2\)/);
    expect(bad.stderr).toMatch(/\n {2}hint: fix it, then run `draftsmith profile check`/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);

    // A catalog that does not load stops a draft: doctor says so on its profile line.
    const doctor = await runCli(['doctor', '--profile', 'profile.yaml', '--host', 'http://127.0.0.1:9'], { cwd: tmp.path });
    expect(doctor.stdout).toMatch(/^fail\s+profile\s+.*items\.csv:3: url: expected an http\(s\) address/m);
  });
});
