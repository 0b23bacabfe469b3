// `draftsmith learn`: the edits reviewers made to this profile's drafts (the memory's edited
// approvals), aggregated into proposals for the profile (core/learning), and, on --apply, the
// accepted ones written into the profile file (io/profile-edit.ts). Which profile: --profile, else
// the one profile the memory has edits for.
import { access } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { applicable, learnFromEdits, MIN_EDITS, MIN_RECIPIENTS, strongEnough, type Proposal } from '../core/learning/proposals.js';
import type { ToneProfile } from '../core/profile.js';
import { stripControlsInline } from '../core/text/sanitize.js';
import { writeProfileEdits, type ProfileWrite } from '../io/profile-edit.js';
import { readProfile } from '../io/profile-file.js';
import type { LearnSummary } from '../ui/learn-report.js';
import { openMemory, memoryPath, type MemoryFlag } from './open-memory.js';

export interface LearnRequest {
  /** --profile as typed. */
  profile?: string;
  memory?: MemoryFlag;
  /** Also proposals backed by fewer than 3 edits or 2 recipients. */
  all?: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  notice: (message: string) => void;
}

export interface Learned {
  /** Absent when there is no memory at all. */
  summary?: LearnSummary;
  /** The memory's path (for the no-memory note). */
  memory: string;
  /** The profile's absolute path (absent when the memory has no edits for any profile). */
  profileFile?: string;
}

/** The path as the user may type it: relative to the working folder when inside it. */
function shown(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** The profile the memory has edits for, when there is exactly one; a usage error when several. */
function onlyProfile(rows: { profile: string; edited: number }[], cwd: string): string | undefined {
  // One row a profile and channel: add a profile's channels up.
  const byProfile = new Map<string, number>();
  for (const r of rows) byProfile.set(r.profile, (byProfile.get(r.profile) ?? 0) + r.edited);
  const profiles = [...byProfile].map(([profile, edited]) => ({ profile, edited }));
  const withEdits = profiles.filter((p) => p.edited > 0).sort((a, b) => b.edited - a.edited || (a.profile < b.profile ? -1 : 1));
  if (withEdits.length <= 1) return withEdits[0]?.profile;
  throw new UsageError(`the memory has edits for ${withEdits.length} profiles: say which one with --profile.`, {
    hint: withEdits.map((p) => `draftsmith learn --profile ${stripControlsInline(shown(p.profile, cwd))}   # ${p.edited} edited approval(s)`).join('\n'),
  });
}

export async function learnFromMemory(req: LearnRequest): Promise<Learned> {
  const memory = memoryPath(req.memory, req.env, req.cwd);
  const given = req.profile === undefined ? undefined : path.resolve(req.cwd, req.profile);
  // A profile named on the command line must be valid before anything else.
  let current: ToneProfile | undefined = given === undefined ? undefined : (await readProfile(given)).profile;
  const opened = await openMemory(req.memory, req, 'read');
  if (!opened) return { memory };
  try {
    const store = opened.store;
    const profileFile = given ?? onlyProfile(store.learningProfiles(), req.cwd);
    if (profileFile === undefined) return { memory, summary: summaryOf('(no profile yet)', [], 0, 0, req.all) };
    if (!current && (await exists(profileFile))) current = (await readProfile(profileFile)).profile;
    const learned = learnFromEdits(store.editsOf(profileFile), current ?? {});
    return { memory, profileFile, summary: summaryOf(shown(profileFile, req.cwd), learned.proposals, learned.edits, learned.recipients, req.all) };
  } finally {
    opened.store.close();
  }
}

function summaryOf(profile: string, proposals: Proposal[], edits: number, recipients: number, all?: boolean): LearnSummary {
  const shownList = all ? proposals : proposals.filter((p) => strongEnough(p));
  return { profile, edits, recipients, shown: shownList, weaker: proposals.length - shownList.length, minEdits: MIN_EDITS, minRecipients: MIN_RECIPIENTS };
}

/** Writes the accepted proposals (those with a key) into the profile; a backup first. */
export async function applyProposals(profileFile: string, accepted: readonly Proposal[], now = new Date()): Promise<ProfileWrite & { written: Proposal[] }> {
  const written = accepted.filter(applicable);
  if (!(await exists(profileFile))) {
    throw new UsageError(`the profile ${profileFile} is not there any more, so nothing can be written into it.`, {
      hint: 'pass the profile\'s new place with --profile FILE.',
    });
  }
  const result = await writeProfileEdits(profileFile, written.map((p) => ({ key: p.key, value: p.value as string | number })), now);
  return { ...result, written };
}
