// What makes a draft reusable: a hash of everything that produced it. Same inputs -> same
// fingerprint -> no model request on a re-run. Key order must not matter, so we hash a
// canonical JSON form rather than JSON.stringify's insertion order.
import { createHash } from 'node:crypto';
import { quickHash, seedOf, toHex } from '../text/quick-hash.js';

/** JSON with object keys sorted at every depth; `undefined` members are dropped as JSON does. */
export function stableStringify(value: unknown): string {
  if (typeof value === 'string' && value.length >= LONG_STRING) return quoteLong(value);
  if (value === null || typeof value !== 'object') {
    // JSON.stringify(undefined) is undefined; inside arrays JSON writes null, so do we.
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => (v === undefined || typeof v === 'function' ? 'null' : stableStringify(v))).join(',')}]`;
  }
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    const v = obj[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    parts.push(`${JSON.stringify(key)}:${stableStringify(v)}`);
  }
  return `{${parts.join(',')}}`;
}

// The system message (a few KB) is the same for every recipient: quote it once, not per row.
const LONG_STRING = 1024;
const quoted = new Map<string, string>();
function quoteLong(s: string): string {
  let q = quoted.get(s);
  if (q === undefined) {
    if (quoted.size >= 16) quoted.clear();
    q = JSON.stringify(s);
    quoted.set(s, q);
  }
  return q;
}

/**
 * sha256 of the canonical form, hex, first 32 chars (128 bits: collisions are not a concern
 * for a file of drafts, and shorter lines keep the journal readable).
 * Callers pass {row, messages, schema, model, engine, options}.
 */
export function fingerprint(parts: Record<string, unknown>): string {
  // Hex of the first 16 bytes, not a slice of the full hex: V8 keeps a slice's 64-char parent
  // alive, and the drafts index holds one fingerprint per row (100k rows = megabytes).
  return createHash('sha256').update(stableStringify(parts)).digest().subarray(0, 16).toString('hex');
}

/** Everything that makes a draft what it is. The row is not part of it: rows move, recipients stay. */
export interface DraftInputs {
  messages: readonly { role: string; content: string }[];
  schema: unknown;
  options: unknown;
  engine: string;
  model: string;
  /** The names of the rules that applied (issue 13): only when some did, so a draft without rules hashes as before. */
  rules?: readonly string[];
  /** The variants drafted (issue 13), when there are any: another set of variants is another draft. */
  variants?: readonly { name: string; instructions?: string }[];
}

/**
 * A draft's fingerprint: every message in full, the schema, options, engine and model. Each
 * message goes in length-prefixed (no two message lists hash alike); a long one (the system
 * prompt, the same for every recipient) goes in as its own sha256, computed once per run.
 */
export function draftFingerprint(inputs: DraftInputs): string {
  const hash = createHash('sha256').update(settingsOf(inputs));
  for (const m of inputs.messages) {
    const content = m.content.length >= LONG_STRING ? digestOf(m.content) : m.content;
    hash.update(`${m.role}:${m.content.length}:${content.length}:`).update(content);
  }
  if (inputs.rules && inputs.rules.length > 0) hash.update(`rules:${JSON.stringify(inputs.rules)}`);
  // Without variants nothing more goes in: the fingerprints of drafts before variants stay as they were.
  if (inputs.variants) hash.update(`variants:${stableStringify(inputs.variants)}`);
  return hash.digest().subarray(0, 16).toString('hex');
}

/** The fingerprint of drafts written before recipient keys, which folded in the row. */
export function legacyDraftFingerprint(inputs: DraftInputs, row: number): string {
  return fingerprint({ row, messages: inputs.messages, schema: inputs.schema, options: inputs.options, engine: inputs.engine, model: inputs.model });
}

// A run passes the same schema and options objects for every recipient: serialise them once.
let lastSettings: { schema: unknown; options: unknown; engine: string; model: string; text: string } | undefined;
function settingsOf(i: DraftInputs): string {
  const last = lastSettings;
  if (last && last.schema === i.schema && last.options === i.options && last.engine === i.engine && last.model === i.model) return last.text;
  const text = stableStringify({ schema: i.schema, options: i.options, engine: i.engine, model: i.model });
  lastSettings = { schema: i.schema, options: i.options, engine: i.engine, model: i.model, text };
  return text;
}

const digests = new Map<string, string>();
function digestOf(s: string): string {
  let d = digests.get(s);
  if (d === undefined) {
    if (digests.size >= 16) digests.clear();
    d = createHash('sha256').update(s).digest('hex');
    digests.set(s, d);
  }
  return d;
}

/**
 * What every recipient of a run shares: the profile, the templates, the CSV's header, schema,
 * options, engine, model and the prompt format. With a row's cells it determines the messages,
 * so an unchanged row can be recognised without building its prompt (inputsDigest).
 */
export function runDigest(parts: Record<string, unknown>): string {
  return createHash('sha256').update(stableStringify(parts)).digest('hex');
}

/** A row's cells as 16 bytes (kept per row by the roster while the CSV is scanned). */
export function cellsDigest(cells: readonly string[], out?: Uint8Array): Uint8Array {
  return quickHash(cells, out);
}

/**
 * A row's inputs under a run digest: equal digests mean equal messages, hence an equal
 * fingerprint. A change detector over the user's own data (quickHash), not a security boundary.
 */
export function inputsDigest(run: string, cells: Uint8Array): string {
  return toHex(quickHash([run], new Uint8Array(16), seedOf(cells)));
}
