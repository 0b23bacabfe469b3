// Reads a tone profile from YAML. Syntax errors and schema problems both become one InputError
// that names file:line:column and the key path, with every further problem in `details`.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { InputError } from '../core/errors.js';
import { formatPath, parseProfile, type ProfileIssue, type ToneProfile } from '../core/profile.js';
import { rulePathLabel, ruleIssues } from '../core/rules/validate.js';

export interface ProfileFile {
  profile: ToneProfile;
  /** Absolute path of the profile. */
  file: string;
  /** Its folder: `prompts` overrides are relative to it. */
  dir: string;
}

export async function readProfile(file: string): Promise<ProfileFile> {
  const absolute = path.resolve(file);
  const shown = displayPath(absolute);
  let src: string;
  try {
    src = await readFile(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new InputError(`tone profile not found: ${shown}`, {
        cause: err,
        hint: `create one with \`draftsmith profile init ${shown}\`, or check the --profile path.`,
      });
    }
    throw new InputError(`cannot read the tone profile ${shown}: ${code === 'EISDIR' ? 'it is a folder' : (err as Error).message}`, {
      cause: err,
      hint: 'pass the path of a .yaml file; `draftsmith profile init FILE` writes a starter.',
    });
  }
  return { profile: parseProfileText(src, shown), file: absolute, dir: path.dirname(absolute) };
}

/** Parse profile YAML; `shown` is the file name used in messages. Throws InputError. */
export function parseProfileText(src: string, shown: string): ToneProfile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(src.replace(/^\uFEFF/, ''), { lineCounter, prettyErrors: true });
  const hint = `fix it, then run \`draftsmith profile check ${shown}\`; \`draftsmith profile init -\` prints a commented example.`;

  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
      const text = (e.message.split('\n')[0] ?? e.code).replace(/ at line \d+, column \d+:?$/, '');
      return { line: pos.line, column: pos.col, text: `${shown}:${pos.line}:${pos.col}: YAML syntax error: ${text}` };
    });
    throw located(problems, hint, undefined, doc.errors[0]);
  }

  let data: unknown;
  try {
    data = doc.toJS();
  } catch (err) {
    // e.g. an alias bomb: yaml refuses excessive alias expansion
    throw new InputError(`${shown}: ${(err as Error).message}`, { cause: err, hint });
  }
  const result = parseProfile(data);
  // What a schema cannot check about `rules:` (regexes compile, no sentiment of a private column).
  const issues = result.ok ? ruleIssues(result.profile) : result.issues;
  if (result.ok && issues.length === 0) return result.profile;

  const problems = issues
    .map((issue) => {
      const { line, col } = lineCounter.linePos(issueOffset(doc, issue));
      const key = rulePathLabel((i) => rawRuleName(data, i), issue.path, formatPath) || '(profile)';
      return { line, column: col, field: key, text: `${shown}:${line}:${col}: ${key}: ${issue.message}` };
    })
    .sort((a, b) => a.line - b.line || a.column - b.column);
  throw located(problems, hint, problems[0]?.field);
}

/** Where a key path's value starts in profile YAML (for errors found after loading: a rule's template file). */
export function positionOf(src: string, keyPath: (string | number)[]): { line: number; column: number } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(src.replace(/^\uFEFF/, ''), { lineCounter });
  const { line, col } = lineCounter.linePos(issueOffset(doc, { path: keyPath, message: '' }));
  return { line, column: col };
}

/** rules[i]'s name as written, when it is text (a schema error may be about the rule itself). */
function rawRuleName(data: unknown, index: number): string | undefined {
  const rule = (data as { rules?: unknown } | null)?.rules;
  const name = Array.isArray(rule) ? (rule[index] as { name?: unknown } | null)?.name : undefined;
  return typeof name === 'string' ? name.trim() : undefined;
}

interface Problem {
  line: number;
  column: number;
  text: string;
}

function located(problems: Problem[], hint: string, field: string | undefined, cause?: unknown): InputError {
  const [first, ...rest] = problems;
  // The position is already in the message; `location` carries it for programs but has no
  // `file`, so the error printer does not prefix it a second time.
  return new InputError(first!.text, {
    hint,
    cause,
    details: rest.map((p) => p.text),
    location: { line: first!.line, column: first!.column, ...(field ? { field } : {}) },
  });
}

/** Offset of the node an issue is about: the key itself for unknown keys, else the value, else the nearest parent. */
function issueOffset(doc: Document, issue: ProfileIssue): number {
  const keyPath = issue.path;
  if (issue.unknownKey) {
    const parent = keyPath.length > 1 ? doc.getIn(keyPath.slice(0, -1), true) : doc.contents;
    const last = keyPath[keyPath.length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === last);
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return range[0];
    }
  }
  for (let n = keyPath.length; n > 0; n--) {
    const node = doc.getIn(keyPath.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return node.range[0];
  }
  return (doc.contents as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
}

/** Relative to the working folder when inside it (shorter messages), else absolute. */
function displayPath(absolute: string): string {
  const rel = path.relative(process.cwd(), absolute);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : absolute;
}

/** A commented starter profile that covers every key (`draftsmith profile init`). */
export function starterProfile(): string {
  return STARTER;
}

const STARTER = `# draftsmith tone profile: how every draft should sound and what it is for.
# Check it with \`draftsmith profile check FILE\`; draft with \`draftsmith draft leads.csv --profile FILE\`.

# A label for you; shown by \`profile check\`.
name: Community meetup invitation

# Required. What every message should achieve, in a sentence or two.
goal: >-
  Invite the recipient to our next community meetup on observability (Thursday 18:30, in person),
  and ask whether they would like a seat.

# email (drafts a subject and a body) | linkedin | sms | note
channel: email

# One word or a list of them.
tone:
  - warm
  - concise
  - peer-to-peer, not salesy

length:
  max_words: 120        # the body's upper limit

# Language for recipients whose row has no language column or an empty one (a code or a name).
language: en

# Ends every message, exactly once.
sign_off: |-
  Best,
  Alex

# Who the messages are from. \`email\` is optional (used as From: when exporting .eml files).
sender:
  name: Alex Morgan
  role: Community Lead
  company: Example Labs
  email: alex@example.com

do:
  - Mention one thing from their role, interests or notes that connects to the meetup.
  - End with a simple yes/no question.
dont:
  - Do not mention pricing or discounts.
  - Do not promise anything that is not in the goal.

# Never in a draft (the lint checks too, case-insensitively).
banned_phrases:
  - I hope this email finds you well
  - circle back
  - synergy

# Optional: the opening word(s) before the recipient's name, and phrases every draft includes
# (\`draftsmith learn\` proposes both from your edits; the lint checks them).
# greeting: Hello
# required_phrases:
#   - Happy to send the slides afterwards.

# Few-shot examples: a recipient's fields and a message you would be happy to send.
# \`message\` is text, or {subject, body} for email.
examples:
  - recipient:
      first_name: Sam
      company: Acme Tools
      role: SRE Lead
      interests: alerting, on-call
    message:
      subject: "Sam, an evening on alert fatigue?"
      body: |-
        Hi Sam,

        You run on-call at Acme Tools, so our next meetup might be right up your street: three
        short talks on taming alert noise, Thursday at 18:30.

        Would you like me to save you a seat?

        Best,
        Alex

fields:
  # Columns that are NEVER sent to the model (header as written, snake_case, or a canonical name).
  private: [email, phone]
  # Optional allow-list: only these columns are sent (minus the private ones). Remove to send all.
  # use: [first_name, company, role, interests, notes, language]

# Who a recipient is, so drafts and decisions follow the person, not the row number. Default:
# the e-mail (trimmed, lower-cased), else a profile-URL column, else the row's non-private cells.
# identity: [crm_id]

model:
  engine: auto          # auto | ollama | openai | llama-cpp
  name: llama3.2        # --model overrides it
  temperature: 0.7      # 0 = most predictable; --temperature overrides it
  seed: 42              # same seed + same inputs = same draft; --seed overrides it
  num_ctx: 4096         # context window in tokens
  num_predict: 600      # upper bound on generated tokens
  # embed: nomic-embed-text   # embedding model the catalog is ranked with (BM25 without it)
  # Several model servers, each with its own slots (--host replaces the list); an OpenAI-compatible
  # one may name the variable holding its API key (the name only, never the key):
  # hosts:
  #   - http://10.0.0.5:11434
  #   - { url: http://10.0.0.6:8000/v1, concurrency: 8, api_key_env: GPU2_API_KEY }

# How much of each recipient's remembered history (the memory: earlier messages and replies) goes
# into a prompt. All optional; these are the defaults. draft --no-memory sends none.
# memory:
#   history_items: 3      # the most recent interactions (0 = none)
#   history_since: 365d   # only newer than this (d, w, m or y)
#   excerpt_chars: 400    # characters of each message's excerpt
#   examples: 3           # earlier approved messages of this profile shown as examples of your voice (0 = none)

# Optional: things a draft may offer or link (case studies, products, articles, events), relative
# to this file: a .yaml list of items (id, title, description, url, tags), a .csv or a .jsonl.
# Each recipient gets the catalog_picks most relevant ones (by model.embed's embeddings, else BM25).
# catalog: products.yaml
# catalog_picks: 2

# Optional: rules evaluated per recipient, in order (see the README's "Rules, catalog and variants").
# rules:
#   - name: churned
#     when: {column: status, equals: churned}
#     then: {instructions: "Acknowledge they left; no hard pitch."}
#   - when: {column: do_not_email, equals: "yes"}
#     then: {skip: true}

# Optional: several drafts per recipient, each from its own angle; the reviewer picks one.
# variants:
#   - {name: short, instructions: "Three sentences at most."}
#   - {name: story, instructions: "Open with a one-line story from their field."}

# Optional: extra fields the model writes next to the subject and body (exported as columns).
# output:
#   fields:
#     ps: a one-line P.S. about their talk

# Optional: your own prompt templates (mustache), relative to this file.
# prompts:
#   system: prompts/system.mustache
#   user: prompts/user.mustache
#   regenerate: prompts/regenerate.mustache
`;
