// Which of a recipient's columns the model sees: all of them (or the profile's `fields.use`) minus
// every column `fields.private` hides. A miss here leaks data, so a private name is matched broadly.
// Pure.
import type { ToneProfile } from '../profile.js';
import { buildColumns, findColumn, snakeCase, type Columns } from '../recipients/recipients.js';

/** The canonical field a header alone maps to (`Work Email` -> email), if any. */
function canonicalOf(header: string): string | undefined {
  return Object.keys(buildColumns([header]).columns.canonical)[0];
}

/**
 * Columns a private name hides. Deliberately broad, because a miss leaks data: the named column,
 * its renamed repeats (`Phone Number_2`), and every column meaning the same canonical field
 * (private `email` hides `Email` and `Work Email`).
 */
function privateMatches(columns: Columns, name: string): number[] {
  const out = new Set<number>();
  const direct = findColumn(columns, name);
  if (direct !== undefined) out.add(direct);
  const key = snakeCase(name);
  const canonical = canonicalOf(name);
  columns.keys.forEach((k, i) => {
    if (k === key || (k.startsWith(`${key}_`) && /^\d+$/.test(k.slice(key.length + 1)))) out.add(i);
    else if (canonical !== undefined && canonicalOf(columns.headers[i] ?? '') === canonical) out.add(i);
  });
  return [...out];
}

// Keyed by the profile's `fields` (all the plan depends on): the effective profiles of rules
// (core/rules/effective.ts) share it with their base profile, so they share the plan too.
const sentCache = new WeakMap<Columns, { fields: ToneProfile['fields']; sent: number[]; hidden: Set<number> }>();

function columnPlan(profile: ToneProfile, columns: Columns): { sent: number[]; hidden: Set<number> } {
  const cached = sentCache.get(columns);
  if (cached?.fields === profile.fields) return cached;
  const hidden = new Set(profile.fields.private.flatMap((name) => privateMatches(columns, name)));
  const use = profile.fields.use;
  const allowed = use
    ? new Set(use.map((name) => findColumn(columns, name)).filter((i): i is number => i !== undefined))
    : undefined;
  const sent = columns.headers.map((_, i) => i).filter((i) => !hidden.has(i) && (!allowed || allowed.has(i)));
  const plan = { fields: profile.fields, sent, hidden };
  sentCache.set(columns, plan);
  return plan;
}

/** Indexes of the columns sent to the model: all (or `fields.use`) minus `fields.private`. */
export function sentColumns(profile: ToneProfile, columns: Columns): number[] {
  return columnPlan(profile, columns).sent;
}

/** The columns `fields.private` hides, as a set (the prompt asks it once a recipient). */
export function hiddenColumns(profile: ToneProfile, columns: Columns): ReadonlySet<number> {
  return columnPlan(profile, columns).hidden;
}

/** Indexes of the columns `fields.private` hides (for marking them "never sent" on screen). */
export function privateColumns(profile: ToneProfile, columns: Columns): number[] {
  return [...columnPlan(profile, columns).hidden].sort((a, b) => a - b);
}

/**
 * Whether `fields.private` hides a column with this header, by the same rules as the prompts
 * (repeats and same-meaning columns included): for marking a stored row's columns "never sent".
 */
export function isPrivateHeader(profile: ToneProfile, header: string): boolean {
  return privateColumns(profile, buildColumns([header]).columns).length > 0;
}

/** Names in `fields.private` / `fields.use` that match no column: likely typos, worth a warning. */
export function unknownFieldNames(profile: ToneProfile, columns: Columns): string[] {
  const unknown = [
    ...profile.fields.private.filter((name) => privateMatches(columns, name).length === 0),
    ...(profile.fields.use ?? []).filter((name) => findColumn(columns, name) === undefined),
  ];
  return [...new Set(unknown)];
}
