// A run's side of the rules: a skipped row recorded as `excluded` (reason `rule <name>`, re-checked
// every run: a row no rule skips any more is drafted, and its draft ends the exclusion), and how many
// of this run's planned rows each rule applied to, for the summary.
import type { Recipient } from '../core/recipients/recipients.js';
import type { DraftsStore } from '../io/drafts-file/store.js';
import { recordExclusions, type CampaignMemory, type Exclusion } from './campaign-memory.js';
import { skipReason, type PlanStep, type Planner } from './recipient-plans.js';

/** Rows per rule name, in first-seen order. */
export type RuleCounts = Map<string, number>;

/** A planner that also counts, after every other step, the rules each planned row got. */
export function countingRules(planner: Planner, counts: RuleCounts): Planner {
  if (planner.steps.length === 0) return planner;
  const count: PlanStep = async (rows, plans) => {
    for (const r of rows) for (const name of plans.get(r.row)?.rules ?? []) counts.set(name, (counts.get(name) ?? 0) + 1);
  };
  return { ...planner, steps: [...planner.steps, count] };
}

/** Records each skipped row as excluded as it comes (an approval it ends is withdrawn in the memory too). */
export function skipRecorder(store: DraftsStore, memory: Pick<CampaignMemory, 'withdraw'> | undefined, onRow?: (row: number, key: string) => void) {
  const skipped: Exclusion[] = [];
  return {
    skipped,
    onSkip: (r: Recipient, key: string, rule: string) => {
      const e: Exclusion = { row: r.row, key, reason: skipReason(rule), rule };
      recordExclusions(store, [e], memory);
      skipped.push(e);
      onRow?.(r.row, key);
    },
  };
}
