// A separate process writing to a memory, for the tests of two processes at once and of a kill
// in the middle of an import. Run with `node --import tsx memory-writer.ts FILE MODE COUNT TAG`:
// `approvals`: COUNT approvals, one transaction each; `import`: COUNT batches of 100 messages
// (0: until killed), printing `batch N` after each commit.
import { MemoryStore } from '../../src/io/memory/memory-store.js';
import type { ImportedMessage } from '../../src/core/memory/records.js';

const [file, mode, countText, tag] = process.argv.slice(2);
const count = Number(countText);
const store = (await MemoryStore.open(file!, { create: true }))!;
if (mode === 'approvals') {
  for (let i = 0; i < count; i++) {
    store.recordApproval({
      who: { key: `email:${tag}-${i}@example.org`, email: `${tag}-${i}@example.org` },
      campaign: `/c/${tag}.drafts.jsonl`,
      version: 1,
      subject: `Hello ${i}`,
      body: `Body ${i} `.repeat(50),
      edited: false,
      engine: 'ollama',
      model: 'm',
      reviewer: tag!,
      at: new Date().toISOString(),
      messageId: `${tag}-${i}@draftsmith`,
    });
  }
} else {
  for (let b = 0; count === 0 || b < count; b++) {
    const batch: ImportedMessage[] = [];
    for (let i = 0; i < 100; i++) {
      const n = b * 100 + i;
      batch.push({ messageId: `${tag}-${n}@example.org`, contentHash: `${tag}-${n}`, direction: 'received', address: `p${n % 500}@example.org`, at: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(), subject: `Re ${n}`, text: `Reply ${n} `.repeat(200), source: `${tag}#${n}` });
    }
    store.importBatch(batch);
    process.stdout.write(`batch ${b + 1}\n`);
  }
}
store.close();
process.stdout.write('done\n');
