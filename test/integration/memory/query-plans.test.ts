// The lookups that run once per drafted row (history, do-not-contact, last reply) must stay
// index searches, never a scan of messages or people: with 100,000 messages they take tens of
// microseconds (issue 11's budget is 0.2 ms of CPU a draft). SQLite's own plan says which.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/io/memory/memory-store.js';
import { loadSqlite } from '../../../src/io/memory/load-sqlite.js';
import { HISTORY_SQL, LAST_RECEIVED_SQL, LAST_REPLY_SQL } from '../../../src/io/memory/messages.js';
import { PERSON_IDS } from '../../../src/io/memory/people.js';
import { SUPPRESSION_SQL } from '../../../src/io/memory/do-not-contact.js';
import { EXAMPLE_SET_SQL } from '../../../src/io/memory/example-index.js';
import { useTempDir } from '../../helpers/temp-dir.js';
import { mail } from '../../helpers/memory-records.js';

const tmp = useTempDir('memory-plans-');

describe('per-draft lookups', () => {
  it.each([
    ['history', HISTORY_SQL, [400, 400, 1, '2025-01-01', null, null, 3], /SEARCH messages USING INDEX messages_by_person \(person_id=\? AND at>\?\)/],
    ['the person', PERSON_IDS, ['email:a@example.org', 'a@example.org'], /MULTI-INDEX OR/],
    ['do-not-contact', SUPPRESSION_SQL, ['0'.repeat(64)], /SEARCH do_not_contact USING PRIMARY KEY \(hash=\?\)/],
    ['last reply', LAST_RECEIVED_SQL, [1], /SEARCH messages USING INDEX messages_by_person \(person_id=\?\)/],
    ['the last reply\'s text (its sentiment)', LAST_REPLY_SQL, [1], /SEARCH messages USING INDEX messages_by_person \(person_id=\?\)/],
    // Once per memory state, not per row; still only the profile's approvals, in id order without a sort.
    ['the examples of a profile', EXAMPLE_SET_SQL, ['/p.yaml', 'email'], /SEARCH m USING INDEX messages_learning \(profile=\? AND channel=\?\)/],
  ])('%s is an index search', async (_name, sql, params, expected) => {
    const file = path.join(tmp.path, 'plans', 'memory.db');
    const store = (await MemoryStore.open(file, { create: true }))!;
    store.importBatch(Array.from({ length: 200 }, (_, i) => mail({ messageId: `m${i}`, contentHash: `h${i}`, address: `p${i % 20}@example.org` })));
    store.close();
    const db = (await loadSqlite()).open(file);
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('\n');
    db.close();
    expect(plan).toMatch(expected);
    expect(plan).not.toMatch(/SCAN (messages|people|do_not_contact)/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });
});
