// What a schema cannot check about `rules:`, checked when the profile loads (every problem, by key
// path, so the profile reader points at file:line): a `matches` regex compiles; a column condition
// names a test; `sentiment` is never of a private column (that would send the column's text to the
// model); names are unique (records, review and the summary show them); a rule does something. Pure.
import { isPrivateHeader } from '../drafting/private-columns.js';
import type { ProfileIssue, RuleCondition, ToneProfile } from '../profile.js';
import { ruleName } from './conditions.js';
import { isEmptyEffect } from './effective.js';

type Path = (string | number)[];

export function ruleIssues(profile: ToneProfile): ProfileIssue[] {
  const rules = profile.rules ?? [];
  const issues: ProfileIssue[] = [];
  const seen = new Map<string, number>();
  rules.forEach((rule, i) => {
    const at: Path = ['rules', i];
    conditionIssues(profile, rule.when, [...at, 'when'], issues);
    if (isEmptyEffect(rule)) issues.push({ path: [...at, 'then'], message: 'the rule does nothing: name at least one of tone, instructions, language, sign_off, template, skip' });
    const name = ruleName(rule, i);
    const first = seen.get(name);
    if (first !== undefined) issues.push({ path: [...at, 'name'], message: `the name ${JSON.stringify(name)} is already rules[${first}]'s: each rule needs its own` });
    else seen.set(name, i);
  });
  return issues;
}

function conditionIssues(profile: ToneProfile, c: RuleCondition, at: Path, issues: ProfileIssue[]): void {
  if ('all' in c) return c.all.forEach((p, i) => conditionIssues(profile, p, [...at, 'all', i], issues));
  if ('any' in c) return c.any.forEach((p, i) => conditionIssues(profile, p, [...at, 'any', i], issues));
  if ('sentiment' in c) {
    if (c.of !== undefined && isPrivateHeader(profile, c.of)) {
      issues.push({ path: [...at, 'of'], message: `\`${c.of}\` is a private column (fields.private): its sentiment would send its text to the model; use a column test instead, or un-list it` });
    }
    return;
  }
  if (c.equals === undefined && c.in === undefined && c.contains === undefined && c.matches === undefined && c.empty === undefined) {
    issues.push({ path: at, message: 'a column condition needs a test: equals, in, contains, matches or empty' });
  }
  if (c.matches !== undefined) {
    try {
      new RegExp(c.matches, 'u');
    } catch (err) {
      issues.push({ path: [...at, 'matches'], message: `not a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}` });
    }
  }
}

/**
 * `rules[2].when.matches` -> `rules[2] (churned): when.matches`: errors name the rule as well as
 * where in it (`nameAt`: the rule's `name:` as written). Other paths come back as `format` makes them.
 */
export function rulePathLabel(nameAt: (index: number) => string | undefined, path: readonly (string | number)[], format: (p: readonly (string | number)[]) => string): string {
  const [head, index, ...rest] = path;
  if (head !== 'rules' || typeof index !== 'number') return format(path);
  const name = nameAt(index) || `rule-${index + 1}`;
  return `rules[${index}] (${name})${rest.length > 0 ? `: ${format(rest)}` : ''}`;
}
