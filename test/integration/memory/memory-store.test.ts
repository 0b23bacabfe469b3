// The memory against a real SQLite file in a temporary folder: opening, modes, approvals, imports,
// the do-not-contact list, history's order and budget.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/io/memory/memory-store.js';
import { SCHEMA_VERSION } from '../../../src/io/memory/schema.js';
import { DEFAULT_HISTORY_BUDGET } from '../../../src/core/memory/records.js';
import { InputError } from '../../../src/core/errors.js';
import { useMemoryStores } from '../../helpers/memory-stores.js';
import { approval, mail } from '../../helpers/memory-records.js';

const { tmp, fresh } = useMemoryStores('memory-store-');

const ana = { key: 'email:ana@example.org', email: 'ana@example.org' };
const now = new Date('2026-11-01T00:00:00Z');

describe('opening', () => {
  it('creates the folder 0700, the file 0600 (and its -wal/-shm 0600), WAL, schema version', async () => {
    const file = path.join(tmp.path, 'new', 'deep', 'memory.db');
    const store = (await MemoryStore.open(file, { create: true }))!;
    store.optOut('x@example.org', 'history optout');
    expect(store.created).toBe(true);
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(tmp.path, 'new')).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    for (const side of ['-wal', '-shm']) expect(statSync(file + side).mode & 0o777).toBe(0o600);
    store.close();
    const again = (await MemoryStore.open(file, { create: true }))!;
    expect(again.created).toBe(false);
    expect(again.suppression({ key: 'email:x@example.org', email: 'x@example.org' })?.kind).toBe('opted-out');
    again.close();
  });

  it('gives undefined for a missing file unless asked to create it, and never creates one read-only', async () => {
    const file = path.join(tmp.path, 'absent', 'memory.db');
    expect(await MemoryStore.open(file)).toBeUndefined();
    expect(await MemoryStore.open(file, { create: true, readOnly: true })).toBeUndefined();
    expect(existsSync(path.dirname(file))).toBe(false);
  });

  it('refuses a file that is not a memory, with a hint', async () => {
    const file = path.join(tmp.dir('junk'), 'notes.txt');
    writeFileSync(file, 'just some text, certainly not SQLite '.repeat(200));
    const err = await MemoryStore.open(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toContain('is not a draftsmith memory');
    expect((err as InputError).hint).toContain('--memory');
  });

  it('refuses a memory of a newer schema', async () => {
    const store = await fresh();
    const file = store.path;
    store.close();
    const { loadSqlite } = await import('../../../src/io/memory/load-sqlite.js');
    const db = (await loadSqlite()).open(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    await expect(MemoryStore.open(file)).rejects.toThrow(/newer draftsmith/);
  });

  it('a read-only store reads the do-not-contact list and cannot write', async () => {
    const store = await fresh();
    store.optOut('ana@example.org', 'history optout');
    store.close();
    const ro = (await MemoryStore.open(store.path, { readOnly: true }))!;
    expect(ro.suppression(ana)?.kind).toBe('opted-out');
    expect(() => ro.optIn('ana@example.org')).toThrow(/readonly/i);
    ro.close();
  });
});

describe('approvals', () => {
  it('are idempotent per campaign, person and version; a newer version withdraws the older', async () => {
    const store = await fresh();
    store.recordApproval(approval());
    store.recordApproval(approval());
    expect(store.history(ana, DEFAULT_HISTORY_BUDGET, { now })).toHaveLength(1);
    store.recordApproval(approval({ version: 2, body: 'Hi Ana, edited.', edited: true, at: '2026-10-02T10:00:00Z' }));
    const items = store.history(ana, DEFAULT_HISTORY_BUDGET, { now });
    expect(items.map((i) => i.text)).toEqual(['Hi Ana, edited.']);
    expect(store.show('ana@example.org').messages.map((m) => m.state)).toEqual(['withdrawn', 'approved']);
  });

  it('withdrawn approvals leave the history; approving the same version again brings it back', async () => {
    const store = await fresh();
    store.recordApproval(approval());
    store.withdrawApproval('/work/leads.drafts.jsonl', 'email:ana@example.org');
    expect(store.history(ana, DEFAULT_HISTORY_BUDGET, { now })).toEqual([]);
    store.recordApproval(approval({ at: '2026-10-05T00:00:00Z' }));
    expect(store.history(ana, DEFAULT_HISTORY_BUDGET, { now })).toMatchObject([{ state: 'approved', at: '2026-10-05T00:00:00.000Z' }]);
  });
});

describe('approving another variant of the same version (issue 13)', () => {
  it('replaces the text recorded: one row, the last approved variant\'s text and Message-ID', async () => {
    const store = await fresh();
    store.recordApproval(approval({ subject: 'short', body: 'Hi Ana, short.', messageId: 'v1@x' }));
    store.recordApproval(approval({ subject: 'story', body: 'Hi Ana, a story.', messageId: 'v2@x', at: '2026-10-03T00:00:00Z' }));
    const shown = store.show('ana@example.org').messages;
    expect(shown.map((m) => [m.state, m.subject, m.text, m.messageId])).toEqual([['approved', 'story', 'Hi Ana, a story.', 'v2@x']]);
    expect(store.history(ana, DEFAULT_HISTORY_BUDGET, { now }).map((i) => i.text)).toEqual(['Hi Ana, a story.']);
  });
});

describe('approvals under another key', () => {
  it('a person met under their address and later drafted under an identity key: withdrawn by that key', async () => {
    const store = await fresh();
    store.recordApproval(approval());
    store.recordApproval(approval({ who: { key: 'id:5', email: 'ana@example.org' }, campaign: '/c/id.drafts.jsonl', messageId: 'id5' }));
    expect(store.show('ana@example.org').people).toHaveLength(1);
    store.withdrawApproval('/c/id.drafts.jsonl', 'id:5');
    expect(store.show('ana@example.org').messages.map((m) => [m.campaign, m.state])).toEqual([
      ['/work/leads.drafts.jsonl', 'approved'],
      ['/c/id.drafts.jsonl', 'withdrawn'],
    ]);
  });
});

describe('importBatch', () => {
  it('is idempotent by Message-ID, else by content hash', async () => {
    const store = await fresh();
    const batch = [mail(), mail({ messageId: undefined, contentHash: 'h2', at: '2026-10-04T00:00:00Z', text: 'Second.' })];
    expect(store.importBatch(batch)).toMatchObject({ added: 2, duplicates: 0, newPeople: 1, knownPeople: 0 });
    expect(store.importBatch(batch)).toMatchObject({ added: 0, duplicates: 2, newPeople: 0, knownPeople: 1 });
    expect(store.stats().messages.received).toBe(2);
  });

  it('one sent message to several people is a message for each of them, not a duplicate', async () => {
    const store = await fresh();
    const toAll = ['ana@example.org', 'bo@example.org', 'cy@example.org'].map((address) => mail({ address, direction: 'sent', messageId: 'shared@example.com', contentHash: 'same' }));
    expect(store.importBatch(toAll)).toMatchObject({ added: 3, duplicates: 0, newPeople: 3 });
    expect(store.importBatch(toAll)).toMatchObject({ added: 0, duplicates: 3 });
    for (const email of ['bo@example.org', 'cy@example.org']) expect(store.history({ key: `email:${email}`, email }, DEFAULT_HISTORY_BUDGET, { now })).toHaveLength(1);
  });

  it('a sent message that is an approved one marks it sent (by Message-ID, else by subject)', async () => {
    const store = await fresh();
    store.recordApproval(approval());
    store.recordApproval(approval({ campaign: '/work/other.drafts.jsonl', subject: 'Second idea', messageId: '<def@draftsmith>', at: '2026-10-06T00:00:00Z' }));
    const sent = [
      mail({ direction: 'sent', messageId: 'abc@draftsmith', contentHash: 's1', subject: 'Quick idea', at: '2026-10-01T12:00:00Z' }),
      mail({ direction: 'sent', messageId: 'rewritten@mailer', contentHash: 's2', subject: 'Second idea', at: '2026-10-06T12:00:00Z' }),
    ];
    const result = store.importBatch(sent);
    expect(result).toMatchObject({ matchedApprovals: 2, added: 0 });
    expect(store.importBatch(sent)).toMatchObject({ added: 0, duplicates: 2, matchedApprovals: 0 });
    expect(store.show('ana@example.org')!.messages.map((m) => m.state)).toEqual(['sent', 'sent']);
  });

  it('an approval recorded with the Message-ID as exports write it (<...>, any case of domain) is the sent message imported without <>', async () => {
    const store = await fresh();
    store.recordApproval(approval({ subject: 'Quick idea', messageId: '<0f3a9c@Draftsmith.LOCAL>' }));
    // The person changed the subject in their mail client before sending: only the Message-ID can match.
    const result = store.importBatch([mail({ direction: 'sent', messageId: '0f3a9c@draftsmith.local', contentHash: 's9', subject: 'A quick idea, Ana' })]);
    expect(result).toMatchObject({ matchedApprovals: 1, added: 0 });
    expect(store.show('ana@example.org')!.messages.map((m) => [m.state, m.messageId])).toEqual([['sent', '0f3a9c@draftsmith.local']]);
  });

  it('matches an approval by exactly its Message-ID and by address + subject', async () => {
    const store = await fresh();
    store.recordApproval(approval({ messageId: 'abc@draftsmith' }));
    store.recordApproval(approval({ campaign: '/b.drafts.jsonl', subject: 'Other', messageId: 'zzz@draftsmith' }));
    const result = store.importBatch([
      mail({ direction: 'sent', messageId: 'abc@draftsmith', contentHash: 's1', subject: 'Quick idea' }),
      mail({ direction: 'sent', messageId: 'rewritten@mailer', contentHash: 's2', subject: 'Other' }),
    ]);
    expect(result).toMatchObject({ matchedApprovals: 2, added: 0 });
    expect(store.show('ana@example.org').messages.map((m) => m.state)).toEqual(['sent', 'sent']);
  });

  it('keeps mail of people never drafted, marks opt-outs and bounces (once)', async () => {
    const store = await fresh();
    const result = store.importBatch([
      mail({ address: 'bo@example.org', messageId: 'o1', contentHash: 'o1', optOut: true, text: 'Please remove me.' }),
      mail({ address: 'cy@example.org', messageId: undefined, contentHash: 'b1', bounce: { reason: '550 5.1.1 user unknown' } }),
    ]);
    expect(result).toMatchObject({ added: 1, optedOut: 1, undeliverable: 1, newPeople: 2 });
    expect(store.suppression({ key: 'email:bo@example.org', email: 'bo@example.org' })).toMatchObject({ kind: 'opted-out', reason: 'reply of 2026-10-03 asked to stop' });
    expect(store.suppression({ key: 'id:cy', email: 'cy@example.org' })).toMatchObject({ kind: 'undeliverable' });
    expect(store.importBatch([mail({ address: 'cy@example.org', messageId: undefined, contentHash: 'b1', bounce: { reason: 'x' } })])).toMatchObject({ duplicates: 1, undeliverable: 0 });
  });
});

describe('do-not-contact', () => {
  it('finds a person by key or by e-mail, and optin clears both', async () => {
    const store = await fresh();
    store.recordApproval(approval({ who: { key: 'id:42', email: 'ana@example.org' } }));
    expect(store.optOut('ana@example.org', 'history optout')).toBe(true);
    expect(store.optOut('ana@example.org', 'history optout')).toBe(false);
    expect(store.suppression({ key: 'id:42' })?.kind).toBe('opted-out');
    expect(store.suppression({ key: 'email:ana@example.org', email: 'ana@example.org' })?.reason).toBe('history optout');
    expect(store.suppression({ key: 'id:7', email: 'other@example.org' })).toBeUndefined();
    expect(store.optIn('id:42')).toBe(true);
    expect(store.suppression({ key: 'id:42' })).toBeUndefined();
    expect(store.suppression(ana)).toBeUndefined();
    expect(store.optIn('id:42')).toBe(false);
  });

  it('an opt-out is never downgraded to undeliverable', async () => {
    const store = await fresh();
    store.optOut('ana@example.org', 'history optout');
    store.importBatch([mail({ messageId: undefined, contentHash: 'b', bounce: { reason: 'gone' } })]);
    expect(store.suppression(ana)?.kind).toBe('opted-out');
  });

  it('stores hashes, not addresses, salted per database', async () => {
    const a = await fresh();
    const b = await fresh();
    a.optOut('zed@example.org', 'history optout');
    b.optOut('zed@example.org', 'history optout');
    a.close();
    b.close();
    const bytes = (s: MemoryStore) => Buffer.concat([s.path, `${s.path}-wal`].filter(existsSync).map((f) => readFileSync(f)));
    expect(bytes(a).includes('zed@example.org')).toBe(false);
    const { loadSqlite } = await import('../../../src/io/memory/load-sqlite.js');
    const sqlite = await loadSqlite();
    const hashes = [a, b].map((s) => {
      const db = sqlite.open(s.path, { readonly: true });
      const rows = db.prepare('SELECT hash FROM do_not_contact').all() as { hash: string }[];
      db.close();
      return rows.map((r) => r.hash);
    });
    expect(hashes[0]).toHaveLength(1);
    expect(hashes[0]![0]).not.toBe(hashes[1]![0]);
  });
});

describe('history', () => {
  it('is newest first, within items and days, excerpted, without the campaign itself or withdrawn ones', async () => {
    const store = await fresh();
    store.recordApproval(approval({ campaign: '/c/own.drafts.jsonl', at: '2026-10-20T00:00:00Z' }));
    store.recordApproval(approval({ campaign: '/c/gone.drafts.jsonl', at: '2026-10-21T00:00:00Z', messageId: 'g' }));
    store.withdrawApproval('/c/gone.drafts.jsonl', ana.key);
    store.importBatch([
      mail({ messageId: 'old', contentHash: 'old', at: '2025-01-01T00:00:00Z', text: 'Ancient.' }),
      mail({ messageId: 'a', contentHash: 'a', at: '2026-10-10T00:00:00Z', text: 'x'.repeat(1000) }),
      mail({ messageId: 'b', contentHash: 'b', at: '2026-10-11T00:00:00Z', direction: 'sent', subject: 'Follow-up', text: 'Sent one.' }),
      mail({ messageId: 'c', contentHash: 'c', at: '2026-10-12T00:00:00Z', text: 'Newest reply.' }),
    ]);
    const budget = { items: 3, sinceDays: 365, excerptChars: 50 };
    const items = store.history(ana, budget, { excludeCampaign: '/c/own.drafts.jsonl', now });
    expect(items.map((i) => [i.state, i.at.slice(0, 10)])).toEqual([
      ['received', '2026-10-12'],
      ['sent', '2026-10-11'],
      ['received', '2026-10-10'],
    ]);
    expect([...items[2]!.text]).toHaveLength(50);
    expect(items[2]!.text.endsWith('…')).toBe(true);
    expect(store.history(ana, { ...budget, items: 10 }, { now }).map((i) => i.campaign ?? '-')).toContain('/c/own.drafts.jsonl');
    expect(store.history(ana, { ...budget, items: 10 }, { now }).some((i) => i.text === 'Ancient.')).toBe(false);
    expect(store.history(ana, { ...budget, items: 0 }, { now })).toEqual([]);
    expect(store.lastReceivedAt(ana)).toBe('2026-10-12T00:00:00.000Z');
    expect(store.lastReceivedAt({ key: 'email:nobody@example.org', email: 'nobody@example.org' })).toBeUndefined();
    expect(store.lastReply(ana)).toEqual({ at: '2026-10-12T00:00:00.000Z', text: 'Newest reply.' });
    expect(store.lastReply({ key: 'email:nobody@example.org', email: 'nobody@example.org' })).toBeUndefined();
  });

  it('meets mail under the address for a recipient keyed by identity', async () => {
    const store = await fresh();
    store.importBatch([mail()]);
    expect(store.history({ key: 'id:ana-1', email: 'ana@example.org' }, DEFAULT_HISTORY_BUDGET, { now })).toHaveLength(1);
    expect(store.history({ key: 'id:ana-1' }, DEFAULT_HISTORY_BUDGET, { now })).toHaveLength(0);
  });
});

describe('purge and stats', () => {
  it('purges messages older than the cutoff and people left with none', async () => {
    const store = await fresh();
    store.importBatch([
      mail({ messageId: 'old', contentHash: 'old', address: 'old@example.org', at: '2024-01-01T00:00:00Z' }),
      mail({ messageId: 'new', contentHash: 'new', at: '2026-10-01T00:00:00Z' }),
    ]);
    expect(store.purge(365, now)).toBe(1);
    const stats = store.stats();
    expect(stats).toMatchObject({ people: 1, messages: { received: 1 }, schemaVersion: SCHEMA_VERSION });
    expect(stats.bytes).toBeGreaterThan(0);
    expect(store.show('old@example.org').people).toEqual([]);
  });

  it('notes files for forget', async () => {
    const store = await fresh();
    mkdirSync(tmp.dir('files'), { recursive: true });
    store.noteFile('/x/a.drafts.jsonl', 'drafts');
    store.noteFile('/x/a.drafts.jsonl', 'drafts');
    store.noteFile('/x/out.csv', 'export');
    expect(store.stats().files).toEqual({ drafts: 1, export: 1 });
  });
});
