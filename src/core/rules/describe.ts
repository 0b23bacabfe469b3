// A rule in one line, for `profile check`: `churned: status equals "churned" -> instructions`. Pure.
import type { Rule, RuleCondition } from '../profile.js';
import { ruleName } from './conditions.js';

export function describeRule(rule: Rule, index: number): string {
  return `${ruleName(rule, index)}: when ${describeCondition(rule.when)} -> ${describeEffect(rule)}`;
}

export function describeCondition(c: RuleCondition): string {
  if ('all' in c) return `(${c.all.map(describeCondition).join(' and ')})`;
  if ('any' in c) return `(${c.any.map(describeCondition).join(' or ')})`;
  if ('sentiment' in c) {
    const labels = typeof c.sentiment === 'string' ? c.sentiment : c.sentiment.join('|');
    return `sentiment of ${c.of ? `column ${c.of}` : 'the last reply'} is ${labels}`;
  }
  const tests = [
    c.equals !== undefined ? `equals ${JSON.stringify(c.equals)}` : undefined,
    c.in !== undefined ? `in [${c.in.map((v) => JSON.stringify(v)).join(', ')}]` : undefined,
    c.contains !== undefined ? `contains ${JSON.stringify(c.contains)}` : undefined,
    c.matches !== undefined ? `matches /${c.matches}/` : undefined,
    c.empty !== undefined ? (c.empty ? 'is empty' : 'is not empty') : undefined,
  ].filter((t) => t !== undefined);
  return `${c.column} ${tests.join(' and ')}`;
}

function describeEffect(rule: Rule): string {
  const t = rule.then;
  if (t.skip) return 'skip (recorded as excluded)';
  return [
    t.tone?.length ? `tone +${t.tone.join(', +')}` : undefined,
    t.instructions !== undefined ? 'instructions' : undefined,
    t.language !== undefined ? `language ${t.language}` : undefined,
    t.sign_off !== undefined ? 'sign-off' : undefined,
    t.template !== undefined ? `template ${t.template}` : undefined,
  ]
    .filter((p) => p !== undefined)
    .join(', ');
}
