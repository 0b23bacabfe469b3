// MemoryStore.approvalsOf: the approvals of one campaign still standing, which `draft` compares
// with the drafts file on every run with the memory. It must be a range of the approvals index,
// never a scan of messages (a memory of 100,000 messages, a campaign with no approvals: one probe).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/io/memory/memory-store.js';
import { loadSqlite } from '../../../src/io/memory/load-sqlite.js';
import { CAMPAIGN_APPROVALS_SQL } from '../../../src/io/memory/campaign-approvals.js';
import { useTempDir } from '../../helpers/temp-dir.js';
import { approval, mail } from '../../helpers/memory-records.js';

const tmp = useTempDir('memory-campaign-approvals-');

describe('MemoryStore.approvalsOf', () => {
  it("lists this campaign's standing approvals only (not withdrawn, not another campaign's), by an index search", async () => {
    const file = path.join(tmp.path, 'a', 'memory.db');
    const store = (await MemoryStore.open(file, { create: true }))!;
    try {
      store.importBatch([mail()]);
      store.recordApproval(approval({ campaign: '/c/one.drafts.jsonl', version: 2 }));
      store.recordApproval(approval({ campaign: '/c/one.drafts.jsonl', who: { key: 'email:ben@example.org', email: 'ben@example.org' }, messageId: '<ben@draftsmith>' }));
      store.recordApproval(approval({ campaign: '/c/two.drafts.jsonl', messageId: '<two@draftsmith>' }));
      store.withdrawApproval('/c/one.drafts.jsonl', 'email:ben@example.org');
      expect(store.approvalsOf('/c/one.drafts.jsonl')).toEqual([{ key: 'email:ana@example.org', version: 2 }]);
      expect(store.approvalsOf('/c/none.drafts.jsonl')).toEqual([]);
    } finally {
      store.close();
    }
    const db = (await loadSqlite()).open(file);
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${CAMPAIGN_APPROVALS_SQL}`).all('/c/one.drafts.jsonl') as { detail: string }[]).map((r) => r.detail).join('\n');
    db.close();
    expect(plan).toMatch(/SEARCH messages USING INDEX messages_approval \(campaign=\?\)/);
    expect(plan).not.toMatch(/SCAN messages/);
  });
});
