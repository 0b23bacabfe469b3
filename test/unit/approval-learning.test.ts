// What an approval teaches, as review and approve record it: the channel, the model's text when the
// reviewer edited it, and the recipient's columns as the prompt carried them (never a private one).
import { describe, expect, it } from 'vitest';
import { approvalOf } from '../../src/app/decision-memory.js';
import type { DraftRecord } from '../../src/core/decisions/records.js';
import type { StoredRecipient } from '../../src/core/decisions/rules.js';
import { parseProfile, type ToneProfile } from '../../src/core/profile.js';

function profileOf(data: Record<string, unknown>): ToneProfile {
  const parsed = parseProfile({ goal: 'book a call', ...data });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.profile;
}

function shown(edited: boolean): StoredRecipient {
  const draft = {
    type: 'draft', key: 'email:ana@example.org', row: 3, fingerprint: 'f', status: 'drafted',
    recipient: { Name: 'Ana Lima', Email: 'ana@example.org', 'Work Email': 'ana@acme.io', Role: 'CTO', Salary: '200k', Notes: '' },
    subject: 'Model subject', body: 'Model body', engine: 'ollama', model: 'm', version: 1, profile: '/p/sales.yaml', timing: { ms: 1 },
  } as DraftRecord;
  return {
    state: { key: 'email:ana@example.org', row: 3, version: edited ? 2 : 1, edited } as StoredRecipient['state'],
    draft,
    text: edited ? { subject: 'Mine', body: 'My body' } : { subject: 'Model subject', body: 'Model body' },
  };
}

const decision = { at: '2026-11-01T10:00:00Z', reviewer: 'sam' };

describe('approvalOf with the profile', () => {
  it.each([
    ['unedited: no original; private columns (and their look-alikes) and empty cells left out', false, { private: ['email', 'Salary'] }, undefined, { Name: 'Ana Lima', Role: 'CTO' }],
    ['edited: the model text is the original', true, { private: ['Salary'] }, { subject: 'Model subject', body: 'Model body' }, { Name: 'Ana Lima', Email: 'ana@example.org', 'Work Email': 'ana@acme.io', Role: 'CTO' }],
    ['fields.use limits the fields as it limits the prompt', false, { use: ['Role', 'Salary'], private: ['Salary'] }, undefined, { Role: 'CTO' }],
  ])('%s', (_, edited, fields, original, expected) => {
    const a = approvalOf(shown(edited), '/c/a.jsonl', decision, profileOf({ fields, channel: 'email' }));
    expect(a.learning).toEqual({ channel: 'email', ...(original ? { original } : {}), fields: expected });
    expect(a.edited).toBe(edited);
  });

  it('the channel is the profile’s; without a profile, no learning data', () => {
    expect(approvalOf(shown(false), '/c/a.jsonl', decision, profileOf({ channel: 'linkedin' })).learning?.channel).toBe('linkedin');
    expect(approvalOf(shown(true), '/c/a.jsonl', decision).learning).toBeUndefined();
  });
});
