// The memory learns (issue 12): approvals recorded with their learning data, the example search
// over their recipients' fields (FTS5), the edits `learn` reads, and a schema 1 memory upgraded in place.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Approval, ExampleQuery } from '../../../src/core/memory/records.js';
import { loadSqlite } from '../../../src/io/memory/load-sqlite.js';
import { MemoryStore } from '../../../src/io/memory/memory-store.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/io/memory/schema.js';
import { useMemoryStores } from '../../helpers/memory-stores.js';
import { approval } from '../../helpers/memory-records.js';

const { tmp, fresh, keepOpen } = useMemoryStores('memory-learning-');

const PROFILE = '/p/sales.yaml';
let m = 0;
/** An approval of `who` in `campaign`, recorded for learning with these fields. */
function taught(who: string, campaign: string, fields: Record<string, string>, over: Partial<Approval> = {}): Approval {
  m++;
  return approval({
    who: { key: `email:${who}@example.org`, email: `${who}@example.org` },
    name: who,
    campaign,
    messageId: `<m${m}@draftsmith>`,
    subject: `Subject ${who}`,
    body: `Body for ${who}`,
    profile: PROFILE,
    learning: { channel: 'email', fields },
    ...over,
  });
}

function query(over: Partial<ExampleQuery> = {}): ExampleQuery {
  return { profile: PROFILE, channel: 'email', who: { key: 'email:zoe@example.org', email: 'zoe@example.org' }, excludeCampaign: '/c/now.jsonl', terms: ['cto', 'fintech'], limit: 10, ...over };
}

describe('exampleCandidates', () => {
  it('finds approvals of this profile and channel to other people in other campaigns, best match first, ties by id', async () => {
    const store = await fresh();
    store.recordApproval(taught('ana', '/c/a.jsonl', { role: 'CTO', industry: 'Fintech', email: 'ana@example.org' })); // both words
    store.recordApproval(taught('ben', '/c/a.jsonl', { role: 'CTO', industry: 'Retail' })); // one word
    store.recordApproval(taught('cy', '/c/a.jsonl', { role: 'CTO', industry: 'Retail' })); // the same match as ben: after him by id
    store.recordApproval(taught('dee', '/c/a.jsonl', { role: 'Designer', industry: 'Retail' })); // no word
    store.recordApproval(taught('eve', '/c/now.jsonl', { role: 'CTO', industry: 'Fintech' })); // the campaign being drafted
    store.recordApproval(taught('zoe', '/c/a.jsonl', { role: 'CTO', industry: 'Fintech' })); // the person being drafted
    store.recordApproval(taught('fay', '/c/a.jsonl', { role: 'CTO', industry: 'Fintech' }, { profile: '/p/other.yaml' })); // another profile
    store.recordApproval(taught('gil', '/c/a.jsonl', { role: 'CTO', industry: 'Fintech' }, { learning: { channel: 'sms', fields: { role: 'CTO', industry: 'Fintech' } } }));
    store.recordApproval(taught('hal', '/c/a.jsonl', { role: 'CTO', industry: 'Fintech' }));
    store.withdrawApproval('/c/a.jsonl', 'email:hal@example.org'); // withdrawn
    store.recordApproval(approval({ who: { key: 'email:ivy@example.org', email: 'ivy@example.org' }, campaign: '/c/a.jsonl', profile: PROFILE, messageId: '<ivy@d>' })); // no learning data
    // Padding that matches nothing, so neither word is in most rows (a word in most rows is skipped).
    for (let i = 0; i < 50; i++) store.recordApproval(taught(`pad${i}`, '/c/pad.jsonl', { role: 'Engineer', city: 'Porto' }));

    const found = store.exampleCandidates(query());
    expect(found.map((c) => c.body)).toEqual(['Body for ana', 'Body for ben', 'Body for cy']);
    const [ana, ben, cy] = found;
    expect(ana).toMatchObject({ campaign: '/c/a.jsonl', edited: false, subject: 'Subject ana', fields: { role: 'CTO', industry: 'Fintech', email: 'ana@example.org' } });
    expect(ana!.match).toBeGreaterThan(ben!.match);
    expect(ben!.match).toBeGreaterThan(0);
    expect(ben!.match).toBe(cy!.match);
    expect(ben!.id).toBeLessThan(cy!.id);
    expect(store.exampleCandidates(query({ limit: 1 })).map((c) => c.body)).toEqual(['Body for ana']);
    expect(store.exampleCandidates(query())).toEqual(found);
  });

  it('gives [] for no terms, unknown terms or a zero limit; the person is excluded by key or by address', async () => {
    const store = await fresh();
    store.recordApproval(taught('ana', '/c/a.jsonl', { role: 'CTO' }));
    for (let i = 0; i < 5; i++) store.recordApproval(taught(`pad${i}`, '/c/pad.jsonl', { role: 'Engineer' }));
    expect(store.exampleCandidates(query({ terms: [] }))).toEqual([]);
    expect(store.exampleCandidates(query({ terms: ['nowhere'] }))).toEqual([]);
    expect(store.exampleCandidates(query({ limit: 0 }))).toEqual([]);
    expect(store.exampleCandidates(query({ who: { key: 'id:7', email: 'ana@example.org' } }))).toEqual([]);
    expect(store.exampleCandidates(query({ who: { key: 'email:ana@example.org' } }))).toEqual([]);
    // Terms are folded as the index folds them.
    expect(store.exampleCandidates(query({ terms: ['CTÖ'] })).map((c) => c.body)).toEqual(['Body for ana']);
    // A quote in a term is only a character.
    expect(store.exampleCandidates(query({ terms: ['c"to', 'cto'] })).map((c) => c.body)).toEqual(['Body for ana']);
  });

  it('a term in most approvals is not searched (it would rank the whole memory), unless it is all there is', async () => {
    const store = await fresh();
    for (let i = 0; i < 10; i++) store.recordApproval(taught(`e${i}`, '/c/a.jsonl', { role: 'Engineer', city: i === 3 ? 'Lyon' : 'Paris' }));
    // "engineer" is in every row: only "lyon" is searched.
    expect(store.exampleCandidates(query({ terms: ['engineer', 'lyon'] })).map((c) => c.body)).toEqual(['Body for e3']);
    expect(store.exampleCandidates(query({ terms: ['engineer'] }))).toHaveLength(10);
  });

  it('a short list is exactly the start of a longer one (the search stops early only when nothing left could change the order)', async () => {
    const store = await fresh();
    const roles = ['Data Engineer', 'Head of Data', 'CTO', 'Sales Lead', 'Data Scientist'];
    const cities = ['Berlin', 'Lyon', 'Porto', 'Austin'];
    const industries = ['fintech', 'retail', 'energy'];
    for (let i = 0; i < 240; i++) {
      store.recordApproval(taught(`r${i}`, `/c/${i % 5}.jsonl`, { role: roles[(i * 7) % 5]!, city: cities[(i * 3) % 4]!, industry: industries[i % 3]!, notes: i % 4 === 0 ? 'loves data' : 'met at a fair' }));
    }
    const terms = ['data', 'engineer', 'berlin', 'fintech', 'loves'];
    const long = store.exampleCandidates(query({ terms, limit: 240, excludeCampaign: '/c/1.jsonl', who: { key: 'email:r7@example.org', email: 'r7@example.org' } }));
    expect(long.length).toBeGreaterThan(100);
    expect(long.some((c) => c.campaign === '/c/1.jsonl' || c.body === 'Body for r7')).toBe(false);
    for (const limit of [1, 5, 12, 48]) {
      const short = store.exampleCandidates(query({ terms, limit, excludeCampaign: '/c/1.jsonl', who: { key: 'email:r7@example.org', email: 'r7@example.org' } }));
      expect(short.map((c) => [c.id, c.match])).toEqual(long.slice(0, limit).map((c) => [c.id, c.match]));
    }
  });

  it('indexes only the searchable fields: names and addresses are not matched', async () => {
    const store = await fresh();
    store.recordApproval(taught('ana', '/c/a.jsonl', { 'First Name': 'Ana', Email: 'ana@acme.io', Company: 'Acme', notes: 'see www.acme.io' }));
    for (let i = 0; i < 5; i++) store.recordApproval(taught(`pad${i}`, '/c/pad.jsonl', { role: 'Engineer' }));
    expect(store.exampleCandidates(query({ terms: ['ana'] }))).toEqual([]);
    expect(store.exampleCandidates(query({ terms: ['io'] }))).toEqual([]);
    expect(store.exampleCandidates(query({ terms: ['acme'] })).map((c) => c.body)).toEqual(['Body for ana']);
  });
});

describe('editsOf and learningProfiles', () => {
  it("lists the profile's edited approvals with the model's text, oldest first", async () => {
    const store = await fresh();
    const original = { subject: 'Model subject', body: 'Model body' };
    store.recordApproval(taught('ben', '/c/a.jsonl', { role: 'CFO' }, { edited: true, at: '2026-10-02T00:00:00Z', learning: { channel: 'email', original, fields: { role: 'CFO' } } }));
    store.recordApproval(taught('ana', '/c/a.jsonl', { role: 'CTO' }, { edited: true, at: '2026-10-01T00:00:00Z', learning: { channel: 'email', original, fields: { role: 'CTO' } } }));
    store.recordApproval(taught('cy', '/c/a.jsonl', { role: 'CTO' })); // not edited
    store.recordApproval(taught('dee', '/c/a.jsonl', {}, { edited: true, learning: undefined })); // edited, but no learning data
    store.recordApproval(taught('eve', '/c/b.jsonl', { role: 'CTO' }, { edited: true, at: '2026-10-03T00:00:00Z', learning: { channel: 'sms', original: { body: 'Model sms' }, fields: {} } }));
    const edits = store.editsOf(PROFILE);
    expect(edits.map((e) => e.recipientKey)).toEqual(['email:ana@example.org', 'email:ben@example.org', 'email:eve@example.org']);
    expect(edits[0]).toEqual({
      id: expect.any(Number),
      campaign: '/c/a.jsonl',
      recipientKey: 'email:ana@example.org',
      name: 'ana',
      at: '2026-10-01T00:00:00.000Z',
      original,
      approved: { subject: 'Subject ana', body: 'Body for ana' },
      fields: { role: 'CTO' },
    });
    expect(edits[2]!.original).toEqual({ body: 'Model sms' });
    expect(edits[2]!.approved).toEqual({ body: 'Body for eve' });
    expect(store.editsOf('/p/other.yaml')).toEqual([]);
    expect(store.show('ana@example.org').messages).toMatchObject([{ text: 'Body for ana', edited: true, original, channel: 'email', fields: { role: 'CTO' } }]);
    expect(store.show('cy@example.org').messages[0]).not.toHaveProperty('original');
    expect(store.stats().learning).toEqual({ edited: 4, withOriginal: 3, examples: 4 });
    expect(store.learningProfiles()).toEqual([
      { profile: PROFILE, channel: 'email', approvals: 3, edited: 2 },
      { profile: PROFILE, channel: 'sms', approvals: 1, edited: 1 },
    ]);
  });
});

describe('schema 2', () => {
  it('upgrades a schema 1 memory in place, keeping its rows; read-only it stays 1 and learns nothing', async () => {
    const file = path.join(tmp.dir('v1'), 'memory.db');
    const sqlite = await loadSqlite();
    const db = sqlite.open(file);
    db.exec(MIGRATIONS[0]!);
    db.prepare("INSERT INTO meta (key, value) VALUES ('salt', 'x')").run();
    db.prepare("INSERT INTO people (id, email, key, name, first_seen) VALUES (1, 'ana@example.org', 'email:ana@example.org', 'Ana', '2026-01-01')").run();
    db.prepare("INSERT INTO messages (person_id, state, at, subject, body, campaign, recipient_key, version, edited, profile) VALUES (1, 'approved', '2026-01-01', 'Old', 'Old body', '/c/old.jsonl', 'email:ana@example.org', 1, 1, ?)").run(PROFILE);
    db.pragma('user_version = 1');
    db.close();

    const ro = (await MemoryStore.open(file, { readOnly: true }))!;
    expect(ro.schemaVersion).toBe(1);
    expect(ro.exampleCandidates(query({ terms: ['old'] }))).toEqual([]);
    expect(ro.editsOf(PROFILE)).toEqual([]);
    expect(ro.learningProfiles()).toEqual([]);
    ro.close();

    const store = (await MemoryStore.open(file))!;
    keepOpen(store);
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBe(3);
    expect(store.show('ana@example.org').messages).toMatchObject([{ subject: 'Old', text: 'Old body', edited: true }]);
    expect(store.editsOf(PROFILE)).toEqual([]); // no original recorded in schema 1
    store.recordApproval(taught('ben', '/c/a.jsonl', { role: 'CTO' }));
    for (let i = 0; i < 3; i++) store.recordApproval(taught(`pad${i}`, '/c/pad.jsonl', { role: 'Engineer' }));
    expect(store.exampleCandidates(query()).map((c) => c.body)).toEqual(['Body for ben']);
  });
});
