// Reads the profile's `catalog:` file, relative to the profile's folder: YAML (a list of items, or
// `items:` holding one; .json is read as YAML, which it is), CSV (a header of id, title,
// description, url, tags) or JSONL (one item per line). Every problem becomes one InputError that
// names file:line, the field and what to do next, with the others in `details`
// (core/catalog/items.ts checks the items).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { InputError } from '../core/errors.js';
import { parseCatalogItems, type CatalogIssue, type CatalogItem, type CatalogRecord } from '../core/catalog/items.js';

export interface CatalogFile {
  items: CatalogItem[];
  /** Absolute path of the catalog. */
  file: string;
}

const FORMATS = ['.yaml', '.yml', '.json', '.csv', '.jsonl'] as const;

/** The catalog `name` (the profile's `catalog:` value) relative to `profileDir`. Throws InputError. */
export async function readCatalog(name: string, profileDir: string): Promise<CatalogFile> {
  const file = path.resolve(profileDir, name);
  const shown = displayPath(file);
  const ext = path.extname(file).toLowerCase();
  if (!(FORMATS as readonly string[]).includes(ext)) {
    throw new InputError(`${shown}: a catalog is a .yaml, .csv or .jsonl file, not "${ext || 'no extension'}"`, {
      location: { field: 'catalog' },
      hint: "point the profile's `catalog:` at a .yaml list of items (id, title, description, url, tags), a .csv with those columns or a .jsonl file",
    });
  }
  let src: string;
  try {
    src = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`catalog ${code === 'ENOENT' ? 'not found' : `cannot be read (${code === 'EISDIR' ? 'it is a folder' : (err as Error).message})`}: ${shown}`, {
      cause: err,
      location: { field: 'catalog' },
      hint: `the profile's \`catalog: ${name}\` is read relative to the profile's folder (${displayPath(profileDir)}): fix the path or create the file`,
    });
  }
  const records = ext === '.csv' ? csvRecords(src, shown) : ext === '.jsonl' ? jsonlRecords(src, shown) : yamlRecords(src, shown);
  const result = parseCatalogItems(records);
  if (!result.ok) throw located(result.issues, shown);
  return { items: result.items, file };
}

const HINT = (shown: string) => `fix it, then run \`draftsmith profile check\` with this profile; each item has id and title, and may have description, url and tags (${shown})`;

function located(issues: CatalogIssue[], shown: string): InputError {
  const sorted = [...issues].sort((a, b) => a.line - b.line);
  const text = (i: CatalogIssue) => `${shown}:${i.line}: ${i.field ? `${i.field}: ` : ''}${i.message}`;
  const [first, ...rest] = sorted;
  return new InputError(text(first!), {
    hint: HINT(shown),
    details: rest.map(text),
    location: { line: first!.line, ...(first!.field ? { field: first!.field } : {}) },
  });
}

function yamlRecords(src: string, shown: string): CatalogRecord[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(src, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0].line ?? 1;
    const message = (e.message.split('\n')[0] ?? e.code).replace(/ at line \d+, column \d+:?$/, '');
    throw new InputError(`${shown}:${line}: YAML syntax error: ${message}`, { cause: e, hint: HINT(shown), location: { line } });
  }
  const lineOf = (n: Node | null | undefined): number => (n?.range ? lineCounter.linePos(n.range[0]).line : 1);
  let list: unknown = doc.contents;
  if (isMap(list)) {
    const others = list.items.map((p) => String((p.key as { value?: unknown })?.value ?? p.key)).filter((k) => k !== 'items');
    if (others.length > 0) {
      throw new InputError(`${shown}:${lineOf(list as Node | null)}: unknown key ${others.map((k) => `\`${k}\``).join(', ')}: a catalog is a list of items, or \`items:\` holding one`, { hint: HINT(shown), location: { line: lineOf(list as Node | null) } });
    }
    list = list.get('items', true);
  }
  if (!isSeq(list)) {
    throw new InputError(`${shown}:${lineOf(list as Node | null)}: expected a list of items (or \`items:\` holding one)`, { hint: HINT(shown), location: { line: lineOf(list as Node | null) } });
  }
  return list.items.map((node) => ({ value: (node as Node | null)?.toJSON?.() ?? node, line: lineOf(node as Node) }));
}

function csvRecords(src: string, shown: string): CatalogRecord[] {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parseCsv(src, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      info: true,
      delimiter: sniffDelimiter(src),
    }) as typeof rows;
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    const line = e.lines ?? 1;
    throw new InputError(`${shown}:${line}: ${String(e.message ?? err).replace(/ on line \d+$/, '')}`, { cause: err, hint: HINT(shown), location: { line } });
  }
  // Empty cells mean "none": a CSV has no way to leave a key out.
  return rows.map(({ record, info }) => ({
    value: Object.fromEntries(Object.entries(record).filter(([, v]) => v.trim() !== '')),
    line: info.lines,
  }));
}

/** The header line's delimiter: comma unless it has more semicolons or tabs (csv-parse's own guess misreads short files). */
function sniffDelimiter(src: string): string {
  const header = src.split(/\r?\n/, 1)[0] ?? '';
  const count = (c: string) => header.split(c).length - 1;
  return [',', ';', '\t'].reduce((best, c) => (count(c) > count(best) ? c : best), ',');
}

function jsonlRecords(src: string, shown: string): CatalogRecord[] {
  const records: CatalogRecord[] = [];
  src.split(/\r?\n/).forEach((text, i) => {
    if (text.trim() === '') return;
    try {
      records.push({ value: JSON.parse(text) as unknown, line: i + 1 });
    } catch (err) {
      throw new InputError(`${shown}:${i + 1}: not a JSON object: ${(err as Error).message}`, { cause: err, hint: HINT(shown), location: { line: i + 1 } });
    }
  });
  return records;
}

/** Relative to the working folder when inside it (shorter messages), else absolute. */
function displayPath(absolute: string): string {
  const rel = path.relative(process.cwd(), absolute);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : absolute;
}
