// draft + profile + recipient -> findings a reviewer sees before reading the draft. Pure.
// Precision over recall: a finding on a good draft costs the reviewer more than a miss, so each
// check fires only on patterns that are wrong in any outreach message. Greetings, contacts,
// placeholders and language each have their own module.
import { storedRow, type StoredRow } from '../recipients/recipients.js';
import { findPlaceholders } from './placeholders.js';
import { DETECTABLE, languageGaps, normaliseLanguage, sameLanguage } from './language.js';
import { checkGreeting, type RecipientNames } from './greeting.js';
import { unknownContacts } from './contacts.js';
import { memoryFindings, type LintMemory } from './repeats.js';
import { learnedStyle } from './learned-style.js';
import { foldText, phrasesIn, plainText } from './phrase-match.js';
import { groundingFindings } from './grounded.js';

import type { LintFinding, LintLevel } from './finding.js';

/** The part of the tone profile the lint reads (the profile's YAML keys); the whole profile may be passed. */
export interface LintProfile {
  channel?: 'email' | 'linkedin' | 'sms' | 'note';
  length?: { max_words?: number };
  language?: string;
  sign_off?: string;
  banned_phrases?: string[];
  greeting?: string;
  required_phrases?: string[];
  sender?: { name?: string; role?: string; company?: string; email?: string; [k: string]: unknown };
  [k: string]: unknown;
}

type CanonicalName = 'first_name' | 'last_name' | 'full_name' | 'email' | 'company' | 'language';

export interface LintInput {
  subject?: string;
  body: string;
  /** All CSV columns by header. */
  recipient: Record<string, string>;
  /** Canonical values if known; otherwise derived from `recipient` by common header names. */
  canonical?: Partial<Record<CanonicalName, string>>;
  /** What the memory knows about the recipient; absent without a memory (its checks do not run). */
  memory?: LintMemory;
  /** Further texts the model was given (catalog picks...): details found there are grounded. */
  grounding?: readonly string[];
  /** What the profile's rules changed for this recipient (record.effective): checked instead of the profile's own. */
  effective?: { language?: string; sign_off?: string };
  /**
   * The links the draft may carry besides the profile's and the row's: its catalog picks' URLs.
   * Given (even empty) when the draft was made with a catalog: any other URL is named as not a pick.
   */
  links?: readonly string[];
  /** The profile's own answer fields (output.fields) as written, by name. */
  fields?: Readonly<Record<string, string>>;
}

/** Findings sorted errors first, then warnings, each group in check order; checked against the recipient's effective profile (the rules' language and sign-off over the profile's). */
export function lintDraft(input: LintInput, base: LintProfile): LintFinding[] {
  const profile = input.effective && typeof input.effective === 'object' ? { ...base, ...input.effective } : base;
  const found: LintFinding[] = [];
  const add = (level: LintLevel, code: string, message: string) => found.push({ level, code, message });
  // Records from elsewhere (`draftsmith lint FILE`) may lack fields or hold non-strings.
  const body = typeof input.body === 'string' ? input.body : '';
  const subject = typeof input.subject === 'string' ? input.subject : '';
  const recipient = input.recipient && typeof input.recipient === 'object' ? input.recipient : {};
  const stored = storedRow(recipient);
  const canonical = canonicalValues({ ...input, recipient }, stored);

  if (profile.channel === 'email' && subject.trim() === '') add('error', 'missing-subject', 'email draft has no subject');
  if (input.memory) for (const f of memoryFindings(subject, body, input.memory)) add(f.level, f.code, f.message);
  if (body.trim() === '') {
    add('error', 'empty-body', 'the draft body is empty');
    return sorted(found);
  }

  const placeholders = findPlaceholders(`${subject}\n${body}`, new Set(stored.columns.keys));
  for (const p of placeholders) add('error', 'placeholder', `unfilled placeholder ${p}`);
  for (const f of fieldFindings(input.fields, new Set(stored.columns.keys))) add(f.level, f.code, f.message);
  // Reported once as a placeholder: "Hi {{FIRST_NAME}}" is not also a greeting to "FIRST NAME".
  const filled = placeholders.reduce((text, p) => text.split(p).join(' '), body);

  const maxWords = profile.length?.max_words;
  const words = countWords(body);
  if (maxWords !== undefined && maxWords > 0 && words > maxWords) {
    add(words > maxWords * 1.5 ? 'error' : 'warning', 'too-long', `${words} words, the profile allows ${maxWords}`);
  }

  const banned = Array.isArray(profile.banned_phrases) ? profile.banned_phrases : [];
  for (const phrase of phrasesIn(`${subject}\n${body}`, banned)) {
    add('error', 'banned-phrase', `banned phrase "${phrase}"`);
  }

  const names: RecipientNames = {
    first: canonical.first_name, last: canonical.last_name, full: canonical.full_name, company: canonical.company,
  };
  for (const f of checkGreeting(subject, filled, names)) add(f.level, f.code, f.message);

  for (const message of artefacts(subject, body)) add('error', 'artefact', message);
  // Escape sequences are stripped on screen and in CSV, but a mail client or CRM may not do so.
  const controls = (`${subject}\n${body}`.match(CONTROL_CHARS) ?? []).length;
  if (controls > 0) add('error', 'control-chars', `${controls} terminal control character(s) in the draft (hidden on screen)`);

  const language = normaliseLanguage(canonical.language ?? '') ?? normaliseLanguage(String(profile.language ?? ''));
  const signOff = checkSignOff(body, profile, language);
  if (signOff) add(signOff.level, signOff.code, signOff.message);

  for (const f of learnedStyle(body, profile, language)) add(f.level, f.code, f.message);

  const wrong = language ? wrongLanguage(body, language) : undefined;
  if (wrong) add('warning', 'wrong-language', `the draft seems to be in '${wrong}', the recipient's language is '${language}'`);

  found.push(...contactFindings(`${subject}\n${body}`, profile, recipient, input.links));
  for (const f of groundingFindings({ ...input, subject, body: filled, recipient }, profile, language)) add(f.level, f.code, f.message);
  return sorted(found);
}

export { foldText };

/** `unknown-contact`: contacts nobody gave the model; for a draft made with a catalog, a URL none of its picks has. */
function contactFindings(text: string, profile: LintProfile, recipient: Record<string, string>, given: unknown): LintFinding[] {
  const links = Array.isArray(given) ? given.filter((l): l is string => typeof l === 'string') : undefined;
  return unknownContacts(text, profile, recipient, links).map((c) => {
    const where = links && c.kind === 'URL' ? "this recipient's catalog picks, the profile or their row" : "the profile or the recipient's row";
    return { level: 'warning', code: 'unknown-contact', message: `${c.kind} ${c.text} is not in ${where}` };
  });
}

/** The answer's own fields: an unfilled placeholder or a control character is an error, an empty field a warning. */
function fieldFindings(fields: LintInput['fields'], columns: ReadonlySet<string>): LintFinding[] {
  if (!fields || typeof fields !== 'object') return [];
  const out: LintFinding[] = [];
  for (const [name, value] of Object.entries(fields)) {
    const text = typeof value === 'string' ? value : '';
    if (text.trim() === '') out.push({ level: 'warning', code: 'empty-field', message: `the field ${name} is empty` });
    for (const p of findPlaceholders(text, columns)) out.push({ level: 'error', code: 'placeholder', message: `unfilled placeholder ${p} in the field ${name}` });
    const controls = (text.match(CONTROL_CHARS) ?? []).length;
    if (controls > 0) out.push({ level: 'error', code: 'control-chars', message: `${controls} terminal control character(s) in the field ${name} (hidden on screen)` });
  }
  return out;
}

export function hasErrors(findings: readonly LintFinding[]): boolean {
  return findings.some((f) => f.level === 'error');
}

function sorted(findings: LintFinding[]): LintFinding[] {
  return [...findings.filter((f) => f.level === 'error'), ...findings.filter((f) => f.level === 'warning')];
}

/** input.canonical, filled in from the row's headers (First Name, Given Name, Language...). */
function canonicalValues(input: LintInput, { headers, columns: { canonical } }: StoredRow): Partial<Record<CanonicalName, string>> {
  const out: Partial<Record<CanonicalName, string>> = {};
  for (const field of ['first_name', 'last_name', 'full_name', 'email', 'company', 'language'] as const) {
    const given = input.canonical?.[field];
    const index = canonical[field];
    const fromRow = index === undefined ? undefined : input.recipient[headers[index]!];
    const value = (given ?? fromRow ?? '').toString().trim();
    if (value) out[field] = value;
  }
  return out;
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** A preamble sentence: at the very start of the body, or a line of its own ending with ':'. */
function preamble(src: string): RegExp {
  return new RegExp(`(?<![\\s\\S])(?:${src})|^(?:${src})[^\\n]*:[ \\t]*$`, 'm');
}

// Model artefacts: text about the message rather than the message. Matched on folded text
// (lower case, no accents), anchored to where a model puts them, to spare real prose.
const ARTEFACTS: { re: RegExp; what: string }[] = [
  { re: /\bas an ai\b(?=[,.]| (language )?model| assistant)|\bi am an ai\b|\bi'm an ai\b/, what: '"As an AI"' },
  { re: /\bas a (large )?language model\b/, what: '"As a language model"' },
  { re: /\b(als (ki|ki-sprachmodell|sprachmodell)|en tant qu'(ia|intelligence artificielle|assistant)|como (una )?(ia|inteligencia artificial)|como um modelo de linguagem|come (un )?modello (di linguaggio|linguistico))\b[,.]/, what: 'an "As an AI" statement' },
  { re: preamble("(here is|here's|below is)( a| an| the| your| my)?( revised| personali[sz]ed| short| updated)? (draft|message|email|e-mail|version|note|outreach)"), what: 'a "Here is a draft" preamble' },
  { re: /(?<![\s\S])(sure|certainly|of course|absolutely)[!,.][^\n]*\b(here|below|i can|i'd be happy)\b/, what: 'a "Sure!" preamble' },
  { re: preamble('(hier ist|hier ein|voici|aqui (tienes|esta|tiene)|aqui esta|ecco)( (ein|der|ihr|dein|eine|un|une|le|votre|ton|el|tu|su|um|o|seu|uma|una|la|il|lo))? (kurzer |personalisierter )?(entwurf|nachricht|e-mail|brouillon|message|projet|borrador|mensaje|correo|rascunho|mensagem|bozza|messaggio)'), what: 'a "Here is a draft" preamble' },
  { re: /^(subject|betreff|objet|asunto|assunto|oggetto) ?:/m, what: 'a "Subject:" line inside the body' },
  { re: /(let me know|feel free to (adjust|customi[sz]e|tweak))[^\n]*\b(adjust|tweak|revise|changes to (this|the) (draft|message|email))\b[^\n]*$/, what: 'a note to the user about the draft' },
];

const MARKDOWN: { re: RegExp; what: string }[] = [
  { re: /^\s*(```|~~~)/m, what: 'a markdown code fence' },
  { re: /\*\*[^*\n]+\*\*|(?<![\p{L}\p{N}_])__[^_\n]+__(?![\p{L}\p{N}_])/u, what: 'markdown bold markers' },
  { re: /^#{1,6} \S/m, what: 'a markdown heading' },
  { re: /\[[^\]\n]+\]\((https?:|mailto:)[^)\s]+\)/, what: 'a markdown link' },
];

/** C0 controls but tab, newline and carriage return; DEL; C1 controls. */
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function artefacts(subject: string, body: string): string[] {
  const foldedBody = body
    .split('\n')
    .map((l) => foldText(l))
    .join('\n')
    .trim();
  const out = new Set<string>();
  for (const { re, what } of ARTEFACTS) if (re.test(foldedBody)) out.add(`model artefact: ${what}`);
  for (const { re, what } of MARKDOWN) {
    if (re.test(body) || re.test(subject)) out.add(`${what} in a plain-text message`);
  }
  return [...out];
}

/** The sign-off with {{sender.x}} filled from the profile; undefined if it still has slots. */
function expectedSignOff(profile: LintProfile): string | undefined {
  const raw = profile.sign_off;
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const filled = raw.replace(/\{\{\s*sender\.(\w+)\s*\}\}/g, (_, k: string) => String(profile.sender?.[k] ?? ''));
  return /\{\{|\}\}/.test(filled) ? undefined : filled;
}

function checkSignOff(body: string, profile: LintProfile, language: string | undefined): LintFinding | undefined {
  const signOff = expectedSignOff(profile);
  if (!signOff) return undefined;
  // Punctuation-insensitive: "Best\nSam" and "Best,\nSam." are the same sign-off.
  const plain = plainText;
  const wanted = plain(signOff);
  if (wanted === '') return undefined;
  const lines = body.split('\n').map(plain).filter(Boolean);
  // Counted where a line starts, so a one-word sign-off ("Best") is not found in "the best way".
  let starts = 0;
  for (let i = 0; i < lines.length; i++) if (lines.slice(i).join(' ').startsWith(wanted)) starts++;
  if (starts >= 2) return { level: 'error', code: 'sign-off-doubled', message: `the sign-off "${signOff.trim()}" appears ${starts} times` };
  const tail = lines.slice(-4).join(' ');
  if (tail.includes(wanted)) return undefined;
  // A draft in another language than the profile's translates the sign-off; its name line must stay.
  const profileLanguage = normaliseLanguage(String(profile.language ?? ''));
  if (language && profileLanguage && language !== profileLanguage) {
    const nameLine = plain(signOff.split('\n').filter((l) => l.trim()).pop() ?? '');
    const sender = plain(String(profile.sender?.name ?? ''));
    const names = [nameLine, sender].filter((n) => n && n !== wanted);
    if (names.some((n) => tail.includes(n))) return undefined;
  }
  return { level: 'warning', code: 'sign-off-missing', message: `the draft does not end with the sign-off "${signOff.trim()}"` };
}

// How far from the best guess (in median gaps, see languageGaps) the recipient's language must
// be before the draft is called wrong. Measured: drafts in the wrong language sit at 0.35 and
// above, right drafts franc misjudged (short English read as French or Dutch) at 0.16 and below.
const WRONG_GAP = 0.25;
/** Shorter drafts (an SMS) are not judged: franc is unreliable on a sentence or two. */
const MIN_JUDGED_LETTERS = 60;

/** The detected language when it is clearly not `expected`; undefined when right or unsure. */
function wrongLanguage(body: string, expected: string): string | undefined {
  if (!DETECTABLE.has(expected)) return undefined;
  if ((body.match(/\p{L}/gu)?.length ?? 0) < MIN_JUDGED_LETTERS) return undefined;
  const gaps = languageGaps(body);
  if (!gaps) return undefined;
  const [best] = gaps.keys();
  if (!best || sameLanguage(best, expected)) return undefined;
  const expectedGap = Math.min(...[...gaps].filter(([code]) => sameLanguage(code, expected)).map(([, g]) => g));
  return expectedGap >= WRONG_GAP ? best : undefined;
}
