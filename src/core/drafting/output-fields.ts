// User-defined answer fields (profile `output.fields`, issue 13 §5): the names a field may not take,
// the collision with the CSV's columns, and the fields' lines in a person's edit (review's `e`,
// `approve --edit`). Pure. A profile without fields changes nothing here: every function returns
// what it would without them.
import * as z from 'zod';
import { InputError } from '../errors.js';
import { snakeCase } from '../recipients/recipients.js';

/**
 * Names the answer or an export already uses: the answer's own keys, the export record's keys
 * (JSONL writes fields as top-level keys) and the CSV export's columns (its provenance ones too).
 */
export const RESERVED_FIELD_NAMES: ReadonlySet<string> = new Set([
  'subject', 'body', 'status', 'variant',
  'row', 'recipient', 'model', 'error', 'version', 'edited', 'stale', 'orphaned', 'provenance', 'fields',
  'engine', 'host', 'model_digest', 'seed', 'temperature', 'prompt_fingerprint', 'profile',
  'history_items', 'examples', 'reviewer', 'decided_at',
]);

/** Why a field name is refused at profile load, or undefined when it may be used. */
export function reservedFieldProblem(name: string): string | undefined {
  if (!RESERVED_FIELD_NAMES.has(name)) return undefined;
  return `\`${name}\` is taken: drafts and exports already use that name; name the field otherwise, e.g. \`${name}_text\``;
}

/** A field's name in the profile: lower-case letters, digits and _, and none the drafts or exports already use. */
export const fieldNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'a lower-case name of letters, digits and _, e.g. ps')
  .check((c) => {
    const problem = reservedFieldProblem(c.value);
    if (problem) c.issues.push({ code: 'custom', message: problem, input: c.value });
  });

/** The profile's field names, in the order written (none without `output.fields`). */
export function outputFieldNames(fields: Readonly<Record<string, string>> | undefined): string[] {
  return fields ? Object.keys(fields) : [];
}

/**
 * A field named like a CSV column (exactly, ignoring case, or as its snake_case form) would give the
 * export two columns of one name: refused before any request. `csvName`: the CSV as shown to the user.
 */
export function assertNoColumnCollision(names: readonly string[], headers: readonly string[], csvName: string): void {
  for (const name of names) {
    const column = headers.find((h) => h.toLowerCase() === name || snakeCase(h) === name);
    if (column === undefined) continue;
    throw new InputError(`the output field \`${name}\` has the name of the CSV column ${JSON.stringify(column)} in ${csvName}.`, {
      location: { field: `output.fields.${name}` },
      hint: `rename the field in the profile's output.fields (e.g. \`${name}_draft\`), or the column in the CSV: an export writes both under their own names.`,
    });
  }
}

/**
 * The fields as lines of a person's edit: `name: value`, a value's further lines indented by two
 * spaces (blank lines inside a value do not survive an edit). Empty without fields.
 */
export function renderFieldLines(names: readonly string[], fields: Readonly<Record<string, string>> | undefined): string[] {
  return names.map((name) => {
    const [first = '', ...rest] = (fields?.[name] ?? '').split('\n').filter((l, i) => i === 0 || l.trim() !== '');
    return [`${name}: ${first}`, ...rest.map((l) => `  ${l}`)].join('\n');
  });
}

/**
 * Reads the field lines at `lines[start]` onwards: each `name: value` of a known field, with its
 * indented further lines. Stops at the first line that is neither. Returns the fields found (only
 * those written) and the index of the first line after them.
 */
export function parseFieldLines(lines: readonly string[], start: number, names: readonly string[]): { fields: Record<string, string>; next: number } {
  const fields: Record<string, string> = {};
  const known = new Set(names);
  let i = start;
  let current: string | undefined;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const m = /^([a-z][a-z0-9_]*)[ \t]*:[ \t]?(.*)$/.exec(line);
    if (m && known.has(m[1]!) && !(m[1]! in fields)) {
      current = m[1]!;
      fields[current] = m[2]!.trimEnd();
    } else if (current !== undefined && /^[ \t]+\S/.test(line)) {
      fields[current] = `${fields[current]}\n${line.replace(/^(?: {2}|\t| )/, '').trimEnd()}`;
    } else {
      break;
    }
  }
  return { fields, next: i };
}

/** The shown fields with an edit's over them, in the profile's order; undefined when there are none. */
export function mergeFields(names: readonly string[], shown: Readonly<Record<string, string>> | undefined, edited: Readonly<Record<string, string>>): Record<string, string> | undefined {
  if (names.length === 0 && !shown) return undefined;
  const out: Record<string, string> = { ...shown };
  for (const name of names) out[name] = edited[name] ?? shown?.[name] ?? '';
  return Object.keys(out).length > 0 ? out : undefined;
}
