// `history show` and `history stats` as printed: the model's original of an edited approval, the
// fields recorded for learning, the learning counts; memory contents stripped of terminal controls.
import { describe, expect, it } from 'vitest';
import type { MemoryStats, PersonReport } from '../../src/core/memory/reports.js';
import { renderPerson, renderStats } from '../../src/ui/history-report.js';

describe('history report', () => {
  it('shows the original an edited approval grew from, and the fields, without terminal controls', () => {
    const report: PersonReport = {
      target: 'ana@example.org',
      people: [{ email: 'ana@example.org', firstSeen: '2026-10-01T10:00:00.000Z' }],
      messages: [
        { at: '2026-10-01T10:00:00.000Z', state: 'approved', subject: 'Mine', text: 'My body', edited: true, channel: 'email', fields: { role: 'CTO\u001b[31m' }, original: { subject: 'Model\u001b]0;x\u0007 subject', body: 'Model body' } },
        { at: '2026-10-02T10:00:00.000Z', state: 'approved', subject: 'Plain', text: 'Unedited', edited: false },
      ],
    };
    const out = renderPerson(report);
    expect(out).toContain('      fields: role: CTO\n');
    expect(out).toContain('      My body\n      --- the model wrote (before the reviewer edited it):\n      Subject: Model subject\n      Model body\n');
    expect(out.match(/the model wrote/g)).toHaveLength(1);
    expect(out).not.toMatch(/[\u001b\u0007]/);
  });

  it('counts what learning has to go on', () => {
    const stats: MemoryStats = {
      path: '/m/memory.db', bytes: 4096, schemaVersion: 2, people: 3, messages: { approved: 5, sent: 1, received: 0, withdrawn: 0 },
      doNotContact: { optedOut: 0, undeliverable: 0 }, files: { drafts: 1, export: 0 }, learning: { edited: 4, withOriginal: 3, examples: 6 },
    };
    expect(renderStats(stats)).toContain("Learning: 4 edited approval(s), 3 with the model's text (`draftsmith learn` reads those); 6 approval(s) that can serve as examples\n");
  });
});
