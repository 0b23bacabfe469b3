// What `learn` prints: proposals with their evidence, the nothing-to-learn note (with how much is
// needed), and no terminal control from reviewers' or models' text.
import { describe, expect, it } from 'vitest';
import type { Proposal } from '../../src/core/learning/proposals.js';
import { renderApplied, renderLearnReport, type LearnSummary } from '../../src/ui/learn-report.js';

const banned: Proposal = {
  kind: 'banned_phrase', key: 'banned_phrases', value: 'I hope this\u001b[2J finds you well', confidence: 1,
  evidence: { edits: 4, recipients: 3, examples: [{ id: 7, diff: 'NAME, [-I hope this finds you well.-] I saw …' }] },
};
const subject: Proposal = {
  kind: 'subject', key: null, value: [{ before: 'Invitation', after: 'A seat on Thursday?' }], confidence: 0.75,
  evidence: { edits: 3, recipients: 3, examples: [] },
};
const summary = (shown: Proposal[], weaker = 0): LearnSummary => ({ profile: 'profile.yaml', edits: 5, recipients: 3, shown, weaker, minEdits: 3, minRecipients: 2 });

describe('learn report', () => {
  it('lists each proposal with its change, confidence, counts and example diffs, then how to apply', () => {
    expect(renderLearnReport(summary([banned, subject], 2), { applying: false })).toBe(
      [
        '5 edited approval(s) of profile.yaml, to 3 recipient(s) suggest 2 change(s):',
        '',
        '1. banned_phrases += "I hope this\\u001b[2J finds you well"',
        '   confidence 100% (removed from drafts that had it); 4 edit(s) to 3 recipient(s)',
        '   e.g. #7: NAME, [-I hope this finds you well.-] I saw …',
        '',
        '2. subjects rewritten (shown to learn from; nothing to apply)',
        '   confidence 75% (subjects the reviewer rewrote); 3 edit(s) to 3 recipient(s)',
        '   "Invitation" -> "A seat on Thursday?"',
        '',
        '2 weaker proposal(s) not shown (a proposal needs the same change in at least 3 edits to 2 or more recipients): --all lists them.',
        'Write them into the profile: draftsmith learn --profile profile.yaml --apply',
        '',
      ].join('\n'),
    );
  });

  it('says there is nothing to learn yet, and what it takes', () => {
    const text = renderLearnReport(summary([], 1), { applying: false });
    expect(text).toMatch(/^Nothing to learn yet from 5 edited approval\(s\) of profile\.yaml, to 3 recipient\(s\): a proposal needs the same change in at least 3 edits to 2 or more recipients\.\n/);
    expect(text).toContain('1 weaker proposal(s) not shown');
    expect(text).toContain('approve --rows N --edit FILE');
  });

  it('names the backup after --apply', () => {
    expect(renderApplied('p.yaml', [banned], '/x/p.yaml.20261125T233005Z.bak')).toContain('backup of the previous version: /x/p.yaml.20261125T233005Z.bak');
    expect(renderApplied('p.yaml', [banned], undefined)).toContain('unchanged, no backup');
  });
});
