// The user-prompt templates the profile's rules name (`then: {template: PATH}`, relative to the
// profile), loaded once when the profile is: a missing or broken one stops the run before the first
// request, pointing at file:line and the rule. Each becomes the base templates with that user
// template in place (and its own id, so the fingerprint follows it).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Mustache from 'mustache';
import { InputError } from '../core/errors.js';
import type { Templates } from '../core/drafting/prompt.js';
import type { ToneProfile } from '../core/profile.js';
import { ruleName } from '../core/rules/conditions.js';
import { positionOf } from './profile-file.js';

/** Templates by the path a rule wrote; empty when no rule names one. */
export type RuleTemplates = ReadonlyMap<string, Templates>;

export async function loadRuleTemplates(profile: ToneProfile, profileFile: string, base: Templates): Promise<RuleTemplates> {
  const out = new Map<string, Templates>();
  const rules = profile.rules ?? [];
  for (const [i, rule] of rules.entries()) {
    const wanted = rule.then.template;
    if (wanted === undefined || out.has(wanted)) continue;
    const file = path.resolve(path.dirname(profileFile), wanted);
    const user = await readRuleTemplate(file, async (problem, cause, hint) => {
      const at = ['rules', i, 'then', 'template'];
      const src = await readFile(profileFile, 'utf8').catch(() => '');
      const { line, column } = positionOf(src, at);
      return new InputError(`${shownPath(profileFile)}:${line}:${column}: rules[${i}] (${ruleName(rule, i)}): then.template: ${problem}`, {
        cause,
        hint,
        location: { line, column, field: `rules[${i}].then.template` },
      });
    });
    const id = createHash('sha256').update(JSON.stringify([base.system, user, base.regenerate])).digest('hex');
    out.set(wanted, { ...base, user, id });
  }
  return out;
}

type Fail = (problem: string, cause: unknown, hint: string) => Promise<InputError>;

async function readRuleTemplate(file: string, fail: Fail): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a folder, not a file' : 'cannot be read';
    throw await fail(`${shownPath(file)} ${what}`, err, 'fix the path (relative to the profile file), or remove `template:` from the rule to use the profile\'s user template.');
  }
  try {
    Mustache.parse(text);
  } catch (err) {
    throw await fail(`${shownPath(file)} is not valid mustache: ${(err as Error).message}`, err, 'check that every {{#section}} has its {{/section}} and every {{ has its }}.');
  }
  return text;
}

function shownPath(absolute: string): string {
  const rel = path.relative(process.cwd(), absolute);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : absolute;
}
