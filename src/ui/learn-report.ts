// What `draftsmith learn` prints: each proposal with its evidence and confidence, or why there is
// nothing to learn yet. Phrases, subjects and diffs come from reviewers' and models' text: every
// piece is stripped of terminal controls before it is printed. Pure strings.
import type { Proposal } from '../core/learning/proposals.js';
import { stripControlsInline as inline } from '../core/text/sanitize.js';

export interface LearnSummary {
  /** The profile's path as the user may type it. */
  profile: string;
  /** Edited approvals that changed more than whitespace, and their distinct recipients. */
  edits: number;
  recipients: number;
  shown: readonly Proposal[];
  /** Proposals backed by too few edits or recipients to be shown (learn --all shows them). */
  weaker: number;
  minEdits: number;
  minRecipients: number;
}

const percent = (x: number) => `${Math.round(x * 100)}%`;
// JSON first: a multi-line sign-off shows as one line with \n, and C0 controls become visible escapes.
const quoted = (s: string) => inline(JSON.stringify(s));

/** `banned_phrases += "..."`, `sign_off = "..."`: what applying it would write. */
export function renderChange(p: Proposal): string {
  switch (p.kind) {
    case 'banned_phrase':
    case 'required_phrase':
      return `${p.key} += ${quoted(String(p.value))}`;
    case 'greeting':
    case 'sign_off':
      return `${p.key} = ${quoted(String(p.value))}`;
    case 'length':
      return `length.max_words = ${String(p.value)}`;
    case 'subject':
      return 'subjects rewritten (shown to learn from; nothing to apply)';
  }
}

const WHY: Record<Proposal['kind'], string> = {
  banned_phrase: 'removed from drafts that had it',
  required_phrase: 'added to drafts that lacked it',
  greeting: 'approved drafts open with it',
  sign_off: 'approved drafts close with it',
  length: 'drafts the reviewer cut by a quarter or more',
  subject: 'subjects the reviewer rewrote',
};

/** One proposal: its change, then evidence lines, indented. */
export function renderProposal(p: Proposal, index: number): string {
  const e = p.evidence;
  const lines = [
    `${index}. ${renderChange(p)}`,
    `   confidence ${percent(p.confidence)} (${WHY[p.kind]}); ${e.edits} edit(s) to ${e.recipients} recipient(s)`,
  ];
  if (p.kind === 'subject' && Array.isArray(p.value)) {
    for (const pair of p.value) lines.push(`   ${quoted(pair.before)} -> ${quoted(pair.after)}`);
  } else {
    for (const x of e.examples) lines.push(`   e.g. #${x.id}: ${inline(x.diff)}`);
  }
  return lines.join('\n');
}

function needs(s: LearnSummary): string {
  return `a proposal needs the same change in at least ${s.minEdits} edits to ${s.minRecipients} or more recipients`;
}

/** The text report (stdout). */
export function renderLearnReport(s: LearnSummary, opts: { applying: boolean }): string {
  const head = `${s.edits} edited approval(s) of ${inline(s.profile)}, to ${s.recipients} recipient(s)`;
  if (s.shown.length === 0) {
    const lines = [
      `Nothing to learn yet from ${head}: ${needs(s)}.`,
      ...(s.weaker > 0 ? [`${s.weaker} weaker proposal(s) not shown: \`draftsmith learn --all\` lists them.`] : []),
      'Edit drafts in `draftsmith review` (e, then a) or with `draftsmith approve --rows N --edit FILE`, then run learn again.',
    ];
    return `${lines.join('\n')}\n`;
  }
  const lines = [`${head} suggest ${s.shown.length} change(s):`, ''];
  s.shown.forEach((p, i) => lines.push(renderProposal(p, i + 1), ''));
  if (s.weaker > 0) lines.push(`${s.weaker} weaker proposal(s) not shown (${needs(s)}): --all lists them.`);
  if (!opts.applying && s.shown.some((p) => p.key !== null)) {
    lines.push(`Write them into the profile: draftsmith learn --profile ${inline(s.profile)} --apply`);
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** After --apply (stderr): what was written and where the backup is. */
export function renderApplied(profile: string, written: readonly Proposal[], backup: string | undefined): string {
  if (written.length === 0) return `draftsmith: nothing written to ${inline(profile)}.\n`;
  const lines = [`draftsmith: wrote ${written.length} change(s) to ${inline(profile)}:`, ...written.map((p) => `  ${renderChange(p)}`)];
  lines.push(backup ? `  backup of the previous version: ${inline(backup)}` : '  (the profile already had them: unchanged, no backup)');
  lines.push(`  check it with: draftsmith profile check ${inline(profile)}`);
  return `${lines.join('\n')}\n`;
}
