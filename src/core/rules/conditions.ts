// A profile's `rules:` conditions, compiled once against a CSV's columns and then asked per
// recipient: which rules hold for this row (and the sentiment the analysis found). Pure.
// Column tests compare the trimmed cell: `equals`, `in` and `contains` ignoring case, `matches` as a
// regular expression (as written, case-sensitive), `empty` true for an empty or missing cell. A
// column the CSV does not have reads as empty. A `sentiment` condition holds when the source's label
// (the last reply's, or a column's: `of`) is one of those named; no label (not analysed) never holds.
import type { ColumnCondition, Rule, RuleCondition, Sentiment, SentimentCondition } from '../profile.js';
import { findColumn, type Columns } from '../recipients/recipients.js';

/** The sentiment found per source (`reply` or a column name), as the plan holds it. */
export type SentimentFacts = Readonly<Record<string, { label: Sentiment | string; confidence?: number }>> | undefined;

type Test = (cells: readonly string[], sentiment: SentimentFacts) => boolean;

/** The source a sentiment condition reads: `of`, else the last reply from the history. */
export const REPLY_SOURCE = 'reply';

/** A rule's name as records, the review card and the summary show it: `name:`, else `rule-N` (1-based). */
export function ruleName(rule: Pick<Rule, 'name'>, index: number): string {
  return rule.name ?? `rule-${index + 1}`;
}

/** The rules compiled against one CSV's columns. */
export interface CompiledRules {
  readonly names: readonly string[];
  /** Indexes (into the profile's rules) of the rules that hold for this row, in order. */
  matching(cells: readonly string[], sentiment?: SentimentFacts): number[];
}

export function compileRules(rules: readonly Rule[], columns: Columns): CompiledRules {
  const tests = rules.map((r) => compileCondition(r.when, columns));
  return {
    names: rules.map(ruleName),
    matching(cells, sentiment) {
      const out: number[] = [];
      for (let i = 0; i < tests.length; i++) if (tests[i]!(cells, sentiment)) out.push(i);
      return out;
    },
  };
}

export function compileCondition(c: RuleCondition, columns: Columns): Test {
  if ('all' in c) {
    const parts = c.all.map((p) => compileCondition(p, columns));
    return (cells, s) => parts.every((t) => t(cells, s));
  }
  if ('any' in c) {
    const parts = c.any.map((p) => compileCondition(p, columns));
    return (cells, s) => parts.some((t) => t(cells, s));
  }
  if ('sentiment' in c) return sentimentTest(c);
  return columnTest(c, findColumn(columns, c.column));
}

function sentimentTest(c: SentimentCondition): Test {
  const wanted = new Set<string>(typeof c.sentiment === 'string' ? [c.sentiment] : c.sentiment);
  const source = c.of ?? REPLY_SOURCE;
  return (_cells, s) => {
    const label = s?.[source]?.label;
    return label !== undefined && wanted.has(label);
  };
}

function columnTest(c: ColumnCondition, index: number | undefined): Test {
  const checks: ((value: string, folded: string) => boolean)[] = [];
  if (c.equals !== undefined) {
    const want = fold(c.equals);
    checks.push((_v, f) => f === want);
  }
  if (c.in !== undefined) {
    const set = new Set(c.in.map(fold));
    checks.push((_v, f) => set.has(f));
  }
  if (c.contains !== undefined) {
    const part = fold(c.contains);
    checks.push((_v, f) => f.includes(part));
  }
  if (c.matches !== undefined) {
    // Validated at load (core/rules/validate.ts): it compiles.
    const re = new RegExp(c.matches, 'u');
    checks.push((v) => re.test(v));
  }
  if (c.empty !== undefined) {
    const empty = c.empty;
    checks.push((v) => (v === '') === empty);
  }
  return (cells) => {
    const value = index === undefined ? '' : (cells[index] ?? '').trim();
    const folded = fold(value);
    for (const check of checks) if (!check(value, folded)) return false;
    return true;
  };
}

function fold(s: string): string {
  return s.trim().normalize('NFC').toLocaleLowerCase('und');
}

/** Every column condition's column (for "the CSV has no column X" warnings). */
export function ruleColumns(rules: readonly Rule[]): { rule: number; column: string }[] {
  const out: { rule: number; column: string }[] = [];
  const walk = (c: RuleCondition, rule: number): void => {
    if ('all' in c) c.all.forEach((p) => walk(p, rule));
    else if ('any' in c) c.any.forEach((p) => walk(p, rule));
    else if ('column' in c) out.push({ rule, column: c.column });
  };
  rules.forEach((r, i) => walk(r.when, i));
  return out;
}

/** The sentiment sources the rules read: `reply` and/or column names, each once, in first-use order. */
export function sentimentSources(profile: { rules?: readonly Rule[] }): string[] {
  const out = new Set<string>();
  const walk = (c: RuleCondition): void => {
    if ('all' in c) c.all.forEach(walk);
    else if ('any' in c) c.any.forEach(walk);
    else if ('sentiment' in c) out.add(c.of ?? REPLY_SOURCE);
  };
  for (const r of profile.rules ?? []) walk(r.when);
  return [...out];
}
