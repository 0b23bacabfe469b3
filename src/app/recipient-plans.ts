// Each recipient's plan, made before its job is built: the profile and templates its prompt is
// built from (the rules' effective profile), the rules that applied, whether a rule skips them,
// and what the analysis found (sentiment, catalog picks). Steps fill plans a chunk of rows at a
// time (model requests and embeddings are asked in batches), in order: sentiment, rules, catalog.
// A profile without rules and a run without other steps plans nothing: every row shares one plan.
import type { Templates } from '../core/drafting/prompt.js';
import type { PickMethod, CatalogPick } from '../core/catalog/pick.js';
import type { CatalogItem } from '../core/catalog/items.js';
import type { Sentiment, ToneProfile } from '../core/profile.js';
import type { Columns, Recipient } from '../core/recipients/recipients.js';
import { compileRules, ruleName } from '../core/rules/conditions.js';
import { applyRules, EffectiveProfiles } from '../core/rules/effective.js';
import type { RuleTemplates } from '../io/rule-templates.js';

/** The catalog items a recipient's prompt offers (filled by the catalog step). */
export interface CatalogPlan {
  method: PickMethod;
  model?: string;
  picks: (CatalogPick & { item: CatalogItem })[];
}

export interface RecipientPlan {
  /** The effective profile: the run's own object when no rule changed it (caches rely on identity). */
  profile: ToneProfile;
  templates: Templates;
  /** Names of the rules that applied, in order. */
  rules: readonly string[];
  /** The rule that skipped the recipient: recorded as `excluded` with reason `rule <name>`. */
  skip?: string;
  /** What the rules changed that the lint checks against (record.effective). */
  effective?: { language?: string; sign_off?: string };
  sentiment?: Record<string, { label: Sentiment; confidence?: number }>;
  catalog?: CatalogPlan;
}

/** One step fills part of the plans of a chunk of rows (async: model requests, embeddings). */
export type PlanStep = (rows: readonly Recipient[], plans: Map<number, RecipientPlan>, signal?: AbortSignal) => Promise<void>;

/** How a run plans its rows: the base plan and the steps (none: every row gets the base plan). */
export interface Planner {
  base: RecipientPlan;
  steps: readonly PlanStep[];
  /** Rows planned at once (default 32). */
  chunk?: number;
  /**
   * What the plans depend on beyond the profile and the row (a rule's template text, the catalog's
   * items): part of the run digest, so a change to it redrafts. Absent when nothing: digests as before.
   */
  digest?: Record<string, unknown>;
}

export function basePlan(profile: ToneProfile, templates: Templates): RecipientPlan {
  return { profile, templates, rules: [] };
}

/** The exclusion reason a skipping rule records. */
export function skipReason(rule: string): string {
  return `rule ${rule}`;
}

/**
 * The rules step: the matching rules of each row (column tests on its cells, sentiment from the
 * plan, filled by the sentiment step before it) give its effective profile, templates and skip.
 * Undefined when the profile has no rules.
 */
export function rulesStep(profile: ToneProfile, columns: Columns, templates: Templates, ruleTemplates: RuleTemplates): PlanStep | undefined {
  if (!profile.rules || profile.rules.length === 0) return undefined;
  const compiled = compileRules(profile.rules, columns);
  const effective = new EffectiveProfiles(profile);
  return async (rows, plans) => {
    for (const r of rows) {
      const plan = plans.get(r.row)!;
      const outcome = effective.of(compiled.matching(r.cells, plan.sentiment));
      plan.rules = outcome.rules;
      if (outcome.skip !== undefined) {
        plan.skip = outcome.skip;
        continue;
      }
      plan.profile = outcome.profile;
      plan.templates = outcome.template !== undefined ? (ruleTemplates.get(outcome.template) ?? templates) : templates;
      if (outcome.effective) plan.effective = outcome.effective;
    }
  };
}

/**
 * The plan a stored draft was made with, from the names of the rules its record says applied
 * (review's regenerate keeps them: the sentiment that fired one is not asked again). A name the
 * profile no longer has is left out.
 */
export function storedPlan(profile: ToneProfile, templates: Templates, ruleTemplates: RuleTemplates, names: readonly string[] | undefined): RecipientPlan {
  const rules = profile.rules ?? [];
  const wanted = new Set(names ?? []);
  const matched = rules.flatMap((r, i) => (wanted.has(ruleName(r, i)) ? [i] : []));
  if (matched.length === 0) return basePlan(profile, templates);
  const outcome = applyRules(profile, matched);
  if (outcome.skip !== undefined) return { ...basePlan(profile, templates), rules: outcome.rules };
  return {
    profile: outcome.profile,
    templates: outcome.template !== undefined ? (ruleTemplates.get(outcome.template) ?? templates) : templates,
    rules: outcome.rules,
    ...(outcome.effective ? { effective: outcome.effective } : {}),
  };
}

/** The steps that apply, in their order, without the undefined ones. */
export function planSteps(...steps: (PlanStep | undefined)[]): PlanStep[] {
  return steps.filter((s): s is PlanStep => s !== undefined);
}

/** A campaign's planner: its rules step (campaign-scan.ts) between the analysis steps, in their order. */
export function campaignPlanner(
  c: { profile: ToneProfile; templates: Templates; rules?: PlanStep; ruleTemplates?: RuleTemplates },
  more: { sentiment?: PlanStep; catalog?: PlanStep; digest?: Record<string, unknown> } = {},
): Planner {
  // The rules are in the profile (so in the digest already); the text of the templates they name is not.
  const templates = c.ruleTemplates && c.ruleTemplates.size > 0 ? { ruleTemplates: [...c.ruleTemplates].map(([file, t]) => [file, t.id]) } : undefined;
  const digest = templates || more.digest ? { ...templates, ...more.digest } : undefined;
  return { base: basePlan(c.profile, c.templates), steps: planSteps(more.sentiment, c.rules, more.catalog), ...(digest ? { digest } : {}) };
}

/** Rows with their plans, planned a chunk at a time; without steps, every row with the shared base plan. */
export async function* plannedRows(source: AsyncIterable<Recipient>, planner: Planner, signal?: AbortSignal): AsyncGenerator<{ r: Recipient; plan: RecipientPlan }> {
  if (planner.steps.length === 0) {
    for await (const r of source) yield { r, plan: planner.base };
    return;
  }
  for await (const chunk of plannedChunks(source, planner, signal)) yield* chunk;
}

/** The rows a chunk at a time, each with its plan (one await per chunk, not per row, on the hot path). */
export async function* plannedChunks(source: AsyncIterable<Recipient>, planner: Planner, signal?: AbortSignal): AsyncGenerator<{ r: Recipient; plan: RecipientPlan }[]> {
  const size = Math.max(1, planner.chunk ?? 32);
  let chunk: Recipient[] = [];
  const planned = async (rows: Recipient[]) => {
    const plans = await planRows(rows, planner, signal);
    return rows.map((r) => ({ r, plan: plans.get(r.row)! }));
  };
  for await (const r of source) {
    chunk.push(r);
    if (chunk.length < size) continue;
    yield await planned(chunk);
    chunk = [];
  }
  if (chunk.length > 0) yield await planned(chunk);
}

/** Plans for these rows (each its own copy of the base plan, filled by every step in order). */
export async function planRows(rows: readonly Recipient[], planner: Planner, signal?: AbortSignal): Promise<Map<number, RecipientPlan>> {
  const plans = new Map<number, RecipientPlan>();
  for (const r of rows) plans.set(r.row, { ...planner.base });
  for (const step of planner.steps) {
    signal?.throwIfAborted();
    await step(rows, plans, signal);
  }
  return plans;
}
