// The tone profile: its schema and a parser that reports every problem by key path. Pure; the
// YAML reading and line:column positions live in src/io/profile-file.ts.
import * as z from 'zod';
import { suggest } from './text/suggest.js';
import { ENGINE_CHOICES } from './engine.js';
import { DEFAULT_HISTORY_BUDGET, type HistoryBudget } from './memory/records.js';
import { DURATION_EXAMPLES, parseDays } from './memory/duration.js';
import { fieldNameSchema } from './drafting/output-fields.js';
import { CONDITION_KEYS, effectSchema, ruleSchema } from './rules/rule-schema.js';
import { cell, text, textList } from './profile-values.js';

export type { ColumnCondition, Rule, RuleCondition, RuleEffect, Sentiment, SentimentCondition } from './rules/rule-schema.js';

export const CHANNELS = ['email', 'linkedin', 'sms', 'note'] as const;
export type Channel = (typeof CHANNELS)[number];


const lengthSchema = z.strictObject({ max_words: z.number().int().positive() });
const senderSchema = z.strictObject({
  name: text,
  role: text.optional(),
  company: text.optional(),
  email: z.email().optional(),
});
const messageSchema = z.strictObject({ subject: text.optional(), body: text });
const exampleSchema = z.strictObject({
  recipient: z.record(z.string(), cell),
  message: z.union([text, messageSchema]),
});
const fieldsSchema = z.strictObject({ private: textList.default([]), use: textList.optional() });
// One host of several (`--host` repeated overrides the list): its URL, its own slots if not
// --concurrency, and for an OpenAI-compatible server the variable holding its API key (the name
// only: a key is never written in a file).
const hostEntrySchema = z.strictObject({
  url: text,
  concurrency: z.number().int().positive().optional(),
  api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name, e.g. GPU1_API_KEY').optional(),
});
const modelSchema = z.strictObject({
  engine: z.enum(ENGINE_CHOICES).default('auto'),
  hosts: z
    .array(z.union([text, hostEntrySchema]))
    .min(1)
    .optional()
    .transform((list) => list?.map((h) => (typeof h === 'string' ? { url: h } : h))),
  name: text.optional(),
  temperature: z.number().min(0).max(2).optional(),
  seed: z.number().int().optional(),
  num_ctx: z.number().int().positive().optional(),
  num_predict: z.number().int().positive().optional(),
  // The embedding model the catalog is ranked with (BM25 without it). Optional, no default.
  embed: text.optional(),
});
// How much of a recipient's remembered history goes into a prompt (core/memory/records.ts HistoryBudget).
const memorySchema = z.strictObject({
  history_items: z.number().int().min(0).max(20).optional(),
  history_since: z
    .string()
    .refine((v) => parseDays(v) !== undefined, `expected an age such as ${DURATION_EXAMPLES}`)
    .optional(),
  excerpt_chars: z.number().int().min(40).max(4000).optional(),
  // Earlier approved messages of this profile carried as examples of the reviewer's voice (0: none).
  examples: z.number().int().min(0).max(10).optional(),
});
const promptsSchema = z.strictObject({
  system: text.optional(),
  user: text.optional(),
  regenerate: text.optional(),
});

// Issue 13: rules (core/rules/rule-schema.ts), variants, user-defined output fields.
const variantSchema = z.strictObject({ name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'a short name of letters, digits, - or _, e.g. short'), instructions: text.optional() });
export type VariantSpec = z.output<typeof variantSchema>;
const outputSchema = z.strictObject({
  // Extra answer fields the model writes next to subject and body: name -> what it should hold.
  fields: z.record(fieldNameSchema, text).optional(),
});

const profileSchema = z.strictObject({
  name: text.optional(),
  goal: text,
  channel: z.enum(CHANNELS).default('email'),
  // One spelling for consumers: always a list.
  tone: z
    .union([text, textList])
    .optional()
    .transform((t) => (t === undefined ? [] : typeof t === 'string' ? [t] : t)),
  length: lengthSchema.optional(),
  language: text.optional(),
  sign_off: text.optional(),
  // The opening word(s) before the recipient's name, e.g. "Hello" (`learn` may propose it).
  greeting: text.optional(),
  // Phrases every draft includes (`learn` may propose them from what reviewers keep adding).
  required_phrases: textList.optional(),
  sender: senderSchema.optional(),
  do: textList.default([]),
  dont: textList.default([]),
  banned_phrases: textList.default([]),
  examples: z.array(exampleSchema).default([]),
  fields: fieldsSchema.prefault({}),
  // Columns that together say who a recipient is (default: the e-mail, else a profile URL, else
  // the row's non-private cells). Drafts and decisions follow this key, not the row number.
  identity: z
    .union([text, textList])
    .optional()
    .transform((t) => (t === undefined ? undefined : typeof t === 'string' ? [t] : t)),
  model: modelSchema.prefault({}),
  prompts: promptsSchema.optional(),
  // Optional, with no default: a profile without it parses exactly as before (and so digests as before).
  memory: memorySchema.optional(),
  // Issue 13: a file of items to recommend from (relative to the profile) and how many per recipient.
  // Optional, no default, like `memory`.
  catalog: text.optional(),
  catalog_picks: z.number().int().min(1).max(10).optional(),
  // Issue 13: per-recipient rules, variants, user-defined answer fields. Optional, no default.
  rules: z.array(ruleSchema).optional(),
  variants: z.array(variantSchema).min(1).max(9).optional(),
  output: outputSchema.optional(),
});

export type ToneProfile = z.output<typeof profileSchema>;
export type ProfileExample = ToneProfile['examples'][number];

/** The profile's `memory:` keys over the defaults (3 items, 365 days, 400 characters). */
export function historyBudget(profile: Pick<ToneProfile, 'memory'>): HistoryBudget {
  const m = profile.memory;
  return {
    items: m?.history_items ?? DEFAULT_HISTORY_BUDGET.items,
    sinceDays: m?.history_since !== undefined ? parseDays(m.history_since)! : DEFAULT_HISTORY_BUDGET.sinceDays,
    excerptChars: m?.excerpt_chars ?? DEFAULT_HISTORY_BUDGET.excerptChars,
  };
}

/** How many earlier approvals a prompt carries as examples of the reviewer's voice (profile `memory.examples`). */
export const DEFAULT_MEMORY_EXAMPLES = 3;

export function memoryExamples(profile: Pick<ToneProfile, 'memory'>): number {
  return profile.memory?.examples ?? DEFAULT_MEMORY_EXAMPLES;
}

/** How many catalog items each recipient gets (profile `catalog_picks`). */
export const DEFAULT_CATALOG_PICKS = 2;

export function catalogPicks(profile: Pick<ToneProfile, 'catalog_picks'>): number {
  return profile.catalog_picks ?? DEFAULT_CATALOG_PICKS;
}

export interface ProfileIssue {
  path: (string | number)[];
  message: string;
  /** The last path element is a key that should not be there (point at the key, not its value). */
  unknownKey?: boolean;
}

export type ParseProfileResult = { ok: true; profile: ToneProfile } | { ok: false; issues: ProfileIssue[] };

/** Keys allowed in each mapping, by path pattern (`*` = any list index). */
const OBJECT_KEYS: Record<string, readonly string[]> = {
  '': Object.keys(profileSchema.shape),
  length: Object.keys(lengthSchema.shape),
  sender: Object.keys(senderSchema.shape),
  fields: Object.keys(fieldsSchema.shape),
  model: Object.keys(modelSchema.shape),
  'model.hosts.*': Object.keys(hostEntrySchema.shape),
  prompts: Object.keys(promptsSchema.shape),
  memory: Object.keys(memorySchema.shape),
  'rules.*': Object.keys(ruleSchema.shape),
  'rules.*.when': CONDITION_KEYS,
  'rules.*.when.all.*': CONDITION_KEYS,
  'rules.*.when.any.*': CONDITION_KEYS,
  'rules.*.then': Object.keys(effectSchema.shape),
  'variants.*': Object.keys(variantSchema.shape),
  output: Object.keys(outputSchema.shape),
  'examples.*': Object.keys(exampleSchema.shape),
  'examples.*.message': Object.keys(messageSchema.shape),
};

/** Every top-level key of a profile (the starter profile and docs cover each). */
export const PROFILE_KEYS: readonly string[] = OBJECT_KEYS['']!;

export function parseProfile(data: unknown): ParseProfileResult {
  if (data === null || data === undefined) {
    return { ok: false, issues: [{ path: [], message: 'the profile is empty: it needs at least a `goal`' }] };
  }
  const result = profileSchema.safeParse(data, { reportInput: true });
  if (result.success) return { ok: true, profile: result.data };
  return { ok: false, issues: result.error.issues.flatMap((i) => toIssues(i, [])) };
}

/** `['examples', 0, 'message']` -> `examples[0].message`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');
}

type Issue = z.core.$ZodIssue;

function toIssues(issue: Issue, prefix: (string | number)[]): ProfileIssue[] {
  const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...path, key], message: unknownKeyMessage(path, key), unknownKey: true }));
    case 'invalid_union':
      return unionIssues(issue, path);
    case 'invalid_key': // a mapping's key (an output field's name): point at the key
      return [{ path, message: issue.issues.map((i) => i.message).join('; '), unknownKey: true }];
    default:
      return [{ path, message: describeIssue(issue) }];
  }
}

function unknownKeyMessage(path: (string | number)[], key: string): string {
  const pattern = path.map((p) => (typeof p === 'number' ? '*' : p)).join('.');
  const allowed = OBJECT_KEYS[pattern] ?? [];
  const near = suggest(key, allowed);
  if (near) return `unknown key; did you mean \`${near}\`?`;
  // A key at the wrong level (`temperature:` at the top instead of under `model:`).
  for (const [parent, keys] of Object.entries(OBJECT_KEYS)) {
    if (parent === pattern || parent.includes('*')) continue;
    const nested = suggest(key, keys);
    if (nested) return `unknown key; did you mean \`${parent ? `${parent}.` : ''}${nested}\`?`;
  }
  return `unknown key (allowed here: ${allowed.join(', ')})`;
}

// A union failed: when one branch had the right type, its own problems are the useful ones;
// otherwise say which types would do.
function unionIssues(issue: Extract<Issue, { code: 'invalid_union' }>, path: (string | number)[]): ProfileIssue[] {
  const typeMismatch = (errs: Issue[]): boolean =>
    errs.some((e) => e.path.length === 0 && e.code === 'invalid_type');
  const matched = issue.errors.find((errs) => errs.length > 0 && !typeMismatch(errs));
  if (matched) return matched.flatMap((e) => toIssues(e, path));
  const expected = issue.errors.flatMap((errs) =>
    errs.flatMap((e) => (e.path.length === 0 && e.code === 'invalid_type' ? [expectedName(e.expected)] : [])),
  );
  const unique = [...new Set(expected)];
  const what = unique.length > 0 ? unique.join(' or ') : 'a different value';
  return [{ path, message: `expected ${what}, got ${describeValue(issue.input)}` }];
}

function describeIssue(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required, but missing';
      return `expected ${expectedName(issue.expected)}, got ${describeValue(issue.input)}`;
    case 'invalid_value': {
      const values = issue.values.map(String);
      const near = typeof issue.input === 'string' ? suggest(issue.input, values) : undefined;
      return `expected one of ${values.join(', ')}, got ${describeValue(issue.input)}${near ? `; did you mean \`${near}\`?` : ''}`;
    }
    case 'too_small':
      if (issue.origin === 'string') return 'must not be empty';
      return issue.inclusive ? `must be at least ${String(issue.minimum)}` : `must be greater than ${String(issue.minimum)}`;
    case 'too_big':
      return issue.inclusive ? `must be at most ${String(issue.maximum)}` : `must be less than ${String(issue.maximum)}`;
    case 'invalid_format':
      if (issue.format === 'email') return `expected an e-mail address, got ${describeValue(issue.input)}`;
      // A pattern's own message says what it wants ("a short name of letters, digits..."); zod's default names the regex.
      if (issue.format === 'regex' && !issue.message.startsWith('Invalid')) return `expected ${issue.message}, got ${describeValue(issue.input)}`;
      return `expected ${issue.format}, got ${describeValue(issue.input)}`;
    default:
      return issue.message;
  }
}

const EXPECTED_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  array: 'a list',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  boolean: 'true or false',
  null: 'an empty value',
};

function expectedName(expected: string): string {
  return EXPECTED_NAMES[expected] ?? expected;
}

/** A value as a message shows it: short text quoted, else its kind ("a list", "a mapping"). */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'an empty value';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}
