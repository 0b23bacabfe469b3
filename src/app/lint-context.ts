// What lint, review and regeneration need from the tone profile: loaded once per command, and only
// when a profile is found (reviewing and quitting need none of it).
import type { LintMemory } from '../core/lint/repeats.js';
import type { ToneProfile } from '../core/profile.js';
import type { Finding, ShownDraft } from '../ui/review/screen.js';
import type { loadTemplates } from '../io/templates.js';

export interface LintContext {
  profile: ToneProfile;
  /** The profile file's absolute path (recorded with regenerated drafts). */
  file: string;
  templates: Awaited<ReturnType<typeof loadTemplates>>;
  /** `memory`: what the memory knows of the recipient; without it the memory's checks do not run. */
  lint: (draft: ShownDraft, recipient: Record<string, string>, memory?: LintMemory) => Finding[];
  isPrivate: (header: string) => boolean;
}

export async function loadLintContext(file: string): Promise<LintContext> {
  const [{ readProfile }, { loadTemplates }, { lintDraft }, { isPrivateHeader }] = await Promise.all([
    import('../io/profile-file.js'),
    import('../io/templates.js'),
    import('../core/lint/lint-draft.js'),
    import('../core/drafting/private-columns.js'),
  ]);
  const { profile, dir } = await readProfile(file);
  const templates = await loadTemplates(profile, dir);
  const privateByHeader = new Map<string, boolean>();
  return {
    profile,
    file,
    templates,
    lint: (draft, recipient, memory) => lintDraft({ subject: draft.subject, body: draft.body, ...(draft.fields ? { fields: draft.fields } : {}), recipient, ...(memory ? { memory } : {}) }, profile),
    isPrivate: (header) => {
      let hidden = privateByHeader.get(header);
      if (hidden === undefined) privateByHeader.set(header, (hidden = isPrivateHeader(profile, header)));
      return hidden;
    },
  };
}
