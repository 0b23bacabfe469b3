// Loads the prompt templates: the ones shipped in the package's prompts/ folder, or the
// profile's `prompts` overrides (paths relative to the profile file).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Mustache from 'mustache';
import { InputError } from '../core/errors.js';
import type { ToneProfile } from '../core/profile.js';
import type { Templates } from '../core/drafting/prompt.js';

export type { Templates } from '../core/drafting/prompt.js';

/** From src/io/templates.ts and from dist/io/templates.js alike, the package root is two folders up. */
export const SHIPPED_PROMPTS_DIR = fileURLToPath(new URL('../../prompts/', import.meta.url));

const NAMES = ['system', 'user', 'regenerate'] as const;
type TemplateName = (typeof NAMES)[number];

/** Where each template comes from: the shipped file or an override. */
export function templateSources(profile: ToneProfile, profileDir: string): Record<TemplateName, { file: string; custom: boolean }> {
  const entry = (name: TemplateName) => {
    const override = profile.prompts?.[name];
    return override
      ? { file: path.resolve(profileDir, override), custom: true }
      : { file: path.join(SHIPPED_PROMPTS_DIR, `${name}.mustache`), custom: false };
  };
  return { system: entry('system'), user: entry('user'), regenerate: entry('regenerate') };
}

export async function loadTemplates(profile: ToneProfile, profileDir: string): Promise<Templates> {
  const sources = templateSources(profile, profileDir);
  const [system, user, regenerate] = await Promise.all(NAMES.map((name) => readTemplate(name, sources[name])));
  const id = createHash('sha256').update(JSON.stringify([system, user, regenerate])).digest('hex');
  // Always the shipped one, and not in the id: history is provenance (core/drafting/history-block.ts).
  const history = await readTemplate('history', { file: path.join(SHIPPED_PROMPTS_DIR, 'history.mustache'), custom: false });
  return { system: system!, user: user!, regenerate: regenerate!, history, id };
}

async function readTemplate(name: TemplateName | 'history', source: { file: string; custom: boolean }): Promise<string> {
  let text: string;
  try {
    text = await readFile(source.file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a folder, not a file' : 'cannot be read';
    throw new InputError(
      source.custom ? `prompt template \`prompts.${name}\` ${what}.` : `the shipped prompt template ${name}.mustache ${what}.`,
      {
        location: { file: source.file },
        cause: err,
        hint: source.custom
          ? `fix the path under \`prompts:\` in the profile (relative to the profile file), or remove \`prompts.${name}\` to use the shipped template.`
          : 'the installation looks incomplete: reinstall draftsmith.',
      },
    );
  }
  try {
    Mustache.parse(text); // fail now, not on the first recipient
  } catch (err) {
    throw new InputError(`prompt template \`${name}\` is not valid mustache: ${(err as Error).message}`, {
      location: { file: source.file },
      cause: err,
      hint: 'check that every {{#section}} has its {{/section}} and every {{ has its }}.',
    });
  }
  return text;
}
