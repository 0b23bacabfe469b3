// `lint`'s use case: lints a drafts file (the latest version of every draft, against the profile it
// was made with) or JSONL records shaped like `export`'s (row, recipient, subject, body) from
// anywhere. Each draft's findings go to the callback as they are found (the command writes them
// out, with backpressure); the tally comes back at the end. Where a memory exists, the lint also
// says who is on the do-not-contact list (`opted-out`) and, for a drafts file, which drafts repeat
// what was sent to the person in another campaign (`repeats-earlier`).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { InputError, UsageError } from '../core/errors.js';
import type { LintFinding } from '../core/lint/finding.js';
import { lintDraft } from '../core/lint/lint-draft.js';
import { recordLintInput, type RecordLintInput } from '../core/lint/record-input.js';
import { addToTally, emptyTally, type LintTally } from '../core/lint/tally.js';
import { parseJournalLine } from '../core/decisions/journal.js';
import { profileForDrafts } from '../io/drafts-file/drafts-path.js';
import { DraftsStore } from '../io/drafts-file/store.js';
import { readProfile } from '../io/profile-file.js';
import { storedRecipientKey } from '../core/recipients/recipient-key.js';
import { openDecisionMemory, type DecisionMemory } from './decision-memory.js';
import type { MemoryFlag } from './open-memory.js';

export interface LintOptions {
  /** A drafts file or JSONL records, relative to cwd; `-` for stdin. */
  file: string;
  cwd: string;
  stdin: NodeJS.ReadableStream;
  profile?: string;
  env: NodeJS.ProcessEnv;
  memory?: MemoryFlag;
  warn: (message: string) => void;
}

/** One draft to lint, as read from a drafts file or an export. */
interface LintItem {
  row: number;
  subject?: string;
  body: string;
  recipient: Record<string, string>;
  /** The recipient key (a drafts file's; for records from elsewhere, derived from the row). */
  key?: string;
  /** A drafts file's record: what the rules changed for this recipient, its catalog picks (core/lint/record-input.ts). */
  fromRecord?: RecordLintInput;
  /** One variant of an undecided draft made in variants: its name, which each finding names. */
  variant?: string;
  /** The profile's answer fields (an exported record holds them as keys of their own names). */
  fields?: Record<string, string>;
}

export async function lintDrafts(o: LintOptions, onFindings: (row: number, findings: LintFinding[]) => Promise<void>): Promise<LintTally> {
  const shown = o.file === '-' ? '<stdin>' : o.file;
  const draftsFile = o.file !== '-' && (await isDraftsFile(path.resolve(o.cwd, o.file), shown));
  const store = draftsFile ? await DraftsStore.open(path.resolve(o.cwd, o.file), { lock: false, create: false }) : undefined;
  let memory: DecisionMemory | undefined;
  try {
    const profileFile = o.profile ? path.resolve(o.cwd, o.profile) : profileForDrafts(undefined, store?.recordedProfile(), o.cwd);
    if (!profileFile) {
      throw new UsageError(store ? 'the drafts file names no tone profile that still exists.' : 'linting exported records needs the tone profile.', {
        hint: 'add --profile <file> (the one the drafts were made with).',
      });
    }
    const { profile } = await readProfile(profileFile);
    memory = await openDecisionMemory(o.memory, store ? path.resolve(o.cwd, o.file) : undefined, o, 'read');
    const keyOf = storedRecipientKey({ identity: profile.identity });
    const items = store ? latestVersions(store) : exportedRecords(o.file === '-' ? o.stdin : await openInput(path.resolve(o.cwd, o.file), shown), shown, Object.keys(profile.output?.fields ?? {}));
    const tally = emptyTally();
    for await (const item of items) {
      const known = memory.lintMemory(item.key ?? keyOf(item.recipient), item.recipient);
      const { subject, body, recipient, fromRecord } = item;
      const findings = lintDraft({ subject, body, ...(item.fields ? { fields: item.fields } : {}), recipient, ...(known ? { memory: known } : {}), ...fromRecord }, profile);
      addToTally(tally, item.row, findings);
      await onFindings(item.row, item.variant === undefined ? findings : findings.map((f) => ({ ...f, message: `variant ${item.variant}: ${f.message}` })));
    }
    if (tally.linted === 0) {
      throw new InputError(`no drafts in ${shown}`, {
        hint: store ? 'the drafts file holds no draft with text yet: run `draftsmith draft` first.' : 'pass a JSONL file with one record per line, e.g. from `draftsmith export --all`.',
      });
    }
    return tally;
  } finally {
    memory?.close();
    await store?.close();
  }
}

/** Every recipient's latest version that has text (a failed draft has none), orphans left out. */
function* latestVersions(store: DraftsStore): Generator<LintItem> {
  for (const s of store.recipients()) {
    if (s.orphaned) continue;
    const shown = store.read(s.key);
    if (!shown?.text) continue;
    const item = { row: s.row, recipient: shown.draft.recipient, key: s.key, fromRecord: recordLintInput(shown.draft) };
    // Undecided and made in variants: every variant, as any may be the one approved (an approved one: the variant approved).
    const variants = shown.variant !== undefined && s.status === 'drafted' ? (shown.draft.variants ?? []) : [];
    if (variants.length === 0) yield { ...item, ...shown.text };
    for (const v of variants) yield { ...item, ...(v.subject !== undefined ? { subject: v.subject } : {}), body: v.body, ...(v.fields ? { fields: v.fields } : {}), variant: v.name };
  }
}

async function* exportedRecords(input: NodeJS.ReadableStream, shown: string, fieldNames: readonly string[]): AsyncGenerator<LintItem> {
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    const draft = parseRecord(text, shown, line);
    if (draft === undefined) continue;
    yield {
      row: typeof draft.row === 'number' ? draft.row : line,
      subject: draft.subject as string | undefined,
      body: draft.body as string,
      recipient: (draft.recipient ?? {}) as Record<string, string>,
      ...(fieldNames.length > 0 ? { fields: Object.fromEntries(fieldNames.map((n) => [n, typeof draft[n] === 'string' ? draft[n] : ''])) } : {}),
    };
  }
}

/** A drafts file starts with a draftsmith journal record (`type`), an export record does not. */
async function isDraftsFile(file: string, shown: string): Promise<boolean> {
  const input = await openInput(file, shown);
  try {
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      if (text.trim() === '') continue;
      const rec = parseJournalLine(text);
      return rec !== undefined;
    }
    return false;
  } finally {
    (input as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  }
}

async function openInput(file: string, shown: string): Promise<NodeJS.ReadableStream> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw Object.assign(new Error('it is a folder'), { code: 'EISDIR' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `file not found: ${shown}` : `cannot read ${shown}: ${(err as Error).message}`, {
      hint: 'pass a JSONL file of drafts, e.g. one written by `draftsmith export --all --out all.jsonl`.',
      cause: err,
    });
  }
  return createReadStream(file);
}

/** A record to lint, or undefined for a drafts file's shared-prompt line (nothing to lint). */
function parseRecord(text: string, file: string, line: number): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError('not a JSON record', {
      location: { file, line },
      hint: 'each line must be one JSON object with row, recipient, subject and body (as `draftsmith export` writes).',
    });
  }
  if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'prompt') return undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value) || typeof (value as { body?: unknown }).body !== 'string') {
    throw new InputError('the record has no "body" text', {
      location: { file, line },
      hint: 'each record needs at least "body" (and "recipient", "subject" for the best checks).',
    });
  }
  return value as Record<string, unknown>;
}
