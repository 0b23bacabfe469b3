// The catalog's items (issue 13 §3): case studies, products, articles, events a draft may offer.
// Pure: the records as a reader found them (YAML, CSV or JSONL, each with its line) become items,
// and every problem is collected with its line and field, not just the first. Unknown keys are
// refused (a typo such as `descripton` would otherwise drop the text silently); ids are unique.
import { describeValue as describe } from '../profile.js';
import { suggest } from '../text/suggest.js';

export interface CatalogItem {
  id: string;
  title: string;
  /** '' when the item has none. */
  description: string;
  /** An http(s) link, when the item has one: the only links a draft may carry (the lint's check, later). */
  url?: string;
  tags: string[];
}

/** One record as read: its value and the line it starts on. */
export interface CatalogRecord {
  value: unknown;
  line: number;
}

export interface CatalogIssue {
  line: number;
  /** The item's key the problem is about. */
  field?: string;
  message: string;
}

export const CATALOG_KEYS = ['id', 'title', 'description', 'url', 'tags'] as const;

export type ParseCatalogResult = { ok: true; items: CatalogItem[] } | { ok: false; issues: CatalogIssue[] };

export function parseCatalogItems(records: readonly CatalogRecord[]): ParseCatalogResult {
  const issues: CatalogIssue[] = [];
  const items: CatalogItem[] = [];
  const firstLine = new Map<string, number>();
  for (const { value, line } of records) {
    const { item, id } = parseItem(value, line, issues);
    const seen = id === undefined ? undefined : firstLine.get(id);
    if (seen !== undefined) issues.push({ line, field: 'id', message: `duplicate id "${id}" (first at line ${seen}): each item needs its own id` });
    else if (id !== undefined) firstLine.set(id, line);
    if (item && seen === undefined) items.push(item);
  }
  if (records.length === 0) issues.push({ line: 1, message: 'the catalog has no items' });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, items };
}

/** The item when it is sound, and its id whenever it has one (a repeated id is reported either way). */
function parseItem(value: unknown, line: number, issues: CatalogIssue[]): { item?: CatalogItem; id?: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    issues.push({ line, message: `an item is a mapping of ${CATALOG_KEYS.join(', ')}, not ${describe(value)}` });
    return {};
  }
  const record = value as Record<string, unknown>;
  const before = issues.length;
  for (const key of Object.keys(record)) {
    if ((CATALOG_KEYS as readonly string[]).includes(key)) continue;
    const near = suggest(key, CATALOG_KEYS);
    issues.push({ line, field: key, message: `unknown key${near ? `; did you mean \`${near}\`?` : ` (an item has ${CATALOG_KEYS.join(', ')})`}` });
  }
  const id = scalar(record.id);
  if (id === undefined || id === '') issues.push({ line, field: 'id', message: id === '' ? 'must not be empty' : 'required: a short, unique name or number' });
  const title = text(record, 'title', line, issues, true);
  const description = text(record, 'description', line, issues, false);
  const url = link(record.url, line, issues);
  const tags = tagList(record.tags, line, issues);
  if (id === undefined || id === '') return {};
  if (issues.length > before || title === undefined) return { id };
  return { id, item: { id, title, description: description ?? '', ...(url !== undefined ? { url } : {}), tags } };
}

/** Text, numbers and booleans as text (YAML reads `id: 7` as a number); undefined for anything else. */
function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function text(record: Record<string, unknown>, key: string, line: number, issues: CatalogIssue[], required: boolean): string | undefined {
  const v = record[key];
  if (v === undefined || v === null || v === '') {
    if (required) issues.push({ line, field: key, message: 'required, but missing' });
    return undefined;
  }
  const s = scalar(v);
  if (s === undefined) issues.push({ line, field: key, message: `expected text, got ${describe(v)}` });
  else if (s === '' && required) issues.push({ line, field: key, message: 'must not be empty' });
  return s;
}

function link(v: unknown, line: number, issues: CatalogIssue[]): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const s = typeof v === 'string' ? v.trim() : undefined;
  let ok = false;
  try {
    ok = s !== undefined && /^https?:$/.test(new URL(s).protocol);
  } catch {
    ok = false;
  }
  if (!ok) issues.push({ line, field: 'url', message: `expected an http(s) address such as https://example.com/page, got ${describe(v)}` });
  return ok ? s : undefined;
}

/** A list of words, or one text of them split at commas, semicolons or bars (a CSV cell). */
function tagList(v: unknown, line: number, issues: CatalogIssue[]): string[] {
  if (v === undefined || v === null) return [];
  const parts = typeof v === 'string' ? v.split(/[,;|]/) : Array.isArray(v) ? v.map((t) => scalar(t)) : undefined;
  if (parts === undefined || parts.some((t) => t === undefined)) {
    issues.push({ line, field: 'tags', message: `expected a list of words or a text such as "migration, kubernetes", got ${describe(v)}` });
    return [];
  }
  return [...new Set((parts as string[]).map((t) => t.trim()).filter((t) => t !== ''))];
}
