import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { DecisionRecord, DraftRecord } from '../../src/core/decisions/records.js';
import { buildMessage } from '../../src/core/export/mime.js';
import { buildProvenance, PROVENANCE_FIELDS, provenanceCells, provenanceHeaders } from '../../src/core/export/provenance.js';
import { renderHistory, renderSuppression } from '../../src/ui/review/history-card.js';

const draft: DraftRecord = {
  type: 'draft', key: 'email:ana@example.org', row: 3, fingerprint: 'f'.repeat(32), status: 'drafted', recipient: { email: 'ana@example.org' },
  subject: 'Quick idea', body: 'Hi Ana', engine: 'ollama', model: 'llama3.2', host: '127.0.0.1:11434', version: 1, profile: '/p/profile.yaml',
  timing: { ms: 1 }, at: '2026-11-01T00:00:00.000Z',
};
const decision: DecisionRecord = { type: 'decision', key: 'email:ana@example.org', row: 3, status: 'approved', version: 2, reviewer: 'sam', at: '2026-11-02T10:00:00.000Z' };

describe('provenance', () => {
  it('has every field, null where the draft records nothing', () => {
    expect(buildProvenance(draft, undefined, false)).toEqual({
      engine: 'ollama', host: '127.0.0.1:11434', model: 'llama3.2', model_digest: null, seed: null, temperature: null,
      prompt_fingerprint: 'f'.repeat(32), profile: '/p/profile.yaml', history_items: 0, examples: null, reviewer: null, decided_at: null, edited: false,
    });
  });
  it('takes the generation settings from the draft and who decided when from the decision', () => {
    const p = buildProvenance({ ...draft, seed: 7, temperature: 0.4, modelDigest: 'sha256:abc', examples: 2, history: { items: 3, latest: '2026-10-01' } }, decision, true);
    expect(p).toMatchObject({ seed: 7, temperature: 0.4, model_digest: 'sha256:abc', examples: 2, history_items: 3, reviewer: 'sam', decided_at: '2026-11-02T10:00:00.000Z', edited: true });
    expect(Object.keys(p)).toEqual([...PROVENANCE_FIELDS]);
    expect(provenanceCells(p)).toEqual(['ollama', '127.0.0.1:11434', 'llama3.2', 'sha256:abc', '7', '0.4', 'f'.repeat(32), '/p/profile.yaml', '3', '2', 'sam', '2026-11-02T10:00:00.000Z', 'true']);
  });
  it('becomes X-Draftsmith-* headers without nulls, cleaned of line breaks', () => {
    const p = buildProvenance(draft, { ...decision, reviewer: 'sam\r\nBcc: evil@example.org' }, false);
    const headers = provenanceHeaders(p);
    expect(headers.map(([n]) => n)).toEqual([
      'X-Draftsmith-Engine', 'X-Draftsmith-Host', 'X-Draftsmith-Model', 'X-Draftsmith-Prompt-Fingerprint', 'X-Draftsmith-Profile',
      'X-Draftsmith-History-Items', 'X-Draftsmith-Reviewer', 'X-Draftsmith-Decided-At', 'X-Draftsmith-Edited',
    ]);
    const text = buildMessage({ to: { email: 'ana@example.org' }, subject: 's', body: 'b', date: new Date(0), messageId: '<a@b.c>', extraHeaders: headers });
    expect(text).toContain('X-Draftsmith-Reviewer: sam Bcc: evil@example.org\r\n');
    expect(text).not.toMatch(/^Bcc:/m);
    expect(() => buildMessage({ to: { email: 'a@b.co' }, subject: 's', body: 'b', date: new Date(0), messageId: '<a@b.c>', extraHeaders: [['Bcc', 'x@y.z']] })).toThrow(/header name/);
  });
});

describe('the review card\'s memory lines', () => {
  const c = new Chalk({ level: 0 });
  it('shows date, who wrote, subject and a one-line excerpt, controls stripped', () => {
    const out = renderHistory(
      [
        { at: '2026-10-03T09:00:00Z', state: 'received', subject: 'Re: Quick idea', text: 'Not now,\ntry me in Q1.\u001b]52;c;aGk=\u0007' },
        { at: '2026-10-01T09:00:00Z', state: 'sent', subject: 'Quick idea', text: 'Hi Ana, I loved your talk.' },
      ],
      100,
      c,
    );
    expect(out.split('\n')).toEqual([
      '  Earlier with this person',
      '    2026-10-03  they replied  Re: Quick idea — Not now, try me in Q1.',
      '    2026-10-01  we wrote      Quick idea — Hi Ana, I loved your talk.',
    ]);
    expect(renderHistory([], 100, c)).toBe('');
  });
  it('cuts a long line to the width with an ellipsis, never between the halves of an emoji', () => {
    const text = `${'x'.repeat(43)}😀 and more`;
    const line = renderHistory([{ at: '2026-10-03T09:00:00Z', state: 'received', subject: 'Hi', text }], 80, c).split('\n')[1]!;
    expect(line).toBe(`    2026-10-03  they replied  Hi — ${'x'.repeat(43)}…`);
    expect(line).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
  it('marks a do-not-contact recipient', () => {
    expect(renderSuppression({ kind: 'opted-out', reason: 'history optout', at: '' }, c)).toContain('DO NOT CONTACT');
  });
});
