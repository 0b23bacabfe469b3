// `draftsmith history show|forget|purge|stats|optout|optin`: parse, call app/history-admin.ts,
// print with ui/history-report.ts. Reports of what changed go to stderr; what is asked for (show,
// stats) to stdout.
import { forgetHistory, historyStats, optInPeople, optOutPeople, purgeHistory, showHistory, type HistoryContext, type InMemory } from '../../app/history-admin.js';
import { toJsonLine } from '../../io/export/record-writer.js';
import { renderForget, renderListChange, renderNoMemory, renderPerson, renderPurge, renderStats } from '../../ui/history-report.js';
import type { CliIo } from '../streams.js';

interface MemoryFlags {
  memory?: string;
}

function context(flags: MemoryFlags, io: CliIo): HistoryContext {
  return { memory: flags.memory, env: io.env, cwd: io.cwd, notice: (m) => io.stderr.write(m) };
}

/** The value, or undefined after saying there is no memory yet. */
function present<T>(found: InMemory<T>, io: CliIo): T | undefined {
  if (found.value === undefined) io.stderr.write(renderNoMemory(found.path));
  return found.value;
}

export async function runHistoryShow(address: string, flags: MemoryFlags & { json?: boolean }, io: CliIo): Promise<void> {
  const report = present(await showHistory(context(flags, io), address), io);
  if (!report) return;
  io.stdout.write(flags.json ? `${toJsonLine(report)}\n` : renderPerson(report));
}

export async function runHistoryForget(addresses: string[], flags: MemoryFlags & { csv?: string }, io: CliIo): Promise<void> {
  const outcome = present(await forgetHistory(context(flags, io), addresses, flags.csv), io);
  if (outcome) io.stderr.write(renderForget(outcome.result, outcome.stillHolding));
}

export async function runHistoryPurge(flags: MemoryFlags & { olderThan: string }, io: CliIo): Promise<void> {
  const purged = present(await purgeHistory(context(flags, io), flags.olderThan), io);
  if (purged) io.stderr.write(renderPurge(purged.deleted, purged.days));
}

export async function runHistoryStats(flags: MemoryFlags & { json?: boolean }, io: CliIo): Promise<void> {
  const stats = present(await historyStats(context(flags, io)), io);
  if (stats) io.stdout.write(flags.json ? `${toJsonLine(stats)}\n` : renderStats(stats));
}

export async function runHistoryOptout(addresses: string[], flags: MemoryFlags, io: CliIo): Promise<void> {
  const change = present(await optOutPeople(context(flags, io), addresses), io);
  if (change) io.stderr.write(renderListChange('optout', change.changed, change.unchanged));
}

export async function runHistoryOptin(addresses: string[], flags: MemoryFlags, io: CliIo): Promise<void> {
  const change = present(await optInPeople(context(flags, io), addresses), io);
  if (change) io.stderr.write(renderListChange('optin', change.changed, change.unchanged));
}
