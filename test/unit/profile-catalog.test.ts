// The profile keys of the catalog (issue 13 §3): `catalog`, `catalog_picks` and `model.embed`,
// optional with no default, so a profile without them parses (and so digests) exactly as before;
// and `profile check`, which reads the catalog and says how it will be ranked.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { profileCheck } from '../../src/cli/commands/profile.js';
import { stableStringify } from '../../src/core/drafting/fingerprint.js';
import { InputError } from '../../src/core/errors.js';
import { catalogPicks, parseProfile, type ProfileIssue, type ToneProfile } from '../../src/core/profile.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tmp = useTempDir('draftsmith-profile-catalog-');

function parsed(data: object): ToneProfile {
  const r = parseProfile({ goal: 'Invite people', ...data });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.profile;
}
function issues(data: object): ProfileIssue[] {
  const r = parseProfile({ goal: 'Invite people', ...data });
  if (r.ok) throw new Error('expected the profile to be refused');
  return r.issues;
}

describe('catalog keys', () => {
  it('absent: no key appears in the parsed profile (its digest is unchanged); 2 picks by default', () => {
    const p = parsed({ model: { name: 'llama3.2' } });
    expect(Object.keys(p)).not.toEqual(expect.arrayContaining(['catalog']));
    expect(Object.keys(p)).not.toContain('catalog_picks');
    expect(Object.keys(p.model)).not.toContain('embed');
    expect(stableStringify(p)).not.toMatch(/catalog|embed/);
    expect(catalogPicks(p)).toBe(2);
  });

  it('present: read as written', () => {
    const p = parsed({ catalog: 'products.yaml', catalog_picks: 3, model: { embed: 'nomic-embed-text' } });
    expect(p).toMatchObject({ catalog: 'products.yaml', catalog_picks: 3, model: { embed: 'nomic-embed-text' } });
    expect(catalogPicks(p)).toBe(3);
  });

  it.each<[string, object, ProfileIssue]>([
    ['no picks', { catalog_picks: 0 }, { path: ['catalog_picks'], message: 'must be at least 1' }],
    ['too many picks', { catalog_picks: 11 }, { path: ['catalog_picks'], message: 'must be at most 10' }],
    ['picks as text', { catalog_picks: 'two' }, { path: ['catalog_picks'], message: 'expected a number, got "two"' }],
    ['an empty catalog path', { catalog: ' ' }, { path: ['catalog'], message: 'must not be empty' }],
    ['a misspelt key', { catalog_pick: 2 }, { path: ['catalog_pick'], message: 'unknown key; did you mean `catalog_picks`?', unknownKey: true }],
    ['embed at the top', { embed: 'x' }, { path: ['embed'], message: 'unknown key; did you mean `model.embed`?', unknownKey: true }],
  ])('refuses %s', (_name, data, expected) => expect(issues(data)).toEqual([expected]));
});

describe('profile check with a catalog', () => {
  async function check(profileText: string): Promise<string> {
    const file = path.join(tmp.path, 'profile.yaml');
    await writeFile(file, profileText);
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    await profileCheck({ file, cwd: tmp.path, stdout, stderr: new PassThrough() });
    return out;
  }

  it('reads the catalog relative to the profile and says how it is ranked', async () => {
    await writeFile(path.join(tmp.path, 'items.jsonl'), '{"id":"a","title":"A"}\n{"id":"b","title":"B","url":"https://example.com/b"}\n');
    const bm25 = await check('goal: x\ncatalog: items.jsonl\n');
    expect(bm25).toMatch(/^catalog: +items\.jsonl \(2 item\(s\)\), 2 pick\(s\) per recipient by BM25 \(no model\.embed\)$/m);
    const embedded = await check('goal: x\ncatalog: items.jsonl\ncatalog_picks: 1\nmodel:\n  embed: nomic-embed-text\n');
    expect(embedded).toMatch(/^catalog: +items\.jsonl \(2 item\(s\)\), 1 pick\(s\) per recipient by embeddings \(nomic-embed-text\)$/m);
    expect(embedded).toMatch(/^model: .*embed nomic-embed-text$/m);
    expect(await check('goal: x\n')).not.toMatch(/^catalog:/m);
  });

  it('a broken catalog fails the check with its file and line', async () => {
    await writeFile(path.join(tmp.path, 'broken.yaml'), '- {id: a, title: A}\n- {id: a, title: B}\n');
    const err = await check('goal: x\ncatalog: broken.yaml\n').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/broken\.yaml:2: id: duplicate id "a"/);
  });
});
