import { describe, expect, it } from 'vitest';
import type { ShownText } from '../../src/core/decisions/rules.js';
import type { DraftRecord, DraftStatus } from '../../src/core/decisions/records.js';
import { recipientLabel, toExportRecord as exportOf } from '../../src/core/export/export-record.js';
import type { RecipientState } from '../../src/core/decisions/recipient-index.js';

/** A stored recipient whose latest version is the draft's (or `text`), with this state. */
function toExportRecord(d: DraftRecord, over: Partial<RecipientState> = {}, text?: ShownText) {
  const state: RecipientState = {
    key: 'k', row: d.row, draftRow: d.row, status: d.status as DraftStatus, version: d.version, edited: false,
    fingerprint: d.fingerprint, legacy: false, stale: false, orphaned: false, draft: { offset: 0, length: 1 }, ...over,
  };
  const shownText = text ?? (d.status === 'drafted' ? { ...(d.subject !== undefined ? { subject: d.subject } : {}), body: d.body ?? '' } : undefined);
  return exportOf({ state, draft: d, text: shownText });
}

function draft(over: Partial<DraftRecord> = {}): DraftRecord {
  return {
    type: 'draft',
    row: 3,
    fingerprint: 'f1',
    status: 'drafted',
    recipient: { 'First Name': 'Ana', 'Last Name': 'Pereira', Email: 'ana@example.org' },
    subject: 'Your talk',
    body: 'Hi Ana,\nloved it.',
    engine: 'ollama',
    model: 'llama3.2',
    messages: [{ role: 'system', content: 'secret system prompt' }],
    version: 1,
    timing: { ms: 1200, evalCount: 80 },
    at: '2025-01-01T00:00:00.000Z',
    ...over,
  };
}

describe('toExportRecord', () => {
  it('keeps the contract fields of a drafted record and nothing internal', () => {
    const rec = toExportRecord(draft());
    expect(rec).toEqual({
      row: 3,
      recipient: { 'First Name': 'Ana', 'Last Name': 'Pereira', Email: 'ana@example.org' },
      subject: 'Your talk',
      body: 'Hi Ana,\nloved it.',
      status: 'drafted',
      model: 'llama3.2',
      version: 1,
      edited: false,
    });
    expect(Object.keys(rec)).not.toContain('messages');
    expect(Object.keys(rec)).not.toContain('fingerprint');
  });

  it('has no subject key outside the email channel', () => {
    const rec = toExportRecord(draft({ subject: undefined }));
    expect('subject' in rec).toBe(false);
  });

  it('carries the error of a failed row, with an empty body', () => {
    const rec = toExportRecord(draft({ status: 'failed', subject: undefined, body: undefined, error: 'model timed out' }));
    expect(rec.status).toBe('failed');
    expect(rec.error).toBe('model timed out');
    expect(rec.body).toBe('');
  });

  it('takes the latest version: status, a person\'s text and its version; stale and orphaned only when true', () => {
    const rec = toExportRecord(draft(), { status: 'approved', version: 2, edited: true }, { subject: 'New subject', body: 'New body' });
    expect(rec).toMatchObject({ status: 'approved', subject: 'New subject', body: 'New body', version: 2, edited: true });
    const approved = toExportRecord(draft(), { status: 'approved' });
    expect(approved).toMatchObject({ status: 'approved', body: 'Hi Ana,\nloved it.', edited: false });
    expect(approved.error).toBeUndefined();
    expect('stale' in approved || 'orphaned' in approved).toBe(false);
    expect(toExportRecord(draft(), { stale: true, orphaned: true, row: 9 })).toMatchObject({ row: 9, stale: true, orphaned: true });
  });

  it('does not share the recipient object with the journal record', () => {
    const source = draft();
    const rec = toExportRecord(source);
    rec.recipient.Email = 'changed';
    expect(source.recipient.Email).toBe('ana@example.org');
  });
});

describe('recipientLabel', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['first + last + email', { 'First Name': 'Ana', 'Last Name': 'Pereira', 'E-mail Address': 'ana@x.org' }, 'Ana Pereira <ana@x.org>'],
    ['full name column', { Name: 'Jörg Müller', email: 'j@x.de' }, 'Jörg Müller <j@x.de>'],
    ['email only', { Email: 'a@b.c', Company: 'ACME' }, 'a@b.c'],
    ['first name only', { first_name: 'Li' }, 'Li'],
    ['no recognised column', { Company: 'ACME' }, ''],
    ['blank name falls back to first/last', { Name: '  ', FirstName: 'Sam', Surname: 'Lee' }, 'Sam Lee'],
  ];
  it.each(cases)('%s', (_label, recipient, expected) => {
    expect(recipientLabel(recipient)).toBe(expected);
  });
});
