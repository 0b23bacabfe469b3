// The decision model's rules (src/core/decisions/rules.ts), one table each: what a `draft` run does
// with a recipient it knows, which text a version has, and which recipients an export takes.
import { describe, expect, it } from 'vitest';
import {
  APPROVED_ONLY,
  effectiveText,
  isExportable,
  planRow,
  type ExportChoice,
  type KnownRecipient,
  type PlanOptions,
  type RowPlan,
} from '../../src/core/decisions/rules.js';
import type { DecisionRecord, DraftRecord, DraftStatus, EditRecord } from '../../src/core/decisions/records.js';

describe('planRow: a person’s decision or edit is never redrafted unasked', () => {
  const known = (status: DraftStatus, edited = false): KnownRecipient => ({
    status, version: 1, edited, fingerprint: 'fp', legacy: false, stale: false,
  });
  const plain: PlanOptions = { force: false, redraftDecided: false };
  const force: PlanOptions = { force: true, redraftDecided: false };
  const redraft: PlanOptions = { force: false, redraftDecided: true };
  it.each<[string, KnownRecipient | undefined, boolean, PlanOptions, RowPlan]>([
    ['a new recipient', undefined, false, plain, 'draft'],
    ['a failed draft, same inputs', known('failed'), true, plain, 'draft'],
    ['an undecided draft, same inputs', known('drafted'), true, plain, 'cached'],
    ['an undecided draft, changed inputs', known('drafted'), false, plain, 'draft'],
    ['an approved draft, same inputs', known('approved'), true, plain, 'cached'],
    ['an approved draft, changed inputs', known('approved'), false, plain, 'stale'],
    ['a skipped draft, changed inputs', known('skipped'), false, plain, 'stale'],
    ['an edited, undecided version, changed inputs', known('drafted', true), false, plain, 'stale'],
    ['an approved draft, changed inputs, --redraft-decided', known('approved'), false, redraft, 'draft'],
    ['a skipped draft, changed inputs, --redraft-decided', known('skipped'), false, redraft, 'draft'],
    ['an edited version, changed inputs, --redraft-decided', known('drafted', true), false, redraft, 'draft'],
    ['an approved draft, same inputs, --redraft-decided', known('approved'), true, redraft, 'cached'],
    ['an approved draft, same inputs, --force', known('approved'), true, force, 'draft'],
    ['an undecided draft, same inputs, --force', known('drafted'), true, force, 'draft'],
    ['an excluded recipient the run found contactable again, same inputs', known('excluded'), true, plain, 'draft'],
  ])('%s -> %s', (_label, k, matches, opts, plan) => {
    expect(planRow(k, matches, opts)).toBe(plan);
  });
});

describe('effectiveText: the latest version’s text', () => {
  const draft = (over: Partial<DraftRecord> = {}): DraftRecord => ({
    type: 'draft', key: 'k', row: 1, fingerprint: 'fp', status: 'drafted', recipient: {}, subject: 'Model subject',
    body: 'Model body', engine: 'fake', model: 'm', version: 1, timing: { ms: 1 }, at: 't', ...over,
  });
  const edit = (over: Partial<EditRecord> = {}): EditRecord => ({ type: 'edit', key: 'k', row: 1, version: 2, body: 'Mine', at: 't', ...over });
  const approval: DecisionRecord = { type: 'decision', key: 'k', row: 1, status: 'approved', version: 1, at: 't' };
  const { subject: _s, ...noSubject } = draft();
  const { body: _b, ...noBody } = draft();
  it.each<[string, DraftRecord, EditRecord | DecisionRecord | undefined, unknown]>([
    ['the model’s draft', draft(), undefined, { subject: 'Model subject', body: 'Model body' }],
    ['a draft without subject has none', noSubject as DraftRecord, undefined, { body: 'Model body' }],
    ['a drafted record without body reads as empty', noBody as DraftRecord, undefined, { subject: 'Model subject', body: '' }],
    ['the person’s edit over the draft', draft(), edit({ subject: 'My subject' }), { subject: 'My subject', body: 'Mine' }],
    ['an edit without subject has none (the draft’s is not borrowed)', draft(), edit(), { body: 'Mine' }],
    ['a decision without text leaves the draft’s', draft(), approval, { subject: 'Model subject', body: 'Model body' }],
    ['an old decision carrying text is an edit', draft(), { ...approval, status: 'edited', body: 'Old edit' }, { body: 'Old edit' }],
    ['a failed draft has no text', draft({ status: 'failed', body: undefined }), undefined, undefined],
    ['a failed draft someone edited has the edit', draft({ status: 'failed' }), edit(), { body: 'Mine' }],
  ])('%s', (_label, d, e, expected) => {
    expect(effectiveText(d, e)).toStrictEqual(expected);
  });
});

describe('isExportable: approved only, orphans never, unless asked', () => {
  const all: ExportChoice = { statuses: 'all', includeOrphans: false };
  const skippedFailed: ExportChoice = { statuses: new Set<DraftStatus>(['skipped', 'failed']), includeOrphans: false };
  const withOrphans: ExportChoice = { ...APPROVED_ONLY, includeOrphans: true };
  it.each<[string, DraftStatus, boolean, ExportChoice, boolean]>([
    ['approved, by default', 'approved', false, APPROVED_ONLY, true],
    ['drafted, by default', 'drafted', false, APPROVED_ONLY, false],
    ['skipped, by default', 'skipped', false, APPROVED_ONLY, false],
    ['failed, by default', 'failed', false, APPROVED_ONLY, false],
    ['an approved orphan, by default', 'approved', true, APPROVED_ONLY, false],
    ['an approved orphan, --include-orphans', 'approved', true, withOrphans, true],
    ['a drafted orphan, --include-orphans', 'drafted', true, withOrphans, false],
    ['drafted, --all', 'drafted', false, all, true],
    ['a drafted orphan, --all without --include-orphans', 'drafted', true, all, false],
    ['skipped, --status skipped,failed', 'skipped', false, skippedFailed, true],
    ['approved, --status skipped,failed', 'approved', false, skippedFailed, false],
    ['excluded, --all', 'excluded', false, all, false],
    ['excluded, --status excluded', 'excluded', false, { statuses: new Set<DraftStatus>(['excluded']), includeOrphans: true }, false],
  ])('%s -> %s', (_label, status, orphaned, choice, expected) => {
    expect(isExportable({ status, orphaned }, choice)).toBe(expected);
  });
});
