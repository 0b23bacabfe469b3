// Editing a draft in the user's editor: $VISUAL, then $EDITOR, then nano when installed, else vi.
// The text goes to a private temp file; the editor runs on the terminal (inherited stdio).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mergeFields, parseFieldLines, renderFieldLines } from '../core/drafting/output-fields.js';

export interface EditableDraft {
  subject?: string;
  body: string;
  /** The profile's answer fields: one `name: value` line each above the body. */
  fields?: Record<string, string>;
}

export interface EditOptions {
  env: NodeJS.ProcessEnv;
  /** Email drafts carry a `Subject:` line. */
  withSubject: boolean;
}

export type EditResult =
  | { ok: true; draft: EditableDraft }
  /** Nothing to apply: the editor failed, or the text was emptied or left unchanged. */
  | { ok: false; reason: string };

export function editorCommand(env: NodeJS.ProcessEnv): string {
  const chosen = env.VISUAL?.trim() || env.EDITOR?.trim();
  if (chosen) return chosen;
  return onPath('nano') ? 'nano' : 'vi';
}

export async function editDraft(draft: EditableDraft, opts: EditOptions): Promise<EditResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'draftsmith-edit-'));
  const file = path.join(dir, 'draft.txt');
  try {
    const before = renderEditorText(draft, opts.withSubject);
    await writeFile(file, before, { encoding: 'utf8', mode: 0o600 });
    const command = editorCommand(opts.env);
    const code = await runEditor(command, file, opts.env);
    // Like git: an editor that exits non-zero means "abandon the edit".
    if (code !== 0) return { ok: false, reason: `the editor (${command}) exited with ${code}; the draft is unchanged` };
    const after = await readFile(file, 'utf8');
    if (after === before) return { ok: false, reason: 'no change made in the editor' };
    const parsed = parseEditorText(after, opts.withSubject, draft.fields);
    if (parsed.body.trim() === '') return { ok: false, reason: 'the edited body is empty; the draft is unchanged' };
    return { ok: true, draft: parsed };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `Subject: ...`, a blank line, then the body (email); just the body otherwise. The draft's own
 * fields, when it has any, go as `name: value` lines after the subject (or first), before the blank line.
 */
export function renderEditorText(draft: EditableDraft, withSubject: boolean): string {
  const body = draft.body.endsWith('\n') ? draft.body : `${draft.body}\n`;
  const head = [...(withSubject ? [`Subject: ${draft.subject ?? ''}`] : []), ...renderFieldLines(Object.keys(draft.fields ?? {}), draft.fields)];
  return head.length > 0 ? `${head.join('\n')}\n\n${body}` : body;
}

/** `fields`: the draft's fields before the edit (their lines are read back; one left out keeps its value). */
export function parseEditorText(text: string, withSubject: boolean, fields?: Readonly<Record<string, string>>): EditableDraft {
  const normalised = text.replace(/\r\n/g, '\n');
  const names = Object.keys(fields ?? {});
  if (names.length > 0) return withFields(normalised, withSubject, names, fields);
  if (!withSubject) return { body: trimEnd(normalised) };
  const m = /^[ \t]*subject[ \t]*:[ \t]*(.*)\n?/i.exec(normalised);
  if (!m) return { subject: '', body: trimEnd(normalised.replace(/^\n+/, '')) };
  const rest = normalised.slice(m[0].length).replace(/^\n+/, '');
  return { subject: m[1]!.trim(), body: trimEnd(rest) };
}

function withFields(text: string, withSubject: boolean, names: string[], shown: Readonly<Record<string, string>> | undefined): EditableDraft {
  const lines = text.split('\n');
  const m = withSubject ? /^[ \t]*subject[ \t]*:[ \t]*(.*)$/i.exec(lines[0] ?? '') : null;
  const { fields, next } = parseFieldLines(lines, m ? 1 : 0, names);
  const body = trimEnd(lines.slice(next).join('\n').replace(/^\n+/, ''));
  return { ...(withSubject ? { subject: m?.[1]!.trim() ?? '' } : {}), body, fields: mergeFields(names, shown, fields)! };
}

function trimEnd(s: string): string {
  return s.replace(/\s+$/, '');
}

function runEditor(command: string, file: string, env: NodeJS.ProcessEnv): Promise<number> {
  // As git does: the command goes through the shell so `code --wait` or a quoted path works;
  // the file name is passed as an argument, never spliced into the command string.
  const child =
    process.platform === 'win32'
      ? spawn(command.split(/\s+/)[0]!, [...command.split(/\s+/).slice(1), file], { stdio: 'inherit', env })
      : spawn('/bin/sh', ['-c', `${command} "$@"`, command, file], { stdio: 'inherit', env });
  return new Promise((resolve) => {
    child.on('error', () => resolve(127));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function onPath(name: string): boolean {
  return spawnSync('/bin/sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}
