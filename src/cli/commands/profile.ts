// `draftsmith profile init [FILE]` and `draftsmith profile check FILE`.
import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import { stripControls } from '../../core/text/sanitize.js';
import { writePrivateFile } from '../../io/private-files.js';
import { catalogPicks, type ToneProfile } from '../../core/profile.js';
import { readCatalog } from '../../io/catalog-file.js';
import { readProfile, starterProfile } from '../../io/profile-file.js';
import { loadTemplates, templateSources } from '../../io/templates.js';
import { loadRuleTemplates } from '../../io/rule-templates.js';
import { describeRule } from '../../core/rules/describe.js';

export interface ProfileInitOptions {
  file?: string;
  cwd: string;
  force?: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function profileInit(opts: ProfileInitOptions): Promise<void> {
  const file = opts.file ?? 'profile.yaml';
  if (file === '-') {
    opts.stdout.write(starterProfile());
    return;
  }
  const target = path.resolve(opts.cwd, file);
  try {
    // `wx` refuses an existing file atomically: no check-then-write race. 0600 like every output.
    await writePrivateFile(target, starterProfile(), opts.force ? 'w' : 'wx');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new UsageError(`${file} already exists; not overwriting it.`, {
        hint: `pass --force to replace it, or give another name: \`draftsmith profile init my-profile.yaml\`.`,
      });
    }
    throw new UsageError(`cannot write ${file}: ${code === 'ENOENT' ? 'its folder does not exist' : (err as Error).message}`, {
      cause: err,
      hint: 'choose a path in an existing, writable folder, or `-` to print the starter to stdout.',
    });
  }
  opts.stderr.write(
    `wrote ${file}\n  next: edit its goal, sender and fields.private, then run \`draftsmith profile check ${file}\`\n`,
  );
}

export interface ProfileCheckOptions {
  file: string;
  cwd: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Validates the profile, its templates and its catalog (throws InputError), then prints a one-screen summary. */
export async function profileCheck(opts: ProfileCheckOptions): Promise<void> {
  const { profile, dir, file } = await readProfile(path.resolve(opts.cwd, opts.file));
  const templates = await loadTemplates(profile, dir);
  // A rule's template must exist and parse (the error names file:line and the rule).
  await loadRuleTemplates(profile, file, templates);
  const sources = templateSources(profile, dir);
  const custom = Object.entries(sources)
    .filter(([, s]) => s.custom)
    .map(([name, s]) => `${name}=${path.relative(opts.cwd, s.file) || s.file}`);
  const templateLine = `${custom.length > 0 ? `custom: ${custom.join(', ')}` : 'shipped'} (id ${templates.id.slice(0, 12)})`;
  const catalog = profile.catalog !== undefined ? await readCatalog(profile.catalog, dir) : undefined;
  const catalogLine = catalog ? `${path.relative(opts.cwd, catalog.file) || catalog.file} (${catalog.items.length} item(s))` : undefined;
  opts.stdout.write(renderProfileSummary(profile, opts.file, templateLine, catalogLine));
}

/** `catalogLine`: the catalog file and its item count, when the profile has one. */
export function renderProfileSummary(profile: ToneProfile, file: string, templateLine: string, catalogLine?: string): string {
  const list = (xs: readonly string[] | undefined, none: string) => (xs && xs.length > 0 ? xs.join(', ') : none);
  const oneLine = (s: string) => {
    const flat = s.replace(/\s+/g, ' ').trim();
    return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
  };
  const s = profile.sender;
  const m = profile.model;
  const modelParts = [
    m.name ?? 'llama3.2 (default)',
    `engine ${m.engine}`,
    m.temperature !== undefined ? `temperature ${m.temperature}` : undefined,
    m.seed !== undefined ? `seed ${m.seed}` : undefined,
    m.num_ctx !== undefined ? `num_ctx ${m.num_ctx}` : undefined,
    m.num_predict !== undefined ? `num_predict ${m.num_predict}` : undefined,
    m.embed !== undefined ? `embed ${m.embed}` : undefined,
  ].filter(Boolean);
  const rows: [string, string][] = [
    ['profile', `${file} (valid)`],
    ['name', profile.name ?? '(none)'],
    ['goal', oneLine(profile.goal)],
    ['channel', profile.channel === 'email' ? 'email (subject + body)' : profile.channel],
    ['tone', list(profile.tone, '(none)')],
    ['max words', profile.length ? String(profile.length.max_words) : '(no limit)'],
    ['language', profile.language ? `${profile.language} (when a recipient has none)` : '(from each recipient)'],
    ['sender', s ? [s.name, s.role, s.company, s.email && `<${s.email}>`].filter(Boolean).join(', ') : '(none)'],
    ['sign-off', profile.sign_off ? oneLine(profile.sign_off) : '(none)'],
    // The keys `learn` writes: shown only when set, so a profile without them prints as before.
    ...(profile.greeting !== undefined ? [['greeting', profile.greeting] as [string, string]] : []),
    ['private', `${list(profile.fields.private, '(none)')}${profile.fields.private.length > 0 ? ' (never sent to the model)' : ''}`],
    ['sent', profile.fields.use ? `only ${list(profile.fields.use, '(none)')}` : 'every other column'],
    ['do / dont', `${profile.do.length} / ${profile.dont.length} rule(s)`],
    ['banned', `${profile.banned_phrases.length} phrase(s)`],
    ...(profile.required_phrases ? [['required', `${profile.required_phrases.length} phrase(s)`] as [string, string]] : []),
    ['examples', String(profile.examples.length)],
    ...(profile.output?.fields ? [['answer fields', `${Object.keys(profile.output.fields).join(', ')} (asked with the subject and body; exported as columns)`] as [string, string]] : []),
    ['model', modelParts.join(', ')],
    ['templates', templateLine],
  ];
  if (catalogLine !== undefined) {
    const ranked = m.embed !== undefined ? `by embeddings (${m.embed})` : 'by BM25 (no model.embed)';
    rows.push(['catalog', `${catalogLine}, ${catalogPicks(profile)} pick(s) per recipient ${ranked}`]);
  }
  // Shown only when set, so a profile without them prints as before.
  const rules = profile.rules ?? [];
  if (rules.length > 0) rows.push(['rules', `${rules.length} rule(s), evaluated per recipient in order`], ...rules.map((r, i): [string, string] => ['', describeRule(r, i)]));
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  // Profile text may hold escape sequences (YAML "\e[..."): strip them before they reach a terminal.
  return rows.map(([k, v]) => `${(k ? `${k}:` : '').padEnd(width + 1)}${stripControls(oneLine(v))}\n`).join('');
}
