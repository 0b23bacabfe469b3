// A recipient's data as a prompt carries it: only the columns the model may see, as a fenced JSON
// block no value can break out of, and the target language as a label that lets no free text from
// the CSV outside that block. Pure.
import type { ToneProfile } from '../profile.js';
import type { Columns, Recipient } from '../recipients/recipients.js';
import { hiddenColumns, sentColumns } from './private-columns.js';

/**
 * JSON for a fenced block. Backticks are escaped (`\u0060`) so a value can never close the fence,
 * and C1 controls and line separators too; the JSON still parses to the same strings.
 */
export function dataJson(data: unknown): string {
  return JSON.stringify(data, null, 2).replace(
    /[`\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The recipient's non-empty cells in the columns the model may see, by header. */
export function sentData(profile: ToneProfile, recipient: Recipient, columns: Columns): Record<string, string> {
  return Object.fromEntries(
    sentColumns(profile, columns)
      .map((i) => [columns.headers[i] ?? '', recipient.cells[i] ?? ''] as const)
      .filter(([, v]) => v.trim() !== ''),
  );
}

let displayNames: Intl.DisplayNames | undefined;
const LANGUAGE_TAG = /^[a-z]{2,3}(?:[-_][a-z0-9]{2,8})*$/i;

/**
 * `de` -> `German (de)`; a language name stays as written. Anything else returns undefined: the
 * value comes from the CSV and is shown outside the data block, so free text must not pass.
 */
export function languageLabel(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // A CSV column holds a handful of distinct languages; ICU lookups per recipient add up.
  if (labelCache.has(value)) return labelCache.get(value);
  const label = computeLanguageLabel(value);
  if (labelCache.size > 512) labelCache.clear();
  labelCache.set(value, label);
  return label;
}
const labelCache = new Map<string, string | undefined>();

function computeLanguageLabel(value: string): string | undefined {
  const v = value.trim();
  if (!v) return undefined;
  if (LANGUAGE_TAG.test(v)) {
    try {
      displayNames ??= new Intl.DisplayNames(['en'], { type: 'language' });
      const name = displayNames.of(v.replace(/_/g, '-'));
      if (name && name.toLowerCase() !== v.toLowerCase()) return `${name} (${v})`;
    } catch {
      // not a valid tag after all: fall through
    }
    return v;
  }
  return /^\p{L}[\p{L} ()'.-]{0,30}$/u.test(v) ? v : undefined;
}

/** The target language: the recipient's language column (unless private), else the profile's. */
export function targetLanguage(profile: ToneProfile, recipient: Recipient, columns: Columns): string {
  const index = columns.canonical.language;
  const own = index !== undefined && !hiddenColumns(profile, columns).has(index) ? recipient.cells[index] : undefined;
  return (
    languageLabel(own) ??
    languageLabel(profile.language) ??
    'the language the recipient data suggests (English if unclear)'
  );
}
