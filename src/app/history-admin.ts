// The `history` commands other than import: show what the memory holds about a person, forget
// them, purge old messages, count what is stored, and keep the do-not-contact list by hand.
// Each opens the memory once and closes it; only optout creates one (an opt-out must be kept
// even before the first campaign).
import { UsageError } from '../core/errors.js';
import { DURATION_EXAMPLES, parseDays } from '../core/memory/duration.js';
import { filesHolding, type NotedFile } from '../io/memory/files-holding.js';
import type { ForgetResult, MemoryStats, MemoryStore, PersonReport } from '../io/memory/memory-store.js';
import { memoryPath, openMemory, type MemoryFlag } from './open-memory.js';
import { parseTargets, readCsvAddresses } from './history-targets.js';

export interface HistoryContext {
  memory?: MemoryFlag;
  env: NodeJS.ProcessEnv;
  cwd: string;
  notice: (message: string) => void;
}

/** `value` undefined: there is no memory at `path` yet. */
export interface InMemory<T> {
  path: string;
  value?: T;
}

async function withMemory<T>(ctx: HistoryContext, mode: 'read' | 'write', use: (store: MemoryStore) => T | Promise<T>): Promise<InMemory<T>> {
  if (ctx.memory === false) throw new UsageError('`history` commands work on the memory; --no-memory turns it off.', { hint: 'drop --no-memory.' });
  const opened = await openMemory(ctx.memory, ctx, mode);
  const path = memoryPath(ctx.memory, ctx.env, ctx.cwd);
  if (!opened) return { path };
  try {
    return { path: opened.store.path, value: await use(opened.store) };
  } finally {
    opened.store.close();
  }
}

export async function showHistory(ctx: HistoryContext, target: string): Promise<InMemory<PersonReport>> {
  const [who] = parseTargets([target]);
  return withMemory(ctx, 'read', (store) => store.show(who!));
}

export interface ForgetOutcome {
  result: ForgetResult;
  /** Noted drafts files and exports that still hold one of the addresses. */
  stillHolding: NotedFile[];
}

export async function forgetHistory(ctx: HistoryContext, targets: readonly string[], csv: string | undefined): Promise<InMemory<ForgetOutcome>> {
  const fromCsv = csv ? await readCsvAddresses(csv) : [];
  const who = parseTargets([...targets, ...fromCsv]);
  return withMemory(ctx, 'read', async (store) => {
    const result = store.forget(who);
    return { result, stillHolding: await filesHolding(result.files, result.addresses) };
  });
}

export async function purgeHistory(ctx: HistoryContext, olderThan: string, now = new Date()): Promise<InMemory<{ deleted: number; days: number }>> {
  const days = parseDays(olderThan);
  if (days === undefined) throw new UsageError(`--older-than ${JSON.stringify(olderThan)} is not an age`, { hint: `e.g. --older-than 365d (${DURATION_EXAMPLES}).` });
  return withMemory(ctx, 'read', (store) => ({ deleted: store.purge(days, now), days }));
}

export async function historyStats(ctx: HistoryContext): Promise<InMemory<MemoryStats>> {
  return withMemory(ctx, 'read', (store) => store.stats());
}

export interface ListChange {
  /** Targets whose mark changed. */
  changed: string[];
  /** Targets already in the state asked for. */
  unchanged: string[];
}

export async function optOutPeople(ctx: HistoryContext, targets: readonly string[], reason = 'history optout'): Promise<InMemory<ListChange>> {
  const who = parseTargets(targets);
  return withMemory(ctx, 'write', (store) => split(who, (t) => store.optOut(t, reason)));
}

export async function optInPeople(ctx: HistoryContext, targets: readonly string[]): Promise<InMemory<ListChange>> {
  const who = parseTargets(targets);
  return withMemory(ctx, 'read', (store) => split(who, (t) => store.optIn(t)));
}

function split(targets: readonly string[], apply: (target: string) => boolean): ListChange {
  const out: ListChange = { changed: [], unchanged: [] };
  for (const t of targets) (apply(t) ? out.changed : out.unchanged).push(t);
  return out;
}
