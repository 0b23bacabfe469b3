// `learn --apply` edits the user's profile in place: only the bytes of the keys it writes change
// (comments, order, folded text, list style and indentation stay), the result is a valid profile,
// the original is backed up (0600) and the profile keeps its own mode.
import { lstat, mkdtemp, readdir, readFile, stat, symlink, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { editProfileText, writeProfileEdits, type ProfileEdit } from '../../src/io/profile-edit.js';
import { parseProfileText, starterProfile } from '../../src/io/profile-file.js';
import { profileCheck } from '../../src/cli/commands/profile.js';
import { PassThrough } from 'node:stream';

const ALL: ProfileEdit[] = [
  { key: 'banned_phrases', value: 'I hope this email finds you well' },
  { key: 'required_phrases', value: 'Happy to send the slides afterwards.' },
  { key: 'greeting', value: 'Hello' },
  { key: 'sign_off', value: 'Cheers,\nAlex' },
  { key: 'length.max_words', value: 80 },
];

describe('editProfileText', () => {
  it.each<[string, string, ProfileEdit[], string]>([
    ['appends to a block list in its indentation, after a trailing comment',
      'goal: x\nbanned_phrases:\n    - a   # why\n    - b\n# next\ndo: []\n', [ALL[0]!],
      'goal: x\nbanned_phrases:\n    - a   # why\n    - b\n    - I hope this email finds you well\n# next\ndo: []\n'],
    ['appends to a flow list, quoting what needs it', 'goal: x\nbanned_phrases: [a, b]\n', [{ key: 'banned_phrases', value: 'well, then' }],
      'goal: x\nbanned_phrases: [a, b, "well, then"]\n'],
    ['never duplicates an item (case and accents aside)', 'goal: x\nbanned_phrases:\n  - Circle Back\n', [{ key: 'banned_phrases', value: 'circle  back' }],
      'goal: x\nbanned_phrases:\n  - Circle Back\n'],
    ['creates a missing list after its related key', 'goal: x\nbanned_phrases:\n  - a\n\nmodel:\n  name: m\n', [ALL[1]!],
      'goal: x\nbanned_phrases:\n  - a\nrequired_phrases:\n  - Happy to send the slides afterwards.\n\nmodel:\n  name: m\n'],
    ['replaces a block sign-off keeping the comment above it', 'goal: x\n# ends every message\nsign_off: |-\n  Best,\n  Alex\ndo: []\n', [ALL[3]!],
      'goal: x\n# ends every message\nsign_off: |-\n  Cheers,\n  Alex\ndo: []\n'],
    ['replaces a plain one-line sign-off by a quoted string, so its line comment stays a comment', 'goal: x\nsign_off: Best   # short\n', [ALL[3]!],
      'goal: x\nsign_off: "Cheers,\\nAlex"   # short\n'],
    ['replaces a plain value, keeping its line comment', 'goal: x\ngreeting: Hi   # short\n', [ALL[2]!], 'goal: x\ngreeting: Hello   # short\n'],
    ['sets length.max_words in place, or adds it to the map', 'goal: x\nlength:\n  max_words: 120   # limit\ntone: warm\n', [ALL[4]!],
      'goal: x\nlength:\n  max_words: 80   # limit\ntone: warm\n'],
    ['creates length when absent, after tone', 'goal: >-\n  a long goal\n  folded here\ntone: warm\nsign_off: Best\n', [ALL[4]!],
      'goal: >-\n  a long goal\n  folded here\ntone: warm\nlength:\n  max_words: 80\nsign_off: Best\n'],
    ['keeps CRLF line endings and a BOM', '\uFEFFgoal: x\r\nbanned_phrases:\r\n  - a\r\n', [ALL[0]!],
      '\uFEFFgoal: x\r\nbanned_phrases:\r\n  - a\r\n  - I hope this email finds you well\r\n'],
  ])('%s', (_label, src, edits, expected) => {
    const { text, skipped } = editProfileText(src, edits);
    expect(text).toBe(expected);
    expect(skipped).toEqual([]);
  });

  it('writes every key learn proposes into the starter profile: only those lines change, and it still parses', () => {
    const src = starterProfile();
    const { text } = editProfileText(src, [...ALL, { key: 'banned_phrases', value: 'just checking in' }]);
    const profile = parseProfileText(text, 'p.yaml');
    expect(profile).toMatchObject({ greeting: 'Hello', sign_off: 'Cheers,\nAlex', length: { max_words: 80 }, required_phrases: ['Happy to send the slides afterwards.'] });
    // Appended after the starter's own; one it already has is not added twice.
    expect(profile.banned_phrases).toEqual(['I hope this email finds you well', 'circle back', 'synergy', 'just checking in']);
    // Every line of the original is still there, in order, comments included, but the replaced values.
    const kept = src.split('\n').filter((l) => !/^\s*(max_words: 120|Best,|Alex)$/.test(l.replace(/ +#.*$/, '')));
    let at = 0;
    const lines = text.split('\n');
    for (const line of kept) {
      at = lines.indexOf(line, at);
      expect(at, line).toBeGreaterThanOrEqual(0);
    }
    expect(text.split('\n').length - src.split('\n').length).toBe(4); // greeting, required_phrases and its item, one banned item
  });
});

describe('writeProfileEdits', () => {
  it('backs the profile up (0600), keeps its mode, follows a link, and writes nothing when the result would be invalid', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'profile-edit-'));
    const real = path.join(dir, 'real.yaml');
    const link = path.join(dir, 'profile.yaml');
    const src = '# mine\ngoal: Invite them\nbanned_phrases:\n  - synergy\n';
    await writeFile(real, src);
    await chmod(real, 0o640);
    await symlink(real, link);
    const written = await writeProfileEdits(link, [ALL[0]!], new Date('2026-11-25T23:30:05.123Z'));
    expect(written.backup).toBe(`${real}.20261125T233005Z.bak`);
    expect(await readFile(written.backup!, 'utf8')).toBe(src);
    expect((await stat(written.backup!)).mode & 0o777).toBe(0o600);
    expect((await stat(real)).mode & 0o777).toBe(0o640);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(real, 'utf8')).toBe(`${src}  - I hope this email finds you well\n`);
    // Nothing new to write: no backup.
    expect(await writeProfileEdits(link, [ALL[0]!])).toEqual({ skipped: [] });
    // A greeting longer than the schema allows is not possible, but an empty one is: refused.
    await expect(writeProfileEdits(link, [{ key: 'greeting', value: '' }])).rejects.toThrow(/invalid profile, so it was left unchanged/);
    expect((await readdir(dir)).filter((f) => f.endsWith('.bak'))).toHaveLength(1);
    expect(await readFile(real, 'utf8')).toBe(`${src}  - I hope this email finds you well\n`);
  });

  it('writes every key learn proposes so that `profile check` passes and shows them', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'profile-edit-'));
    const file = path.join(dir, 'p.yaml');
    await writeFile(file, starterProfile());
    await writeProfileEdits(file, ALL);
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    await profileCheck({ file, cwd: dir, stdout: out, stderr: new PassThrough() });
    expect(text).toMatch(/^greeting: +Hello$/m);
    expect(text).toMatch(/^required: +1 phrase\(s\)$/m);
    expect(text).toMatch(/^max words: +80$/m);
    expect(text).toMatch(/^sign-off: +Cheers, Alex$/m);
  });
});
