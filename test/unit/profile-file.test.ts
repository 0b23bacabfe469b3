import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { profileCheck, profileInit } from '../../src/cli/commands/profile.js';
import { InputError, UsageError } from '../../src/core/errors.js';
import { parseProfile, PROFILE_KEYS } from '../../src/core/profile.js';
import { readProfile, starterProfile } from '../../src/io/profile-file.js';
import { loadTemplates } from '../../src/io/templates.js';
import { useTempDir } from '../helpers/temp-dir.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = useTempDir('draftsmith-profile-');

async function write(name: string, text: string): Promise<string> {
  const file = path.join(tmp.path, name);
  await writeFile(file, text);
  return file;
}

async function readError(file: string): Promise<InputError> {
  const err = await readProfile(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('readProfile: positions', () => {
  it('names file:line:column and the key path of a wrong type', async () => {
    const file = await write(
      'wrong-type.yaml',
      ['name: Meetup', 'goal: Invite people', 'length:', '  max_words: short', ''].join('\n'),
    );
    const err = await readError(file);
    // `short` starts at column 14 of line 4 ("  max_words: " is 13 characters).
    expect(err.message).toMatch(/wrong-type\.yaml:4:14: length\.max_words: expected a number, got "short"$/);
    expect(err.location).toMatchObject({ line: 4, column: 14, field: 'length.max_words' });
    expect(err.hint).toMatch(/draftsmith profile check .*wrong-type\.yaml/);
    expect(err.exitCode).toBe(2);
  });

  it('points at an unknown key itself, with a suggestion, and lists every further problem in details', async () => {
    const file = await write(
      'unknown-key.yaml',
      ['goal: Invite people', 'sender:', '  name: Ana', '  rol: Lead', 'sing_off: Best', 'channel: fax', ''].join('\n'),
    );
    const err = await readError(file);
    expect(err.message).toMatch(/unknown-key\.yaml:4:3: sender\.rol: unknown key; did you mean `role`\?$/);
    expect(err.details).toHaveLength(2);
    expect(err.details[0]).toMatch(/unknown-key\.yaml:5:1: sing_off: unknown key; did you mean `sign_off`\?$/);
    expect(err.details[1]).toMatch(/unknown-key\.yaml:6:10: channel: expected one of email/);
  });

  it('reports a missing required key at the top of the mapping', async () => {
    const err = await readError(await write('no-goal.yaml', 'name: x\n'));
    expect(err.message).toMatch(/no-goal\.yaml:1:1: goal: required/);
  });

  it.each<[string, string, number, number]>([
    ['tab indentation', 'goal: x\nsender:\n  name: A\n\trole: B\n', 4, 1],
    ['a repeated key', 'goal: a\ngoal: b\n', 2, 1],
  ])('reports a YAML syntax error (%s) with its position', async (_label, text, line, column) => {
    const err = await readError(await write('syntax.yaml', text));
    expect(err.message).toMatch(new RegExp(`syntax\\.yaml:${line}:${column}: YAML syntax error: `));
    expect(err.location).toMatchObject({ line, column });
  });

  it('treats an empty file as a profile without a goal', async () => {
    const err = await readError(await write('empty.yaml', ''));
    expect(err.message).toMatch(/empty/);
  });

  it('reads a file with a BOM', async () => {
    const { profile } = await readProfile(await write('bom.yaml', '\uFEFFgoal: Hello\n'));
    expect(profile.goal).toBe('Hello');
  });

  it('a missing file says how to create one', async () => {
    const err = await readError(path.join(tmp.path, 'nope.yaml'));
    expect(err.message).toMatch(/not found: .*nope\.yaml/);
    expect(err.hint).toMatch(/draftsmith profile init .*nope\.yaml/);
  });
});

describe('shipped profiles', () => {
  const coversEveryKey = (text: string) => {
    for (const key of PROFILE_KEYS) expect(text, key).toMatch(new RegExp(`^#? *${key}:`, 'm'));
  };

  it('the starter profile is valid and mentions every key', () => {
    const file = path.join(tmp.path, 'starter.yaml');
    coversEveryKey(starterProfile());
    return writeFile(file, starterProfile()).then(() => readProfile(file));
  });

  it('fixtures/profile.yaml is valid, mentions every key and keeps phone and email private', async () => {
    const file = path.join(root, 'fixtures/profile.yaml');
    coversEveryKey(await readFile(file, 'utf8'));
    const { profile } = await readProfile(file);
    expect(profile.fields.private).toEqual(expect.arrayContaining(['phone', 'email']));
    expect(profile.model).toMatchObject({ name: 'llama3.2', temperature: 0.7, seed: 42 });
  });
});

describe('loadTemplates', () => {
  const profile = (extra: object = {}) => {
    const r = parseProfile({ goal: 'x', ...extra });
    if (!r.ok) throw new Error('bad test profile');
    return r.profile;
  };

  it('loads the shipped templates with a stable id', async () => {
    const a = await loadTemplates(profile(), tmp.path);
    const b = await loadTemplates(profile(), tmp.path);
    expect(a.system).toBe(await readFile(path.join(root, 'prompts/system.mustache'), 'utf8'));
    expect(a.regenerate).toBe(await readFile(path.join(root, 'prompts/regenerate.mustache'), 'utf8'));
    expect(a.id).toMatch(/^[0-9a-f]{64}$/);
    expect(b.id).toBe(a.id);
  });

  it('uses overrides relative to the profile folder, and they change the id', async () => {
    await write('my-user.mustache', 'Custom: {{recipient_json}}');
    const shipped = await loadTemplates(profile(), tmp.path);
    const custom = await loadTemplates(profile({ prompts: { user: 'my-user.mustache' } }), tmp.path);
    expect(custom.user).toBe('Custom: {{recipient_json}}');
    expect(custom.system).toBe(shipped.system);
    expect(custom.id).not.toBe(shipped.id);
  });

  it('a missing override is an InputError naming the key', async () => {
    const err = await loadTemplates(profile({ prompts: { system: 'missing.mustache' } }), tmp.path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/prompts\.system/);
    expect((err as InputError).location?.file).toBe(path.join(tmp.path, 'missing.mustache'));
  });

  it('a template with an unclosed section is an InputError', async () => {
    await write('broken.mustache', '{{#examples}} never closed');
    const err = await loadTemplates(profile({ prompts: { system: 'broken.mustache' } }), tmp.path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/not valid mustache/);
  });
});

describe('profile init and check', () => {
  it('init writes the starter, refuses to overwrite, and --force overwrites', async () => {
    const out = collect();
    const err = collect();
    const opts = { file: 'init.yaml', cwd: tmp.path, stdout: out.stream, stderr: err.stream };
    await profileInit(opts);
    expect(await readFile(path.join(tmp.path, 'init.yaml'), 'utf8')).toBe(starterProfile());
    expect(err.text()).toMatch(/wrote init\.yaml/);
    expect(out.text()).toBe('');

    await writeFile(path.join(tmp.path, 'init.yaml'), 'goal: mine\n');
    await expect(profileInit(opts)).rejects.toBeInstanceOf(UsageError);
    expect(await readFile(path.join(tmp.path, 'init.yaml'), 'utf8')).toBe('goal: mine\n');

    await profileInit({ ...opts, force: true });
    expect(await readFile(path.join(tmp.path, 'init.yaml'), 'utf8')).toBe(starterProfile());
  });

  it('init - prints the starter to stdout', async () => {
    const out = collect();
    await profileInit({ file: '-', cwd: tmp.path, stdout: out.stream, stderr: collect().stream });
    expect(out.text()).toBe(starterProfile());
  });

  it('init into a missing folder is a usage error', async () => {
    await expect(
      profileInit({ file: 'no/such/dir/p.yaml', cwd: tmp.path, stdout: collect().stream, stderr: collect().stream }),
    ).rejects.toThrow(/folder does not exist/);
  });

  it('check prints a summary of the fixture profile on stdout', async () => {
    const out = collect();
    await profileCheck({ file: 'fixtures/profile.yaml', cwd: root, stdout: out.stream, stderr: collect().stream });
    const text = out.text();
    expect(text).toMatch(/^goal: +Invite the recipient/m);
    expect(text).toMatch(/^channel: +email/m);
    expect(text).toMatch(/^private: +phone, email \(never sent to the model\)/m);
    expect(text).toMatch(/^examples: +2$/m);
    expect(text).toMatch(/^model: +llama3\.2, .*temperature 0\.7, seed 42/m);
    expect(text).toMatch(/^templates: +shipped/m);
    expect(text.split('\n').length).toBeLessThan(25);
  });

  it('check strips terminal escapes from profile text', async () => {
    const file = await write('escapes.yaml', 'name: "evil\\e]0;title\\u0007name"\ngoal: x\n');
    expect((await readProfile(file)).profile.name).toContain('\u001b]0;title');
    const out = collect();
    await profileCheck({ file: 'escapes.yaml', cwd: tmp.path, stdout: out.stream, stderr: collect().stream });
    expect(out.text()).not.toMatch(/[\u001b\u0007]/);
  });

  it('check rejects an invalid profile', async () => {
    await write('bad.yaml', 'goal: x\nchanel: sms\n');
    await expect(
      profileCheck({ file: 'bad.yaml', cwd: tmp.path, stdout: collect().stream, stderr: collect().stream }),
    ).rejects.toThrow(/did you mean `channel`/);
  });
});
