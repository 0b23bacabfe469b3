// `forget` erases a person: no byte of their address or name may remain in memory.db, its -wal or
// -shm, while an opt-out stays on the do-not-contact list as a salted hash.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/io/memory/memory-store.js';
import { useTempDir } from '../../helpers/temp-dir.js';
import { approval, mail } from '../../helpers/memory-records.js';

const tmp = useTempDir('memory-forget-');

function fileBytes(file: string): Buffer {
  return Buffer.concat(['', '-wal', '-shm'].map((s) => file + s).filter(existsSync).map((f) => readFileSync(f)));
}

const needles = ['ana@example.org', 'Ana Lima', 'Not now, try me in Q1', 'q1-reply@example.org'];

describe('forget', () => {
  it('leaves no trace of the address, name or text in the file bytes, while the store is open and after', async () => {
    const file = path.join(tmp.path, 'a', 'memory.db');
    const store = (await MemoryStore.open(file, { create: true }))!;
    // Enough rows that the person's data spans pages, and someone else's survives.
    for (let i = 0; i < 50; i++) store.recordApproval(approval({ campaign: `/c/${i}.drafts.jsonl`, messageId: `m${i}`, body: `Hi Ana Lima, note ${i}. `.repeat(20) }));
    store.importBatch([mail({ messageId: 'q1-reply@example.org', name: 'Ana Lima' }), mail({ address: 'bo@example.org', messageId: 'b', contentHash: 'b', text: 'Bo stays.' })]);
    store.optOut('ana@example.org', 'history optout');
    store.noteFile('/c/1.drafts.jsonl', 'drafts');
    expect(fileBytes(file).includes('ana@example.org')).toBe(true);

    const result = store.forget(['Ana@Example.org', 'nobody@example.org']);
    expect(result.forgotten).toEqual([{ target: 'Ana@Example.org', people: 1, messages: 51, keptOnDoNotContact: true }]);
    expect(result.notFound).toEqual(['nobody@example.org']);
    expect(result.addresses).toEqual(['ana@example.org', 'nobody@example.org']);
    expect(result.files).toEqual([{ path: '/c/1.drafts.jsonl', kind: 'drafts' }]);
    expect(result.complete).toBe(true);
    for (const needle of needles) expect(fileBytes(file).includes(needle), needle).toBe(false);
    expect(store.suppression({ key: 'email:ana@example.org', email: 'ana@example.org' })?.kind).toBe('opted-out');
    expect(store.show('ana@example.org')).toMatchObject({ people: [], messages: [], suppression: { kind: 'opted-out' } });
    expect(store.show('bo@example.org').messages).toHaveLength(1);
    store.close();
    for (const needle of needles) expect(fileBytes(file).includes(needle), needle).toBe(false);
    expect(fileBytes(file).includes('Bo stays.')).toBe(true);
  });

  it("leaves none of the person's field text in the example index (FTS5, secure-delete), nor in the file bytes; purge likewise", async () => {
    const file = path.join(tmp.path, 'fts', 'memory.db');
    const store = (await MemoryStore.open(file, { create: true }))!;
    const fields = (company: string) => ({ role: 'Quantenphysikerin', company, notes: 'Zymurgy enthusiast' });
    store.recordApproval(approval({ profile: '/p.yaml', learning: { channel: 'email', original: { subject: 'Orig', body: 'Xylophonic original text' }, fields: fields('Vexillocorp') }, edited: true }));
    store.recordApproval(approval({ profile: '/p.yaml', who: { key: 'email:bo@example.org', email: 'bo@example.org' }, messageId: '<bo@d>', learning: { channel: 'email', fields: { role: 'Gardener' } } }));
    store.recordApproval(approval({ profile: '/p.yaml', who: { key: 'email:cy@example.org', email: 'cy@example.org' }, messageId: '<cy@d>', at: '2020-01-01T00:00:00Z', learning: { channel: 'email', fields: { role: 'Ombrologist' } } }));
    const q = { profile: '/p.yaml', channel: 'email', who: { key: 'id:x' }, excludeCampaign: '/other', limit: 5 };
    expect(store.exampleCandidates({ ...q, terms: ['vexillocorp'] })).toHaveLength(1);
    store.close();
    const needles = ['Vexillocorp', 'vexillocorp', 'Quantenphysikerin', 'quantenphysikerin', 'zymurgy', 'Xylophonic'];
    expect(needles.some((n) => fileBytes(file).includes(n))).toBe(true);

    const again = (await MemoryStore.open(file))!;
    again.forget(['ana@example.org']);
    expect(again.exampleCandidates({ ...q, terms: ['vexillocorp', 'quantenphysikerin'] })).toEqual([]);
    expect(again.exampleCandidates({ ...q, terms: ['gardener'] })).toHaveLength(1);
    for (const needle of needles) expect(fileBytes(file).includes(needle), needle).toBe(false);
    expect(again.purge(365, new Date('2026-11-01T00:00:00Z'))).toBe(1);
    expect(again.exampleCandidates({ ...q, terms: ['ombrologist'] })).toEqual([]);
    again.close();
    for (const needle of [...needles, 'ombrologist', 'Ombrologist']) expect(fileBytes(file).includes(needle), needle).toBe(false);
    expect(fileBytes(file).includes('gardener')).toBe(true);
  });

  it('keeps a person who was not opted out off the list', async () => {
    const store = (await MemoryStore.open(path.join(tmp.path, 'b', 'memory.db'), { create: true }))!;
    store.importBatch([mail()]);
    expect(store.forget(['ana@example.org']).forgotten[0]!.keptOnDoNotContact).toBe(false);
    expect(store.suppression({ key: 'email:ana@example.org', email: 'ana@example.org' })).toBeUndefined();
    store.close();
  });

  it('forgetting by key also keeps the opted-out address hashed', async () => {
    const store = (await MemoryStore.open(path.join(tmp.path, 'c', 'memory.db'), { create: true }))!;
    store.recordApproval(approval({ who: { key: 'id:42', email: 'ana@example.org' } }));
    store.optOut('id:42', 'history optout');
    store.forget(['id:42']);
    expect(store.suppression({ key: 'email:ana@example.org', email: 'ana@example.org' })?.kind).toBe('opted-out');
    expect(store.suppression({ key: 'id:42' })?.kind).toBe('opted-out');
    store.close();
    expect(fileBytes(store.path).includes('ana@example.org')).toBe(false);
  });
});
