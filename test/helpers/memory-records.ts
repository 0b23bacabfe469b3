// Records for memory tests: an approval of Ana's draft and a reply from her, each overridable.
import type { Approval, ImportedMessage } from '../../src/core/memory/records.js';

export function approval(over: Partial<Approval> = {}): Approval {
  return {
    who: { key: 'email:ana@example.org', email: 'ana@example.org' },
    name: 'Ana Lima',
    campaign: '/work/leads.drafts.jsonl',
    version: 1,
    subject: 'Quick idea',
    body: 'Hi Ana, a quick idea about your launch.',
    edited: false,
    engine: 'ollama',
    model: 'llama3.2',
    reviewer: 'sam',
    at: '2026-10-01T10:00:00.000Z',
    messageId: '<abc@draftsmith>',
    ...over,
  };
}

export function mail(over: Partial<ImportedMessage> = {}): ImportedMessage {
  return {
    messageId: 'r1@example.org',
    contentHash: 'h1',
    direction: 'received',
    address: 'ana@example.org',
    at: '2026-10-03T09:00:00.000Z',
    subject: 'Re: Quick idea',
    text: 'Not now, try me in Q1.',
    source: 'Inbox.mbox#1',
    ...over,
  };
}
