// What lint, review and regeneration need from the tone profile: loaded once per command, and only
// when a profile is found (reviewing and quitting need none of it).
import type { DraftRecord } from '../core/decisions/records.js';
import { recordLintInput } from '../core/lint/record-input.js';
import type { LintMemory } from '../core/lint/repeats.js';
import type { ToneProfile } from '../core/profile.js';
import type { Finding, ShownDraft } from '../ui/review/screen.js';
import type { loadTemplates } from '../io/templates.js';
import type { RuleTemplates } from '../io/rule-templates.js';

export interface LintContext {
  profile: ToneProfile;
  /** The profile file's absolute path (recorded with regenerated drafts). */
  file: string;
  templates: Awaited<ReturnType<typeof loadTemplates>>;
  /** The user templates the profile's rules name (regenerate builds a draft's prompt with its rules). */
  ruleTemplates: RuleTemplates;
  /**
   * `memory`: what the memory knows of the recipient; without it the memory's checks do not run.
   * `drafted`: the draft record the text is a version of (what the rules changed for this recipient,
   * its catalog picks: core/lint/record-input.ts).
   */
  lint: (draft: ShownDraft, recipient: Record<string, string>, memory?: LintMemory, drafted?: Pick<DraftRecord, 'effective' | 'catalog' | 'messages'>) => Finding[];
  isPrivate: (header: string) => boolean;
}

export async function loadLintContext(file: string): Promise<LintContext> {
  const [{ readProfile }, { loadTemplates }, { lintDraft }, { isPrivateHeader }, { loadRuleTemplates }] = await Promise.all([
    import('../io/profile-file.js'),
    import('../io/templates.js'),
    import('../core/lint/lint-draft.js'),
    import('../core/drafting/private-columns.js'),
    import('../io/rule-templates.js'),
  ]);
  const { profile, dir } = await readProfile(file);
  const templates = await loadTemplates(profile, dir);
  const ruleTemplates = await loadRuleTemplates(profile, file, templates);
  const privateByHeader = new Map<string, boolean>();
  return {
    profile,
    file,
    templates,
    ruleTemplates,
    lint: (draft, recipient, memory, drafted) =>
      lintDraft({ subject: draft.subject, body: draft.body, ...(draft.fields ? { fields: draft.fields } : {}), recipient, ...(memory ? { memory } : {}), ...recordLintInput(drafted) }, profile),
    isPrivate: (header) => {
      let hidden = privateByHeader.get(header);
      if (hidden === undefined) privateByHeader.set(header, (hidden = isPrivateHeader(profile, header)));
      return hidden;
    },
  };
}
