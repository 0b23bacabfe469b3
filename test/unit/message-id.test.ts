import { describe, expect, it } from 'vitest';
import { messageIdFor } from '../../src/core/export/message-id.js';
import { buildMessage } from '../../src/core/export/mime.js';

const base = { key: 'email:ana@example.org', version: 2, address: 'ana@example.org', subject: 'Quick idea', body: 'Hi Ana,\nhello.' };

describe('messageIdFor', () => {
  it('is stable for the same inputs and valid for buildMessage', () => {
    const id = messageIdFor(base);
    expect(id).toMatch(/^<[0-9a-f]{32}@draftsmith\.local>$/);
    expect(messageIdFor({ ...base })).toBe(id);
    expect(() => buildMessage({ to: { email: base.address }, subject: 's', body: 'b', date: new Date(0), messageId: id })).not.toThrow();
  });
  it('ignores the address case but nothing else', () => {
    expect(messageIdFor({ ...base, address: ' Ana@Example.ORG ' })).toBe(messageIdFor(base));
    const changes: Partial<typeof base>[] = [{ key: 'email:ben@example.org' }, { version: 3 }, { address: 'ben@example.org' }, { subject: 'Quick idea!' }, { body: 'Hi Ana,\nhello!' }];
    const ids = new Set([messageIdFor(base), ...changes.map((c) => messageIdFor({ ...base, ...c }))]);
    expect(ids.size).toBe(changes.length + 1);
  });
  it('an absent subject is the empty subject', () => {
    const { subject: _s, ...noSubject } = base;
    expect(messageIdFor(noSubject)).toBe(messageIdFor({ ...base, subject: '' }));
  });
  it('holds no personal data', () => {
    expect(messageIdFor(base)).not.toContain('ana');
  });
});
