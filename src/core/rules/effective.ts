// What the matching rules make of the profile for one recipient. Every matching rule applies, in
// order: tone and instructions accumulate (instructions ride in the `do` list, so the system
// template's text, part of templates.id, never changes); language, sign_off and template: the last
// one wins; skip wins over everything. Pure. Effective profiles are memoised per matched-rule set:
// a run with thousands of rows makes a handful of them, and the prompt's caches key on identity.
import type { Rule, ToneProfile } from '../profile.js';
import { ruleName } from './conditions.js';

/** One recipient's outcome of the rules. */
export interface RuleOutcome {
  /** The profile the recipient's prompt is built from: the base profile itself when no rule matched. */
  profile: ToneProfile;
  /** The names of the rules that applied, in order ([] when none did: shared, never mutate). */
  rules: readonly string[];
  /** The user-prompt template path of the last matching rule that named one (relative to the profile). */
  template?: string;
  /** The name of the first matching rule that skips the recipient. */
  skip?: string;
  /** What the rules changed that the lint checks against (language, sign-off). */
  effective?: { language?: string; sign_off?: string };
}

const NONE: readonly string[] = Object.freeze([]);

export class EffectiveProfiles {
  private readonly memo = new Map<string, RuleOutcome>();
  private readonly none: RuleOutcome;

  constructor(private readonly base: ToneProfile) {
    this.none = { profile: base, rules: NONE };
  }

  /** The outcome for these matching rule indexes (ascending). */
  of(matched: readonly number[]): RuleOutcome {
    if (matched.length === 0) return this.none;
    const key = matched.join(',');
    let out = this.memo.get(key);
    if (!out) {
      out = applyRules(this.base, matched);
      this.memo.set(key, out);
    }
    return out;
  }

  /** How many distinct matched-rule sets were seen (tests, bench). */
  get size(): number {
    return this.memo.size;
  }
}

export function applyRules(base: ToneProfile, matched: readonly number[]): RuleOutcome {
  const rules = base.rules ?? [];
  const names = matched.map((i) => ruleName(rules[i]!, i));
  const picked = matched.map((i) => rules[i]!);
  const skipAt = picked.findIndex((r) => r.then.skip === true);
  if (skipAt >= 0) return { profile: base, rules: names, skip: names[skipAt]! };
  const tone = [...base.tone];
  const todo = [...base.do];
  const set: { language?: string; sign_off?: string; template?: string } = {};
  for (const r of picked) {
    for (const t of r.then.tone ?? []) if (!tone.includes(t)) tone.push(t);
    if (r.then.instructions !== undefined) todo.push(r.then.instructions);
    if (r.then.language !== undefined) set.language = r.then.language;
    if (r.then.sign_off !== undefined) set.sign_off = r.then.sign_off;
    if (r.then.template !== undefined) set.template = r.then.template;
  }
  const profile: ToneProfile = {
    ...base,
    tone,
    do: todo,
    ...(set.language !== undefined ? { language: set.language } : {}),
    ...(set.sign_off !== undefined ? { sign_off: set.sign_off } : {}),
  };
  const effective = effectiveOf(set);
  return { profile, rules: names, ...(set.template !== undefined ? { template: set.template } : {}), ...(effective ? { effective } : {}) };
}

function effectiveOf(set: { language?: string; sign_off?: string }): RuleOutcome['effective'] {
  if (set.language === undefined && set.sign_off === undefined) return undefined;
  return { ...(set.language !== undefined ? { language: set.language } : {}), ...(set.sign_off !== undefined ? { sign_off: set.sign_off } : {}) };
}

/** Whether a rule changes nothing (no effect named): `profile check` warns about it. */
export function isEmptyEffect(rule: Rule): boolean {
  return Object.values(rule.then).every((v) => v === undefined || (Array.isArray(v) && v.length === 0));
}
